"""Sheets as an Excel workbook (openpyxl): heading and notes above a styled, frozen, filterable header row;
numbers stored as numbers, percentages as Excel percentages, dates as dates shown dd/mm/yyyy; text neutralised
(``exports.neutralise``) and always stored as text."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from dichvucong.paperwork.text import clean

from .exports import Sheet, neutralise

DATE_FORMAT = "DD/MM/YYYY"
NUMBER_FORMATS = {"int": "#,##0", "decimal": "#,##0.0#", "percent": "0.0%"}
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_THIN = Side(style="thin", color="777777")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="DEE0E2")
_TOTAL_FILL = PatternFill("solid", fgColor="F3F2F1")


def header_row(sheet: Sheet) -> int:
    """Row 1 the heading, then one row per note, a blank row, then the column headings."""
    return len(sheet.notes) + 3


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        _write(workbook.create_sheet(title=_tab_name(sheet.name)), sheet)
    workbook.properties.creator = "Dịch vụ công"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _tab_name(name: str) -> str:
    for bad in "[]:*?/\\":
        name = name.replace(bad, " ")
    return name[:31] or "Sheet"


def _cell_value(value: object, kind: str):
    if value is None:
        return None
    if kind == "percent" and isinstance(value, int | Decimal):
        return float(Decimal(value) / 100)
    if kind in ("int", "decimal") and isinstance(value, int | Decimal):
        return int(value) if isinstance(value, int) else float(value)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float):
        return value
    return neutralise(clean(value))


def _write(ws, sheet: Sheet) -> None:
    last = get_column_letter(len(sheet.columns))
    ws.cell(row=1, column=1, value=neutralise(clean(sheet.heading))).font = Font(bold=True, size=14)
    for number, note in enumerate(sheet.notes, start=2):
        ws.cell(row=number, column=1, value=neutralise(clean(note)))
    head = header_row(sheet)
    for col, column in enumerate(sheet.columns, start=1):
        cell = ws.cell(row=head, column=col, value=neutralise(clean(column.label)))
        cell.font = Font(bold=True)
        cell.fill = _HEAD_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(col)].width = column.width
    ws.row_dimensions[head].height = 45

    number = head
    body = [(row, False) for row in sheet.rows] + ([(sheet.totals, True)] if sheet.totals else [])
    for values, is_total in body:
        number += 1
        for col, (value, column) in enumerate(zip(values, sheet.columns, strict=True), start=1):
            cell = ws.cell(row=number, column=col, value=_cell_value(value, column.kind))
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, whatever it starts with
                cell.alignment = Alignment(vertical="top", wrap_text=True)
            elif column.kind in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[column.kind]
            elif isinstance(cell.value, dt.date):
                cell.number_format = DATE_FORMAT
            cell.border = _BORDER
            if is_total:
                cell.font = Font(bold=True)
                cell.fill = _TOTAL_FILL

    ws.freeze_panes = ws.cell(row=head + 1, column=1)
    ws.auto_filter.ref = f"A{head}:{last}{head + len(sheet.rows)}"  # the data rows, not the totals
    ws.print_title_rows = f"{head}:{head}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

"""Sổ theo dõi hồ sơ (the dossier ledger) as an Excel workbook and as a landscape PDF table."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, TableStyle

from .data import LedgerRow
from .fonts import fonts
from .layout import build_pdf, grid_table, styles
from .text import clean, ledger_datetime, local, markup

LEDGER_TITLE = "SỔ THEO DÕI HỒ SƠ"
LEDGER_COLUMNS = (
    "Mã hồ sơ",
    "Trích yếu",
    "Số bộ",
    "Chủ hồ sơ",
    "Địa chỉ",
    "SĐT",
    "Ngày tiếp nhận",
    "Ngày hẹn trả",
    "Ngày trả",
    "Người nhận hồ sơ",
    "Địa bàn",
)
# Row of the column headings in the workbook (title, agency and period come first).
LEDGER_HEADER_ROW = 5
EXCEL_DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
_EXCEL_WIDTHS = (28, 48, 7, 24, 36, 14, 17, 17, 17, 22, 22)
_PDF_WIDTHS_MM = (43, 42, 10, 26, 34, 20, 19, 19, 19, 21, 20)


def _excel_text(value: object) -> str:
    return clean(value)


def _excel_datetime(moment: dt.datetime | None) -> dt.datetime | None:
    """Excel has no time zones: the Vietnam wall-clock time, naive."""
    if moment is None:
        return None
    return local(moment).replace(tzinfo=None)


def _row_values(row: LedgerRow) -> list:
    return [
        _excel_text(row.code),
        _excel_text(row.procedure_name),
        int(row.sets),
        _excel_text(row.owner_name),
        _excel_text(row.address),
        _excel_text(row.phone),
        _excel_datetime(row.received_at),
        _excel_datetime(row.due_at),
        _excel_datetime(row.returned_at),
        _excel_text(row.receiving_officer),
        _excel_text(row.area),
    ]


def render_ledger_xlsx(rows: Iterable[LedgerRow], *, agency_name: str, period_text: str) -> bytes:
    """The ledger as .xlsx: title, agency and period on rows 1–3, headings on row 5, one dossier a row.

    Dates are real Excel date-times (Vietnam time) shown as dd/mm/yyyy hh:mm. Text is always stored
    as text, so a value such as "=HYPERLINK(…)" typed by a citizen never becomes a formula.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = "So theo doi"
    last_col = get_column_letter(len(LEDGER_COLUMNS))
    bold = Font(bold=True)
    for row_number, (text, font) in enumerate(
        [(LEDGER_TITLE, Font(bold=True, size=14)), (clean(agency_name), bold), (clean(period_text), Font())],
        start=1,
    ):
        ws.cell(row=row_number, column=1, value=text).font = font
        ws.merge_cells(f"A{row_number}:{last_col}{row_number}")
        ws.cell(row=row_number, column=1).alignment = Alignment(horizontal="center")

    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    fill = PatternFill("solid", fgColor="EEEEEE")
    for col, heading in enumerate(LEDGER_COLUMNS, start=1):
        cell = ws.cell(row=LEDGER_HEADER_ROW, column=col, value=heading)
        cell.font = bold
        cell.fill = fill
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(col)].width = _EXCEL_WIDTHS[col - 1]

    row_number = LEDGER_HEADER_ROW
    wrapped, unwrapped = Alignment(vertical="top", wrap_text=True), Alignment(vertical="top", wrap_text=False)
    for row in rows:
        row_number += 1
        for col, value in enumerate(_row_values(row), start=1):
            cell = ws.cell(row=row_number, column=col, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            elif isinstance(value, dt.datetime):
                cell.number_format = EXCEL_DATETIME_FORMAT
            cell.border = border
            cell.alignment = wrapped if col in (2, 4, 5, 10, 11) else unwrapped

    ws.freeze_panes = ws.cell(row=LEDGER_HEADER_ROW + 1, column=1)
    ws.auto_filter.ref = f"A{LEDGER_HEADER_ROW}:{last_col}{max(row_number, LEDGER_HEADER_ROW)}"
    ws.print_title_rows = f"{LEDGER_HEADER_ROW}:{LEDGER_HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _pdf_datetime(moment: dt.datetime | None) -> str:
    """Time above date, as a plain cell (no paragraph to lay out: thousands of rows add up)."""
    text = ledger_datetime(moment)
    return text.replace(" ", "\n") if text else ""


_PDF_BLOCK_ROWS = 60


def render_ledger_pdf(rows: Iterable[LedgerRow], *, agency_name: str, period_text: str) -> bytes:
    """The ledger as a landscape A4 table; the heading row repeats on every page, pages are numbered."""
    s = styles()
    cell = ParagraphStyle("ledger_cell", parent=s.cell, fontSize=8, leading=9.8)
    center = ParagraphStyle("ledger_center", parent=s.cell_center, fontSize=8, leading=9.8)
    head = ParagraphStyle("ledger_head", parent=s.cell_head, fontSize=8, leading=9.8)
    body = []
    for row in rows:
        body.append(
            [
                Paragraph(markup(row.code), cell),
                Paragraph(markup(row.procedure_name), cell),
                Paragraph(str(int(row.sets)), center),
                Paragraph(markup(row.owner_name), cell),
                Paragraph(markup(row.address), cell),
                Paragraph(markup(row.phone), cell),
                *(_pdf_datetime(moment) for moment in (row.received_at, row.due_at, row.returned_at)),
                Paragraph(markup(row.receiving_officer), cell),
                Paragraph(markup(row.area), cell),
            ]
        )
    widths = [w * mm for w in _PDF_WIDTHS_MM]
    # One table per block of rows: reportlab re-measures a table's remaining rows at every page break, so a
    # single table of thousands of rows costs quadratic time (a month of a busy agency took minutes).
    tables = [
        grid_table(LEDGER_COLUMNS, body[start : start + _PDF_BLOCK_ROWS], widths, head_style=head)
        for start in range(0, max(len(body), 1), _PDF_BLOCK_ROWS)
    ]
    times = [  # the three date-time columns are plain cells
        ("FONTNAME", (6, 1), (8, -1), fonts().regular),
        ("FONTSIZE", (6, 1), (8, -1), 8),
        ("LEADING", (6, 1), (8, -1), 9.8),
        ("ALIGN", (6, 1), (8, -1), "CENTER"),
    ]
    for table in tables:
        table.setStyle(TableStyle(times))
    story = [
        Paragraph(LEDGER_TITLE, s.title),
        Paragraph(markup(agency_name), s.body_center),
        Paragraph(markup(period_text), s.body_center),
        Spacer(0, 6),
        *tables,
    ]
    if not body:
        story.append(Paragraph("(Không có hồ sơ trong kỳ)", s.body_center))
    margins = (12 * mm, 12 * mm, 12 * mm, 15 * mm)
    return build_pdf(
        story,
        title=f"{LEDGER_TITLE} {clean(agency_name)} {clean(period_text)}",
        pagesize=landscape(A4),
        margins=margins,
        always_number=True,
    )

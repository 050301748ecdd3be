"""Sheets as a landscape A4 PDF (reportlab, in the project's Vietnamese serif from ``paperwork.fonts``):
each sheet a heading, its notes and a bordered table whose header row repeats on every page; numbers
right-aligned and written the Vietnamese way (1.234; 12,5%), dates dd/mm/yyyy; pages numbered."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, Spacer, Table, TableStyle

from dichvucong.paperwork.fonts import fonts
from dichvucong.paperwork.layout import build_pdf
from dichvucong.paperwork.text import markup

from .exports import Sheet, display

PAGE = landscape(A4)
MARGINS = (12 * mm, 12 * mm, 12 * mm, 14 * mm)  # left, right, top, bottom
WIDTH = PAGE[0] - MARGINS[0] - MARGINS[1]
CONTENT_TYPE = "application/pdf"


@functools.cache
def _styles() -> dict[str, ParagraphStyle]:
    f = fonts()

    def style(name, size, font, align=TA_LEFT, **kw):
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=size * 1.25, alignment=align, **kw)

    return {
        "heading": style("r-heading", 14, f.bold, TA_CENTER, spaceAfter=4),
        "note": style("r-note", 10, f.italic, TA_CENTER),
        "head": style("r-head", 8.5, f.bold, TA_CENTER),
        "text": style("r-text", 8.5, f.regular),
        "number": style("r-number", 8.5, f.regular, TA_RIGHT),
        "text_total": style("r-text-total", 8.5, f.bold),
        "number_total": style("r-number-total", 8.5, f.bold, TA_RIGHT),
    }


def _table(sheet: Sheet) -> Table:
    s = _styles()
    total_width = sum(c.width for c in sheet.columns)
    widths = [WIDTH * c.width / total_width for c in sheet.columns]
    data = [[Paragraph(markup(c.label), s["head"]) for c in sheet.columns]]
    body = [(row, False) for row in sheet.rows] + ([(sheet.totals, True)] if sheet.totals else [])
    for values, is_total in body:
        cells = []
        for value, column in zip(values, sheet.columns, strict=True):
            numeric = column.kind in ("int", "decimal", "percent")
            key = ("number" if numeric else "text") + ("_total" if is_total else "")
            cells.append(Paragraph(markup(display(value, column.kind)), s[key]))
        data.append(cells)
    table = Table(data, colWidths=widths, repeatRows=1)
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.87, 0.88, 0.89)),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if sheet.totals:
        commands.append(("BACKGROUND", (0, -1), (-1, -1), colors.Color(0.95, 0.95, 0.94)))
    table.setStyle(TableStyle(commands))
    return table


def pdf_bytes(sheets: Sequence[Sheet], *, title: str) -> bytes:
    s = _styles()
    story = []
    for number, sheet in enumerate(sheets):
        if number:
            story.append(PageBreak())
        story.append(Paragraph(markup(sheet.heading), s["heading"]))
        story.extend(Paragraph(markup(note), s["note"]) for note in sheet.notes)
        story.append(Spacer(0, 4 * mm))
        if sheet.rows or sheet.totals:
            story.append(_table(sheet))
        if not sheet.rows:
            story.append(Paragraph(markup("Không có số liệu trong khoảng thời gian này."), s["note"]))
    return build_pdf(
        story, title=title, pagesize=PAGE, margins=MARGINS, footer_text=title, always_number=True
    )

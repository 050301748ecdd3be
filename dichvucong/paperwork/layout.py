"""Building blocks shared by the forms and the ledger: styles, the national header, signatures, QR, pages."""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from .data import Agency
from .fonts import fonts
from .text import clean, markup, place_date_line

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
SIGN_HINT = "(Ký, ghi rõ họ tên)"
PRODUCER = "Dịch vụ công"

FORM_MARGINS = (25 * mm, 15 * mm, 14 * mm, 16 * mm)  # left, right, top, bottom
FORM_WIDTH = A4[0] - FORM_MARGINS[0] - FORM_MARGINS[1]


@dataclass(frozen=True, slots=True)
class Styles:
    body: ParagraphStyle
    body_center: ParagraphStyle
    body_indented: ParagraphStyle
    small: ParagraphStyle
    small_center: ParagraphStyle
    note: ParagraphStyle
    form_number: ParagraphStyle
    header_left: ParagraphStyle
    header_left_bold: ParagraphStyle
    nation: ParagraphStyle
    motto: ParagraphStyle
    place_date: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    cell: ParagraphStyle
    cell_center: ParagraphStyle
    cell_head: ParagraphStyle
    sign_title: ParagraphStyle
    sign_hint: ParagraphStyle
    sign_name: ParagraphStyle


@functools.cache
def styles() -> Styles:
    f = fonts()

    def style(
        name: str, size: float = 11.5, font: str = f.regular, align: int = TA_LEFT, **kw
    ) -> ParagraphStyle:
        kw.setdefault("leading", size * 1.3)
        return ParagraphStyle(name, fontName=font, fontSize=size, alignment=align, **kw)

    return Styles(
        body=style("body", 11, leading=14, spaceBefore=1, spaceAfter=1),
        body_center=style("body_center", 11, align=TA_CENTER, leading=14),
        body_indented=style(
            "body_indented", 11, leading=14, leftIndent=8 * mm, firstLineIndent=-5 * mm, spaceAfter=1
        ),
        small=style("small", 9),
        small_center=style("small_center", 7.5, align=TA_CENTER, leading=9),
        note=style("note", 9.5, f.italic, leading=12, spaceBefore=3),
        form_number=style("form_number", 10, f.italic, TA_RIGHT),
        header_left=style("header_left", 10, align=TA_CENTER, leading=12.5),
        header_left_bold=style("header_left_bold", 10, f.bold, TA_CENTER, leading=12.5),
        nation=style("nation", 11, f.bold, TA_CENTER, leading=13.5),
        motto=style("motto", 12, f.bold, TA_CENTER, leading=14),
        place_date=style("place_date", 11.5, f.italic, TA_CENTER),
        title=style("title", 14, f.bold, TA_CENTER, spaceBefore=8, spaceAfter=1),
        subtitle=style("subtitle", 12, f.bold, TA_CENTER, spaceAfter=6),
        cell=style("cell", 10.5, leading=13),
        cell_center=style("cell_center", 10.5, align=TA_CENTER, leading=13),
        cell_head=style("cell_head", 10.5, f.bold, TA_CENTER, leading=13),
        sign_title=style("sign_title", 11, f.bold, TA_CENTER),
        sign_hint=style("sign_hint", 10, f.italic, TA_CENTER),
        sign_name=style("sign_name", 11, f.bold, TA_CENTER),
    )


class Rule(Flowable):
    """A short horizontal line centred in the available width (the header underlines)."""

    def __init__(self, width: float, thickness: float = 0.6, above: float = 3.5, below: float = 1.5):
        super().__init__()
        self.rule_width = width
        self.thickness = thickness
        self.above = above
        self.below = below
        self._avail = width

    def wrap(self, avail_width, avail_height):
        self._avail = avail_width
        return avail_width, self.above + self.below

    def draw(self):
        x = (self._avail - self.rule_width) / 2
        self.canv.setLineWidth(self.thickness)
        self.canv.line(x, self.below, x + self.rule_width, self.below)


@functools.lru_cache(maxsize=256)
def _qr_runs(data: str) -> tuple[int, tuple[tuple[int, int, int], ...]]:
    """The QR matrix as horizontal runs of dark modules: (size, ((row, start, length), ...))."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    runs = []
    for row, line in enumerate(matrix):
        start = None
        for col, dark in enumerate([*line, False]):
            if dark and start is None:
                start = col
            elif not dark and start is not None:
                runs.append((row, start, col - start))
                start = None
    return len(matrix), tuple(runs)


class QRFlowable(Flowable):
    """A vector QR code (drawn from the ``qrcode`` matrix: sharp at any zoom, no image)."""

    def __init__(self, data: str, size: float):
        super().__init__()
        self.data = data
        self.size = size
        self.hAlign = "CENTER"

    def wrap(self, avail_width, avail_height):
        return self.size, self.size

    def draw(self):
        modules, runs = _qr_runs(self.data)
        unit = self.size / modules
        canv = self.canv
        canv.setFillColor(colors.black)
        path = canv.beginPath()
        for row, start, length in runs:
            path.rect(start * unit, self.size - (row + 1) * unit, length * unit, unit)
        canv.drawPath(path, stroke=0, fill=1)


def national_header(agency: Agency, moment: dt.datetime | dt.date, form_number: str) -> list[Flowable]:
    """ "Mẫu số …", agency block left, nation and motto (underlined) right, then the place-date line."""
    s = styles()
    f = fonts()
    left_width = FORM_WIDTH * 0.45
    right_width = FORM_WIDTH - left_width
    agency_name = clean(agency.name).upper()
    left: list[Flowable] = []
    if clean(agency.parent_name):
        left.append(Paragraph(markup(agency.parent_name.upper()), s.header_left))
    left.append(Paragraph(markup(agency_name), s.header_left_bold))
    name_width = min(stringWidth(agency_name, f.bold, 10), left_width)
    left.append(Rule(max(name_width / 3, 20 * mm)))
    right = [
        Paragraph(NATION, s.nation),
        Paragraph(MOTTO, s.motto),
        Rule(stringWidth(MOTTO, f.bold, 12)),
    ]
    table = Table(
        [[left, right], ["", Paragraph(markup(place_date_line(agency.place_name, moment)), s.place_date)]],
        colWidths=[left_width, right_width],
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return [Paragraph(markup(form_number), s.form_number), Spacer(0, 2), table]


def title_block(title: str, code: str) -> list[Flowable]:
    s = styles()
    return [Paragraph(markup(title), s.title), Paragraph(f"Mã hồ sơ: {markup(code)}", s.subtitle)]


def line(label: str, value: object, *, bold: bool = False) -> Paragraph:
    """ "Label: value" as a body paragraph; the value is escaped (it is citizen data)."""
    text = markup(value) or "…"
    if bold:
        text = f"<b>{text}</b>"
    return Paragraph(f"{markup(label)}: {text}", styles().body)


def grid_table(
    header: Sequence[str],
    rows: list[list],
    widths: Sequence[float],
    *,
    head_style: ParagraphStyle | None = None,
) -> Table:
    """A bordered table whose header row repeats when it flows onto the next page."""
    head_style = head_style or styles().cell_head
    data = [[Paragraph(markup(h), head_style) for h in header], *rows]
    table = Table(data, colWidths=list(widths), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.93, 0.93, 0.93)),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def signatures(left_title: str, left_name: str, right_title: str, right_name: str) -> Flowable:
    """Two signature blocks side by side, kept together on one page."""
    s = styles()

    def block(title: str, name: str) -> list[Flowable]:
        return [
            Paragraph(markup(title), s.sign_title),
            Paragraph(SIGN_HINT, s.sign_hint),
            Spacer(0, 20 * mm),
            Paragraph(markup(name), s.sign_name),
        ]

    table = Table(
        [[block(left_title, left_name), block(right_title, right_name)]],
        colWidths=[FORM_WIDTH / 2, FORM_WIDTH / 2],
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return KeepTogether([Spacer(0, 8), table])


def _numbered_canvas(footer_text: str, always: bool, font: str, font_size: float):
    """A canvas class that writes "Trang n/N" (after the whole document is laid out)."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                if always or total > 1:
                    width, _height = self._pagesize
                    text = f"Trang {number}/{total}"
                    if footer_text:
                        text = f"{footer_text} - {text}"
                    self.setFont(font, font_size)
                    self.drawRightString(width - 15 * mm, 9 * mm, text)
                super().showPage()
            super().save()

    return NumberedCanvas


def build_pdf(
    story: list[Flowable],
    *,
    title: str,
    pagesize=A4,
    margins=FORM_MARGINS,
    footer_text: str = "",
    always_number: bool = False,
) -> bytes:
    buffer = io.BytesIO()
    left, right, top, bottom = margins
    doc = BaseDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=left,
        rightMargin=right,
        topMargin=top,
        bottomMargin=bottom,
        title=clean(title),
        author=PRODUCER,
        creator=PRODUCER,
        lang="vi-VN",
    )
    # No frame padding: FORM_WIDTH is the whole width between the margins.
    frame = Frame(
        left, bottom, doc.width, doc.height, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0
    )
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    canvas_class = _numbered_canvas(clean(footer_text), always_number, fonts().italic, 9)
    doc.build(story, canvasmaker=canvas_class)
    return buffer.getvalue()

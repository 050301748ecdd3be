"""A blank declaration (tờ khai, mẫu đơn) to print and fill in by hand, drawn from its template's items.

The items come from the official template (``FormTemplate.fields``); the layout follows the usual
shape of the Ministry templates: nation and motto, the title, "Kính gửi", one dotted line per item,
the pledge, the place-and-date line and the signature blocks.
"""

from __future__ import annotations

import functools

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from dichvucong.catalogue.models import FormTemplate
from dichvucong.paperwork.fonts import fonts
from dichvucong.paperwork.layout import (
    FORM_WIDTH,
    MOTTO,
    NATION,
    SIGN_HINT,
    Rule,
    build_pdf,
    styles,
)
from dichvucong.paperwork.text import markup

BODY_SIZE = 11


def _dots(width: float) -> str:
    font = fonts().regular
    count = int((width - 2) / stringWidth(".", font, BODY_SIZE))
    return "." * max(count, 0)


@functools.cache
def _answer_style() -> ParagraphStyle:
    """Body text with room to write by hand between the lines."""
    return ParagraphStyle("answer", parent=styles().body, leading=21, spaceBefore=0, spaceAfter=0)


def _dotted(label: str, lines: int) -> list:
    """The item's label followed by dotted answer lines filling the width."""
    style = _answer_style()
    head = f"{label}: "
    head_width = stringWidth(head, fonts().regular, BODY_SIZE)
    items = []
    if head_width < FORM_WIDTH * 0.7:
        items.append(Paragraph(markup(head) + _dots(FORM_WIDTH - head_width), style))
    else:
        items.append(Paragraph(markup(head), style))
        lines += 1
    items += [Paragraph(_dots(FORM_WIDTH), style) for _ in range(lines - 1)]
    return items


def _signatures(signers: list[str]) -> Table:
    s = styles()
    width = FORM_WIDTH / max(len(signers), 1)
    blocks = [
        [Paragraph(markup(signer.upper()), s.sign_title), Paragraph(SIGN_HINT, s.sign_hint), Spacer(0, 22)]
        for signer in signers
    ]
    table = Table([blocks], colWidths=[width] * len(signers))
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def render_form_template_pdf(form: FormTemplate) -> bytes:
    s = styles()
    story: list = [
        Paragraph(NATION, s.nation),
        Paragraph(MOTTO, s.motto),
        Rule(stringWidth(MOTTO, fonts().bold, 12)),
        Spacer(0, 6),
        Paragraph(markup(form.heading or form.name.upper()), s.title),
    ]
    if form.legal_source:
        story.append(Paragraph(f"({markup(form.legal_source)})", s.sign_hint))
    story.append(Spacer(0, 6))
    if form.addressee:
        story.append(Paragraph(f"Kính gửi: {markup(form.addressee)}", s.body_center))
        story.append(Spacer(0, 6))
    for entry in form.fields:
        if entry.get("section"):
            story.append(Spacer(0, 4))
            story.append(Paragraph(f"<b>{markup(entry['section'])}</b>", s.body))
        elif entry.get("pledge"):
            story.append(Spacer(0, 4))
            story.append(Paragraph(markup(entry["pledge"]), s.body))
        elif entry.get("label"):
            story.extend(_dotted(entry["label"], max(1, min(int(entry.get("lines", 1)), 8))))
    story.append(Spacer(0, 8))
    story.append(Paragraph("Làm tại: …………………, ngày …… tháng …… năm ……", s.place_date))
    story.append(KeepTogether([Spacer(0, 4), _signatures(list(form.signers) or ["Người yêu cầu"])]))
    return build_pdf(story, title=form.name, footer_text=form.name)

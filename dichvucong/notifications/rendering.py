"""Templates to text: what is rendered here is stored in the outbox and is exactly what is sent.

SMS and diacritics: a brand-name SMS in GSM-7 holds 160 characters, but Vietnamese letters with diacritics
are not in GSM-7, so the message goes out as UCS-2 with 70 characters per part (and costs more per part).
Vietnamese brand-name SMS therefore commonly drops the diacritics. Each SMS provider says whether it sends
Unicode (`DVC_ESMS_UNICODE`, `DVC_DEMO_SMS_UNICODE`, both off by default); when it does not, the rendered
body goes through `strip_diacritics`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation

from dichvucong.notifications.events import EMAIL, SMS, Event

_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")
SMS_MAX_CHARS = 160


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


# Typographic punctuation (from templates or filters such as truncatechars) that GSM-7 lacks.
_PLAIN_PUNCTUATION = str.maketrans(
    {
        "…": "...",
        "–": "-",
        "—": "-",
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
        "\u00a0": " ",
        "đ": "d",
        "Đ": "D",
    }
)


def strip_diacritics(text: str) -> str:
    """'Mã xác thực Đăng ký…' -> 'Ma xac thuc Dang ky...'. Case, digits and punctuation are kept."""
    decomposed = unicodedata.normalize("NFD", text.translate(_PLAIN_PUNCTUATION))
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def _one_line(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _paragraphs(text: str) -> str:
    lines = [_SPACES.sub(" ", line).strip() for line in unicodedata.normalize("NFC", text).splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def template_name(event: Event, channel: str, part: str = "") -> str:
    return f"notifications/{event.code}/{part or channel}.txt"


def render(*, event: Event, channel: str, context: dict, unicode: bool = True) -> Rendered:
    """Render the event's template for a channel: NFC text; SMS and Zalo on one line."""
    with translation.override("vi"):
        body = render_to_string(template_name(event, channel), context)
        subject = (
            render_to_string(template_name(event, channel, "subject"), context) if channel == EMAIL else ""
        )
    if channel == EMAIL:
        return Rendered(subject=_one_line(subject), body=_paragraphs(body))
    body = _one_line(body)
    if channel == SMS and not unicode:
        body = strip_diacritics(body)
    return Rendered(subject="", body=body)

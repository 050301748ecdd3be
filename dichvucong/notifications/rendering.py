"""Templates to text: what is rendered here is stored in the outbox and is exactly what is sent.

SMS and diacritics: a brand-name SMS in GSM-7 holds 160 characters, but Vietnamese letters with diacritics
are not in GSM-7, so the message goes out as UCS-2 with 70 characters per part (and costs more per part).
Vietnamese brand-name SMS therefore commonly drops the diacritics. Each SMS provider says whether it sends
Unicode (`DVC_ESMS_UNICODE`, `DVC_DEMO_SMS_UNICODE`, both off by default); when it does not, the rendered
body goes through `strip_diacritics`.

Text a citizen typed (a name, a carrier's "delivered to") goes into official messages only through
`citizen_text`: quoted, one line, at most 40 characters, without links, so that it never reads as the
agency's own words ("Nguyen Van A\nBấm http://evil.vn/x để nhận tiền" becomes “Nguyen Van A Bấm để nhận
tiền”). notify() applies it to the context keys in CITIZEN_TEXT_KEYS before any template sees them.
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

# Context keys whose values come from a citizen (or a carrier), not from the agency.
CITIZEN_TEXT_KEYS = frozenset({"full_name", "applicant_name", "owner_name", "delivered_to"})
CITIZEN_TEXT_MAX_CHARS = 40
# Links in any form a phone or mail client turns into one: scheme://…, www.…, a bare domain (evil.vn/x),
# an e-mail address.
_LINK = re.compile(
    r"(?:[a-z][a-z0-9+.-]*://|www\.)\S*"
    r"|(?:[\w.+-]+@)?(?:[\w-]+\.)+[a-z]{2,}\b(?:[/?#:]\S*)?",
    re.IGNORECASE,
)
_QUOTES = str.maketrans({q: "'" for q in '"“”„‟«»‹›`'})


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


def citizen_text(value: object, *, limit: int = CITIZEN_TEXT_MAX_CHARS) -> str:
    """Free text from a citizen as a quoted, one-line, link-free name of at most `limit` characters."""
    text = unicodedata.normalize("NFC", str(value))
    # Line breaks, tabs, control and format characters (bidi overrides, zero-width) become spaces.
    text = "".join(" " if unicodedata.category(ch)[0] in "CZ" and ch != " " else ch for ch in text)
    text = _LINK.sub(" ", text).translate(_QUOTES)
    text = " ".join(text.split())
    if not text:
        return ""
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return f"“{text}”"


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

"""Text rules for feedback: the citizen's words are plain text (escaped wherever shown); a staff answer may
carry a little formatting, sanitised to a small allowlist; what the public list shows is masked.

Masking (applied once, when an answer is published, to the title, the content and the answer):
- e-mail addresses, 12-digit ID numbers (CCCD, also typed in groups "038 090 012 345"), phone numbers
  (mobile and landline, "+84 912 345 678", "0912.345.678", "0237 3850 000") become "***";
- the sender's name, wherever it appears (any letter case), becomes "***".
"""

from __future__ import annotations

import re
import unicodedata
from html import unescape

import nh3
from django.utils.html import escape

from dichvucong.core.text import fold, nfc

MASK = "***"
ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https"}

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_ID_NUMBER = re.compile(r"(?<![\d+])\d{3}[ .]?\d{3}[ .]?\d{3}[ .]?\d{3}(?!\d)")
# +84 / 84 / 0 then 8–10 more digits, single spaces, dots, dashes or brackets between them.
_PHONE = re.compile(r"(?<![\w+])(?:\(?\+84\)?|84|0)(?:[\s.\-()]?\d){8,10}(?!\d)")
_PARAGRAPHS = re.compile(r"\n\s*\n")
_TAG = re.compile(r"</?[a-zA-Z]")
_BLOCK_TAG = re.compile(
    r"</?(?:p|br|ul|ol|li|div|h[1-6]|blockquote|table|thead|tbody|tr|td|th|pre|hr|section|article)\b",
    re.IGNORECASE,
)
_B_I = re.compile(r"<(/?)(b|i)(?:\s[^<>]*)?>", re.IGNORECASE)
_LINE_BREAKS = re.compile(r"[ \t]*\n[ \t]*")


def mask_personal_data(text: str, *, names: tuple[str, ...] = ()) -> str:
    """``text`` with e-mail addresses, ID numbers, phone numbers and the given names replaced by ***."""
    if not text:
        return ""
    masked = _EMAIL.sub(MASK, text)
    masked = _ID_NUMBER.sub(MASK, masked)
    masked = _PHONE.sub(MASK, masked)
    for name in names:
        name = nfc(name)
        if len(name) >= 2:
            pattern = r"\s+".join(re.escape(part) for part in name.split(" "))
            masked = re.sub(pattern, MASK, unicodedata.normalize("NFC", masked), flags=re.IGNORECASE)
    return masked


def sanitise_answer(raw: str) -> str:
    """A staff answer as safe HTML: p, br, strong, em, ul, ol, li and links (http/https only).

    - b and i become strong and em (their attributes dropped);
    - text without block structure (no p, br, list, div, heading, quote or table tag) gets it from its
      lines: a blank line starts a new paragraph, a single newline becomes <br>; plain text (no tag at all)
      is escaped first, text with inline tags (strong, em, a) is left to the sanitiser;
    - then the allowlist: any other tag is dropped (its words kept; script and style with their content)."""
    text = (raw or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    text = _B_I.sub(lambda m: f"<{m.group(1)}{'strong' if m.group(2).lower() == 'b' else 'em'}>", text)
    if not _TAG.search(text):
        text = _paragraphs(text, escape)
    elif not _BLOCK_TAG.search(text):
        text = _paragraphs(text, lambda part: part)
    cleaned = nh3.clean(
        text,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        url_relative="deny",
        link_rel="nofollow noopener noreferrer",
        clean_content_tags={"script", "style"},
    )
    return cleaned.strip()


def _paragraphs(text: str, prepare) -> str:
    parts = [part.strip() for part in _PARAGRAPHS.split(text) if part.strip()]
    return "".join(f"<p>{_LINE_BREAKS.sub('<br>', prepare(part))}</p>" for part in parts)


def answer_is_empty(html: str) -> bool:
    """True when the sanitised answer holds no words (only tags or spaces)."""
    return not nfc(nh3.clean(html or "", tags=set())).strip()


def public_search_text(*, code: str, procedure_code: str, title: str, content: str) -> str:
    """What the public search matches: the masked copies only (a masked phone number finds nothing),
    folded like the catalogue search (no accents, lower case, words of letters and digits)."""
    return fold(" ".join((code or "", procedure_code or "", title or "", content or "")))


_LAYOUT_OR_INLINE = re.compile(r"<(?!/?(?:p|br|strong|em)>|a\s[^>]*>|/a>)")
_ANY_TAG = re.compile(r"<[^>]*>")


def answer_for_editing(html: str) -> str:
    """A saved draft back in the answer box as it was typed: paragraphs and line breaks become blank lines and
    newlines again (so editing keeps them: see ``sanitise_answer``); bold, italic and links stay as tags; an
    answer with lists or other structure keeps its HTML."""
    if not html or _LAYOUT_OR_INLINE.search(html):
        return html or ""
    text = html.replace("<br>", "\n").replace("</p><p>", "\n\n").removeprefix("<p>").removesuffix("</p>")
    # Only words left: show them unescaped. Inline tags left: keep the entities, the text is still HTML.
    return text if _ANY_TAG.search(text) else unescape(text)

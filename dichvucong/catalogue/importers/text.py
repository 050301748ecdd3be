"""Text helpers and field statuses shared by the national record parsers."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from dichvucong.catalogue.importers.records import FieldReport

PARSED = "parsed"
PARTIAL = "partial"
EMPTY = "empty"
FAILED = "failed"
SKIPPED = "skipped"  # the source has a value, but no field of ours holds it: not imported

CODE_RE = re.compile(r"^\d\.\d{6}$")
NO_INFO = "không có thông tin"
MAX_VND = 1_000_000_000
MAX_FOREIGN = 1_000_000
MAX_TEXT = 200_000  # longer values are truncated before parsing (a safety net, not a real limit)


# --------------------------------------------------------------------------------------------------
# Text helpers
# --------------------------------------------------------------------------------------------------
def clean(text: str) -> str:
    """NFC, non-breaking spaces to spaces, every whitespace run to one space, stripped."""
    text = unicodedata.normalize("NFC", text)
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


def clean_multiline(text: str) -> str:
    """Like :func:`clean` but keeps one line break between non-empty lines (for steps, conditions)."""
    text = unicodedata.normalize("NFC", text).replace("\xa0", " ")
    lines = (re.sub(r"[ \t\f\v]+", " ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def is_empty_text(text: str) -> bool:
    stripped = text.strip(" -\n\t").lower()
    return stripped in ("", NO_INFO, "không", "không có")


def as_text(value: object) -> tuple[str, str]:
    """Return ``(text, problem)``: any JSON value made into text, ``problem`` non-empty when coerced."""
    if value is None:
        return "", ""
    if isinstance(value, str):
        return value[:MAX_TEXT], ""
    if isinstance(value, bool):
        return "", f"boolean {value!r} instead of text"
    if isinstance(value, int | float):
        return str(value), f"number {value!r} instead of text"
    if isinstance(value, list):
        parts = [as_text(item)[0] for item in value]
        return ", ".join(p for p in parts if p)[:MAX_TEXT], "list instead of text; items joined"
    return "", f"unexpected type {type(value).__name__}"


def strip_diacritics(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", strip_diacritics(text).lower()).strip("-")


def split_top_level(text: str, sep: str = ",") -> list[str]:
    """Split on ``sep`` outside parentheses: "Tổ chức (không bao gồm doanh nghiệp, HTX), Doanh nghiệp"."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        if ch == sep and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [clean(p) for p in parts if clean(p)]


def take_parenthesised(text: str, start: int) -> tuple[str, int]:
    """``text[start]`` is "(": return the inner text of the balanced group and the index after it.

    Unbalanced groups run to the end of the text (the portal sometimes drops the closing bracket).
    """
    depth = 0
    for index in range(start, len(text)):
        if text[index] == "(":
            depth += 1
        elif text[index] == ")":
            depth -= 1
            if depth == 0:
                return text[start + 1 : index], index + 1
    return text[start + 1 :], len(text)


@dataclass
class FieldOutcome:
    status: str
    notes: list[str] = field(default_factory=list)

    def flag(self, note: str) -> None:
        self.status = PARTIAL if self.status != FAILED else FAILED
        self.notes.append(note)

    def note(self, note: str) -> None:
        self.notes.append(note)

    def report(self, name: str) -> FieldReport:
        return FieldReport(name=name, status=self.status, detail="; ".join(dict.fromkeys(self.notes))[:500])

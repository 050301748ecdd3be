"""Vietnamese text helpers shared by search, importers and display."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z]+")
_SPACES = re.compile(r"\s+")


def nfc(text: str | None) -> str:
    """Unicode NFC with collapsed white space: the one form every stored text takes."""
    if not text:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(text))).strip()


def fold(text: str | None) -> str:
    """Accent-free, lower-case, punctuation-free form used for search.

    "Thủ tục đăng ký khai sinh" -> "thu tuc dang ky khai sinh". The letter đ/Đ is not a
    combining form in Unicode, so it is mapped by hand.
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", stripped.lower()).strip()


def search_terms(query: str | None, *, max_chars: int = 200, max_terms: int = 12) -> list[str]:
    """Safe search terms: folded words of letters and digits only, bounded in number and length."""
    folded = fold((query or "")[: max_chars * 4])[:max_chars]
    terms: list[str] = []
    for word in folded.split():
        if word not in terms:
            terms.append(word[:40])
        if len(terms) == max_terms:
            break
    return terms

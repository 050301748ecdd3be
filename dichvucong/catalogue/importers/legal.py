"""Legal bases: the flattened table of ``can_cu_phap_ly``."""

from __future__ import annotations

import re

from dichvucong.catalogue.importers.ministries import MINISTRY_ABBREVIATIONS
from dichvucong.catalogue.importers.records import LegalBasisRecord
from dichvucong.catalogue.importers.text import EMPTY, FAILED, PARSED, FieldOutcome, clean, strip_diacritics

# --------------------------------------------------------------------------------------------------
# Legal bases (can_cu_phap_ly)
# --------------------------------------------------------------------------------------------------
LEGAL_TABLE_HEADER = "Tên văn bản pháp lýMã văn bản"
# "123/2015/NĐ-CP", "163/QĐ-BTP", "60/2014/QH13", "66.7/2025/NQ-CP", "11/QĐ-TTg", and the typos seen in
# the source: "198/2016/TT/BTC", "165/2024/NĐ- CP", "31/2025/TT_BCA". The suffix is upper-case
# segments; "QH13"-style segments take at most two digits, which stops "QH1360/2014/QH13" (a title
# ending with the number, glued to the number cell) at "QH13". No look-behind: after such a title the
# next search starts right after "QH13", inside the digit run.
_UPPER = "A-Z" + "".join(
    ch for ch in map(chr, range(0xC0, 0x1EFA)) if ch.isupper() and strip_diacritics(ch).isascii()
)
# Digits inside the suffix belong only to a legislature ("QH13", "UBTVQH14": exactly two) or to a
# department code ("C06"); "NĐ-CP280/2025/NĐ-CP" is a number glued to the next one, and the suffix
# starts with a letter ("24/2024" at the end is not "24/20" + "24").
_SEGMENT = rf"(?:TTg|(?:UBTVQH|QH)\d{{2}}|[{_UPPER}]\d{{2}}(?![\d/])|[{_UPPER}]+)"
_SEPARATOR = rf"\s?(?:[-_]|/(?=[{_UPPER}]))\s?"
LEGAL_NUMBER_RE = re.compile(
    rf"(\d+(?:\.\d+)?)/(?:(\d{{4}})/)?({_SEGMENT}(?:{_SEPARATOR}{_SEGMENT})*)"
    rf"|(\d+)/(\d{{4}})$"
)
# A full date glued to the number cell that follows it.
GLUED_DATE_RE = re.compile(r"(?<!\d)(\d{1,2}/\d{1,2}/(?:19|20)\d\d)(?=\d{1,4}(?:\.\d+)?/)")
# "(X13)" after a number: the department that drafted it, inside the number cell.
DEPARTMENT_TAG_RE = re.compile(r"\([A-ZĐ]\d{1,3}\)")
BARE_DOC_TYPE_RE = re.compile(
    r"(?:Luật|Bộ luật|Nghị định|Thông tư(?: liên tịch)?|Quyết định|Nghị quyết|Pháp lệnh|Văn bản)(?: số)?"
)
DOC_TYPE_TAIL_RE = re.compile(
    r"(?:Luật|Bộ luật|Nghị định|Thông tư(?: liên tịch)?|Quyết định|Nghị quyết|Pháp lệnh|Văn bản)(?: số)?\s*$"
)
# Capitalised titles glued after a number: "120/2025/NĐ-CPTHÔNG TƯ SỬA ĐỔI".
CAPS_TITLE_START_RE = re.compile(r"(?<=[A-Z0-9])(?:THÔNG|LUẬT|NGHỊ|QUYẾT|QUY|BỘ|HƯỚNG|SỬA|VỀ|CHỈ|VĂN)")
# Lower-case words that continue a title right after a number ("53/2025/TT-BCAngày 01/7/2025").
TITLE_CONTINUATION_WORDS = (
    "ngày",
    "của",
    "về",
    "và",
    "năm",
    "được",
    "ban",
    "sửa",
    "theo",
    "tại",
    "do",
    "hướng",
    "quy",
)
# Issuer codes that end a number; used to decide whether "BTChông" is "BTC" + "hông" or "BT" + "Chông".
ISSUER_CODES = frozenset(MINISTRY_ABBREVIATIONS) | {"CP", "UBND", "HĐND", "TTg", "CTN", "TANDTC", "VKSNDTC"}
# A title that ends with its own number, glued to the number cell: "Thông tư 110/2020/TT-BCA110/2020/...".
DUPLICATE_NUMBER_RE = re.compile(r"(\d+(?:\.\d+)?/(?:\d{4}/)?[A-ZĐ][^\s/]*?)(?=\1(?!\d))")


def _known_code_prefix_end(suffix: str) -> int | None:
    """ "NĐ-CPBAN HÀNH": the last segment starts with a known issuer code and goes on in capitals."""
    last = re.split(r"[-_/ ]", suffix)[-1]
    if last in ISSUER_CODES or not last.isalpha():
        return None
    for length in range(len(last) - 3, 1, -1):
        if last[:length] in ISSUER_CODES:
            return len(suffix) - len(last) + length
    return None


def _legal_match_end(body: str, match: re.Match[str]) -> tuple[str, int, bool]:
    """Trimmed suffix, its end in ``body`` and whether the title goes on after it."""
    suffix = match.group(3)
    end = match.end()
    caps = CAPS_TITLE_START_RE.search(suffix)
    cut = caps.start() if caps else _known_code_prefix_end(suffix)
    if cut is not None:
        end -= len(suffix) - cut
        suffix = suffix[:cut]
    following = re.match(r"[a-zà-ỹ]+", body[end:])
    if following:
        if following.group(0) in TITLE_CONTINUATION_WORDS:
            return suffix, end, True
        last_segment = re.split(r"[-_/ ]", suffix)[-1]
        if len(suffix) > 1 and suffix[-1].isupper() and last_segment not in ISSUER_CODES:
            suffix, end = suffix[:-1], end - 1  # "NĐ-CPLuật": the "L" starts the next title
    trimmed = suffix.rstrip(" -_/")
    return trimmed, end - (len(suffix) - len(trimmed)), False


def _legal_number(match: re.Match[str], suffix: str) -> tuple[str, int]:
    """Normalised number and its start; "năm 202446/2024/QH15" → "46/2024/QH15" (glued year dropped)."""
    if match.group(4) is not None:  # "24/2024" at the very end: no type suffix given
        return f"{match.group(4)}/{match.group(5)}", match.start()
    digits = match.group(1)
    start = match.start()
    if len(digits) >= 5 and re.match(r"(19|20)\d\d", digits):
        digits = digits[4:]
        start += 4
    suffix = re.sub(r"\s?[-_/]\s?", "-", suffix)
    year = f"{match.group(2)}/" if match.group(2) else ""
    return f"{digits}/{year}{suffix}", start


def _is_cell_end(text: str, end: int) -> bool:
    """A number ends the "Mã văn bản" cell when the next row (or the end) follows."""
    following = text[end : end + 2]
    if not following.strip():
        return True
    if following[0].isdigit():
        return False  # the title ends with the number and the cell repeats it: "Luật 60/2014/QH1360/..."
    if following[0] == " ":
        return following[1:2].isupper()
    return following[0].isupper() or following[0] in '(“"-'


def _title_before(body: str, position: int, start: int) -> str:
    title = clean(body[position:start])
    # "...của Bộ trưởng Bộ Tư phápThông tư số 03/2023/TT-BTP": the number cell repeats the type.
    glued = DOC_TYPE_TAIL_RE.search(title)
    if glued and glued.start() > 0 and not title[glued.start() - 1].isspace():
        title = title[: glued.start()]
    return title.rstrip(" .;,")


def _number_inside_title(title: str, body: str, start: int, end: int, match: re.Match[str]) -> bool:
    """ "Thông tư số 66/2023/TT-BCA Sửa đổi, bổ sung…66/2023/TT-BCA": a title of a bare document type
    cannot be a whole row when the same number comes again later as its cell."""
    if not BARE_DOC_TYPE_RE.fullmatch(title) or body[start - 1 : start] != " ":
        return False
    head = body[start:end].split("/")[0] + "/"
    return head in body[end:]


def parse_legal_bases(text: str) -> tuple[list[LegalBasisRecord], FieldOutcome]:
    outcome = FieldOutcome(PARSED)
    body = clean(text.replace(LEGAL_TABLE_HEADER, "", 1))
    body = DUPLICATE_NUMBER_RE.sub(r"\1 ", body)
    body = GLUED_DATE_RE.sub(r"\1 ", body)  # "…ngày 01/01/2017120/2016/NĐ-CP" → "…01/01/2017 120/…"
    bases: list[LegalBasisRecord] = []
    position = 0
    for match in LEGAL_NUMBER_RE.finditer(body):
        if match.start() < position:
            continue
        if match.group(4) is not None:
            suffix, end, continues = "", match.end(), False
        else:
            suffix, end, continues = _legal_match_end(body, match)
        department = DEPARTMENT_TAG_RE.match(body, end)  # "21/2007/TT-BCA(X13)": part of the cell
        end = department.end() if department else end
        if continues or not _is_cell_end(body, end):
            continue
        number, start = _legal_number(match, suffix)
        title = _title_before(body, position, start)
        if _number_inside_title(title, body, start, end, match):
            continue
        position = end
        bases.append(LegalBasisRecord(title=title or number, number=number))
    tail = clean(body[position:]).strip(" .;,:")
    if tail:
        # Last row whose number cell holds text ("BỘ LUẬT HÀNG HẢI"): use a number inside the title.
        inner = LEGAL_NUMBER_RE.search(tail)
        number = _legal_number(inner, inner.group(3) or "")[0] if inner else ""
        bases.append(LegalBasisRecord(title=tail[:500], number=number))
        if number:
            outcome.note(f"number of the last document taken from its title ({number})")
        else:
            outcome.flag(f"document without a number: '{tail[:60]}'")
    if not any(b.number for b in bases):
        outcome.status = FAILED if bases else EMPTY
        outcome.note("no document number found")
    return bases, outcome

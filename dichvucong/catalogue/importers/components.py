"""Dossier components: the flattened table of ``thanh_phan_ho_so``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dichvucong.catalogue.importers.records import ComponentRecord
from dichvucong.catalogue.importers.text import FAILED, PARSED, FieldOutcome, clean, is_empty_text

# --------------------------------------------------------------------------------------------------
# Dossier components (thanh_phan_ho_so)
# --------------------------------------------------------------------------------------------------
COMPONENT_TABLE_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
# A quantity phrase: "1 bản chính", "0 bản chính,1 bản sao", or the older "Bản chính: 1 Bản sao: 0".
# Whether it is the quantity *cell* of a row or words inside a document name ("(01 bản chính hoặc 01
# bản sao có chứng thực)", "01 bản chính Biên bản…") is decided by what surrounds it: see
# :func:`quantity_cells`.
QUANTITY_RE = re.compile(
    r"(\d+) ?bản chính(?:\s?,\s?(\d+) ?bản sao)?"
    r"|Bản chính\s*:\s*(\d{1,3})\s*,?\s*Bản sao\s*:\s*(\d{1,3})",
)
# What may start the next row right after a cell and a space: a bullet or "(1.3)".
_ROW_START_AFTER_SPACE_RE = re.compile(r" (?:[-+*•]|\(\d)")
_YEAR_RE = re.compile(r"(?:19|20)\d\d")


@dataclass(frozen=True)
class QuantityCell:
    start: int  # where the count begins (digits before it belong to the name)
    end: int
    original: int
    copies: int
    text: str  # "1 bản chính,1 bản sao" as the source gives it


def _ends_cell(text: str, end: int) -> bool:
    """Is the quantity phrase ending at ``end`` a cell, i.e. does the next row (or the end) follow?

    The portal glues the next row straight on ("…1 bản chínhĐơn…", "…1 bản chính- Giấy…",
    "…1 bản chínha) Đối với…", "…1 bản chínhảnh màu…"); words inside a name go on after a space
    ("01 bản chính hoặc…", "01 bản chính Biên bản…") or close a bracket ("(01 bản chính)").
    """
    rest = text[end : end + 3]
    if not rest.strip():
        return True
    first = rest[0]
    if first == ")":
        return False
    if first in ".;,":
        # "…: 02 bản chính. Tại ô …" goes on; "…1 bản chính.+ Đề án" and a final "." end the cell.
        return not rest[1:2].isspace() and first != ","
    if first.isspace():
        return bool(_ROW_START_AFTER_SPACE_RE.match(rest))
    return True


def _count(digits: str, text: str, start: int) -> tuple[int, int]:
    """The count and where it starts. Counts are glued to the name: "…Điều 151 bản chính",
    "…ngày 24/7/20231 bản chính". Keep one digit unless the run is a zero-padded count ("01") or a
    year comes first (the year then belongs to the name)."""
    if len(digits) >= 5 and _YEAR_RE.match(digits) and text[start - 1 : start] in "/ ":
        return int(digits[4:]), start + 4
    if len(digits) == 1 or (len(digits) == 2 and digits.startswith("0")):
        return int(digits), start
    return int(digits[-1]), start + len(digits) - 1


def quantity_cells(text: str) -> list[QuantityCell]:
    """The quantity cells of a flattened component table, in order (``text`` already cleaned)."""
    cells: list[QuantityCell] = []
    for match in QUANTITY_RE.finditer(text):
        if match.group(1) is not None:
            if text[match.start() - 1 : match.start()] == "(" or not _ends_cell(text, match.end()):
                continue
            original, start = _count(match.group(1), text, match.start())
            copies = int(match.group(2)) if match.group(2) else 0
        else:
            start, original, copies = match.start(), int(match.group(3)), int(match.group(4))
        cells.append(QuantityCell(start, match.end(), original, copies, clean(text[start : match.end()])))
    return cells


# Case-insensitive extension, but the look-ahead is case-sensitive: "NA5.docMau02.doc" is two files.
FILE_EXT_RE = re.compile(r"\.(?i:docx?|pdf|xlsx?|odt|rtf|zip|rar)(?![a-z])")
FORM_CODE_RE = re.compile(r"\b[Mm]ẫu(?: số)?\s+([A-ZĐ]{1,5}[-\s]?\d[\w.\-]*)")
CONDITIONAL_RE = re.compile(r"^\W*(trường hợp|đối với trường hợp|nếu|riêng)\b|\(nếu có\)|\bnếu có\b", re.I)


def _file_name_start(text: str) -> tuple[int, bool]:
    """Index where the (first) form file name begins in ``text`` (which ends with that file name),
    and whether that boundary is uncertain.

    File names are glued to the document name: "...theo mẫuMauBankhaichung.docx",
    "...NĐ-CP)Mau so 09d_Phieu yeu cau.docx", "...ký thay.Mẫu TK05.doc". We look for glue points
    (a lower-case letter followed by a capital, ".;:)" followed by a capital, ";:)" by a digit, or a
    sentence-ending "." by a digit: "...Bộ Công an.12-Mẫu NA14.doc")
    and take the last one, extended left over the pieces a file name is glued from (CamelCase ASCII
    "Mau" + "Bankhai...", a form label "Mẫu 03." + "TT41.doc"). A bracket closed in the file name
    opened in it ("…kiểm tra2. BCKTAT (2.NVICC-ĐS.01).pdf"): the start moves back to the word before
    the bracket, and the boundary is uncertain (two lower-case words glued cannot be told apart).
    """
    ext = FILE_EXT_RE.search(text)
    limit = ext.start() if ext else len(text)
    glue = [
        i
        for i in range(1, limit)
        if (text[i - 1].islower() and text[i].isupper())
        or (text[i - 1] in ";:)]" and text[i].isalnum())
        or (text[i - 1] == "." and text[i].isupper())
        or (text[i - 1] == "." and text[i].isdigit() and i > 1 and text[i - 2].isalpha())
    ]
    if glue:
        start = glue[-1]
        for earlier in reversed(glue[:-1]):
            if not _FILE_PART_RE.fullmatch(text[earlier:start]):
                break
            start = earlier
    else:
        start = text.rfind(" ", 0, limit) + 1
    uncertain = False
    if re.fullmatch(r"\s*\(\d+\)", text[start:limit]):  # "…_BCC (1).doc": a download's copy number
        word = text.rfind(" ", 0, max(start - 1, 0)) + 1
        start = max([g for g in glue if word <= g < start] + [word])
        uncertain = start == word
    while text[start:limit].count(")") > text[start:limit].count("("):
        opening = text.rfind("(", 0, start)
        if opening < 0:
            break
        uncertain = True
        word = text.rfind(" ", 0, max(opening - 1, 0)) + 1
        start = max([g for g in glue if g <= opening] + [word])
    return start, uncertain


# Pieces a file name is glued from: ASCII without spaces ("Mau" + "Bankhai", "Mau_so_01_39.2025."),
# or a form label ending in a dot ("Mẫu 03." + "TT41.doc", "Mẫu số 10." + "QLT. buôn bán.docx").
_FILE_PART_RE = re.compile(r"[A-Za-z0-9_.\-]+|[Mm](?:ẫ|a)u(?: s[ốo])? ?[\w\-]{1,6}\.")


def split_name_and_forms(text: str, outcome: FieldOutcome | None = None) -> tuple[str, list[str]]:
    ends = [m.end() for m in FILE_EXT_RE.finditer(text)]
    if not ends:
        return text, []
    first_start, uncertain = _file_name_start(text[: ends[0]])
    if uncertain and outcome is not None:
        outcome.flag(
            f"form file name glued to the document name: '{clean(text[first_start : ends[0]])[:60]}'"
        )
    files = [text[first_start : ends[0]]]
    files += [text[a:b] for a, b in zip(ends, ends[1:], strict=False)]
    return text[:first_start], [clean(f) for f in files if clean(f)]


def clean_component_name(text: str) -> str:
    return clean(text).lstrip("-+*• ").strip()


def case_from_heading(heading: str) -> str:
    text = clean(heading).strip("-*: ")
    return text.rstrip(":").strip()


def component_required(case: str, name: str, original: int, copies: int) -> bool:
    """Rule: documents to *show* ("xuất trình") are not submitted; rows that start with "Trường hợp" /
    "Nếu" or say "(nếu có)" are conditional; a row asking for 0 originals and 0 copies is a note."""
    if "xuất trình" in case.lower() and "nộp" not in case.lower():
        return False
    if CONDITIONAL_RE.search(name):
        return False
    return original + copies > 0


def parse_component_group(case: str, body: str, outcome: FieldOutcome) -> tuple[list[ComponentRecord], str]:
    """Rows of one group; returns the components and the text after the last quantity (next heading)."""
    components: list[ComponentRecord] = []
    position = 0
    for cell in quantity_cells(body):
        row = body[position : cell.start]
        original, copies, quantity_text = cell.original, cell.copies, cell.text
        position = cell.end
        name_text, forms = split_name_and_forms(row, outcome)
        name = clean_component_name(name_text)
        form_name = ", ".join(forms)
        if not form_name:
            code = FORM_CODE_RE.search(name)
            form_name = f"Mẫu {code.group(1)}" if code else ""
        if not name and not form_name:
            outcome.flag("quantity without a document name")
            continue
        components.append(
            ComponentRecord(
                name=name or form_name,
                case=case,
                form_name=form_name[:255],
                original_count=original,
                copy_count=copies,
                quantity_text=quantity_text,
                required=component_required(case, name, original, copies),
            )
        )
    return components, body[position:]


def parse_components(text: str) -> tuple[list[ComponentRecord], FieldOutcome]:
    outcome = FieldOutcome(PARSED)
    text = clean(text)
    pieces = text.split(COMPONENT_TABLE_HEADER)
    if len(pieces) == 1:
        outcome.note("no table header; rows read from the whole text")
    heading = pieces[0] if len(pieces) > 1 else ""
    bodies = pieces[1:] if len(pieces) > 1 else pieces
    components: list[ComponentRecord] = []
    leftover = case = ""
    for body in bodies:
        case = case_from_heading(heading)
        group, leftover = parse_component_group(case, body, outcome)
        components.extend(group)
        heading = leftover
    tail = clean_component_name(leftover)
    if tail and not is_empty_text(tail):
        # The last row's quantity cell is empty on the portal: keep the row, nothing to count.
        components.append(ComponentRecord(name=tail, case=case, required=False))
        outcome.note("last row has no quantity (kept with count 0, not required)")
    if not components:
        outcome.status = FAILED
        outcome.note("no document row found")
    return components, outcome

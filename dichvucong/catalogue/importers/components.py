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
        or (
            text[i - 1] == "."
            and text[i].isdigit()
            and i > 1
            and (text[i - 2].isalpha() or text[i - 2] == ")")
        )
        or _after_form_word(text, i)
        or _glued_file_start(text, i, limit)
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
        word = text.rfind(" ", 0, max(opening - 1, 0)) + 1
        # "…BCA).Mẫu số 01 - Đơn … cơ sở (TT14.2024.BCA).docx": a glue after punctuation in the same
        # sentence is the start; otherwise the word before the bracket, uncertain.
        marked = [g for g in glue if g <= opening and text[g - 1] in ".;:)]" and ". " not in text[g:opening]]
        start = max(marked) if marked else max([g for g in glue if g <= opening] + [word])
        uncertain = not marked
    return start, uncertain


def _after_form_word(text: str, i: int) -> bool:
    """ "…chủ tàu theo mẫumaudondenghi_BCC (1).doc", "…theo mẫuvăn bản đề nghị.docx": the word "mẫu"
    glued to the file name (no Vietnamese word goes on after "mẫu" without a space)."""
    return (
        i >= 3
        and text[i - 3 : i].lower() == "mẫu"
        and text[i].isalnum()
        and not text[i - 4 : i - 3].isalpha()
    )


# Letters that never end a Vietnamese syllable: one of them right after a letter of a word with
# diacritics starts the next word ("quy địnhvăn bản.docx", "đường bộvăn bản.docx").
_NEVER_FINAL = frozenset("bdđklqrsvx")
_NUMBERED_FORM_RE = re.compile(r"\d{1,3}\s?-\s?[Mm](?:ẫ|a)u\b")  # "47-Mẫu 8A-…", "33-Mẫu số 02-…"
_PROCEDURE_CODES_RE = re.compile(r"\d\.\d{6}_")  # "…sân bay1.004724_1.002880_cấp … cảng.docx"
_ASCII_FILE_RE = re.compile(r"[A-Za-z0-9_\-]+[A-Za-z0-9_.\-]*")


def _glued_file_start(text: str, i: int, limit: int) -> bool:
    """Glue points the letter-case rules miss: a numbered form ("(mẫu 2C).38-Mẫu 2C-…",
    "…TRÚ,33-Mẫu số 02-…"), procedure codes ("sân bay1.004724_…"), "Mẫu" after a capital
    ("…NĐ-CPMẫu Đơn…"), a lower-case ASCII file after a full stop ("…ký tên.m01a.pdf"), a doubled
    acronym ("…Hiệp định GMSGMS - Gia hạn.docx") or a word of a Vietnamese phrase run into the next
    ("…theo quy địnhvăn bản đề nghị.docx": the syllable before the glue has a diacritic)."""
    before, here = text[i - 1], text[i]
    if here.isdigit():
        return (
            not before.isdigit()
            and before != " "
            and bool(
                _NUMBERED_FORM_RE.match(text, i)
                or (
                    before.isalpha()
                    and not _syllable_before(text, i).isascii()
                    and _ASCII_FILE_RE.fullmatch(text, i, limit)
                    and re.search(r"[A-Za-z]", text[i:limit])  # "…nuôi1.nxinnhnconnui.doc", not "…NĐ56.docx"
                )
                or (before.isalpha() and _PROCEDURE_CODES_RE.match(text, i))
            )
        )
    if text.startswith("Mẫu", i):
        return before.isupper()
    if before == "." and here.islower() and here.isascii():
        return i > 1 and text[i - 2].isalpha() and bool(_ASCII_FILE_RE.fullmatch(text, i, limit))
    if here.isupper() and before.isupper():
        return any(
            text[i - k : i] == text[i : i + k] and text[i - k - 1 : i - k] in (" ", "")
            for k in range(2, 7)
            if i >= k
        )
    if before.islower() and (here in _NEVER_FINAL or (here == "t" and before in "hg")):
        return not _syllable_before(text, i).isascii() and not text[i - 1 : i + 2].isupper()
    return False


def _syllable_before(text: str, i: int) -> str:
    """The letters right before ``i`` ("định" in "quy địnhvăn")."""
    match = re.search(r"[^\W\d_]+$", text[max(0, i - 8) : i])
    return match.group() if match else ""


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
    """The case a group heading names: "" for the documents everyone submits ("Giấy tờ phải nộp"),
    :data:`PRESENT_CASE` for documents shown at the counter, else the heading ("Trường hợp …")."""
    text = clean(heading).strip("-*: ").rstrip(":").strip()
    label = group_label(text)
    if label not in (GROUP_SUBMIT, GROUP_PRESENT):
        return text
    # "Các giấy tờ phải xuất trình Cảng vụ (bản chính), bao gồm" → "Giấy tờ phải xuất trình Cảng vụ (bản
    # chính)": the label first, as ``dossiers.cases`` reads it; what qualifies the group is kept.
    text = re.sub(r"^các\s+", "", text, flags=re.I)
    text = re.sub(r"\s*,?\s*(?:bao )?gồm(?: các loại sau| các giấy tờ sau)?$", "", text, flags=re.I)
    text = text[:1].upper() + text[1:]
    if label == GROUP_SUBMIT and _BARE_SUBMIT_RE.fullmatch(text):
        return ""
    return text


# --------------------------------------------------------------------------------------------------
# Group labels and notes
# --------------------------------------------------------------------------------------------------
# The portal heads its tables with labels that are not cases: "* Giấy tờ phải nộp:", "* Giấy tờ phải
# xuất trình:", "* Lưu ý:". Documents to submit get no case; documents to show keep the one label the
# dossier wizard reads as "applies to everyone, shown at the counter" (``dossiers.cases``); the rows
# under "Lưu ý" are notes, not documents, and leave the component list (see :func:`note_spans`).
GROUP_SUBMIT = "submit"
GROUP_PRESENT = "present"
GROUP_NOTE = "note"
PRESENT_CASE = "Giấy tờ phải xuất trình"
COMPONENT_NOTES_HEADING = "Lưu ý về thành phần hồ sơ:"  # heads the notes added to the conditions
_PRESENT_LABEL_RE = re.compile(r"(?:các )?giấy tờ (?:phải )?xuất trình\b", re.I)
_SUBMIT_LABEL_RE = re.compile(r"(?:các )?giấy tờ (?:phải )?nộp\b(?!.*xuất trình)", re.I)
# A submit label that says nothing more than "submit these": no case. "Giấy tờ phải nộp để lưu giữ tại
# cơ quan đăng ký phương tiện" or "… sau khi vào bờ" keep their words.
_BARE_SUBMIT_RE = re.compile(r"giấy tờ (?:phải )?nộp(?: \(bản chính\))?(?:,? mỗi loại 01 bản)?", re.I)
_NOTE_LABEL_RE = re.compile(r"(?:lưu ý|ghi chú|chú ý)", re.I)
_CASE_WORDS_RE = re.compile(r"trường hợp|đối với|\bnếu\b", re.I)
# A row that instructs instead of naming a document: no quantity, and it introduces a list ("… các
# giấy tờ sau:"; other rows ending in ":" head the rows after them and stay), says what need not be
# given ("… thì không phải tải lên", "… chỉ cần cung cấp thông tin") or states the agency's duty
# ("cơ quan đăng ký hộ tịch có trách nhiệm tra cứu …").
_INSTRUCTION_RE = re.compile(
    r"\b(?:sau|gồm)\s*:$"
    r"|\bkhông (?:phải|cần) (?:tải lên|nộp|xuất trình)|\bchỉ cần cung cấp\b|\bcó trách nhiệm\b",
    re.I,
)


def group_label(heading: str) -> str:
    """:data:`GROUP_SUBMIT`, :data:`GROUP_PRESENT` or :data:`GROUP_NOTE` when the heading labels a
    group instead of naming a case; "" otherwise ("Giấy tờ phải nộp đối với trường hợp …" is a case)."""
    text = clean(heading).strip("-*+: ").rstrip(":").strip()
    if not text or _CASE_WORDS_RE.search(text):
        return ""
    if _NOTE_LABEL_RE.fullmatch(text):
        return GROUP_NOTE
    if _PRESENT_LABEL_RE.match(text):
        return GROUP_PRESENT
    if _SUBMIT_LABEL_RE.match(text):
        return GROUP_SUBMIT
    return ""


def is_instruction_row(name: str, original: int, copies: int) -> bool:
    name = clean_component_name(name)
    return not original + copies and bool(_INSTRUCTION_RE.search(name)) and label_row(name, 0, 0) is None


def label_row(row: str, original: int, copies: int) -> str | None:
    """The case a row with no quantity sets for the rows after it when it is a group label inside a
    table ("Giấy tờ phải nộp:", "Giấy tờ phải xuất trình:"); None for any other row."""
    name = clean_component_name(row)
    if original + copies or not name.endswith(":") or group_label(name) not in (GROUP_SUBMIT, GROUP_PRESENT):
        return None
    return case_from_heading(name)


@dataclass(frozen=True)
class NoteSpan:
    start: int
    end: int
    text: str  # the note's rows, one a line, without their quantity cells


def _groups(text: str, cells: list[QuantityCell]) -> list[tuple[int, int, int]]:
    """(heading start, body start, body end) of each table in ``text`` (cleaned). A heading is the
    text between the last quantity cell before a table header and that header."""
    headers = [m.start() for m in re.finditer(re.escape(COMPONENT_TABLE_HEADER), text)]
    if not headers:
        return [(0, 0, len(text))]
    starts = []
    for header in headers:
        before = [c.end for c in cells if c.end <= header]
        starts.append(max(before, default=0))
    bodies = []
    for i, header in enumerate(headers):
        end = starts[i + 1] if i + 1 < len(headers) else len(text)
        bodies.append((starts[i], header + len(COMPONENT_TABLE_HEADER), max(end, header)))
    return bodies


def group_headings(text: str) -> list[tuple[int, int]]:
    """Where the headings of the tables of a cleaned component text are (start, end)."""
    cells = quantity_cells(text)
    return [(start, body - len(COMPONENT_TABLE_HEADER)) for start, body, _end in _groups(text, cells) if body]


def label_rows(text: str) -> list[tuple[int, int, str]]:
    """(start, end, case) of the group-label rows inside the tables of a cleaned component text, with
    the case the rows after a label are stored under when it differs from the table's ("" if not)."""
    cells = quantity_cells(text)
    found = []
    for heading_start, body_start, body_end in _groups(text, cells):
        heading = text[heading_start : max(heading_start, body_start - len(COMPONENT_TABLE_HEADER))]
        group_case = case_from_heading(heading) if body_start else ""
        position = body_start
        for cell in cells:
            if body_start <= cell.start and cell.end <= body_end:
                label = label_row(text[position : cell.start], cell.original, cell.copies)
                if label is not None:
                    found.append((position, cell.end, "" if group_case else label))
                position = cell.end
    return found


def note_spans(text: str) -> list[NoteSpan]:
    """Where a cleaned component text holds notes, not documents: whole groups headed "Lưu ý", and
    rows with no quantity that instruct ("… các giấy tờ sau:", "… thì không phải tải lên"). The parser
    moves them out of the component list; the checker skips them the same way."""
    cells = quantity_cells(text)
    spans: list[NoteSpan] = []
    for heading_start, body_start, body_end in _groups(text, cells):
        heading = text[heading_start : max(heading_start, body_start - len(COMPONENT_TABLE_HEADER))]
        inside = [c for c in cells if body_start <= c.start and c.end <= body_end]
        if body_start and group_label(heading) == GROUP_NOTE:
            lines = []
            position = body_start
            for cell in inside:
                lines.append(clean_component_name(text[position : cell.start]))
                position = cell.end
            lines.append(clean_component_name(text[position:body_end]) if body_end == len(text) else "")
            end = body_end if body_end == len(text) else (inside[-1].end if inside else body_start)
            spans.append(NoteSpan(heading_start, end, "\n".join(line for line in lines if line)))
            continue
        position = body_start
        for cell in inside:
            row = text[position : cell.start]
            if is_instruction_row(row, cell.original, cell.copies):
                spans.append(NoteSpan(position, cell.end, clean_component_name(row)))
            position = cell.end
    return spans


def without_notes(text: str) -> tuple[str, list[str]]:
    """``text`` (cleaned) with its notes cut out, and the notes."""
    spans = note_spans(text)
    kept, position = [], 0
    for span in spans:
        kept.append(text[position : span.start])
        position = span.end
    kept.append(text[position:])
    return "".join(kept), [line for span in spans for line in span.text.split("\n")]


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
    group_case, shown = case, False
    for cell in quantity_cells(body):
        row = body[position : cell.start]
        original, copies, quantity_text = cell.original, cell.copies, cell.text
        position = cell.end
        label = label_row(row, original, copies)
        if label is not None:  # "Giấy tờ phải xuất trình:0 bản chính": the rows after it are shown
            # Under a case heading the rows keep their case (the dossier asks for it); shown
            # documents are then only marked "not required" (there is no field for "shown").
            case, shown = group_case or label, group_label(label) == GROUP_PRESENT
            continue
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
                required=component_required(case, name, original, copies) and not shown,
            )
        )
    return components, body[position:]


def parse_components(text: str) -> tuple[list[ComponentRecord], FieldOutcome]:
    outcome = FieldOutcome(PARSED)
    text, notes = without_notes(clean(text))
    if notes:
        outcome.note(f"{len(notes)} note(s) kept apart from the documents")
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

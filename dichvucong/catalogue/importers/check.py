"""Does a stored procedure account for its national source record? Provable mismatches only.

Each check compares what was stored (a :class:`ProcedureRecord`, parsed now or rebuilt from the
database) with the source text of the portal record, and reports a :class:`Mismatch` only when the
source text proves the stored value wrong: a quantity cell that left no row, two documents in one
row, a legal-basis number that does not occur in the source, a channel the source lists but that was
not kept. The parser runs the same checks on its own output, so that its report never calls a field
``parsed`` when the source says otherwise (``national._verified``); ``manage.py catalogue_check``
runs them over a whole folder, on the parser's output or on the database.

The checks share only the *definition of a quantity cell* with the parser
(:func:`components.quantity_cells`): everything else (how rows, forms and numbers are cut) is
verified by re-reading the source, not by re-running the parser's logic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dichvucong.catalogue.importers.channels import CHANNEL_TABLE_HEADER
from dichvucong.catalogue.importers.components import (
    COMPONENT_TABLE_HEADER,
    FILE_EXT_RE,
    GROUP_NOTE,
    GROUP_PRESENT,
    GROUP_SUBMIT,
    case_from_heading,
    group_headings,
    group_label,
    label_rows,
    quantity_cells,
    without_notes,
)
from dichvucong.catalogue.importers.legal import LEGAL_TABLE_HEADER
from dichvucong.catalogue.importers.ministries import KNOWN_MINISTRY_NAMES
from dichvucong.catalogue.importers.records import ProcedureRecord
from dichvucong.catalogue.importers.spill import CHANNEL_ROW_RE, mend_channel_spill
from dichvucong.catalogue.importers.text import clean, is_empty_text, strip_diacritics

# Defect kinds, in the order of the issue that listed them.
GLUED_ROWS = "components_glued"  # two documents (or a quantity) in one stored row
ROW_COUNT = "components_count"  # quantity cells in the source ≠ stored rows with a quantity
ROW_TEXT = "components_text"  # the stored rows do not account for the source text
CASE_IS_DOCUMENT = "components_case"  # a case heading that holds a document and its quantity
FORM_SPLIT = "components_form"  # a form file name cut in two (part in the document name)
CASE_IS_LABEL = "components_label"  # a group label ("Giấy tờ phải nộp", "Lưu ý") stored as a case
LEGAL_NUMBER = "legal_number"  # a stored number that does not occur in the source as a number
LEGAL_DUPLICATE = "legal_duplicate"  # one number stored more often than the source gives it
LEGAL_CHANNEL_ROWS = "legal_channel_rows"  # a legal basis holding rows of the channel table
CHANNEL_LOST = "channels_lost"  # a channel (or its fee) the source lists was not stored
AGENCY_NAME = "agency_name"  # an issuing body made up from a folder name (no diacritics)
KINDS = (
    GLUED_ROWS,
    ROW_COUNT,
    ROW_TEXT,
    CASE_IS_DOCUMENT,
    FORM_SPLIT,
    CASE_IS_LABEL,
    LEGAL_NUMBER,
    LEGAL_DUPLICATE,
    LEGAL_CHANNEL_ROWS,
    CHANNEL_LOST,
    AGENCY_NAME,
)
# Which source field each kind is about (the parser flags that field ``partial``).
FIELD_OF_KIND = {
    GLUED_ROWS: "thanh_phan_ho_so",
    ROW_COUNT: "thanh_phan_ho_so",
    ROW_TEXT: "thanh_phan_ho_so",
    CASE_IS_DOCUMENT: "thanh_phan_ho_so",
    FORM_SPLIT: "thanh_phan_ho_so",
    CASE_IS_LABEL: "thanh_phan_ho_so",
    LEGAL_NUMBER: "can_cu_phap_ly",
    LEGAL_DUPLICATE: "can_cu_phap_ly",
    LEGAL_CHANNEL_ROWS: "can_cu_phap_ly",
    CHANNEL_LOST: "cach_thuc_thuc_hien",
    AGENCY_NAME: "so_quyet_dinh",
}


@dataclass(frozen=True)
class Mismatch:
    kind: str
    detail: str

    @property
    def field(self) -> str:
        return FIELD_OF_KIND[self.kind]


def _text(data: dict, key: str) -> str:
    value = data.get(key)
    return clean(value) if isinstance(value, str) else ""


def _alnum(text: str) -> str:
    return "".join(ch for ch in clean(text).lower() if ch.isalnum())


# --------------------------------------------------------------------------------------------------
# Components
# --------------------------------------------------------------------------------------------------
# A quantity phrase run into the next text with no space: "…(nếu có)1 bản chínhĐơn khiếu nại".
_GLUED_QUANTITY_RE = re.compile(r"\d bản (?:chính|sao)(?=[^\W\d_]|[-+*•])|^\s*[,;]\s*\d+ bản sao")
_QUANTITY_WORDS_RE = re.compile(r"\d+ bản chính(?:,\d+ bản sao)?")


def check_components(source_text: str, record: ProcedureRecord) -> list[Mismatch]:
    """Notes ("Lưu ý" groups, instruction rows: :func:`components.note_spans`) are not documents: the
    source is read without them. A group label heading ("* Giấy tờ phải nộp:") is read as the case it
    stands for ("" or :data:`PRESENT_CASE`)."""
    text = clean(source_text)
    if is_empty_text(text):
        return []
    text = _relabelled(without_notes(text)[0])
    found: list[Mismatch] = []
    components = record.components
    for component in components:
        for label, value in (
            ("name", component.name),
            ("case", component.case),
            ("form", component.form_name),
        ):
            if _GLUED_QUANTITY_RE.search(value):
                found.append(Mismatch(GLUED_ROWS, f"{label} holds a quantity and more: '{value[:80]}'"))
                break
        if component.case and _QUANTITY_WORDS_RE.search(component.case):
            cells = quantity_cells(component.case)
            if cells:
                found.append(
                    Mismatch(CASE_IS_DOCUMENT, f"case holds a document row: '{component.case[:80]}'")
                )
        label = group_label(component.case)
        if label == GROUP_NOTE or (label and case_from_heading(component.case) != component.case):
            found.append(Mismatch(CASE_IS_LABEL, f"case is a group label: '{component.case[:80]}'"))
        found.extend(_form_split(component.name, component.form_name, text))
    cells = len(quantity_cells(text))
    rows = sum(1 for c in components if c.quantity_text)
    if cells != rows:
        found.append(Mismatch(ROW_COUNT, f"{cells} quantity cell(s) in the source, {rows} row(s) stored"))
    difference = _unaccounted_text(text, record)
    if difference:
        found.append(Mismatch(ROW_TEXT, difference))
    return _unique(found)


def _relabelled(text: str) -> str:
    """``text`` with each group label (a table heading, or a row with no quantity inside a table)
    replaced by the case it stands for."""
    headings = group_headings(text)
    labels = [
        (start, end, case_from_heading(text[start:end]))
        for start, end in headings
        if group_label(text[start:end]) in (GROUP_SUBMIT, GROUP_PRESENT)
    ]
    rows = label_rows(text)
    # A label row right before another label or a table heading heads no row: nothing stored for it.
    next_starts = {start for start, _end in headings} | {start for start, _end, _case in rows}
    rows = [(start, end, "" if end in next_starts else case) for start, end, case in rows]
    pieces, position = [], 0
    for start, end, case in sorted(labels + rows):
        pieces += [text[position:start], case]
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


# The head of a numbered form file left in the document name: "…(mẫu 9B).47-Mẫu 8A-Công văn đề nghị
# trợ cấp một" + "lần (1).doc".
_FILE_HEAD_IN_NAME_RE = re.compile(r"(?:^|[.)])\s*\d{1,3}\s?-\s?[Mm]ẫu\s?\w+[^()]*$")
# A form "name" that starts inside a sentence: the word "mẫu" glued to the file ("mẫumaudon_BCC.doc"),
# or a lower-case Vietnamese word ("lần (1).doc", "lịch.doc") after a document name cut at a space.
_WORD_GLUED_TO_FILE_RE = re.compile(r"[Mm]ẫu[A-Za-z0-9_]")
_LOWER_WORD_START_RE = re.compile(r"[^\W\dA-Z_]*[^\x00-\x7f][^\W\d_]*[ .(]")


def _form_split(name: str, form_name: str, source: str) -> list[Mismatch]:
    """A form file name cut in two: its head left at the end of the document name, a bracket closed in
    the file name that opened in the document name, or a cut inside a phrase or a word: at a space
    of the source between two lower-case words ("…Trích sao lý" + "lịch.doc"), where nothing marks
    the start of a file name."""
    first_form = form_name.split(", ")[0]
    if not FILE_EXT_RE.search(first_form):
        return []
    cut = (
        re.search(r"[Mm]ẫu(?: số)?\s*\w{1,6}[.\-_]$", name)  # "Mẫu 03." + "TT41.doc"
        or re.search(r"\S*_\S*$", name)  # "…_39." + "2025.TT-BNNMT_02.7.2025.docx"
        or first_form.count(")") > first_form.count("(")  # "…(2.NVICC-ĐS." + "01).pdf"
        or _FILE_HEAD_IN_NAME_RE.search(name)
        or _WORD_GLUED_TO_FILE_RE.match(first_form)
        or (
            name[-1:].islower()
            and _LOWER_WORD_START_RE.match(first_form)
            and f"{name[-20:]} {first_form[:20]}" in source
        )
    )
    if cut:
        return [Mismatch(FORM_SPLIT, f"form file name cut: '{name[-30:]}' + '{first_form[:40]}'")]
    return []


def _unaccounted_text(text: str, record: ProcedureRecord) -> str:
    """Stored headings, names, form files and quantities, read in order, must spell the source text
    (letters and digits only). A heading the source repeats for a second table is read again."""
    source = _alnum(text.replace(COMPONENT_TABLE_HEADER, " "))
    position = 0
    case = None

    def take(piece: str) -> bool:
        nonlocal position
        if source.startswith(piece, position):
            position += len(piece)
            return True
        return False

    for component in record.components:
        heading, name = _alnum(component.case), _alnum(component.name)
        if component.case != case or (heading and not source.startswith(name, position)):
            take(heading) if component.case == case else None
            if component.case != case and not take(heading):
                return _difference(source, position, f"case '{component.case[:60]}'")
            case = component.case
        if not take(name):
            return _difference(source, position, f"document '{component.name[:60]}'")
        if FILE_EXT_RE.search(component.form_name) and not take(_alnum(component.form_name)):
            return _difference(source, position, f"form '{component.form_name[:60]}'")
        if not take(_alnum(component.quantity_text)):
            return _difference(source, position, f"quantity '{component.quantity_text}'")
    if position != len(source):
        return _difference(source, position, "the end of the stored rows")
    return ""


def _difference(source: str, position: int, what: str) -> str:
    return f"source text not accounted for at {what}: '…{source[position : position + 50]}…'"


# --------------------------------------------------------------------------------------------------
# Legal bases
# --------------------------------------------------------------------------------------------------
def _number_pattern(number: str) -> re.Pattern[str]:
    """ "198/2016/TT-BTC" → a pattern that finds it whatever its separators ("TT/BTC", "TT - BTC")."""
    parts = [re.escape(part) for part in re.split(r"\s*[-_/]\s*", number) if part]
    return re.compile(r"\s?[-_/]\s?".join(parts))


def _occurrences(number: str, body: str) -> int:
    """How often ``number`` occurs in ``body`` as a whole number: not inside a longer digit run, except
    where the source glues it to a year ("năm 201951/2019/QH14") or to itself (a title ending with
    the number, then the number cell: "Luật 51/2019/QH1451/2019/QH14")."""
    pattern = _number_pattern(number)
    spans = [m.span() for m in pattern.finditer(body)]
    count = 0
    for start, end in spans:
        before_ok = not body[start - 1 : start].isdigit() or bool(_YEAR_BEFORE_RE.search(body[:start]))
        after_ok = not body[end : end + 1].isdigit()
        before_ok = before_ok or any(e == start for _s, e in spans)
        after_ok = after_ok or any(s == end for s, _e in spans)
        count += before_ok and after_ok
    return count


_YEAR_BEFORE_RE = re.compile(r"(?:\D|^)(?:19|20)\d\d$")


_BARE_TITLE_RE = re.compile(
    r"(?:Luật|Bộ luật|Nghị định|Thông tư(?: liên tịch)?|Quyết định|Nghị quyết|Pháp lệnh)(?: số)?", re.I
)


def check_legal_bases(source_text: str, record: ProcedureRecord) -> list[Mismatch]:
    text = clean(source_text)
    found: list[Mismatch] = [
        Mismatch(LEGAL_CHANNEL_ROWS, f"a legal basis holds channel rows: '{basis.title[:80]}'")
        for basis in record.legal_bases
        if CHANNEL_ROW_RE.search(basis.title)
    ]
    if is_empty_text(text):
        stored = [basis.number for basis in record.legal_bases if basis.number]
        if stored:
            found.append(Mismatch(LEGAL_NUMBER, f"the source states no legal basis; '{stored[0]}' stored"))
        return found
    body = text.replace(LEGAL_TABLE_HEADER, " ")
    counts: dict[str, int] = {}
    titles: dict[str, list[str]] = {}
    for basis in record.legal_bases:
        if not basis.number:
            continue
        occurrences = _occurrences(basis.number, body)
        if not occurrences:
            found.append(Mismatch(LEGAL_NUMBER, f"number '{basis.number}' does not occur in the source"))
        counts[basis.number] = counts.get(basis.number, 0) + 1
        titles.setdefault(basis.number, []).append(basis.title.strip())
        if len(titles[basis.number]) == 2 and any(_BARE_TITLE_RE.fullmatch(t) for t in titles[basis.number]):
            found.append(Mismatch(LEGAL_DUPLICATE, f"'{basis.number}' stored twice, once under a bare title"))
        if counts[basis.number] > occurrences > 0:
            found.append(
                Mismatch(
                    LEGAL_DUPLICATE,
                    f"'{basis.number}' stored {counts[basis.number]}×, {occurrences}× in source",
                )
            )
    return _unique(found)


# --------------------------------------------------------------------------------------------------
# Channels and fees
# --------------------------------------------------------------------------------------------------
_CHANNEL_WORDS = {"Trực tuyến": "online", "Dịch vụ bưu chính": "postal", "Trực tiếp": "in_person"}
_FEE_IN_CELL_RE = re.compile(r"Miễn phí|\d[\d.,]*\s?(?:Việt Nam Đồng|VNĐ|USD|đồng)", re.I)


def check_channels(source_text: str, record: ProcedureRecord) -> list[Mismatch]:
    text = clean(source_text)
    if is_empty_text(text):
        return []
    body = text.split(CHANNEL_TABLE_HEADER, 1)[1] if CHANNEL_TABLE_HEADER in text else text
    found: list[Mismatch] = []
    stored = {channel.channel for channel in record.channels}
    first = re.match(r"\s*(Trực tuyến|Dịch vụ bưu chính|Trực tiếp)", body)
    if first and _CHANNEL_WORDS[first.group(1)] not in stored:
        found.append(Mismatch(CHANNEL_LOST, f"the table starts with '{first.group(1)}', not stored"))
    # Every row after a description closed by ")" ("…)Trực tiếp1 Ngày…") names a channel.
    for row in re.finditer(r"\)(Trực tuyến|Dịch vụ bưu chính|Trực tiếp)\d", body):
        if _CHANNEL_WORDS[row.group(1)] not in stored:
            found.append(Mismatch(CHANNEL_LOST, f"the row '{row.group(1)}' after a description, not stored"))
    if CHANNEL_TABLE_HEADER in text and first and not record.fees and _FEE_IN_CELL_RE.search(body):
        found.append(Mismatch(CHANNEL_LOST, "the table states a fee ('Miễn phí' or an amount), none stored"))
    return _unique(found)


# --------------------------------------------------------------------------------------------------
# Issuing body
# --------------------------------------------------------------------------------------------------
def check_agency(record: ProcedureRecord) -> list[Mismatch]:
    agency = record.issuing_agency
    if not agency or agency in KNOWN_MINISTRY_NAMES:
        return []
    if strip_diacritics(agency) == agency and " " in agency:
        return [Mismatch(AGENCY_NAME, f"'{agency}' has no diacritics: made from a folder name?")]
    return []


def check_record(data: dict, record: ProcedureRecord) -> list[Mismatch]:
    """Every provable mismatch between a source record and what was stored for it (the record read
    as the portal page shows it: fields the crawler cut wrongly are put back first)."""
    data = mend_channel_spill(data).data
    return [
        *check_components(_raw(data, "thanh_phan_ho_so"), record),
        *check_legal_bases(_raw(data, "can_cu_phap_ly"), record),
        *check_channels(_raw(data, "cach_thuc_thuc_hien"), record),
        *check_agency(record),
    ]


def _raw(data: dict, key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ""


def _unique(found: list[Mismatch]) -> list[Mismatch]:
    return list(dict.fromkeys(found))

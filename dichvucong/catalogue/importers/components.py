"""Dossier components: the flattened table of ``thanh_phan_ho_so``."""

from __future__ import annotations

import re

from dichvucong.catalogue.importers.records import ComponentRecord
from dichvucong.catalogue.importers.text import FAILED, PARSED, FieldOutcome, clean, is_empty_text

# --------------------------------------------------------------------------------------------------
# Dossier components (thanh_phan_ho_so)
# --------------------------------------------------------------------------------------------------
COMPONENT_TABLE_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
# The quantity cell: "1 bản chính", "0 bản chính,1 bản sao" glued to the next row; or the older
# "Bản chính: 1 Bản sao: 0". A count inside a name ("(01 bản chính hoặc 01 bản sao...)") is preceded
# by "(" or followed by a lower-case word (" hoặc", " văn bản"), which the look-arounds exclude.
QUANTITY_RE = re.compile(
    r"(?<![(\d])(\d{1,3}) ?bản chính(?:\s*,\s*(\d{1,3}) ?bản sao)?(?! ?[a-zà-ỹ])"
    r"|Bản chính\s*:\s*(\d{1,3})\s*,?\s*Bản sao\s*:\s*(\d{1,3})",
)
# Case-insensitive extension, but the look-ahead is case-sensitive: "NA5.docMau02.doc" is two files.
FILE_EXT_RE = re.compile(r"\.(?i:docx?|pdf|xlsx?|odt|rtf|zip|rar)(?![a-z])")
FORM_CODE_RE = re.compile(r"\b[Mm]ẫu(?: số)?\s+([A-ZĐ]{1,5}[-\s]?\d[\w.\-]*)")
CONDITIONAL_RE = re.compile(r"^\W*(trường hợp|đối với trường hợp|nếu|riêng)\b|\(nếu có\)|\bnếu có\b", re.I)


def _split_count(digits: str) -> tuple[int, str]:
    """Counts are glued to the end of the name: "...Điều 151 bản chính". Keep one digit unless the run
    looks like a zero-padded count ("01") — the leading digits then belong to the name."""
    if len(digits) == 1 or (len(digits) == 2 and digits.startswith("0")):
        return int(digits), ""
    return int(digits[-1]), digits[:-1]


def _file_name_start(text: str) -> int:
    """Index where the (first) form file name begins in ``text`` (which ends with that file name).

    File names are glued to the document name: "...theo mẫuMauBankhaichung.docx",
    "...NĐ-CP)Mau so 09d_Phieu yeu cau.docx", "...ký thay.Mẫu TK05.doc". We look for glue points
    (a lower-case letter followed by a capital, ".;:)" followed by a capital, ";:)" by a digit, or a
    sentence-ending "." by a digit: "...Bộ Công an.12-Mẫu NA14.doc")
    and take the last one, extended left over CamelCase ASCII parts ("Mau" + "Bankhai...").
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
    if not glue:
        space = text.rfind(" ", 0, limit)
        return space + 1 if space >= 0 else 0
    start = glue[-1]
    for earlier in reversed(glue[:-1]):
        if re.fullmatch(r"[A-Za-z0-9]+", text[earlier:start]):
            start = earlier
        else:
            break
    return start


def split_name_and_forms(text: str) -> tuple[str, list[str]]:
    ends = [m.end() for m in FILE_EXT_RE.finditer(text)]
    if not ends:
        return text, []
    first_start = _file_name_start(text[: ends[0]])
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


def _quantity(match: re.Match[str], name: str) -> tuple[int, int, str, str]:
    if match.group(1) is not None:
        original, prefix = _split_count(match.group(1))
        copies = int(match.group(2)) if match.group(2) else 0
    else:
        original, prefix = int(match.group(3)), ""
        copies = int(match.group(4))
    quantity_text = clean(match.group(0)[len(prefix) :])
    return original, copies, quantity_text, name + prefix


def parse_component_group(case: str, body: str, outcome: FieldOutcome) -> tuple[list[ComponentRecord], str]:
    """Rows of one group; returns the components and the text after the last quantity (next heading)."""
    components: list[ComponentRecord] = []
    position = 0
    for match in QUANTITY_RE.finditer(body):
        row = body[position : match.start()]
        original, copies, quantity_text, row = _quantity(match, row)
        position = match.end()
        name_text, forms = split_name_and_forms(row)
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

"""Parse the portal's Excel export of a procedure list (sheet "Danh sách TTHC").

The export starts with a title block ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM ... DANH SÁCH THỦ TỤC HÀNH
CHÍNH"), then a header row ``Mã số, Tên, Cơ quan ban hành, Cơ quan thực hiện, Lĩnh vực``. The header
row is searched for rather than assumed; extra columns and blank rows are tolerated. Cells with
several agencies put one per line ("Bộ Tư pháp\\nỦy ban nhân dân cấp tỉnh"); they are joined with ", ".
Pure: no Django, no database. Never raises for a bad row; an unreadable file yields one error result.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from dichvucong.catalogue.importers.records import FieldReport, ParseResult, ProcedureRecord
from dichvucong.catalogue.importers.text import CODE_RE, EMPTY, FAILED, PARSED, clean, strip_diacritics

SHEET_NAME = "Danh sách TTHC"
# Header text (without diacritics, lower case) → ProcedureRecord attribute.
COLUMNS = {
    "ma so": "code",
    "ten": "name",
    "co quan ban hanh": "issuing_agency",
    "co quan thuc hien": "implementing_agency",
    "linh vuc": "field_name",
}
HEADER_LABELS = {
    "ma so": "Mã số",
    "ten": "Tên",
    "co quan ban hanh": "Cơ quan ban hành",
    "co quan thuc hien": "Cơ quan thực hiện",
    "linh vuc": "Lĩnh vực",
}
HEADER_SEARCH_ROWS = 30


def _header_key(value: object) -> str:
    return strip_diacritics(clean(str(value))).lower() if value is not None else ""


def _find_header(rows: list[tuple]) -> tuple[int, dict[str, int]] | None:
    """Index of the header row and the column of each known header."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns = {COLUMNS[key]: col for col, key in enumerate(map(_header_key, row)) if key in COLUMNS}
        if "code" in columns and "name" in columns:
            return index, columns
    return None


def _cell_text(row: tuple, column: int | None) -> str:
    if column is None or column >= len(row) or row[column] is None:
        return ""
    lines = [clean(line) for line in str(row[column]).splitlines()]
    return ", ".join(dict.fromkeys(line for line in lines if line))


def _code_text(row: tuple, column: int) -> str:
    value = row[column] if column < len(row) else None
    if isinstance(value, float):  # a code typed as a number loses its zeros: 1.0012 → cannot be trusted
        return repr(value)
    return clean(str(value)) if value is not None else ""


def _row_result(row: tuple, columns: dict[str, int], source: str) -> ParseResult | None:
    if all(cell is None or not str(cell).strip() for cell in row):
        return None  # blank row
    values = {attribute: _cell_text(row, col) for attribute, col in columns.items()}
    values["code"] = _code_text(row, columns["code"])
    reports = [
        FieldReport(name=HEADER_LABELS[header], status=PARSED if values.get(attribute) else EMPTY)
        for header, attribute in COLUMNS.items()
        if attribute in columns
    ]
    code, name = values["code"], values.get("name", "")
    if not CODE_RE.match(code):
        _mark(reports, "Mã số", f"'{code[:40]}' does not look like 1.001193")
        error = f"bad procedure code '{code[:40]}'"
        return ParseResult(source=source, record=None, fields=reports, error=error)
    if not name:
        return ParseResult(source=source, record=None, fields=reports, error="no procedure name")
    record = ProcedureRecord(code=code, name=name[:500])
    for attribute in ("issuing_agency", "implementing_agency", "field_name"):
        setattr(record, attribute, values.get(attribute, ""))
    return ParseResult(source=source, record=record, fields=reports)


def _mark(reports: list[FieldReport], name: str, detail: str) -> None:
    for report in reports:
        if report.name == name:
            report.status, report.detail = FAILED, detail


def parse_excel_list(path: str | Path) -> Iterator[ParseResult]:
    """Yield one ParseResult per non-blank data row of the "Danh sách TTHC" sheet."""
    path = Path(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (OSError, InvalidFileException, zipfile.BadZipFile, KeyError, ValueError) as exc:
        yield ParseResult(source=path.name, record=None, error=f"unreadable workbook: {exc}"[:300])
        return
    try:
        if SHEET_NAME not in workbook.sheetnames:
            yield ParseResult(source=path.name, record=None, error=f"no sheet '{SHEET_NAME}'")
            return
        rows = list(workbook[SHEET_NAME].iter_rows(values_only=True))
    finally:
        workbook.close()
    header = _find_header(rows)
    if header is None:
        yield ParseResult(source=path.name, record=None, error="header row (Mã số, Tên, ...) not found")
        return
    header_index, columns = header
    for offset, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        result = _row_result(row, columns, f"{path.name}:row {offset}")
        if result is not None:
            yield result

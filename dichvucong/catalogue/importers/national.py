"""Parse procedure records crawled from the national public-service portal (CSDL quốc gia về TTHC).

Each JSON record holds the text of one procedure page, with the HTML table cells flattened and glued
together without separators (see ``shared/data/national-tthc/README.md``). This module turns such a
record into a :class:`ProcedureRecord` plus one :class:`FieldReport` per source field. It is pure:
no Django, no database, and it never raises on bad input.

Status rules used in the field reports:

* ``empty``: the field is missing, blank, "--" or "Không có thông tin".
* ``parsed``: everything the source states was understood. Gaps in the *source* (a duration with no
  unit, a channel without fee information) are mentioned in ``detail`` but do not lower the status.
* ``partial``: something was kept but part of the text was not understood, was corrected or was
  rejected (unknown unit or level, suspicious or absurd fee, text left over after the last row...).
* ``failed``: the field has content but nothing usable could be taken from it.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

from dichvucong.catalogue.importers.channels import parse_channels
from dichvucong.catalogue.importers.check import check_record
from dichvucong.catalogue.importers.components import COMPONENT_NOTES_HEADING, parse_components, without_notes
from dichvucong.catalogue.importers.legal import parse_legal_bases
from dichvucong.catalogue.importers.ministries import (
    KNOWN_MINISTRY_NAMES,
    ministry_from_decision,
    ministry_hint_from_folder,
)
from dichvucong.catalogue.importers.records import (
    LEVEL_COMMUNE,
    LEVEL_MINISTRY,
    LEVEL_PROVINCE,
    SERVICE_FULL,
    SERVICE_NONE,
    SERVICE_PARTIAL,
    UNIT_NO_DEADLINE,
    FieldReport,
    ParseResult,
    ProcedureRecord,
)
from dichvucong.catalogue.importers.results import parse_results
from dichvucong.catalogue.importers.spill import mend_channel_spill
from dichvucong.catalogue.importers.text import (
    CODE_RE,
    EMPTY,
    FAILED,
    PARSED,
    PARTIAL,
    SKIPPED,
    FieldOutcome,
    as_text,
    clean,
    clean_multiline,
    is_empty_text,
    split_top_level,
    strip_diacritics,
)

# Every field of a portal record, in the portal's order.
SOURCE_FIELDS = (
    "ma_thu_tuc",
    "detail_url",
    "formality_id",
    "ten_thu_tuc",
    "so_quyet_dinh",
    "cap_thuc_hien",
    "loai_thu_tuc",
    "linh_vuc",
    "doi_tuong_thuc_hien",
    "co_quan_co_tham_quyen",
    "dia_chi_tiep_nhan",
    "co_quan_duoc_uy_quyen",
    "co_quan_phoi_hop",
    "thu_tuc_lien_quan",
    "trinh_tu_thuc_hien",
    "cach_thuc_thuc_hien",
    "thanh_phan_ho_so",
    "can_cu_phap_ly",
    "co_quan_thuc_hien",
    "yeu_cau_dieu_kien",
    "ket_qua_xu_ly",
    "raw_text",
)
# Source fields that have no counterpart in ProcedureRecord: reported, never stored.
UNMAPPED_FIELDS = ("formality_id", "dia_chi_tiep_nhan", "co_quan_duoc_uy_quyen", "thu_tuc_lien_quan")
# --------------------------------------------------------------------------------------------------
# Levels (cap_thuc_hien)
# --------------------------------------------------------------------------------------------------
LEVEL_WORDS = {
    "cap bo": LEVEL_MINISTRY,
    "cap trung uong": LEVEL_MINISTRY,
    "cap tinh": LEVEL_PROVINCE,
    "cap xa": LEVEL_COMMUNE,
}
# Values the portal uses that are not levels of government; kept out of ``levels`` silently
# unless nothing else is given.
NON_LEVEL_WORDS = ("co quan khac",)


def parse_levels(text: str) -> tuple[list[str], str, str]:
    levels: list[str] = []
    unknown: list[str] = []
    others: list[str] = []
    for part in split_top_level(text):
        key = strip_diacritics(part).lower()
        if key in LEVEL_WORDS:
            if LEVEL_WORDS[key] not in levels:
                levels.append(LEVEL_WORDS[key])
        elif key in NON_LEVEL_WORDS:
            others.append(part)
        else:
            unknown.append(part)
    if unknown:
        return levels, PARTIAL, f"unknown level(s): {', '.join(unknown)}"
    if not levels:
        return levels, PARTIAL, f"no level of government, only: {', '.join(others)}"
    if others:
        return levels, PARSED, f"also '{', '.join(others)}' (not a level; ignored)"
    return levels, PARSED, ""


# --------------------------------------------------------------------------------------------------
# Service level (raw_text)
# --------------------------------------------------------------------------------------------------
FULL_RE = re.compile(r"(?:dịch vụ công|DVC)\s+(?:trực\s+tuyến\s+)?toàn\s+trình", re.I)
PARTIAL_RE = re.compile(r"(?:dịch vụ công|DVC)\s+(?:trực\s+tuyến\s+)?một\s+phần", re.I)


def detect_service_level(name: str, raw_text: str) -> tuple[str, str]:
    """The portal does not state toàn trình / một phần; use it only when the text says it."""
    for text, where in ((name, "name"), (raw_text, "text")):
        full, part = bool(FULL_RE.search(text)), bool(PARTIAL_RE.search(text))
        if full and not part:
            return SERVICE_FULL, f"'toàn trình' stated in the {where}"
        if part and not full:
            return SERVICE_PARTIAL, f"'một phần' stated in the {where}"
        if full and part:
            return SERVICE_NONE, f"both 'toàn trình' and 'một phần' in the {where}; level left unset"
    return SERVICE_NONE, ""


# --------------------------------------------------------------------------------------------------
# Record
# --------------------------------------------------------------------------------------------------
class _Reporter:
    """Collects one FieldReport per source field."""

    def __init__(self, data: dict) -> None:
        self.data = data
        self.reports: dict[str, FieldReport] = {}

    def text(self, key: str) -> tuple[str, str]:
        if key not in self.data:
            return "", "missing"
        return as_text(self.data[key])

    def set(self, key: str, status: str, detail: str = "") -> None:
        self.reports[key] = FieldReport(name=key, status=status, detail=detail)

    def simple(self, key: str, *, multiline: bool = False) -> str:
        """Plain text fields: cleaned text, or "" reported as empty."""
        raw, problem = self.text(key)
        value = clean_multiline(raw) if multiline else clean(raw)
        if is_empty_text(value):
            self.set(key, FAILED if problem and problem != "missing" else EMPTY, problem)
            return ""
        self.set(key, PARTIAL if problem else PARSED, problem)
        return value

    def structured(self, key: str) -> str:
        """Raw text of a structured field, or "" after reporting it empty."""
        raw, problem = self.text(key)
        if is_empty_text(clean(raw)):
            self.set(key, FAILED if problem and problem != "missing" else EMPTY, problem)
            return ""
        return unicodedata.normalize("NFC", raw.replace("\xa0", " "))

    def outcome(self, key: str, outcome: FieldOutcome) -> None:
        _raw, problem = self.text(key)
        if problem and outcome.status == PARSED:
            outcome.flag(problem)
        self.reports[key] = outcome.report(key)

    def unverified(self, key: str, detail: str, *, why: str = "check") -> None:
        """The stored value does not account for the source (``importers.check``), or the source field
        had to be mended (``importers.spill``): never "parsed"."""
        report = self.reports[key]
        status = report.status if report.status in (PARTIAL, FAILED) else PARTIAL
        detail = "; ".join(d for d in (report.detail, f"{why}: {detail}") if d)[:500]
        self.reports[key] = FieldReport(name=key, status=status, detail=detail)

    def ordered(self) -> list[FieldReport]:
        ordered = [self.reports[k] for k in SOURCE_FIELDS if k in self.reports]
        return ordered + [r for k, r in self.reports.items() if k not in SOURCE_FIELDS]


def _identity(reporter: _Reporter, source: str) -> tuple[str, str, str]:
    """Code and name, or an error message."""
    code_raw, _ = reporter.text("ma_thu_tuc")
    code = clean(code_raw)
    name = reporter.simple("ten_thu_tuc")
    if not code:
        reporter.set("ma_thu_tuc", EMPTY)
        return "", name, "no procedure code (ma_thu_tuc)"
    if not CODE_RE.match(code):
        reporter.set("ma_thu_tuc", FAILED, f"'{code[:40]}' does not look like 1.001193")
        return code, name, f"procedure code '{code[:40]}' does not match d.dddddd"
    reporter.set("ma_thu_tuc", PARSED)
    if not name:
        return code, "", "no procedure name (ten_thu_tuc)"
    return code, name, ""


def _decision_and_ministry(reporter: _Reporter, record: ProcedureRecord, ministry_hint: str) -> None:
    decision = reporter.simple("so_quyet_dinh")
    decision = re.sub(r"^(\d+)\./", r"\1/", decision)  # "1234./QĐ-BXD"
    record.decision_number = decision[:100]
    ministry = ministry_from_decision(decision)
    record.issuing_agency = ministry or ministry_hint or _ministry_named_in(reporter)
    if decision and not re.fullmatch(r"\d+/Q[ĐD]-[A-ZĐ0-9\-]+", decision):
        reporter.set("so_quyet_dinh", PARTIAL, f"unusual decision number '{decision[:40]}'")
    elif decision and not ministry:
        detail = "issuer is not a ministry; ministry taken from the folder" if ministry_hint else ""
        reporter.set("so_quyet_dinh", PARSED, detail)


def _ministry_named_in(reporter: _Reporter) -> str:
    """A known ministry named as the competent or implementing body ("Bộ Tư pháp"), else ""."""
    for key in ("co_quan_co_tham_quyen", "co_quan_thuc_hien"):
        text = clean(reporter.text(key)[0])
        for name in sorted(KNOWN_MINISTRY_NAMES, key=len, reverse=True):
            if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text):
                return name
    return ""


def _url(reporter: _Reporter, record: ProcedureRecord) -> None:
    url = reporter.simple("detail_url")
    if url and not re.match(r"^https?://\S+$", url):
        reporter.set("detail_url", PARTIAL, "not an http(s) address; kept as is")
    record.source_url = url[:500]


def _levels(reporter: _Reporter, record: ProcedureRecord) -> None:
    text = reporter.structured("cap_thuc_hien")
    if text:
        record.levels, status, detail = parse_levels(clean(text))
        reporter.set("cap_thuc_hien", status, detail)


def _targets(reporter: _Reporter, record: ProcedureRecord) -> None:
    text = reporter.simple("doi_tuong_thuc_hien")
    record.target_groups = split_top_level(text) if text else []


def _channels(reporter: _Reporter, record: ProcedureRecord) -> None:
    text = reporter.structured("cach_thuc_thuc_hien")
    if not text:
        return
    record.channels, record.fees, outcome = parse_channels(text)
    units = {c.duration_unit for c in record.channels}
    has_value = any(c.duration_value is not None for c in record.channels)
    record.no_appointment_date = UNIT_NO_DEADLINE in units and not has_value
    reporter.outcome("cach_thuc_thuc_hien", outcome)


def _components(reporter: _Reporter, record: ProcedureRecord) -> None:
    text = reporter.structured("thanh_phan_ho_so")
    if text:
        record.components, outcome = parse_components(text)
        reporter.outcome("thanh_phan_ho_so", outcome)
        notes = without_notes(clean(text))[1]
        if notes:  # "Lưu ý" rows and instructions: shown with the conditions, not as documents
            block = "\n".join([COMPONENT_NOTES_HEADING, *(f"- {note}" for note in notes)])
            record.conditions = "\n".join(part for part in (record.conditions, block) if part)


def _results(reporter: _Reporter, record: ProcedureRecord) -> None:
    text = reporter.structured("ket_qua_xu_ly")
    if text:
        record.results, outcome = parse_results(text)
        reporter.outcome("ket_qua_xu_ly", outcome)


def _legal(reporter: _Reporter, record: ProcedureRecord) -> None:
    text = reporter.structured("can_cu_phap_ly")
    if text:
        record.legal_bases, outcome = parse_legal_bases(text)
        reporter.outcome("can_cu_phap_ly", outcome)


def _service_level(reporter: _Reporter, record: ProcedureRecord) -> None:
    raw, problem = reporter.text("raw_text")
    record.service_level, detail = detect_service_level(record.name, unicodedata.normalize("NFC", raw))
    status = EMPTY if not raw.strip() else PARSED
    reporter.set("raw_text", FAILED if problem and problem != "missing" else status, detail or problem)


def _unmapped(reporter: _Reporter) -> None:
    for key in UNMAPPED_FIELDS:
        raw, problem = reporter.text(key)
        if is_empty_text(clean(raw)):
            reporter.set(key, EMPTY, problem if problem != "missing" else "")
        else:
            reporter.set(key, SKIPPED, "no ProcedureRecord field; not imported")


def parse_national_record(data: object, *, source: str, ministry_hint: str = "") -> ParseResult:
    """Parse one portal record. Never raises; ``record`` is None only when the record is unusable."""
    if not isinstance(data, dict):
        error = f"record is a {type(data).__name__}, not an object"
        return ParseResult(source=source, record=None, error=error)
    try:
        return _parse(data, source, ministry_hint)
    except Exception as exc:  # noqa: BLE001 — the contract is "never raises"; report instead
        return ParseResult(source=source, record=None, error=f"internal parser error: {exc!r}"[:300])


def _parse(data: dict, source: str, ministry_hint: str) -> ParseResult:
    mended = mend_channel_spill(data)
    data = mended.data
    reporter = _Reporter(data)
    code, name, error = _identity(reporter, source)
    if error:
        return ParseResult(source=source, record=None, fields=reporter.ordered(), error=error)
    record = ProcedureRecord(code=code, name=name[:500])
    _url(reporter, record)
    _decision_and_ministry(reporter, record, ministry_hint)
    _levels(reporter, record)
    record.procedure_type = reporter.simple("loai_thu_tuc")
    record.field_name = reporter.simple("linh_vuc")
    _targets(reporter, record)
    record.competent_authority = reporter.simple("co_quan_co_tham_quyen")
    record.implementing_agency = reporter.simple("co_quan_thuc_hien")
    record.coordinating_agency = reporter.simple("co_quan_phoi_hop")
    record.steps = reporter.simple("trinh_tu_thuc_hien", multiline=True)
    record.conditions = reporter.simple("yeu_cau_dieu_kien", multiline=True)
    _channels(reporter, record)
    _components(reporter, record)
    _results(reporter, record)
    _legal(reporter, record)
    _service_level(reporter, record)
    _unmapped(reporter)
    for key in SOURCE_FIELDS:
        if key not in reporter.reports:
            reporter.set(key, EMPTY, "missing")
    if mended.detail:
        for key in ("cach_thuc_thuc_hien", "can_cu_phap_ly"):
            reporter.unverified(key, mended.detail, why="source mended")
    mismatches = check_record(data, record)
    for mismatch in mismatches:
        reporter.unverified(mismatch.field, mismatch.detail)
    return ParseResult(
        source=source,
        record=record,
        fields=reporter.ordered(),
        mismatches=[(m.kind, m.detail) for m in mismatches],
    )


# --------------------------------------------------------------------------------------------------
# Files and folders
# --------------------------------------------------------------------------------------------------
def _json_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if path.is_dir():
        return sorted(p for p in path.rglob("*.json") if p.is_file())
    return []


def _source_name(file: Path, root: Path) -> str:
    try:
        return str(file.relative_to(root)) if root.is_dir() else file.name
    except ValueError:
        return str(file)


def _records_in_file(file: Path, source: str, ministry_hint: str) -> Iterable[ParseResult]:
    try:
        data = json.loads(file.read_bytes().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        return [ParseResult(source=source, record=None, error=f"unreadable JSON: {exc}"[:300])]
    if isinstance(data, list):
        return (
            parse_national_record(item, source=f"{source}#{index}", ministry_hint=ministry_hint)
            for index, item in enumerate(data)
        )
    return [parse_national_record(data, source=source, ministry_hint=ministry_hint)]


def iter_national_folder(path: str | Path) -> Iterator[ParseResult]:
    """Parse every ``*.json`` under ``path`` (recursively), or the single file ``path``.

    A file holds one record or a JSON list of records. The folder a file sits in (``bo-tu-phap``)
    gives the ministry when the record's decision number does not name one.
    """
    root = Path(path)
    if not root.exists():
        yield ParseResult(source=str(root), record=None, error="path does not exist")
        return
    for file in _json_files(root):
        hint = ministry_hint_from_folder(file.parent.name)
        yield from _records_in_file(file, _source_name(file, root), hint)

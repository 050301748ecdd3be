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
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from dichvucong.catalogue.importers.records import (
    CHANNEL_IN_PERSON,
    CHANNEL_ONLINE,
    CHANNEL_POSTAL,
    FEE_KIND_CHARGE,
    FEE_KIND_FEE,
    FEE_PER_CASE,
    FEE_PER_COPY,
    FEE_PER_FIXED,
    FEE_PER_PAGE,
    LEVEL_COMMUNE,
    LEVEL_MINISTRY,
    LEVEL_PROVINCE,
    SERVICE_FULL,
    SERVICE_NONE,
    SERVICE_PARTIAL,
    UNIT_DAYS,
    UNIT_HOURS,
    UNIT_MONTHS,
    UNIT_NO_DEADLINE,
    UNIT_UNSTATED,
    UNIT_WEEKS,
    UNIT_WORKING_DAYS,
    UNIT_YEARS,
    ChannelRecord,
    ComponentRecord,
    FeeRecord,
    FieldReport,
    LegalBasisRecord,
    ParseResult,
    ProcedureRecord,
    ResultRecord,
)

PARSED = "parsed"
PARTIAL = "partial"
EMPTY = "empty"
FAILED = "failed"

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


# --------------------------------------------------------------------------------------------------
# Ministries
# --------------------------------------------------------------------------------------------------
# Abbreviations used at the end of decision numbers ("163/QĐ-BTP"). Former ministries merged in 2025
# map to their successor, so that a record is filed under the ministry that runs it today.
MINISTRY_ABBREVIATIONS: dict[str, str] = {
    "BQP": "Bộ Quốc phòng",
    "BCA": "Bộ Công an",
    "BNG": "Bộ Ngoại giao",
    "BNV": "Bộ Nội vụ",
    "BTP": "Bộ Tư pháp",
    "BTC": "Bộ Tài chính",
    "BCT": "Bộ Công Thương",
    "BNNMT": "Bộ Nông nghiệp và Môi trường",
    "BXD": "Bộ Xây dựng",
    "BVHTTDL": "Bộ Văn hóa, Thể thao và Du lịch",
    "BKHCN": "Bộ Khoa học và Công nghệ",
    "BGDĐT": "Bộ Giáo dục và Đào tạo",
    "BYT": "Bộ Y tế",
    "BDTTG": "Bộ Dân tộc và Tôn giáo",
    "NHNN": "Ngân hàng Nhà nước Việt Nam",
    "TTCP": "Thanh tra Chính phủ",
    "VPCP": "Văn phòng Chính phủ",
    # Before the 2025 merger.
    "BGTVT": "Bộ Xây dựng",
    "BLĐTBXH": "Bộ Nội vụ",
    "BTNMT": "Bộ Nông nghiệp và Môi trường",
    "BNNPTNT": "Bộ Nông nghiệp và Môi trường",
    "BKHĐT": "Bộ Tài chính",
    "BTTTT": "Bộ Khoa học và Công nghệ",
    "UBDT": "Bộ Dân tộc và Tôn giáo",
}
_KNOWN_MINISTRY_BY_SLUG = {slugify(name): name for name in MINISTRY_ABBREVIATIONS.values()}


def ministry_from_slug(slug: str) -> str:
    """Folder name to ministry name: known names get their diacritics back, others are capitalised.

    ``bo-tu-phap`` → "Bộ Tư pháp"; ``bo-ngoai-giao`` → "Bộ Ngoại giao"; ``so-abc`` → "So Abc".
    """
    slug = slugify(slug)
    if not slug:
        return ""
    if slug in _KNOWN_MINISTRY_BY_SLUG:
        return _KNOWN_MINISTRY_BY_SLUG[slug]
    return " ".join(word.capitalize() for word in slug.split("-"))


MINISTRY_SLUG_PREFIXES = ("bo-", "ngan-hang-", "thanh-tra-", "van-phong-", "uy-ban-")


def ministry_hint_from_folder(folder: str) -> str:
    """Folder names like ``bo-ngoai-giao`` hint at the ministry; other names (``tmp``, ``data``) do not."""
    slug = slugify(folder)
    if slug in _KNOWN_MINISTRY_BY_SLUG or slug.startswith(MINISTRY_SLUG_PREFIXES):
        return ministry_from_slug(slug)
    return ""


def ministry_from_decision(decision: str) -> str:
    """ "163/QĐ-BTP" → "Bộ Tư pháp"; "885/QĐ-BCA-C06" → "Bộ Công an"; "QĐ-UBND" → "" (not a ministry)."""
    for token in re.split(r"[^A-ZĐ]+", decision.upper()):
        if token in MINISTRY_ABBREVIATIONS:
            return MINISTRY_ABBREVIATIONS[token]
    return ""


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
# Channels, durations and fees (cach_thuc_thuc_hien)
# --------------------------------------------------------------------------------------------------
CHANNEL_TABLE_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
CHANNEL_NAMES = {
    "Trực tuyến": CHANNEL_ONLINE,
    "Dịch vụ bưu chính": CHANNEL_POSTAL,
    "Trực tiếp": CHANNEL_IN_PERSON,
}
# A channel cell is followed directly (no separator) by the duration cell: a number or
# "Không có thông tin". Requiring that keeps "Trực tuyến: nộp hồ sơ..." in descriptions from
# being read as a new row.
CHANNEL_RE = re.compile(
    r"(Trực tuyến|Dịch vụ bưu chính|Trực tiếp)"
    r"(?=[ ]?(?:\d|Không có thông tin|Không quy định|Không có thời hạn))"
)
UNIT_WORDS = (  # longest first: "Ngày làm việc" before "Ngày"
    ("ngày làm việc", UNIT_WORKING_DAYS),
    ("ngày", UNIT_DAYS),
    ("giờ làm việc", UNIT_HOURS),
    ("giờ", UNIT_HOURS),
    ("tuần", UNIT_WEEKS),
    ("tháng", UNIT_MONTHS),
    ("năm", UNIT_YEARS),
)
NO_DEADLINE_RE = re.compile(
    r"^\W*(không quy định|không có thời hạn|không có ngày hẹn|không xác định thời hạn|không hẹn)", re.I
)
DURATION_RE = re.compile(r"^\s*(-?\d+(?:[.,]\d+)?)\s*")
CURRENCY_WORDS = (  # longest first
    ("việt nam đồng", "VND"),
    ("vnđ", "VND"),
    ("vnd", "VND"),
    ("đồng", "VND"),
    ("usd", "USD"),
    ("eur", "EUR"),
    ("đ", "VND"),
)
AMOUNT_RE = re.compile(r"^\s*(-?\s*\d[\d.,]*)\s*")
# "Phí : 50.000 Đồng", "Lệ phí: 100.000 đồng/hồ sơ" — labelled amounts inside notes and descriptions.
LABELLED_FEE_RE = re.compile(
    r"(?:^|(?<=[\s\-+;(.:]))(Lệ phí|Phí)\s*:\s*(\d[\d.,]*)\s*(?:Việt Nam Đồng|đồng|Đồng|VNĐ|VND|đ)", re.I
)
ANY_VND_RE = re.compile(
    r"(\d{1,3}(?:[.,]\d{3})+|\d+)\s*(?:Việt Nam Đồng|đồng|Đồng|VNĐ|VND|đ)(?![a-zà-ỹ])", re.I
)
PER_WORDS = (
    ("trang", FEE_PER_PAGE),
    ("bản sao", FEE_PER_COPY),
    ("bản", FEE_PER_COPY),
    ("hồ sơ", FEE_PER_CASE),
    ("trường hợp", FEE_PER_CASE),
    ("lần", FEE_PER_CASE),
    ("vụ việc", FEE_PER_CASE),
    ("giao dịch", FEE_PER_CASE),
)


@dataclass
class _FieldOutcome:
    status: str
    notes: list[str] = field(default_factory=list)

    def flag(self, note: str) -> None:
        self.status = PARTIAL if self.status != FAILED else FAILED
        self.notes.append(note)

    def note(self, note: str) -> None:
        self.notes.append(note)

    def report(self, name: str) -> FieldReport:
        return FieldReport(name=name, status=self.status, detail="; ".join(dict.fromkeys(self.notes))[:500])


def parse_amount(text: str) -> tuple[int | None, str]:
    """ "10,000" / "1.200.000" / "600000" → int; returns ``(None, problem)`` when not a whole amount."""
    raw = text.replace(" ", "").rstrip(".,")
    negative = raw.startswith("-")
    raw = raw.lstrip("-")
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", raw) or raw.isdigit():
        value = int(re.sub(r"[.,]", "", raw))
        return (-value if negative else value), ""
    try:
        value_dec = Decimal(raw.replace(",", "."))
    except InvalidOperation:
        return None, f"amount '{text}' not understood"
    return (-int(value_dec) if negative else int(value_dec)), f"amount '{text}' rounded"


def match_currency(text: str) -> tuple[str, int]:
    lowered = text.lower()
    for word, code in CURRENCY_WORDS:
        if lowered.startswith(word):
            end = len(word)
            # "đ" only counts as a currency when it is a word on its own ("100 đ/lần", not "100 đồng...").
            if word == "đ" and end < len(text) and text[end].isalpha():
                continue
            return code, end
    return "", 0


def fee_per(text: str) -> str:
    match = re.search(r"/\s*([^\s/)(.;,]+(?:\s[^\s/)(.;,]+)?)", text)
    if not match:
        return FEE_PER_FIXED
    unit = match.group(1).lower()
    for word, per in PER_WORDS:
        if unit.startswith(word):
            return per
    return FEE_PER_FIXED


def fee_kind(label: str) -> str:
    return FEE_KIND_FEE if label.strip().lower() == "phí" else FEE_KIND_CHARGE


def _labelled_fees(text: str) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    for match in LABELLED_FEE_RE.finditer(text):
        amount, _problem = parse_amount(match.group(2))
        if amount is not None:
            found.append((fee_kind(match.group(1)), amount))
    return found


@dataclass
class _FeeCell:
    fees: list[FeeRecord]
    description: str
    no_info: bool = False


def _read_fee_item(text: str, channel: str) -> tuple[FeeRecord | None, int, str]:
    """Read one fee item at the start of ``text``; returns (fee, characters consumed, problem)."""
    lowered = text.lower()
    if lowered.startswith("miễn phí"):
        fee = FeeRecord(name="Phí, lệ phí", amount=0, channel=channel, is_free=True, source_text="Miễn phí")
        return fee, len("miễn phí"), ""
    amount_match = AMOUNT_RE.match(text)
    position = amount_match.end() if amount_match else 0
    currency, length = match_currency(text[position:])
    if not currency:
        return None, 0, ""
    amount, problem = parse_amount(amount_match.group(1)) if amount_match else (None, "amount missing")
    consumed = position + length
    fee = FeeRecord(
        name="Phí, lệ phí", amount=amount, channel=channel, currency=currency, source_text=text[:consumed]
    )
    return fee, consumed, problem


def parse_fee_cell(text: str, channel: str, outcome: _FieldOutcome) -> _FeeCell:
    """Read the fee cell at the start of ``text`` (one or more items); the rest is the description."""
    fees: list[FeeRecord] = []
    position = 0
    while position < len(text):
        rest = text[position:].lstrip()
        position = len(text) - len(rest)
        if not fees and rest.lower().startswith(NO_INFO):
            return _FeeCell(fees=[], description=rest[len(NO_INFO) :], no_info=True)
        fee, consumed, problem = _read_fee_item(rest, channel)
        if fee is None:
            break
        if problem:
            outcome.flag(f"{channel}: {problem}")
        position += consumed
        if text[position : position + 1] == "(":
            note, position = take_parenthesised(text, position)
            fee.note = clean(note)
            fee.source_text = clean(fee.source_text + "(" + note + ")")
        fees.append(fee)
    if not fees and text.strip():
        outcome.flag(f"{channel}: fee cell not understood: '{clean(text)[:60]}'")
    return _FeeCell(fees=fees, description=text[position:])


def review_fee(
    fee: FeeRecord, description: str, outcome: _FieldOutcome, whole_text: str = ""
) -> FeeRecord | None:
    """Apply kind and per-unit hints, fix obvious errors, reject absurd amounts (returns None).

    ``whole_text`` (the full field) is only used to confirm corrections of obviously wrong amounts.
    """
    context = f"{fee.note} {description}"
    fee.per = fee_per(fee.note or description[:80])
    label = re.match(r"\W*(lệ phí|phí)\s*:", fee.note, re.I)
    if label:
        fee.kind = fee_kind(label.group(1))
        fee.name = "Phí" if fee.kind == FEE_KIND_FEE else "Lệ phí"
    labelled = _labelled_fees(context)
    for kind, amount in labelled:
        if amount == fee.amount:
            fee.kind = kind
            fee.name = "Phí" if kind == FEE_KIND_FEE else "Lệ phí"
            break
    if fee.is_free or fee.amount is None:
        return fee
    if fee.amount < 0:
        outcome.flag(f"{fee.channel}: negative amount {fee.amount} rejected")
        return None
    limit = MAX_VND if fee.currency == "VND" else MAX_FOREIGN
    if fee.amount > limit:
        outcome.flag(f"{fee.channel}: absurd amount {fee.amount:,} {fee.currency} rejected")
        return None
    if fee.currency == "VND" and 0 < fee.amount < 1000:
        _fix_small_vnd(fee, context, f"{context} {whole_text}", outcome)
    return fee


def _fix_small_vnd(fee: FeeRecord, context: str, wide_context: str, outcome: _FieldOutcome) -> None:
    """No fee is below 1.000 đ: such an amount is a data-entry error. The usual ones:

    * "40 Việt Nam Đồng (40.000đ/giấy)": the thousands were lost; the note (or another channel of the
      same procedure) states ×1000; "50 VNĐ (áp dụng mức phí 25.000 đồng...)" states the 50 % rate;
    * "145 VNĐ (… 145 USD/thẻ)": wrong currency;
    * "1 Việt Nam Đồng (… được miễn lệ phí …)": 1 stands for "free".

    Anything else below 1.000 đ is left unset (``amount=None``) rather than shown to citizens.
    """
    stated = fee.amount or 0
    if re.search(rf"(?<![\d.,]){stated}\s*USD", context):
        fee.currency = "USD"
        outcome.flag(f"{fee.channel}: {stated} VND read as {stated} USD as in the description")
        return
    if stated == 1 and re.search(r"\bmiễn\b", context, re.I):
        fee.amount, fee.is_free = 0, True
        outcome.flag(f"{fee.channel}: amount 1 VND read as free (the note says 'miễn')")
        return
    amounts = {parse_amount(m.group(1))[0] for m in ANY_VND_RE.finditer(wide_context)}
    if stated * 1000 in amounts or stated * 500 in amounts:
        fee.amount = stated * 1000
        outcome.flag(f"{fee.channel}: {stated} VND corrected to {fee.amount:,} (amount in the description)")
    else:
        fee.amount = None
        outcome.flag(f"{fee.channel}: implausible amount {stated} VND left unset (source text kept)")


def extra_labelled_fees(
    fees: list[FeeRecord], description: str, channel: str, outcome: _FieldOutcome
) -> list[FeeRecord]:
    """Fee items stated in the description ("Lệ phí: 100.000 đồng/hồ sơ") that the cell did not carry."""
    known = {f.amount for f in fees}
    extra: list[FeeRecord] = []
    for match in LABELLED_FEE_RE.finditer(description):
        amount, _problem = parse_amount(match.group(2))
        if amount is None or amount in known or amount <= 0:
            continue
        if amount > MAX_VND:
            outcome.flag(f"{channel}: absurd amount {amount:,} VND in description rejected")
            continue
        kind = fee_kind(match.group(1))
        tail = description[match.end() : match.end() + 60]
        extra.append(
            FeeRecord(
                name="Phí" if kind == FEE_KIND_FEE else "Lệ phí",
                amount=amount,
                channel=channel,
                kind=kind,
                per=fee_per(tail),
                source_text=clean(match.group(0)),
                note="stated in the description",
            )
        )
        known.add(amount)
    return extra


def parse_duration(text: str, outcome: _FieldOutcome, channel: str) -> tuple[ChannelRecord, str]:
    """Read the duration cell at the start of ``text``; return the channel and the rest of the text."""
    record = ChannelRecord(channel=channel)
    no_deadline = NO_DEADLINE_RE.match(text)
    if no_deadline:
        record.duration_unit = UNIT_NO_DEADLINE
        record.duration_text = clean(no_deadline.group(1))
        return record, text[no_deadline.end() :]
    if text.lower().startswith(NO_INFO):
        return record, text[len(NO_INFO) :]
    match = DURATION_RE.match(text)
    if not match:
        outcome.flag(f"{channel}: duration not understood")
        return record, text
    try:
        value = Decimal(match.group(1).replace(",", "."))
    except InvalidOperation:
        outcome.flag(f"{channel}: duration '{match.group(1)}' not a number")
        return record, text[match.end() :]
    rest = text[match.end() :]
    record.duration_text = clean(match.group(1))
    lowered = rest.lower()
    for word, unit in UNIT_WORDS:
        if lowered.startswith(word):
            record.duration_unit = unit
            record.duration_text = clean(f"{match.group(1)} {rest[: len(word)]}")
            rest = rest[len(word) :]
            break
    if value < 0 or value > 3650:
        outcome.flag(f"{channel}: duration {value} out of range; dropped")
        return record, rest
    record.duration_value = value
    return record, rest


def _split_glued_amount(record: ChannelRecord, rest: str, outcome: _FieldOutcome) -> str:
    """ "Trực tuyến1200 VNĐ": a bare duration glued to the amount. The duration is then almost always
    a single digit ("1"), so the first digit is the duration and the rest goes back to the fee cell."""
    if record.duration_unit != UNIT_UNSTATED or record.duration_value is None:
        return rest
    currency, _length = match_currency(rest.lstrip())
    digits = record.duration_text
    if not currency or not digits.isdigit() or len(digits) < 2:
        return rest
    record.duration_value = Decimal(digits[0])
    record.duration_text = digits[0]
    outcome.flag(f"{record.channel}: duration and amount glued ('{digits} {currency}'); read as {digits[0]}")
    return f"{digits[1:]} {rest.lstrip()}"


def _deadline_from_description(record: ChannelRecord, description: str) -> None:
    if record.duration_value is None and record.duration_unit == UNIT_UNSTATED:
        match = NO_DEADLINE_RE.match(description)
        if match:
            record.duration_unit = UNIT_NO_DEADLINE
            record.duration_text = clean(match.group(1))


def parse_channels(text: str) -> tuple[list[ChannelRecord], list[FeeRecord], _FieldOutcome]:
    outcome = _FieldOutcome(PARSED)
    body = text.replace(CHANNEL_TABLE_HEADER, "", 1) if CHANNEL_TABLE_HEADER in text else text
    parts = CHANNEL_RE.split(body)
    if clean(parts[0]):
        outcome.flag(f"text before the first channel ignored: '{clean(parts[0])[:60]}'")
    channels: list[ChannelRecord] = []
    fees: list[FeeRecord] = []
    for index in range(1, len(parts) - 1, 2):
        channel = CHANNEL_NAMES[parts[index]]
        record, rest = parse_duration(parts[index + 1], outcome, channel)
        rest = _split_glued_amount(record, rest, outcome)
        cell = parse_fee_cell(rest, channel, outcome)
        record.description = clean(cell.description)
        _deadline_from_description(record, record.description)
        channels.append(record)
        reviewed = (review_fee(fee, cell.description, outcome, body) for fee in cell.fees)
        row_fees = [f for f in reviewed if f]
        row_fees += extra_labelled_fees(row_fees, cell.description, channel, outcome)
        fees.extend(f for f in row_fees if f not in fees)
    if not channels:
        outcome.status = FAILED
        outcome.note("no channel (Trực tuyến / Dịch vụ bưu chính / Trực tiếp) found")
        return channels, fees, outcome
    _note_source_gaps(channels, fees, outcome)
    return channels, fees, outcome


def _note_source_gaps(channels: list[ChannelRecord], fees: list[FeeRecord], outcome: _FieldOutcome) -> None:
    unstated = sum(1 for c in channels if c.duration_value is not None and c.duration_unit == UNIT_UNSTATED)
    missing = sum(1 for c in channels if c.duration_value is None and c.duration_unit != UNIT_NO_DEADLINE)
    if unstated:
        outcome.note(f"{unstated} duration(s) without unit in the source")
    if missing:
        outcome.note(f"{missing} channel(s) without duration in the source")
    if not fees:
        outcome.note("no fee information in the source")
    names = [c.channel for c in channels]
    if len(set(names)) < len(names):
        outcome.note("some channels listed several times (one row per case)")


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


def parse_component_group(case: str, body: str, outcome: _FieldOutcome) -> tuple[list[ComponentRecord], str]:
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


def parse_components(text: str) -> tuple[list[ComponentRecord], _FieldOutcome]:
    outcome = _FieldOutcome(PARSED)
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


# --------------------------------------------------------------------------------------------------
# Results (ket_qua_xu_ly)
# --------------------------------------------------------------------------------------------------
# The page chrome that follows the result list on the portal page.
RESULT_NOISE_RE = re.compile(r"Từ khóa|Mô tảKhông có thông tin|Chọn cơ quan thực hiện|Nộp hồ sơ$")
RESULT_CODE_RE = re.compile(r"Mã\s*:\s*([A-Z0-9][A-Z0-9.\-]*\d)")


def parse_results(text: str) -> tuple[list[ResultRecord], _FieldOutcome]:
    outcome = _FieldOutcome(PARSED)
    noise = RESULT_NOISE_RE.search(text)
    body = text[: noise.start()] if noise else text
    results: list[ResultRecord] = []
    position = 0
    for match in RESULT_CODE_RE.finditer(body):
        name = clean(body[position : match.start()])
        position = match.end()
        if not name:
            outcome.flag(f"code {match.group(1)} without a result name")
            continue
        results.append(ResultRecord(name=name, code=match.group(1)))
    tail = clean(body[position:])
    if tail and not is_empty_text(tail):
        results.append(ResultRecord(name=tail))
        if results[:-1]:
            outcome.flag(f"result without code: '{tail[:60]}'")
        else:
            outcome.note("result without code")
    if not results:
        outcome.status = EMPTY if is_empty_text(clean(body)) else FAILED
    return results, outcome


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
# Digits inside the suffix never run into a following "/" ("NĐ-CP64/2022" is two numbers).
_DIGITS = r"(?:\d{2}(?!/)|\d(?![\d/]))"
_SEGMENT = rf"(?:TTg|[{_UPPER}]+(?:{_DIGITS})?|[{_UPPER}]?{_DIGITS})"
_SEPARATOR = rf"\s?(?:[-_]|/(?=[{_UPPER}]))\s?"
LEGAL_NUMBER_RE = re.compile(
    rf"(\d+(?:\.\d+)?)/(?:(\d{{4}})/)?({_SEGMENT}(?:{_SEPARATOR}{_SEGMENT})*)"
    rf"|(\d+)/(\d{{4}})$"
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


def parse_legal_bases(text: str) -> tuple[list[LegalBasisRecord], _FieldOutcome]:
    outcome = _FieldOutcome(PARSED)
    body = clean(text.replace(LEGAL_TABLE_HEADER, "", 1))
    body = DUPLICATE_NUMBER_RE.sub(r"\1 ", body)  # "...TT-BCA110/2020/TT-BCA" → "...TT-BCA 110/2020/TT-BCA"
    bases: list[LegalBasisRecord] = []
    position = 0
    for match in LEGAL_NUMBER_RE.finditer(body):
        if match.start() < position:
            continue
        if match.group(4) is not None:
            suffix, end, continues = "", match.end(), False
        else:
            suffix, end, continues = _legal_match_end(body, match)
        if continues or not _is_cell_end(body, end):
            continue
        number, start = _legal_number(match, suffix)
        title = _title_before(body, position, start)
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

    def outcome(self, key: str, outcome: _FieldOutcome) -> None:
        _raw, problem = self.text(key)
        if problem and outcome.status == PARSED:
            outcome.flag(problem)
        self.reports[key] = outcome.report(key)

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
    record.issuing_agency = ministry or ministry_hint
    if decision and not re.fullmatch(r"\d+/Q[ĐD]-[A-ZĐ0-9\-]+", decision):
        reporter.set("so_quyet_dinh", PARTIAL, f"unusual decision number '{decision[:40]}'")
    elif decision and not ministry:
        detail = "issuer is not a ministry; ministry taken from the folder" if ministry_hint else ""
        reporter.set("so_quyet_dinh", PARSED, detail)


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
            reporter.set(key, PARSED, "no ProcedureRecord field; not imported")


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
    return ParseResult(source=source, record=record, fields=reporter.ordered())


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

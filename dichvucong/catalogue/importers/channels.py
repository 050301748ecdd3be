"""Channels, durations and fees: the flattened table of ``cach_thuc_thuc_hien``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

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
    UNIT_DAYS,
    UNIT_HOURS,
    UNIT_MONTHS,
    UNIT_NO_DEADLINE,
    UNIT_UNSTATED,
    UNIT_WEEKS,
    UNIT_WORKING_DAYS,
    UNIT_YEARS,
    ChannelRecord,
    FeeRecord,
)
from dichvucong.catalogue.importers.text import (
    FAILED,
    MAX_FOREIGN,
    MAX_VND,
    NO_INFO,
    PARSED,
    FieldOutcome,
    clean,
    take_parenthesised,
)

# --------------------------------------------------------------------------------------------------
# Channels, durations and fees (cach_thuc_thuc_hien)
# --------------------------------------------------------------------------------------------------
CHANNEL_TABLE_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
CHANNEL_NAMES = {
    "Trực tuyến": CHANNEL_ONLINE,
    "Dịch vụ bưu chính": CHANNEL_POSTAL,
    "Trực tiếp": CHANNEL_IN_PERSON,
}
# A channel cell is followed directly (no space, no colon) by the duration cell: a number, "Không có
# thông tin", or a duration in words ("Không phải trả kết quả", "Hệ thống phản hồi tự động"): a
# digit or a capital. That keeps "Trực tuyến: nộp hồ sơ…" and "Trực tiếp tại…" in descriptions
# from being read as a new row.
CHANNEL_RE = re.compile(r"(Trực tuyến|Dịch vụ bưu chính|Trực tiếp)(?=[ ]?\d|[A-ZĐÀ-Ỹ])")
NO_RESULT_RE = re.compile(r"không phải trả kết quả", re.I)
# Where the fee cell starts after a duration given in words.
FEE_CELL_START_RE = re.compile(
    r"Miễn phí|Không có thông tin|(?<![\d.,])\d[\d.,]*\s?(?:Việt Nam Đồng|VNĐ|VND|đồng|Đồng|USD|EUR)", re.I
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


def parse_fee_cell(text: str, channel: str, outcome: FieldOutcome) -> _FeeCell:
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
    fee: FeeRecord, description: str, outcome: FieldOutcome, whole_text: str = ""
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


def _fix_small_vnd(fee: FeeRecord, context: str, wide_context: str, outcome: FieldOutcome) -> None:
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
    fees: list[FeeRecord], description: str, channel: str, outcome: FieldOutcome
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


def parse_duration(text: str, outcome: FieldOutcome, channel: str) -> tuple[ChannelRecord, str]:
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
        return _duration_in_words(record, text, outcome)
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


def _duration_in_words(record: ChannelRecord, text: str, outcome: FieldOutcome) -> tuple[ChannelRecord, str]:
    """ "Không phải trả kết quảMiễn phí…", "Hệ thống phản hồi tự động0 Việt Nam Đồng…": the duration
    cell is text; it runs to the fee cell. Kept as the stated duration, with no number of days."""
    fee = FEE_CELL_START_RE.search(text)
    if not fee or fee.start() == 0:
        outcome.flag(f"{record.channel}: duration not understood")
        return record, text
    record.duration_text = clean(text[: fee.start()])[:500]
    if NO_DEADLINE_RE.match(record.duration_text) or re.match(
        r"không phải trả kết quả", record.duration_text, re.I
    ):
        record.duration_unit = UNIT_NO_DEADLINE
    outcome.note(f"{record.channel}: duration given in words ('{record.duration_text[:40]}')")
    return record, text[fee.start() :]


def _split_glued_amount(record: ChannelRecord, rest: str, outcome: FieldOutcome) -> str:
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


def parse_channels(text: str) -> tuple[list[ChannelRecord], list[FeeRecord], FieldOutcome]:
    outcome = FieldOutcome(PARSED)
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


def _note_source_gaps(channels: list[ChannelRecord], fees: list[FeeRecord], outcome: FieldOutcome) -> None:
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

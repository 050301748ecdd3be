"""Plain data records that every catalogue source is turned into.

The national importer, the Excel list importer and the curated demo catalogue all produce
``ProcedureRecord`` objects; one service (``catalogue.services.procedure_upsert_from_record``)
writes them to the database. Nothing here touches Django.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal

# Channels (KenhThucHien: 1 trực tiếp, 2 trực tuyến, 3 bưu chính công ích).
CHANNEL_ONLINE = "online"
CHANNEL_POSTAL = "postal"
CHANNEL_IN_PERSON = "in_person"
CHANNELS = (CHANNEL_ONLINE, CHANNEL_POSTAL, CHANNEL_IN_PERSON)

# Duration units as the catalogue states them.
UNIT_WORKING_DAYS = "working_days"  # Ngày làm việc
UNIT_DAYS = "days"  # Ngày (calendar)
UNIT_HOURS = "hours"  # Giờ
UNIT_WEEKS = "weeks"  # Tuần
UNIT_MONTHS = "months"  # Tháng
UNIT_YEARS = "years"  # Năm
UNIT_NO_DEADLINE = "no_deadline"  # Không có ngày hẹn trả / không quy định
UNIT_UNSTATED = "unstated"  # a bare number in the source: unit missing
DURATION_UNITS = (
    UNIT_WORKING_DAYS,
    UNIT_DAYS,
    UNIT_HOURS,
    UNIT_WEEKS,
    UNIT_MONTHS,
    UNIT_YEARS,
    UNIT_NO_DEADLINE,
    UNIT_UNSTATED,
)

# Levels that perform a procedure (cấp thực hiện).
LEVEL_MINISTRY = "bo"  # Cấp bộ
LEVEL_PROVINCE = "tinh"  # Cấp tỉnh
LEVEL_COMMUNE = "xa"  # Cấp xã
LEVELS = (LEVEL_MINISTRY, LEVEL_PROVINCE, LEVEL_COMMUNE)

# Online service level per NĐ 42/2022.
SERVICE_FULL = "toan_trinh"
SERVICE_PARTIAL = "mot_phan"
SERVICE_NONE = ""

FEE_KIND_CHARGE = "le_phi"  # lệ phí
FEE_KIND_FEE = "phi"  # phí
FEE_PER_FIXED = "fixed"
FEE_PER_COPY = "per_copy"
FEE_PER_PAGE = "per_page"
FEE_PER_CASE = "per_case"


@dataclass
class ChannelRecord:
    channel: str
    duration_value: Decimal | None = None
    duration_unit: str = UNIT_UNSTATED
    duration_text: str = ""
    description: str = ""
    curator_note: str = ""  # the curators' remark on the source: never shown to the public


@dataclass
class FeeRecord:
    name: str
    amount: int | None  # whole đồng (or whole units of ``currency``); None = not stated / free text
    channel: str | None = None  # None: every channel
    kind: str = FEE_KIND_CHARGE
    currency: str = "VND"
    per: str = FEE_PER_FIXED
    is_free: bool = False
    note: str = ""  # public: shown beside the fee
    source_text: str = ""
    curator_note: str = ""  # the curators' remark on the source: never shown to the public


@dataclass
class ComponentRecord:
    name: str
    case: str = ""  # trường hợp; "" = every case
    form_name: str = ""  # mẫu đơn, tờ khai (file name or form code)
    original_count: int = 0  # bản chính
    copy_count: int = 0  # bản sao
    quantity_text: str = ""
    required: bool = True
    form_code: str = ""  # FormTemplate.code of the declaration to download ("TK-KHAI-SINH")
    eform: bool = False  # the procedure's e-form (form_schema) replaces this declaration online


@dataclass
class ResultRecord:
    name: str
    code: str = ""  # KQ.G15.000031


@dataclass
class LegalBasisRecord:
    title: str
    number: str = ""  # 123/2015/NĐ-CP


@dataclass
class ProcedureRecord:
    code: str  # 1.001193
    name: str
    field_name: str = ""  # lĩnh vực
    levels: list[str] = field(default_factory=list)
    procedure_type: str = ""  # loại thủ tục
    decision_number: str = ""  # số quyết định công bố
    issuing_agency: str = ""  # cơ quan ban hành (ministry)
    target_groups: list[str] = field(default_factory=list)
    competent_authority: str = ""
    implementing_agency: str = ""
    coordinating_agency: str = ""
    steps: str = ""
    conditions: str = ""
    service_level: str = SERVICE_NONE
    no_appointment_date: bool = False
    effective_from: date | None = None
    source_url: str = ""
    channels: list[ChannelRecord] = field(default_factory=list)
    fees: list[FeeRecord] = field(default_factory=list)
    components: list[ComponentRecord] = field(default_factory=list)
    results: list[ResultRecord] = field(default_factory=list)
    legal_bases: list[LegalBasisRecord] = field(default_factory=list)
    life_events: list[str] = field(default_factory=list)  # slugs of LifeEvent
    form_schema: list[dict] = field(default_factory=list)  # e-form fields (see ProcedureVersion.form_schema)
    curator_note: str = ""  # the curators' remarks on the record: never shown to the public

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class FieldReport:
    """What the parser did with one source field of one record."""

    name: str
    status: str  # "parsed" | "empty" | "partial" | "failed"
    detail: str = ""


@dataclass
class ParseResult:
    source: str  # file name or row reference
    record: ProcedureRecord | None
    fields: list[FieldReport] = field(default_factory=list)
    error: str = ""  # set when the record could not be used at all
    # What the source proves wrong in ``record`` (kind, detail): see ``importers.check``. Each one
    # also lowers its field to "partial".
    mismatches: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.record is not None and not self.error


def procedure_record_from_dict(data: dict) -> ProcedureRecord:
    """Build a record from its JSON form (the curated demo catalogue, API imports)."""

    def decimal_or_none(value) -> Decimal | None:
        return None if value is None else Decimal(str(value))

    effective = data.get("effective_from")
    return ProcedureRecord(
        code=data["code"],
        name=data["name"],
        field_name=data.get("field_name", ""),
        levels=list(data.get("levels", [])),
        procedure_type=data.get("procedure_type", ""),
        decision_number=data.get("decision_number", ""),
        issuing_agency=data.get("issuing_agency", ""),
        target_groups=list(data.get("target_groups", [])),
        competent_authority=data.get("competent_authority", ""),
        implementing_agency=data.get("implementing_agency", ""),
        coordinating_agency=data.get("coordinating_agency", ""),
        steps=data.get("steps", ""),
        conditions=data.get("conditions", ""),
        service_level=data.get("service_level", SERVICE_NONE),
        no_appointment_date=bool(data.get("no_appointment_date", False)),
        effective_from=date.fromisoformat(effective) if effective else None,
        source_url=data.get("source_url", ""),
        channels=[
            ChannelRecord(**{**item, "duration_value": decimal_or_none(item.get("duration_value"))})
            for item in data.get("channels", [])
        ],
        fees=[FeeRecord(**item) for item in data.get("fees", [])],
        components=[ComponentRecord(**item) for item in data.get("components", [])],
        results=[ResultRecord(**item) for item in data.get("results", [])],
        legal_bases=[LegalBasisRecord(**item) for item in data.get("legal_bases", [])],
        life_events=list(data.get("life_events", [])),
        form_schema=list(data.get("form_schema", [])),
        curator_note=data.get("curator_note", ""),
    )

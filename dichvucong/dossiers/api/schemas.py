"""The shapes the dossiers API reads and answers (their names are the OpenAPI schema names)."""

from __future__ import annotations

import datetime
import uuid

from ninja import Field as SchemaField
from ninja import Schema

from dichvucong.core.api_schemas import FieldError, FormErrors
from dichvucong.dossiers import cases as case_rules
from dichvucong.dossiers import paperwork, services
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.models import Status as DossierStatus
from dichvucong.dossiers.workflow import allowed_actions

# A body, query or path ninja cannot read also answers FormErrors (core.api_schemas).
Invalid = FormErrors | FieldError


class Conflict(Schema):
    detail: str
    code: str = SchemaField(description="illegal: không làm được ở trạng thái này; stale: trạng thái vừa đổi")


class StatusOut(Schema):
    value: str
    label: str
    national_code: int | None = SchemaField(description="TrangThaiHoSo 1–10 (không có với bản nháp)")


def _status(dossier: Dossier) -> dict:
    return {
        "value": dossier.status,
        "label": str(DossierStatus(dossier.status).label),
        "national_code": dossier.national_status,
    }


class DossierSummaryOut(Schema):
    id: uuid.UUID = SchemaField(alias="public_id")
    code: str | None
    status: StatusOut
    supplement_state: str
    procedure_code: str = SchemaField(alias="procedure.code")
    procedure_name: str = SchemaField(alias="procedure.name")
    agency_name: str = SchemaField(alias="agency.name")
    created_at: datetime.datetime
    submitted_at: datetime.datetime | None
    due_at: datetime.datetime | None

    @staticmethod
    def resolve_status(obj) -> dict:
        return _status(obj)


class DossierPageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[DossierSummaryOut]


class PageParams(Schema):
    page: int = SchemaField(1, ge=1, le=100000)
    page_size: int = SchemaField(20, ge=1, le=100)


class ComponentOut(Schema):
    id: int
    name: str
    case: str
    required: bool = SchemaField(description="Phải đính kèm tệp trước khi nộp")
    eform: bool = SchemaField(False, description="Tờ khai điện tử (fields) thay cho việc tải lên tờ khai này")


class FileOut(Schema):
    id: int
    component_id: int | None
    document_id: uuid.UUID = SchemaField(alias="document.public_id")
    title: str = SchemaField(alias="document.title")
    original_name: str = SchemaField(alias="document.original_name")
    content_type: str = SchemaField(alias="document.content_type")
    size: int = SchemaField(alias="document.size")
    reused: bool = SchemaField(description="Dùng lại giấy tờ đã có trong kho")
    supplement_id: int | None
    added_at: datetime.datetime


class EventOut(Schema):
    action: str
    label: str
    from_status: str
    to_status: str
    at: datetime.datetime = SchemaField(alias="created_at")


class SupplementItem(Schema):
    name: str = SchemaField(max_length=500)
    reason: str = SchemaField("", max_length=500)


class SupplementOut(Schema):
    id: int
    items: list[SupplementItem]
    deadline: datetime.date
    requested_at: datetime.datetime
    citizen_note: str
    responded_at: datetime.datetime | None
    completed_at: datetime.datetime | None


class ActionOut(Schema):
    action: str
    label: str


class ProblemOut(Schema):
    field: str
    message: str


class DossierOut(DossierSummaryOut):
    tracking_secret: str
    case: str = SchemaField(description="Các trường hợp đặc biệt, mỗi dòng một (rỗng: thông thường)")
    cases: list[str] = SchemaField(description="Các trường hợp đặc biệt áp dụng; rỗng: thông thường")
    channel: str
    applicant_name: str
    applicant_id_number: str
    applicant_phone: str
    applicant_email: str
    applicant_address: str
    owner_name: str
    owner_id_number: str
    owner_address: str
    request: str
    result_delivery: str
    delivery_address: str
    home_pickup: bool
    pickup_address: str
    received_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    refusal_reasons: list[str]
    components: list[ComponentOut]
    files: list[FileOut]
    events: list[EventOut]
    supplements: list[SupplementOut]
    next_actions: list[ActionOut] = SchemaField(description="Thao tác người gọi được làm lúc này")
    missing: list[ProblemOut] = SchemaField(description="Những gì còn thiếu trước khi nộp (bản nháp)")
    forms: list[str] = SchemaField(description="Biểu mẫu tải được: mau-01, mau-02, mau-03")

    @staticmethod
    def resolve_request(obj) -> str:
        return obj.form_data.get("request", "")

    @staticmethod
    def resolve_cases(obj) -> list[str]:
        return case_rules.chosen_cases(obj.case)

    @staticmethod
    def resolve_components(obj) -> list[dict]:
        return [
            {
                "id": component.pk,
                "name": component.name,
                "case": component.case,
                "required": services.upload_required(component, obj),
                "eform": case_rules.eform_replaces_upload(component, obj.version),
            }
            for component in services.components_for(obj)
        ]

    @staticmethod
    def resolve_files(obj) -> list:
        return list(obj.files.all())

    @staticmethod
    def resolve_events(obj) -> list:
        return list(obj.events.all())

    @staticmethod
    def resolve_supplements(obj) -> list:
        return list(obj.supplements.all())

    @staticmethod
    def resolve_next_actions(obj, context) -> list[dict]:
        user = context["request"].auth
        return [{"action": t.action, "label": t.label} for t in allowed_actions(dossier=obj, user=user)]

    @staticmethod
    def resolve_missing(obj) -> list[dict]:
        if obj.status != DossierStatus.DRAFT:
            return []
        return [{"field": f, "message": m} for f, m in services.missing_requirements(obj)]

    @staticmethod
    def resolve_forms(obj) -> list[str]:
        return [name for name in paperwork.FORMS if paperwork.form_available(obj, name)]


class SubmissionOut(Schema):
    """The answer of a one-request submission: enough to show the receipt, nothing re-read."""

    id: uuid.UUID = SchemaField(alias="public_id")
    code: str
    status: StatusOut
    tracking_secret: str = SchemaField(description="Mã tra cứu in trên giấy biên nhận")
    submitted_at: datetime.datetime
    detail_url: str = SchemaField(description="GET: chi tiết hồ sơ")

    @staticmethod
    def resolve_status(obj) -> dict:
        return _status(obj)

    @staticmethod
    def resolve_detail_url(obj) -> str:
        return f"/api/v1/dossiers/{obj.public_id}"


class CreateIn(Schema):
    offering_id: int = SchemaField(description="Thủ tục tại cơ quan (AgencyProcedure)")
    cases: list[str] = SchemaField(
        default_factory=list,
        max_length=20,
        description="Các trường hợp đặc biệt áp dụng (tên nhóm thành phần); bỏ trống: thông thường",
    )
    case: str = SchemaField("", max_length=1000, description="Một trường hợp (cách cũ, như cases=[case])")


class DraftIn(Schema):
    """Only the fields sent are changed; the whole draft is then checked like the web form."""

    applicant_name: str | None = None
    applicant_phone: str | None = None
    applicant_email: str | None = None
    applicant_address: str | None = None
    owner_name: str | None = None
    owner_id_number: str | None = None
    owner_address: str | None = None
    request: str | None = None
    result_delivery: str | None = SchemaField(None, description="counter | post | online")
    delivery_address: str | None = None
    home_pickup: bool | None = None
    pickup_address: str | None = SchemaField(None, description="Địa chỉ bưu điện đến nhận hồ sơ giấy")
    cases: list[str] | None = SchemaField(
        None, max_length=20, description="Các trường hợp đặc biệt áp dụng; [] : trường hợp thông thường"
    )
    fields: dict[str, str] | None = SchemaField(
        None, description="Câu trả lời tờ khai điện tử theo tên trường (ngày dạng dd/mm/yyyy)"
    )


class AttachIn(Schema):
    component_id: int
    document_id: uuid.UUID | None = SchemaField(None, description="Giấy tờ trong kho của bạn")


class AcceptIn(Schema):
    expected_status: str | None = SchemaField(
        None, description="Trạng thái bạn đang thấy; khác thì trả 409 stale (người khác vừa xử lý)"
    )


class SupplementRequestIn(Schema):
    items: list[SupplementItem] = SchemaField(max_length=50)
    deadline_days: int = SchemaField(10, ge=1, le=60)
    note: str = SchemaField("", max_length=5000)


class RefuseIn(Schema):
    reasons: list[str] = SchemaField(default_factory=list, max_length=20)


class TrackIn(Schema):
    code: str = SchemaField("", max_length=40)
    proof: str = SchemaField("", max_length=20, description="Số giấy tờ chủ hồ sơ hoặc mã tra cứu")


class TrackEventOut(Schema):
    at: datetime.datetime
    label: str


class TrackOut(Schema):
    code: str
    status: StatusOut
    due_at: datetime.datetime | None
    owner: str = SchemaField(description="Tên chủ hồ sơ đã che")
    procedure: str
    agency: str
    timeline: list[TrackEventOut]

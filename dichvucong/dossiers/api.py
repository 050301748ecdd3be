"""Dossiers over the API: a citizen's drafts and submissions, reception at the one-stop counter, tracking.

Authentication: ``token_or_session`` (bearer token or Django session) on every route except POST /tracking.
Reception routes also need the second factor: a staff token (issued only after the authenticator code) or
a session verified by django-otp, and a receptionist role at some agency.

Errors: a dossier the caller may not see, or may not act on, is 404 (never 403, so nothing is enumerable);
a refused status change is 409 with the state machine's Vietnamese message; bad input is 422, either
``{detail, errors}`` (a form) or ``{detail, field}`` (a service refusal).
"""

from __future__ import annotations

import datetime
import json
import math
import uuid
from collections.abc import Callable

import pydantic
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from ninja import Field as SchemaField
from ninja import Query, Router, Schema, Status

from dichvucong.accounts.api import FormErrors, Message, has_second_factor, token_or_session
from dichvucong.accounts.models import StaffRole
from dichvucong.accounts.selectors import agencies_for_user
from dichvucong.catalogue.models import AgencyProcedure
from dichvucong.core.ratelimit import client_ip, hit
from dichvucong.documents.models import StoredDocument
from dichvucong.dossiers import cases as case_rules
from dichvucong.dossiers import forms, selectors, services
from dichvucong.dossiers.models import Dossier, DossierFile
from dichvucong.dossiers.models import Status as DossierStatus
from dichvucong.dossiers.tracking import tracking_card
from dichvucong.dossiers.views import FORMS
from dichvucong.dossiers.workflow import TransitionRefused, allowed_actions

router = Router(tags=["Hồ sơ"], auth=token_or_session)

NOT_FOUND = "Không tìm thấy hồ sơ."
TRACK_NOT_FOUND = "Không tìm thấy hồ sơ với mã và số giấy tờ đã nhập. Hãy kiểm tra lại."
TRACK_LIMITED = "Quá nhiều lượt tra cứu từ địa chỉ mạng này. Vui lòng thử lại sau ít phút."
STAFF_ONLY = "Chức năng dành cho cán bộ tiếp nhận đã xác thực hai lớp."
DRAFT_FORM_FIELDS = tuple(forms.DraftForm.base_fields)  # the draft fields plus "request" (kept in form_data)


# --- schemas -------------------------------------------------------------------------------------


class FieldError(Schema):
    detail: str
    field: str | None


class RequestErrors(Schema):
    """Ninja's own answer when the body or query does not match the schema."""

    detail: list[dict]


Invalid = FormErrors | FieldError | RequestErrors


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
        return [name for name in FORMS if _form_available(obj, name)]


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


# --- helpers -------------------------------------------------------------------------------------

HANDLED = (Http404, PermissionDenied, services.DossierError, TransitionRefused)

# A malformed path, query or body is answered by ninja itself with 422 ``{detail: [...]}``.
AUTHED = {401: Message, 404: Message, 422: RequestErrors}


def _error(exc: Exception) -> Status:
    if isinstance(exc, services.DossierError):
        return Status(422, {"detail": exc.message, "field": exc.field})
    if isinstance(exc, TransitionRefused) and exc.code != "forbidden":
        return Status(409, {"detail": exc.message, "code": exc.code})
    return Status(404, {"detail": NOT_FOUND})


def _form_available(dossier: Dossier, form_name: str) -> bool:
    _render, statuses = FORMS[form_name]
    if statuses is not None and dossier.status not in statuses:
        return False
    return form_name != "mau-02" or bool(dossier.supplements.all())


def _mine(request: HttpRequest, public_id: uuid.UUID) -> Dossier:
    return selectors.dossier_access(user=request.auth, public_id=public_id)


def _page(queryset, params: PageParams) -> dict:
    count = queryset.count()
    start = (params.page - 1) * params.page_size
    return {
        "count": count,
        "page": params.page,
        "pages": max(1, math.ceil(count / params.page_size)),
        "results": list(queryset[start : start + params.page_size]),
    }


def _body(request: HttpRequest) -> dict:
    """The fields of a JSON or form body (multipart or urlencoded)."""
    if request.content_type == "application/json":
        data = json.loads(request.body or b"{}")  # ValueError when it is not JSON
        if not isinstance(data, dict):
            raise ValueError("not an object")
        return data
    return request.POST.dict()


def _schema_errors(error: pydantic.ValidationError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for item in error.errors():
        errors.setdefault(str(item["loc"][0]) if item["loc"] else "__all__", []).append(item["msg"])
    return errors


def _reception_guard(request: HttpRequest) -> Status | None:
    if not has_second_factor(request):
        return Status(403, {"detail": STAFF_ONLY})
    if not agencies_for_user(user=request.auth, roles=[StaffRole.RECEPTIONIST]).exists():
        return Status(403, {"detail": STAFF_ONLY})
    return None


def _staff_action(request: HttpRequest, public_id: uuid.UUID, act: Callable[[Dossier], object]) -> Status:
    refused = _reception_guard(request)
    if refused is not None:
        return refused
    try:
        dossier = selectors.dossier_access(user=request.auth, public_id=public_id, for_staff=True)
        act(dossier)
        return Status(200, selectors.dossier_access(user=request.auth, public_id=public_id, for_staff=True))
    except HANDLED as exc:
        return _error(exc)


MULTIPART_ATTACH = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["component_id"],
                    "properties": {
                        "component_id": {"type": "integer"},
                        "file": {"type": "string", "format": "binary", "description": "Tệp mới"},
                        "document_id": {
                            "type": "string",
                            "format": "uuid",
                            "description": "Hoặc một giấy tờ trong kho của bạn",
                        },
                    },
                }
            },
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["component_id", "document_id"],
                    "properties": {
                        "component_id": {"type": "integer"},
                        "document_id": {"type": "string", "format": "uuid"},
                    },
                }
            },
        },
    }
}

MULTIPART_SUPPLEMENT = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"note": {"type": "string", "maxLength": 5000}},
                    "additionalProperties": {"type": "string", "format": "binary"},
                    "description": "Tệp bổ sung tên file_<component_id> (mỗi thành phần có thể nhiều tệp)",
                }
            },
            "application/json": {
                "schema": {"type": "object", "properties": {"note": {"type": "string", "maxLength": 5000}}}
            },
        },
    }
}

OPTIONAL_ACCEPT = {
    "requestBody": {
        "required": False,
        "content": {
            "application/json": {"schema": AcceptIn.model_json_schema()},
            "application/x-www-form-urlencoded": {"schema": AcceptIn.model_json_schema()},
        },
    }
}

MULTIPART_SUBMISSION = {
    "parameters": [
        {
            "name": "Idempotency-Key",
            "in": "header",
            "required": False,
            "schema": {"type": "string", "maxLength": 64},
            "description": "Gửi lại cùng khóa (mất mạng, bấm hai lần) trả về đúng hồ sơ đã nộp, mã 200",
        }
    ],
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["offering_id"],
                    "properties": {
                        "offering_id": {"type": "integer", "description": "Thủ tục tại cơ quan"},
                        "case": {
                            "type": "array",
                            "items": {"type": "string"},
                            "description": "Trường hợp đặc biệt áp dụng (gửi lặp lại cho nhiều trường hợp); "
                            "bỏ trống: trường hợp thông thường",
                        },
                        **{
                            name: {"type": "string"}
                            for name in DRAFT_FORM_FIELDS
                            if name not in {"home_pickup", "result_delivery"}
                        },
                        "result_delivery": {"type": "string", "enum": ["counter", "post", "online"]},
                        "home_pickup": {"type": "boolean"},
                    },
                    "additionalProperties": {
                        "description": "f_<tên trường>: câu trả lời tờ khai; file_<component_id>: tệp "
                        "(có thể nhiều); doc_<component_id>: mã giấy tờ trong kho của bạn",
                    },
                }
            }
        },
    },
}

PDF_RESPONSE = {"responses": {"200": {"description": "PDF", "content": {"application/pdf": {}}}}}


# --- the citizen's dossiers ----------------------------------------------------------------------


@router.post(
    "/dossiers", response={201: DossierOut, 401: Message, 422: Invalid}, summary="Tạo bản nháp hồ sơ"
)
def dossier_create(request: HttpRequest, payload: CreateIn):
    offering = (
        AgencyProcedure.objects.select_related("procedure__current_version", "agency")
        .filter(pk=payload.offering_id, is_active=True)
        .first()
    )
    if offering is None:
        return Status(422, {"detail": "Không có thủ tục này tại cơ quan đã chọn.", "field": "offering_id"})
    cases = [*payload.cases, *([payload.case] if payload.case else [])]
    try:
        dossier = services.dossier_create_draft(applicant=request.auth, offering=offering, cases=cases)
    except HANDLED as exc:
        return _error(exc)
    return Status(201, _mine(request, dossier.public_id))


@router.post(
    "/submissions",
    response={200: SubmissionOut, 201: SubmissionOut, 401: Message, 422: Invalid},
    summary="Nộp hồ sơ trong một yêu cầu: tờ khai, giấy tờ và nộp (201 mới, 200 khi gửi lại cùng khóa)",
    openapi_extra=MULTIPART_SUBMISSION,
)
def submission_create(request: HttpRequest):
    data = request.POST
    try:
        offering_id = int(data.get("offering_id", ""))
    except ValueError:
        return Status(422, {"detail": "Hãy chọn thủ tục (offering_id).", "field": "offering_id"})
    offering = (
        AgencyProcedure.objects.select_related("procedure__current_version", "agency")
        .prefetch_related("procedure__current_version__components")
        .filter(pk=offering_id, is_active=True)
        .first()
    )
    version = offering.procedure.current_version if offering else None
    if version is None:
        return Status(422, {"detail": "Không có thủ tục này tại cơ quan đã chọn.", "field": "offering_id"})
    components = {component.pk: component for component in version.components.all()}
    sent = {key: value for key, value in data.dict().items() if key not in {"offering_id", "case"}}
    if "pickup_address" not in sent and sent.get("applicant_address"):
        sent["pickup_address"] = sent["applicant_address"]  # clients written before the field existed
    form = forms.DraftForm({**services.profile_defaults(request.auth), **sent}, schema=version.form_schema)
    errors = {} if form.is_valid() else {f: [str(m) for m in msgs] for f, msgs in form.errors.items()}
    cases = data.getlist("case")
    try:
        case_rules.cases_check(case_rules.case_plan(version), cases)
    except case_rules.CaseRefused as refused:
        errors["case"] = [refused.message]
    uploads, documents = [], []
    for key in request.FILES:
        component = components.get(_component_id(key, "file_"))
        if component is None:
            errors[key] = ["Không có thành phần hồ sơ này."]
            continue
        uploads += [(component, upload) for upload in request.FILES.getlist(key)]
    for key, value in data.items():
        if key.startswith("doc_"):
            component = components.get(_component_id(key, "doc_"))
            document = _own_document(request.auth, value)
            if component is None or document is None:
                errors[key] = ["Không tìm thấy giấy tờ này trong kho của bạn."]
                continue
            documents.append((component, document))
    if errors:
        return Status(422, {"detail": "Thông tin hồ sơ chưa hợp lệ.", "errors": errors})
    cleaned = form.cleaned_data
    try:
        dossier, created = services.dossier_submit_complete(
            applicant=request.auth,
            offering=offering,
            cases=cases,
            fields={name: cleaned[name] for name in DRAFT_FORM_FIELDS if name != "request"},
            form_data={"request": cleaned["request"], "fields": form.schema_values()},
            uploads=uploads,
            documents=documents,
            client_ref=request.headers.get("Idempotency-Key", ""),
        )
    except services.SubmissionRefused as refused:
        problems: dict[str, list[str]] = {}
        for field, message in refused.problems:
            problems.setdefault(field, []).append(message)
        return Status(422, {"detail": "Hồ sơ chưa đủ để nộp.", "errors": problems})
    except HANDLED as exc:
        return _error(exc)
    return Status(201 if created else 200, dossier)


def _component_id(key: str, prefix: str) -> int | None:
    rest = key.removeprefix(prefix)
    return int(rest) if key.startswith(prefix) and rest.isdigit() else None


def _own_document(user, public_id: str) -> StoredDocument | None:
    try:
        return StoredDocument.objects.filter(owner=user, public_id=uuid.UUID(public_id)).first()
    except ValueError:
        return None


@router.get(
    "/dossiers", response={200: DossierPageOut, 401: Message, 422: RequestErrors}, summary="Hồ sơ của tôi"
)
def dossier_list(request: HttpRequest, params: Query[PageParams]):
    return Status(200, _page(selectors.dossier_list_for_applicant(user=request.auth), params))


@router.get("/dossiers/{public_id}", response={200: DossierOut, **AUTHED}, summary="Chi tiết hồ sơ")
def dossier_detail(request: HttpRequest, public_id: uuid.UUID):
    try:
        return Status(200, _mine(request, public_id))
    except HANDLED as exc:
        return _error(exc)


@router.patch(
    "/dossiers/{public_id}",
    response={200: DossierOut, **AUTHED, 422: Invalid},
    summary="Sửa bản nháp (chỉ các trường gửi lên)",
)
def dossier_update(request: HttpRequest, public_id: uuid.UUID, payload: DraftIn):
    try:
        dossier = _mine(request, public_id)
        if dossier.status != DossierStatus.DRAFT:
            raise services.DossierError("Hồ sơ đã nộp, không sửa được nữa.", code="submitted")
        current = {name: getattr(dossier, name) for name in DRAFT_FORM_FIELDS if name != "request"}
        current["request"] = dossier.form_data.get("request", "")
        current.update({f"f_{name}": v for name, v in dossier.form_data.get("fields", {}).items()})
        sent = {name: value for name, value in payload.dict(exclude_unset=True).items() if value is not None}
        cases = sent.pop("cases", None)
        sent.update({f"f_{name}": value for name, value in (sent.pop("fields", None) or {}).items()})
        form = forms.DraftForm({**current, **sent}, schema=dossier.version.form_schema)
        if not form.is_valid():
            errors = {field: [str(m) for m in messages] for field, messages in form.errors.items()}
            return Status(422, {"detail": "Thông tin hồ sơ chưa hợp lệ.", "errors": errors})
        data = form.cleaned_data
        with transaction.atomic():  # the cases and the fields change together, or not at all
            if cases is not None:
                dossier = services.dossier_set_cases(dossier=dossier, applicant=request.auth, cases=cases)
            services.dossier_update_draft(
                dossier=dossier,
                applicant=request.auth,
                form_data={**dossier.form_data, "request": data["request"], "fields": form.schema_values()},
                **{name: data[name] for name in DRAFT_FORM_FIELDS if name != "request"},
            )
        return Status(200, _mine(request, public_id))
    except HANDLED as exc:
        return _error(exc)


@router.post(
    "/dossiers/{public_id}/files",
    response={201: FileOut, **AUTHED, 422: Invalid},
    summary="Đính kèm giấy tờ: tải tệp lên (multipart) hoặc dùng giấy tờ trong kho",
    openapi_extra=MULTIPART_ATTACH,
)
def dossier_attach(request: HttpRequest, public_id: uuid.UUID):
    try:
        dossier = _mine(request, public_id)
    except HANDLED as exc:
        return _error(exc)
    try:
        fields = AttachIn.model_validate(_body(request))
    except (ValueError, pydantic.ValidationError) as exc:
        errors = _schema_errors(exc) if isinstance(exc, pydantic.ValidationError) else {}
        return Status(422, {"detail": "Dữ liệu gửi lên chưa hợp lệ.", "errors": errors})
    upload = request.FILES.get("file")
    component = next((c for c in services.components_for(dossier) if c.pk == fields.component_id), None)
    if component is None:
        return Status(422, {"detail": "Thành phần hồ sơ không thuộc thủ tục này.", "field": "component_id"})
    if (upload is None) == (fields.document_id is None):
        message = "Hãy tải lên một tệp hoặc chọn một giấy tờ trong kho (chỉ một trong hai)."
        return Status(422, {"detail": message, "field": "file"})
    document = None
    if fields.document_id is not None:
        document = StoredDocument.objects.filter(owner=request.auth, public_id=fields.document_id).first()
        if document is None:
            return Status(
                422, {"detail": "Không tìm thấy giấy tờ này trong kho của bạn.", "field": "document_id"}
            )
    try:
        attached = services.dossier_attach(
            dossier=dossier, applicant=request.auth, component=component, upload=upload, document=document
        )
    except HANDLED as exc:
        return _error(exc)
    return Status(201, DossierFile.objects.select_related("document").get(pk=attached.pk))


@router.delete(
    "/dossiers/{public_id}/files/{file_id}",
    response={204: None, **AUTHED, 422: FieldError | RequestErrors},
    summary="Bỏ giấy tờ khỏi bản nháp (giấy tờ vẫn ở trong kho)",
)
def dossier_detach(request: HttpRequest, public_id: uuid.UUID, file_id: int):
    try:
        dossier = _mine(request, public_id)
        if not any(item.pk == file_id for item in dossier.files.all()):
            raise Http404
        services.dossier_detach(dossier=dossier, applicant=request.auth, file_id=file_id)
    except HANDLED as exc:
        return _error(exc)
    return Status(204, None)


@router.post(
    "/dossiers/{public_id}/submit",
    response={200: DossierOut, **AUTHED, 409: Conflict, 422: FieldError | RequestErrors},
    summary="Nộp hồ sơ (gọi lại trả về đúng hồ sơ đã nộp)",
)
def dossier_submit(request: HttpRequest, public_id: uuid.UUID):
    try:
        dossier = _mine(request, public_id)
        services.dossier_submit(dossier_id=dossier.pk, applicant=request.auth)
        return Status(200, _mine(request, public_id))
    except HANDLED as exc:
        return _error(exc)


@router.post(
    "/dossiers/{public_id}/supplement",
    response={200: DossierOut, **AUTHED, 409: Conflict, 422: Invalid},
    summary="Gửi bổ sung theo yêu cầu (ghi chú và tệp file_<component_id>)",
    openapi_extra=MULTIPART_SUPPLEMENT,
)
def dossier_supplement(request: HttpRequest, public_id: uuid.UUID):
    try:
        dossier = _mine(request, public_id)
    except HANDLED as exc:
        return _error(exc)
    try:
        note = str(_body(request).get("note") or "")
    except ValueError:
        return Status(422, {"detail": "Dữ liệu gửi lên chưa hợp lệ.", "errors": {}})
    components = {f"file_{c.pk}": c for c in services.components_for(dossier)}
    unknown = {key: ["Không có thành phần hồ sơ này."] for key in request.FILES if key not in components}
    if unknown:
        return Status(422, {"detail": "Tệp gửi kèm không khớp thành phần hồ sơ.", "errors": unknown})
    uploads = [(components[key], upload) for key in request.FILES for upload in request.FILES.getlist(key)]
    try:
        services.dossier_send_supplement(
            dossier_id=dossier.pk, applicant=request.auth, note=note[:5000], uploads=uploads
        )
        return Status(200, _mine(request, public_id))
    except HANDLED as exc:
        return _error(exc)


@router.get(
    "/dossiers/{public_id}/forms/{form_name}.pdf",
    response={200: None, **AUTHED},
    summary="Tải biểu mẫu: mau-01 (tiếp nhận), mau-02 (yêu cầu bổ sung), mau-03 (từ chối)",
    openapi_extra=PDF_RESPONSE,
)
def dossier_form_pdf(request: HttpRequest, public_id: uuid.UUID, form_name: str):
    try:
        dossier = _mine(request, public_id)
    except HANDLED as exc:
        return _error(exc)
    if form_name not in FORMS or not _form_available(dossier, form_name):
        return Status(404, {"detail": "Hồ sơ chưa có biểu mẫu này."})
    render_pdf, _statuses = FORMS[form_name]
    response = HttpResponse(render_pdf(dossier), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{dossier.code}-{form_name}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- reception at the one-stop counter -----------------------------------------------------------

STAFF = {401: Message, 403: Message, 404: Message, 422: RequestErrors}


@router.get(
    "/reception/queue",
    response={200: DossierPageOut, 401: Message, 403: Message, 422: RequestErrors},
    summary="Hồ sơ chờ tiếp nhận và bổ sung đã gửi (cũ nhất trước)",
)
def reception_queue(request: HttpRequest, params: Query[PageParams]):
    refused = _reception_guard(request)
    if refused is not None:
        return refused
    return Status(200, _page(selectors.reception_queue(user=request.auth), params))


@router.post(
    "/reception/{public_id}/accept",
    response={200: DossierOut, **STAFF, 409: Conflict, 422: Invalid},
    summary="Tiếp nhận hồ sơ (đặt ngày hẹn trả)",
    openapi_extra=OPTIONAL_ACCEPT,
)
def reception_accept(request: HttpRequest, public_id: uuid.UUID):
    try:  # the body is optional (none, {} or an empty form are all fine)
        fields = AcceptIn.model_validate(_body(request))
    except (ValueError, pydantic.ValidationError) as exc:
        errors = _schema_errors(exc) if isinstance(exc, pydantic.ValidationError) else {}
        return Status(422, {"detail": "Dữ liệu gửi lên chưa hợp lệ.", "errors": errors})
    return _staff_action(
        request,
        public_id,
        lambda d: services.dossier_accept(
            dossier_id=d.pk, officer=request.auth, expected_status=fields.expected_status
        ),
    )


@router.post(
    "/reception/{public_id}/supplement-request",
    response={200: DossierOut, **STAFF, 409: Conflict, 422: Invalid},
    summary="Yêu cầu bổ sung một lần mọi giấy tờ còn thiếu (Mẫu 02)",
)
def reception_request_supplement(request: HttpRequest, public_id: uuid.UUID, payload: SupplementRequestIn):
    deadline = timezone.localdate() + datetime.timedelta(days=payload.deadline_days)
    items = [item.dict() for item in payload.items]
    return _staff_action(
        request,
        public_id,
        lambda d: services.dossier_request_supplement(
            dossier_id=d.pk, officer=request.auth, items=items, deadline=deadline, note=payload.note
        ),
    )


@router.post(
    "/reception/{public_id}/complete-supplement",
    response={200: DossierOut, **STAFF, 409: Conflict},
    summary="Xác nhận đã đủ bổ sung (ngày hẹn trả được tính lại)",
)
def reception_complete_supplement(request: HttpRequest, public_id: uuid.UUID):
    return _staff_action(
        request,
        public_id,
        lambda d: services.dossier_complete_supplement(dossier_id=d.pk, officer=request.auth),
    )


@router.post(
    "/reception/{public_id}/refuse",
    response={200: DossierOut, **STAFF, 409: Conflict, 422: Invalid},
    summary="Từ chối tiếp nhận, ghi rõ lý do (Mẫu 03)",
)
def reception_refuse(request: HttpRequest, public_id: uuid.UUID, payload: RefuseIn):
    return _staff_action(
        request,
        public_id,
        lambda d: services.dossier_refuse(dossier_id=d.pk, officer=request.auth, reasons=payload.reasons),
    )


# --- public tracking -----------------------------------------------------------------------------


@router.post(
    "/tracking",
    auth=None,
    response={200: TrackOut, 404: Message, 422: RequestErrors, 429: Message},
    summary="Tra cứu hồ sơ bằng mã hồ sơ và số giấy tờ (hoặc mã tra cứu)",
)
def tracking(request: HttpRequest, payload: TrackIn):
    if not hit(f"track:{client_ip(request)}", limit=settings.DVC_TRACKING_PER_IP_MINUTE, window_seconds=60):
        return Status(429, {"detail": TRACK_LIMITED})
    card = tracking_card(code=payload.code, proof=payload.proof)
    if card is None:
        return Status(404, {"detail": TRACK_NOT_FOUND})
    # The card is already the documented TrackOut shape: answer it without a second validation pass.
    return JsonResponse(card.as_dict(), json_dumps_params={"ensure_ascii": False})

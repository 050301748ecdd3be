"""The citizen's dossiers over the API: drafts, their papers, submitting, the supplement, the forms (PDF)."""

from __future__ import annotations

import uuid

import pydantic
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Query, Router, Status

from dichvucong.accounts.api import Message
from dichvucong.catalogue.models import AgencyProcedure
from dichvucong.documents.models import StoredDocument
from dichvucong.dossiers import forms, paperwork, selectors, services
from dichvucong.dossiers.api.common import (
    AUTHED,
    DRAFT_FORM_FIELDS,
    HANDLED,
    body_fields,
    error_status,
    mine,
    page_of,
    schema_errors,
)
from dichvucong.dossiers.api.schemas import (
    AttachIn,
    Conflict,
    CreateIn,
    DossierOut,
    DossierPageOut,
    DraftIn,
    FieldError,
    FileOut,
    FormErrors,
    Invalid,
    PageParams,
)
from dichvucong.dossiers.models import DossierFile
from dichvucong.dossiers.models import Status as DossierStatus

router = Router()

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

PDF_RESPONSE = {"responses": {"200": {"description": "PDF", "content": {"application/pdf": {}}}}}


@router.post(
    "/dossiers",
    response={201: DossierOut, 401: Message, 422: Invalid},
    summary="Tạo bản nháp hồ sơ",
    operation_id="dichvucong_dossiers_api_dossier_create",
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
        return error_status(exc)
    return Status(201, mine(request, dossier.public_id))


@router.get(
    "/dossiers",
    response={200: DossierPageOut, 401: Message, 422: FormErrors},
    summary="Hồ sơ của tôi",
    operation_id="dichvucong_dossiers_api_dossier_list",
)
def dossier_list(request: HttpRequest, params: Query[PageParams]):
    return Status(200, page_of(selectors.dossier_list_for_applicant(user=request.auth), params))


@router.get(
    "/dossiers/{public_id}",
    response={200: DossierOut, **AUTHED},
    summary="Chi tiết hồ sơ",
    operation_id="dichvucong_dossiers_api_dossier_detail",
)
def dossier_detail(request: HttpRequest, public_id: uuid.UUID):
    try:
        return Status(200, mine(request, public_id))
    except HANDLED as exc:
        return error_status(exc)


@router.patch(
    "/dossiers/{public_id}",
    response={200: DossierOut, **AUTHED, 422: Invalid},
    summary="Sửa bản nháp (chỉ các trường gửi lên)",
    operation_id="dichvucong_dossiers_api_dossier_update",
)
def dossier_update(request: HttpRequest, public_id: uuid.UUID, payload: DraftIn):
    try:
        dossier = mine(request, public_id)
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
        return Status(200, mine(request, public_id))
    except HANDLED as exc:
        return error_status(exc)


@router.post(
    "/dossiers/{public_id}/files",
    response={201: FileOut, **AUTHED, 422: Invalid},
    summary="Đính kèm giấy tờ: tải tệp lên (multipart) hoặc dùng giấy tờ trong kho",
    openapi_extra=MULTIPART_ATTACH,
    operation_id="dichvucong_dossiers_api_dossier_attach",
)
def dossier_attach(request: HttpRequest, public_id: uuid.UUID):
    try:
        dossier = mine(request, public_id)
    except HANDLED as exc:
        return error_status(exc)
    try:
        fields = AttachIn.model_validate(body_fields(request))
    except (ValueError, pydantic.ValidationError) as exc:
        errors = schema_errors(exc) if isinstance(exc, pydantic.ValidationError) else {}
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
        return error_status(exc)
    return Status(201, DossierFile.objects.select_related("document").get(pk=attached.pk))


@router.delete(
    "/dossiers/{public_id}/files/{file_id}",
    response={204: None, **AUTHED, 422: FieldError | FormErrors},
    summary="Bỏ giấy tờ khỏi bản nháp (giấy tờ vẫn ở trong kho)",
    operation_id="dichvucong_dossiers_api_dossier_detach",
)
def dossier_detach(request: HttpRequest, public_id: uuid.UUID, file_id: int):
    try:
        dossier = mine(request, public_id)
        if not any(item.pk == file_id for item in dossier.files.all()):
            raise Http404
        services.dossier_detach(dossier=dossier, applicant=request.auth, file_id=file_id)
    except HANDLED as exc:
        return error_status(exc)
    return Status(204, None)


@router.post(
    "/dossiers/{public_id}/submit",
    response={200: DossierOut, **AUTHED, 409: Conflict, 422: FieldError | FormErrors},
    summary="Nộp hồ sơ (gọi lại trả về đúng hồ sơ đã nộp)",
    operation_id="dichvucong_dossiers_api_dossier_submit",
)
def dossier_submit(request: HttpRequest, public_id: uuid.UUID):
    try:
        dossier = mine(request, public_id)
        services.dossier_submit(dossier_id=dossier.pk, applicant=request.auth)
        return Status(200, mine(request, public_id))
    except HANDLED as exc:
        return error_status(exc)


@router.post(
    "/dossiers/{public_id}/supplement",
    response={200: DossierOut, **AUTHED, 409: Conflict, 422: Invalid},
    summary="Gửi bổ sung theo yêu cầu (ghi chú và tệp file_<component_id>)",
    openapi_extra=MULTIPART_SUPPLEMENT,
    operation_id="dichvucong_dossiers_api_dossier_supplement",
)
def dossier_supplement(request: HttpRequest, public_id: uuid.UUID):
    try:
        dossier = mine(request, public_id)
    except HANDLED as exc:
        return error_status(exc)
    try:
        note = str(body_fields(request).get("note") or "")
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
        return Status(200, mine(request, public_id))
    except HANDLED as exc:
        return error_status(exc)


@router.get(
    "/dossiers/{public_id}/forms/{form_name}.pdf",
    response={200: None, **AUTHED},
    summary="Tải biểu mẫu: mau-01 (tiếp nhận), mau-02 (yêu cầu bổ sung), mau-03 (từ chối)",
    openapi_extra=PDF_RESPONSE,
    operation_id="dichvucong_dossiers_api_dossier_form_pdf",
)
def dossier_form_pdf(request: HttpRequest, public_id: uuid.UUID, form_name: str):
    try:
        dossier = mine(request, public_id)
    except HANDLED as exc:
        return error_status(exc)
    if not paperwork.form_available(dossier, form_name):
        return Status(404, {"detail": "Hồ sơ chưa có biểu mẫu này."})
    render_pdf, _statuses = paperwork.FORMS[form_name]
    response = HttpResponse(render_pdf(dossier), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{dossier.code}-{form_name}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response

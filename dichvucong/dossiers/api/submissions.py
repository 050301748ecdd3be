"""One-request submission: the form, the papers and the submission in one multipart call."""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from ninja import Field as SchemaField
from ninja import Router, Schema, Status

from dichvucong.accounts.api import Message
from dichvucong.catalogue.models import AgencyProcedure
from dichvucong.documents.models import StoredDocument
from dichvucong.dossiers import cases as case_rules
from dichvucong.dossiers import forms, notices, services
from dichvucong.dossiers.api.common import DRAFT_FORM_FIELDS, HANDLED, error_status
from dichvucong.dossiers.api.schemas import Invalid, SubmissionOut

router = Router()


class NoticeRecipientsOut(Schema):
    """Where news of the dossier goes: only contacts proved to be the applicant's (dossiers.notices)."""

    phone: str = SchemaField(description="Số điện thoại nhận tin (che bớt); trống: không gửi SMS")
    email: str = SchemaField(description="Thư điện tử nhận thông báo (che bớt); trống: không gửi thư")
    message: str


class SubmissionReceiptOut(SubmissionOut):
    notices_to: NoticeRecipientsOut = SchemaField(
        description="Thông báo về hồ sơ chỉ gửi tới số điện thoại, thư điện tử đã xác thực của tài khoản"
    )

    @staticmethod
    def resolve_notices_to(obj) -> dict:
        return notices.recipients_note(obj)


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


@router.post(
    "/submissions",
    response={200: SubmissionReceiptOut, 201: SubmissionReceiptOut, 401: Message, 422: Invalid},
    summary="Nộp hồ sơ trong một yêu cầu: tờ khai, giấy tờ và nộp (201 mới, 200 khi gửi lại cùng khóa)",
    openapi_extra=MULTIPART_SUBMISSION,
    operation_id="dichvucong_dossiers_api_submission_create",
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
        return error_status(exc)
    return Status(201 if created else 200, dossier)


def _component_id(key: str, prefix: str) -> int | None:
    rest = key.removeprefix(prefix)
    return int(rest) if key.startswith(prefix) and rest.isdigit() else None


def _own_document(user, public_id: str) -> StoredDocument | None:
    try:
        return StoredDocument.objects.filter(owner=user, public_id=uuid.UUID(public_id)).first()
    except ValueError:
        return None

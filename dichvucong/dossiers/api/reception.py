"""Reception at the one-stop counter over the API: the queue, accepting, asking for a supplement, confirming
it, refusing. Every route needs the second factor and a receptionist role at some agency."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable

import pydantic
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from dichvucong.accounts.api import Message, has_second_factor
from dichvucong.accounts.models import StaffRole
from dichvucong.accounts.selectors import agencies_for_user
from dichvucong.dossiers import selectors
from dichvucong.dossiers.api.common import HANDLED, body_fields, error_status, page_of, schema_errors
from dichvucong.dossiers.api.schemas import (
    AcceptIn,
    Conflict,
    DossierOut,
    DossierPageOut,
    FormErrors,
    Invalid,
    PageParams,
    RefuseIn,
    SupplementRequestIn,
)
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.reception import (
    dossier_accept,
    dossier_complete_supplement,
    dossier_refuse,
    dossier_request_supplement,
)

router = Router()

STAFF_ONLY = "Chức năng dành cho cán bộ tiếp nhận đã xác thực hai lớp."

OPTIONAL_ACCEPT = {
    "requestBody": {
        "required": False,
        "content": {
            "application/json": {"schema": AcceptIn.model_json_schema()},
            "application/x-www-form-urlencoded": {"schema": AcceptIn.model_json_schema()},
        },
    }
}


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
        return error_status(exc)


STAFF = {401: Message, 403: Message, 404: Message, 422: FormErrors}


@router.get(
    "/reception/queue",
    response={200: DossierPageOut, 401: Message, 403: Message, 422: FormErrors},
    summary="Hồ sơ chờ tiếp nhận và bổ sung đã gửi (cũ nhất trước)",
    operation_id="dichvucong_dossiers_api_reception_queue",
)
def reception_queue(request: HttpRequest, params: Query[PageParams]):
    refused = _reception_guard(request)
    if refused is not None:
        return refused
    return Status(200, page_of(selectors.reception_queue(user=request.auth), params))


@router.post(
    "/reception/{public_id}/accept",
    response={200: DossierOut, **STAFF, 409: Conflict, 422: Invalid},
    summary="Tiếp nhận hồ sơ (đặt ngày hẹn trả)",
    openapi_extra=OPTIONAL_ACCEPT,
    operation_id="dichvucong_dossiers_api_reception_accept",
)
def reception_accept(request: HttpRequest, public_id: uuid.UUID):
    try:  # the body is optional (none, {} or an empty form are all fine)
        fields = AcceptIn.model_validate(body_fields(request))
    except (ValueError, pydantic.ValidationError) as exc:
        errors = schema_errors(exc) if isinstance(exc, pydantic.ValidationError) else {}
        return Status(422, {"detail": "Dữ liệu gửi lên chưa hợp lệ.", "errors": errors})
    return _staff_action(
        request,
        public_id,
        lambda d: dossier_accept(
            dossier_id=d.pk, officer=request.auth, expected_status=fields.expected_status
        ),
    )


@router.post(
    "/reception/{public_id}/supplement-request",
    response={200: DossierOut, **STAFF, 409: Conflict, 422: Invalid},
    summary="Yêu cầu bổ sung một lần mọi giấy tờ còn thiếu (Mẫu 02)",
    operation_id="dichvucong_dossiers_api_reception_request_supplement",
)
def reception_request_supplement(request: HttpRequest, public_id: uuid.UUID, payload: SupplementRequestIn):
    deadline = timezone.localdate() + datetime.timedelta(days=payload.deadline_days)
    items = [item.dict() for item in payload.items]
    return _staff_action(
        request,
        public_id,
        lambda d: dossier_request_supplement(
            dossier_id=d.pk, officer=request.auth, items=items, deadline=deadline, note=payload.note
        ),
    )


@router.post(
    "/reception/{public_id}/complete-supplement",
    response={200: DossierOut, **STAFF, 409: Conflict},
    summary="Xác nhận đã đủ bổ sung (ngày hẹn trả được tính lại)",
    operation_id="dichvucong_dossiers_api_reception_complete_supplement",
)
def reception_complete_supplement(request: HttpRequest, public_id: uuid.UUID):
    return _staff_action(
        request,
        public_id,
        lambda d: dossier_complete_supplement(dossier_id=d.pk, officer=request.auth),
    )


@router.post(
    "/reception/{public_id}/refuse",
    response={200: DossierOut, **STAFF, 409: Conflict, 422: Invalid},
    summary="Từ chối tiếp nhận, ghi rõ lý do (Mẫu 03)",
    operation_id="dichvucong_dossiers_api_reception_refuse",
)
def reception_refuse(request: HttpRequest, public_id: uuid.UUID, payload: RefuseIn):
    return _staff_action(
        request,
        public_id,
        lambda d: dossier_refuse(dossier_id=d.pk, officer=request.auth, reasons=payload.reasons),
    )

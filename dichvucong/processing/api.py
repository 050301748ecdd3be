"""The staff inbox and the processing actions over the API (mobile apps and integrations).

Every route needs a processing role (receptionist, specialist, head of unit, leader, clerk) and the second
factor: a staff bearer token (issued only after the authenticator code) or a verified session.
Errors follow the dossiers API: a dossier the caller may not see or act on is 404; a refused action
(not yours, already moved, first step, self-approval…) is 409 ``{detail, code}``; bad input is 422.
"""

from __future__ import annotations

import datetime
import math
import uuid
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from dichvucong.accounts.api import Message, has_second_factor, token_or_session
from dichvucong.core.api_schemas import FieldError
from dichvucong.documents.responses import private_file_response
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.models import Status as DossierStatus
from dichvucong.dossiers.workflow import TransitionRefused
from dichvucong.processing import drafts, late, numbering, selectors, services
from dichvucong.processing import results as result_services
from dichvucong.processing.actions import LABELS, actions_for, pending, track_of

router = Router(tags=["Giải quyết hồ sơ"], auth=token_or_session)

STAFF_ONLY = "Chức năng dành cho cán bộ giải quyết hồ sơ đã xác thực hai lớp."
NOT_FOUND = "Không tìm thấy hồ sơ."


# --- schemas ------------------------------------------------------------------------------------


class ProcessingConflict(Schema):
    detail: str
    code: str = Field(
        description="stale: hồ sơ vừa thay đổi; not_assigned: không giao cho bạn; first_step; self_approval; "
        "illegal: không làm được ở trạng thái này; too_late; once; pending"
    )


class PlannedStepOut(Schema):
    position: int
    name: str
    due_at: datetime.datetime


class ProcessingTrackOut(Schema):
    state: str
    position: int = Field(description="0: tại Bộ phận một cửa")
    step_name: str
    role: str
    assignee_id: int | None
    assignee_name: str
    step_started_at: datetime.datetime
    step_due_at: datetime.datetime | None
    plan: list[PlannedStepOut] = Field(
        description="Hạn của bước hiện tại và các bước sau (tăng dần, không sau ngày hẹn trả)"
    )

    @staticmethod
    def resolve_plan(obj) -> list[dict]:
        return obj.plan_items

    @staticmethod
    def resolve_assignee_name(obj) -> str:
        return obj.assignee.full_name if obj.assignee_id else ""


class InboxItemOut(Schema):
    id: uuid.UUID = Field(alias="public_id")
    code: str | None
    status: str
    status_label: str
    procedure_code: str = Field(alias="procedure.code")
    procedure_name: str = Field(alias="procedure.name")
    owner_name: str
    applicant_name: str
    received_at: datetime.datetime | None
    due_at: datetime.datetime | None
    track: ProcessingTrackOut | None

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(DossierStatus(obj.status).label)

    @staticmethod
    def resolve_track(obj):
        return track_of(obj)


class InboxOut(Schema):
    tab: str
    counts: dict[str, int]
    count: int
    page: int
    pages: int
    results: list[InboxItemOut]


class InboxParams(Schema):
    tab: str = Field("mine", description="mine, unit, due_today, late, to_start, to_return, approvals")
    q: str = Field("", max_length=100, description="Mã hồ sơ, tên chủ hồ sơ hoặc người nộp")
    procedure: str = Field("", max_length=12, description="Mã thủ tục")
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(20, ge=1, le=100)


class EntryOut(Schema):
    kind: str
    from_step_name: str
    from_user_name: str
    to_step_name: str
    to_user_name: str
    handed_at: datetime.datetime
    due_at: datetime.datetime | None
    received_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    on_time: bool | None
    outcome: str
    note: str

    @staticmethod
    def resolve_from_user_name(obj) -> str:
        return obj.from_user.full_name if obj.from_user_id else ""

    @staticmethod
    def resolve_to_user_name(obj) -> str:
        return obj.to_user.full_name if obj.to_user_id else ""


class ProcessingResultOut(Schema):
    id: int
    result_code: str
    name: str
    issued_at: datetime.datetime
    number: str = Field(description="Số, ký hiệu (vào số)")
    signed_on: datetime.date | None = Field(description="Ngày ký")


class DraftOut(Schema):
    id: int
    name: str
    result_code: str
    state: str = Field(description="pending: chờ ký duyệt; signed: đã ký duyệt; returned: trả lại; replaced")
    note: str
    drafted_at: datetime.datetime
    decided_at: datetime.datetime | None
    decision_note: str


class NoticeOut(Schema):
    id: int
    state: str
    drafted_at: datetime.datetime
    decided_at: datetime.datetime | None


class LateNoticeOut(NoticeOut):
    reason: str
    old_due_at: datetime.datetime | None
    new_due_at: datetime.datetime


class StopNoticeOut(NoticeOut):
    reasons: list[str]


class WithdrawalOut(Schema):
    id: int
    state: str
    reason: str
    requested_at: datetime.datetime


class ProcessingActionOut(Schema):
    action: str
    label: str


class ProcessingOut(InboxItemOut):
    control_sheet: list[EntryOut]
    results: list[ProcessingResultOut]
    draft_results: list[DraftOut]
    late_notices: list[LateNoticeOut]
    stop_notices: list[StopNoticeOut]
    withdrawal_requests: list[WithdrawalOut]
    actions: list[ProcessingActionOut] = Field(description="Thao tác người gọi được làm lúc này")

    @staticmethod
    def resolve_control_sheet(obj) -> list:
        return list(obj.control_sheet.all())

    @staticmethod
    def resolve_results(obj) -> list:
        return list(obj.results.all())

    @staticmethod
    def resolve_draft_results(obj) -> list:
        return list(obj.draft_results.all())

    @staticmethod
    def resolve_late_notices(obj) -> list:
        return list(obj.late_notices.all())

    @staticmethod
    def resolve_stop_notices(obj) -> list:
        return list(obj.stop_notices.all())

    @staticmethod
    def resolve_withdrawal_requests(obj) -> list:
        return list(obj.withdrawal_requests.all())

    @staticmethod
    def resolve_actions(obj, context) -> list[dict]:
        user = context["request"].auth
        roles = services.roles_of(user=user, agency_id=obj.agency_id)
        return [{"action": a, "label": LABELS[a]} for a in actions_for(dossier=obj, user=user, roles=roles)]


class ProcessingStartIn(Schema):
    to_user_id: int | None = None
    note: str = Field("", max_length=2000)


class ForwardIn(ProcessingStartIn):
    expected_position: int | None = Field(None, description="Bước đang thấy; khác bước hiện tại → 409 stale")


class SendBackIn(Schema):
    note: str = Field(..., max_length=2000)
    expected_position: int | None = None


class NoteIn(Schema):
    note: str = Field("", max_length=2000)


class ReassignIn(Schema):
    to_user_id: int
    note: str = Field("", max_length=2000)


class ReturnIn(Schema):
    recipient_name: str = Field(..., max_length=300)
    recipient_id_number: str = Field("", max_length=20)
    originals_checked: bool = False
    signature_note: str = Field("", max_length=300)


class LateNoticeIn(Schema):
    reason: str = Field(..., max_length=5000)
    new_due_date: datetime.date


class StopIn(Schema):
    reasons: list[str] = Field(..., max_length=20)


class DecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=2000)


# --- helpers ------------------------------------------------------------------------------------

STAFF = {401: Message, 403: Message, 404: Message}
ACTION = {200: ProcessingOut, **STAFF, 409: ProcessingConflict, 422: FieldError}


def _guard(request: HttpRequest) -> Status | None:
    if not has_second_factor(request) or not selectors.inbox_scope(user=request.auth).roles:
        return Status(403, {"detail": STAFF_ONLY})
    return None


def _error(exc: Exception) -> Status:
    if isinstance(exc, services.ProcessingError):
        if exc.code == "not_found":
            return Status(404, {"detail": exc.message})
        return Status(422, {"detail": exc.message, "field": exc.field})
    if isinstance(exc, TransitionRefused) and exc.code != "forbidden":
        return Status(409, {"detail": exc.message, "code": exc.code})
    return Status(404, {"detail": NOT_FOUND})


HANDLED = (Http404, PermissionDenied, services.ProcessingError, TransitionRefused)


def _act(request: HttpRequest, public_id: uuid.UUID, act: Callable[[Dossier], object]) -> Status:
    refused = _guard(request)
    if refused is not None:
        return refused
    try:
        dossier = selectors.processing_dossier(user=request.auth, public_id=public_id)
        act(dossier)
        return Status(200, selectors.processing_dossier(user=request.auth, public_id=public_id))
    except HANDLED as exc:
        return _error(exc)


def _pending_id(items, message: str) -> int:
    found = pending(items)
    if found is None:
        raise TransitionRefused(message, code="stale")
    return found.pk


# --- routes -------------------------------------------------------------------------------------


@router.get(
    "/processing/inbox",
    response={200: InboxOut, 401: Message, 403: Message, 404: Message},
    summary="Hộp hồ sơ của cán bộ: của tôi, của đơn vị, đến hạn hôm nay, quá hạn… (kèm số lượng)",
)
def inbox(request: HttpRequest, params: Query[InboxParams]):
    refused = _guard(request)
    if refused is not None:
        return refused
    scope = selectors.inbox_scope(user=request.auth)
    try:
        queryset = selectors.inbox_dossiers(
            user=request.auth, scope=scope, tab=params.tab, q=params.q, procedure=params.procedure
        )
    except Http404:
        return Status(404, {"detail": "Không có nhóm hồ sơ này."})
    counts = selectors.inbox_counts(user=request.auth, scope=scope)
    count = selectors.inbox_count(
        user=request.auth, scope=scope, tab=params.tab, q=params.q, procedure=params.procedure, counts=counts
    )
    start = (params.page - 1) * params.page_size
    return Status(
        200,
        {
            "tab": params.tab,
            "counts": counts,
            "count": count,
            "page": params.page,
            "pages": max(1, math.ceil(count / params.page_size)),
            "results": list(queryset[start : start + params.page_size]),
        },
    )


@router.get(
    "/processing/dossiers/{public_id}",
    response={200: ProcessingOut, **STAFF},
    summary="Hồ sơ đang giải quyết: bước hiện tại, phiếu kiểm soát, kết quả, văn bản và thao tác được làm",
)
def detail(request: HttpRequest, public_id: uuid.UUID):
    return _act(request, public_id, lambda d: None)


@router.post(
    "/processing/dossiers/{public_id}/start", response=ACTION, summary="Chuyển xử lý (bước đầu tiên)"
)
def start(request: HttpRequest, public_id: uuid.UUID, payload: ProcessingStartIn):
    return _act(
        request,
        public_id,
        lambda d: services.processing_start(
            dossier_id=d.pk, officer=request.auth, assignee_id=payload.to_user_id, note=payload.note
        ),
    )


@router.post("/processing/dossiers/{public_id}/forward", response=ACTION, summary="Chuyển bước tiếp theo")
def forward(request: HttpRequest, public_id: uuid.UUID, payload: ForwardIn):
    return _act(
        request,
        public_id,
        lambda d: services.processing_forward(
            dossier_id=d.pk,
            officer=request.auth,
            to_user_id=payload.to_user_id,
            note=payload.note,
            expected_position=payload.expected_position,
        ),
    )


@router.post("/processing/dossiers/{public_id}/send-back", response=ACTION, summary="Trả lại bước trước")
def send_back(request: HttpRequest, public_id: uuid.UUID, payload: SendBackIn):
    return _act(
        request,
        public_id,
        lambda d: services.processing_send_back(
            dossier_id=d.pk,
            officer=request.auth,
            note=payload.note,
            expected_position=payload.expected_position,
        ),
    )


@router.post("/processing/dossiers/{public_id}/recall", response=ACTION, summary="Thu hồi hồ sơ vừa chuyển")
def recall(request: HttpRequest, public_id: uuid.UUID, payload: NoteIn):
    return _act(
        request,
        public_id,
        lambda d: services.processing_recall(dossier_id=d.pk, officer=request.auth, note=payload.note),
    )


@router.post("/processing/dossiers/{public_id}/reassign", response=ACTION, summary="Bàn giao cho cán bộ khác")
def reassign(request: HttpRequest, public_id: uuid.UUID, payload: ReassignIn):
    return _act(
        request,
        public_id,
        lambda d: services.processing_reassign(
            dossier_id=d.pk, officer=request.auth, to_user_id=payload.to_user_id, note=payload.note
        ),
    )


@router.post(
    "/processing/dossiers/{public_id}/draft-result",
    response=ACTION,
    summary="Đính kèm (hoặc thay) dự thảo kết quả ở bước dự thảo, để lãnh đạo ký duyệt",
)
def draft_result(
    request: HttpRequest,
    public_id: uuid.UUID,
    file: File[UploadedFile],
    name: Form[str] = "Kết quả giải quyết",
    result_code: Form[str] = "",
    note: Form[str] = "",
    expected_position: Form[int | None] = None,
):
    return _act(
        request,
        public_id,
        lambda d: drafts.draft_result_attach(
            dossier_id=d.pk,
            officer=request.auth,
            upload=file,
            name=name[:1000],
            result_code=result_code[:40],
            note=note[:2000],
            expected_position=expected_position,
        ),
    )


@router.get(
    "/processing/dossiers/{public_id}/draft-results/{draft_id}/file",
    response={200: None, **STAFF},
    summary="Tải tệp dự thảo kết quả (cán bộ của cơ quan giải quyết)",
)
def draft_result_file(request: HttpRequest, public_id: uuid.UUID, draft_id: int):
    refused = _guard(request)
    if refused is not None:
        return refused
    try:
        dossier = selectors.processing_dossier(user=request.auth, public_id=public_id)
    except Http404:
        return Status(404, {"detail": NOT_FOUND})
    draft = next((d for d in dossier.draft_results.all() if d.pk == draft_id), None)
    if draft is None:
        return Status(404, {"detail": "Không tìm thấy dự thảo."})
    return private_file_response(draft.document, inline=False)


@router.post(
    "/processing/dossiers/{public_id}/result",
    response=ACTION,
    summary="Vào số (số, ký hiệu và ngày ký), đính kèm kết quả và chuyển về Bộ phận một cửa (Đã xử lý xong)",
)
def issue_result(
    request: HttpRequest,
    public_id: uuid.UUID,
    file: File[UploadedFile | None] = None,
    name: Form[str] = "Kết quả giải quyết",
    result_code: Form[str] = "",
    number: Form[str] = "",
    signed_on: Form[str] = "",
    note: Form[str] = "",
):
    """Without ``file`` the draft the leader signed is issued. ``signed_on``: dd/mm/yyyy (also 05122026,
    05.12.2026) or ISO yyyy-mm-dd."""

    def act(d: Dossier):
        try:
            day = numbering.parse_signed_on(signed_on)
        except numbering.NumberRefused as refused:
            raise services.ProcessingError(refused.message, field=refused.field) from refused
        item = result_services.ResultInput(
            name=name[:1000],
            result_code=result_code[:40],
            upload=file,
            number=number[:100],
            signed_on=day,
        )
        result_services.processing_issue_result(
            dossier_id=d.pk, officer=request.auth, results=[item], note=note[:2000]
        )

    return _act(request, public_id, act)


@router.post("/processing/dossiers/{public_id}/return", response=ACTION, summary="Trả kết quả tại một cửa")
def return_result(request: HttpRequest, public_id: uuid.UUID, payload: ReturnIn):
    return _act(
        request,
        public_id,
        lambda d: result_services.processing_return(dossier_id=d.pk, officer=request.auth, **payload.dict()),
    )


@router.post(
    "/processing/dossiers/{public_id}/late-notices",
    response=ACTION,
    summary="Dự thảo văn bản xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04)",
)
def late_notice(request: HttpRequest, public_id: uuid.UUID, payload: LateNoticeIn):
    return _act(
        request,
        public_id,
        lambda d: late.late_notice_draft(
            dossier_id=d.pk, officer=request.auth, reason=payload.reason, new_due_date=payload.new_due_date
        ),
    )


@router.post(
    "/processing/dossiers/{public_id}/late-notices/decision",
    response=ACTION,
    summary="Lãnh đạo duyệt hoặc không duyệt Mẫu 04 đang chờ",
)
def late_notice_decision(request: HttpRequest, public_id: uuid.UUID, payload: DecisionIn):
    def act(d: Dossier):
        notice_id = _pending_id(d.late_notices.all(), "Không có văn bản xin lỗi chờ duyệt.")
        late.late_notice_decide(
            notice_id=notice_id, leader=request.auth, approve=payload.approve, note=payload.note
        )

    return _act(request, public_id, act)


@router.post(
    "/processing/dossiers/{public_id}/stop-notices",
    response=ACTION,
    summary="Đề xuất dừng giải quyết hồ sơ (Mẫu 05)",
)
def stop_notice(request: HttpRequest, public_id: uuid.UUID, payload: StopIn):
    return _act(
        request,
        public_id,
        lambda d: late.stop_propose(dossier_id=d.pk, officer=request.auth, reasons=payload.reasons),
    )


@router.post(
    "/processing/dossiers/{public_id}/stop-notices/decision",
    response=ACTION,
    summary="Lãnh đạo duyệt hoặc không duyệt đề xuất dừng (Mẫu 05)",
)
def stop_decision(request: HttpRequest, public_id: uuid.UUID, payload: DecisionIn):
    def act(d: Dossier):
        notice_id = _pending_id(d.stop_notices.all(), "Không có đề xuất dừng chờ duyệt.")
        late.stop_decide(notice_id=notice_id, leader=request.auth, approve=payload.approve, note=payload.note)

    return _act(request, public_id, act)


@router.post(
    "/processing/dossiers/{public_id}/withdrawal/decision",
    response=ACTION,
    summary="Đồng ý hoặc không đồng ý cho công dân rút hồ sơ",
)
def withdrawal_decision(request: HttpRequest, public_id: uuid.UUID, payload: DecisionIn):
    def act(d: Dossier):
        request_id = _pending_id(d.withdrawal_requests.all(), "Không có yêu cầu rút hồ sơ chờ xem xét.")
        late.withdrawal_decide(
            request_id=request_id, officer=request.auth, approve=payload.approve, note=payload.note
        )

    return _act(request, public_id, act)

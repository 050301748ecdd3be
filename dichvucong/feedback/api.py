"""Feedback (PAKN) over the API.

- ``GET /phan-anh-kien-nghi``, ``GET /phan-anh-kien-nghi/{code}``: published answers (masked copies), public.
- ``POST /phan-anh-kien-nghi/{code}/danh-gia``: a signed-in citizen likes or dislikes a published answer, once
  per account (staff accounts 403; already voted 409 ``once``). Anonymous readers only see the counts.
- ``POST /phan-anh-kien-nghi``: a signed-in person with a verified phone or e-mail sends feedback (people
  without an account use the web form and its one-time code).
- ``/phan-anh-kien-nghi/can-bo/…``: the queue and the actions of staff (a role at the holding agency and the
  second factor); a system administrator (with the second factor) also sees what awaits routing at any
  agency (``tab=routing``) and routes it. Another agency's feedback is 404; a refused action 409
  ``{detail, code}``; bad input 422.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Literal

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from dichvucong.accounts.api import has_second_factor, token_or_session
from dichvucong.agencies.models import Agency
from dichvucong.catalogue.models import Procedure
from dichvucong.core.api_schemas import FormErrors, Message
from dichvucong.core.ratelimit import client_ip
from dichvucong.dossiers.models import Dossier
from dichvucong.feedback import clocks, selectors, services, votes
from dichvucong.feedback.models import Feedback, Subject

router = Router(tags=["Phản ánh, kiến nghị"])
STAFF_ONLY = "Chức năng dành cho cán bộ xử lý phản ánh, kiến nghị đã xác thực hai lớp."
PAGE_SIZE = 20


class FeedbackConflict(Schema):
    detail: str
    code: str = Field(description="illegal: không làm được ở trạng thái này; forbidden; flood; once; …")


class PublishedOut(Schema):
    code: str
    title: str = Field(alias="public_title")
    content: str = Field(alias="public_content")
    answer_html: str = Field(
        alias="public_answer", description="HTML đã lọc (p, br, strong, em, ul, ol, li, a)"
    )
    subject: str
    procedure_code: str | None = None
    agency_name: str | None = None
    created_at: datetime.datetime
    published_at: datetime.datetime | None
    likes: int
    dislikes: int

    @staticmethod
    def resolve_procedure_code(obj) -> str | None:
        return obj.procedure.code if obj.procedure_id else None

    @staticmethod
    def resolve_agency_name(obj) -> str | None:
        return obj.agency.name if obj.agency_id else None


class PublishedPage(Schema):
    count: int
    page: int
    items: list[PublishedOut]


class ListParams(Schema):
    q: str = Field("", max_length=200)
    page: int = Field(1, ge=1, le=10_000)


class SubmitIn(Schema):
    subject: Subject
    title: str = Field(max_length=300)
    content: str = Field(max_length=10_000)
    procedure_code: str = Field("", max_length=40)
    place_code: str = Field(
        "", max_length=20, description="Nơi thực hiện (không bắt buộc): mã một cơ quan thực hiện thủ tục"
    )
    agency_code: str = Field("", max_length=20)
    dossier_code: str = Field("", max_length=40)
    reraises_code: str = Field("", max_length=30)


class ClockOut(Schema):
    clock: str
    label: str
    due_at: datetime.datetime | None
    paused: bool
    days_left: int
    days_late: int


class StaffFeedbackOut(Schema):
    id: uuid.UUID = Field(alias="public_id")
    code: str
    status: str
    subject: str
    title: str
    content: str
    answer: str
    agency_code: str | None = None
    sender_name: str
    created_at: datetime.datetime
    sla: dict
    late: bool
    needs_routing: bool
    clock: ClockOut | None = None
    actions: list[str] = []

    @staticmethod
    def resolve_agency_code(obj) -> str | None:
        return obj.agency.code if obj.agency_id else None

    @staticmethod
    def resolve_clock(obj):
        return clocks.clock_state(obj)


class SenderFeedbackOut(Schema):
    code: str
    status: str
    title: str
    created_at: datetime.datetime
    agency_code: str | None = None

    @staticmethod
    def resolve_agency_code(obj) -> str | None:
        return obj.agency.code if obj.agency_id else None


class FeedbackActionIn(Schema):
    reason: str = Field("", max_length=2000)
    question: str = Field("", max_length=2000)
    answer: str = Field("", max_length=20_000)
    to_agency_code: str = Field("", max_length=20)
    note: str = Field("", max_length=2000)


def _refused(error: services.FeedbackError):
    if error.field:
        return Status(422, {"detail": error.message, "errors": {error.field: [error.message]}})
    return Status(409, {"detail": error.message, "code": error.code})


@router.get("/phan-anh-kien-nghi", response=PublishedPage, summary="Phản ánh, kiến nghị đã công khai trả lời")
def published(request: HttpRequest, params: Query[ListParams]):
    queryset = selectors.published_list(q=params.q)
    start = (params.page - 1) * PAGE_SIZE
    return {
        "count": queryset.count(),
        "page": params.page,
        "items": list(queryset[start : start + PAGE_SIZE]),
    }


@router.get(
    "/phan-anh-kien-nghi/{code}",
    response={200: PublishedOut, 404: Message},
    summary="Một câu trả lời đã công khai",
)
def published_one(request: HttpRequest, code: str):
    try:
        return selectors.published_get(code=code)
    except Http404:
        return Status(404, {"detail": "Không tìm thấy phản ánh đã công khai."})


class VoteIn(Schema):
    value: Literal["like", "dislike"] = Field(description="like: hữu ích; dislike: chưa hài lòng")


@router.post(
    "/phan-anh-kien-nghi/{code}/danh-gia",
    auth=token_or_session,
    response={200: PublishedOut, 403: Message, 404: Message, 409: FeedbackConflict},
    summary="Đánh giá câu trả lời đã công khai (tài khoản người dân, mỗi tài khoản một lần)",
)
def vote(request: HttpRequest, code: str, payload: VoteIn):
    try:
        feedback = selectors.published_get(code=code)
    except Http404:
        return Status(404, {"detail": "Không tìm thấy phản ánh đã công khai."})
    if not votes.may_vote(request.auth):
        return Status(403, {"detail": votes.STAFF_MAY_NOT_VOTE})
    try:
        votes.feedback_vote(
            feedback_id=feedback.pk, user=request.auth, value=payload.value, client_ip=client_ip(request)
        )
    except services.FeedbackError as error:
        return Status(409, {"detail": error.message, "code": error.code})
    return selectors.published_get(code=code)


@router.post(
    "/phan-anh-kien-nghi",
    auth=token_or_session,
    response={201: SenderFeedbackOut, 409: FeedbackConflict, 422: FormErrors},
    summary="Gửi phản ánh, kiến nghị (tài khoản có số điện thoại hoặc thư điện tử đã xác thực)",
)
def submit(request: HttpRequest, payload: SubmitIn):
    def missing(field: str, message: str):
        return Status(422, {"detail": message, "errors": {field: [message]}})

    procedure = agency = dossier = reraises = place = None
    if payload.subject == Subject.PROCEDURE:
        procedure = Procedure.objects.filter(code=payload.procedure_code.strip()).first()
        if procedure is None:
            return missing("procedure_code", "Không tìm thấy thủ tục có mã này.")
        if payload.place_code.strip():
            place = Agency.objects.filter(code=payload.place_code.strip()).first()
            if place is None:
                return missing("place_code", "Không tìm thấy cơ quan có mã này.")
    elif payload.subject == Subject.AGENCY:
        agency = Agency.objects.filter(code=payload.agency_code.strip()).first()
        if agency is None:
            return missing("agency_code", "Không tìm thấy cơ quan có mã này.")
    elif payload.subject == Subject.DOSSIER:
        dossier = Dossier.objects.filter(code=payload.dossier_code.strip()).first()
    if payload.reraises_code:
        reraises = Feedback.objects.filter(code=payload.reraises_code.strip().upper()).first()
        if reraises is None:
            return missing("reraises_code", "Không tìm thấy phản ánh có mã này.")
    draft = services.FeedbackDraft(
        subject=payload.subject,
        title=payload.title,
        content=payload.content,
        procedure=procedure,
        agency=agency,
        dossier=dossier,
        reraises=reraises,
        place=place,
    )
    try:
        feedback = services.feedback_submit(draft=draft, sender=request.auth, client_ip=client_ip(request))
    except services.FeedbackError as error:
        if error.field in ("dossier_code", "place"):
            return missing("place_code" if error.field == "place" else error.field, error.message)
        return _refused(error)
    return Status(201, feedback)


@router.get(
    "/phan-anh-kien-nghi/cua-toi/danh-sach",
    auth=token_or_session,
    response=list[SenderFeedbackOut],
    summary="Phản ánh của tôi",
)
def mine(request: HttpRequest):
    return list(selectors.mine(user=request.auth)[:200])


def _staff_guard(request: HttpRequest):
    if not has_second_factor(request) or not selectors.queue_agencies(user=request.auth).exists():
        return Status(403, {"detail": STAFF_ONLY})
    return None


class QueueParams(Schema):
    tab: str = Field(
        "new", description="routing (chờ phân loại), new, processing, awaiting_info, awaiting_publish, closed"
    )
    q: str = Field("", max_length=100)


@router.get(
    "/phan-anh-kien-nghi/can-bo/danh-sach",
    auth=token_or_session,
    response={200: list[StaffFeedbackOut], 403: Message},
    summary="Phản ánh của cơ quan theo trạng thái, kèm thời hạn",
)
def staff_queue(request: HttpRequest, params: Query[QueueParams]):
    refused = _staff_guard(request)
    if refused is not None:
        return refused
    return list(selectors.staff_queue(user=request.auth, tab=params.tab, q=params.q)[:200])


def _staff_out(feedback: Feedback, user) -> Feedback:
    feedback.actions = services.actions_for(feedback=feedback, user=user)
    return feedback


@router.get(
    "/phan-anh-kien-nghi/can-bo/{public_id}",
    auth=token_or_session,
    response={200: StaffFeedbackOut, 403: Message, 404: Message},
    summary="Một phản ánh của cơ quan, thời hạn và thao tác được làm",
)
def staff_detail(request: HttpRequest, public_id: uuid.UUID):
    refused = _staff_guard(request)
    if refused is not None:
        return refused
    try:
        return _staff_out(selectors.staff_get(user=request.auth, public_id=public_id), request.auth)
    except Http404:
        return Status(404, {"detail": "Không tìm thấy phản ánh."})


ACTIONS = ("receive", "refuse", "route", "request_info", "answer", "publish", "return", "send_back")


@router.post(
    "/phan-anh-kien-nghi/can-bo/{public_id}/{action}",
    auth=token_or_session,
    response={200: StaffFeedbackOut, 403: Message, 404: Message, 409: FeedbackConflict, 422: FormErrors},
    summary="Thao tác: receive, refuse, route, request_info, answer, publish, return, send_back",
)
def staff_action(request: HttpRequest, public_id: uuid.UUID, action: str, payload: FeedbackActionIn):
    refused = _staff_guard(request)
    if refused is not None:
        return refused
    try:
        feedback = selectors.staff_get(user=request.auth, public_id=public_id)
    except Http404:
        return Status(404, {"detail": "Không tìm thấy phản ánh."})
    if action not in ACTIONS:
        return Status(404, {"detail": "Không có thao tác này."})
    common = {"feedback_id": feedback.pk, "officer": request.auth}
    try:
        if action == "receive":
            services.feedback_receive(**common)
        elif action == "refuse":
            services.feedback_refuse(**common, reason=payload.reason)
        elif action == "return":
            services.feedback_return(**common, reason=payload.reason)
        elif action == "request_info":
            services.feedback_request_info(**common, question=payload.question)
        elif action == "answer":
            services.feedback_answer(**common, answer=payload.answer)
        elif action == "publish":
            services.feedback_publish(**common)
        elif action == "send_back":
            services.feedback_send_back(**common, reason=payload.reason)
        else:
            target = Agency.objects.filter(code=payload.to_agency_code.strip()).first()
            if target is None:
                message = "Không tìm thấy cơ quan có mã này."
                return Status(422, {"detail": message, "errors": {"to_agency_code": [message]}})
            services.feedback_route(**common, to_agency_id=target.pk, note=payload.note)
    except services.FeedbackError as error:
        return _refused(error)
    return _staff_out(Feedback.objects.select_related("agency").get(pk=feedback.pk), request.auth)

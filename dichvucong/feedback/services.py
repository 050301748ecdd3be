"""Writes for feedback (PAKN): the only code that changes ``Feedback.status``.

Each transition runs in one transaction, locks the row (``select_for_update``), refuses (FeedbackError,
nothing changed) when the status or the person's role at the holding agency does not allow it, stops and
starts the SLA clocks (feedback.clocks), writes a FeedbackEvent and queues the notifications, which are
delivered after the commit (notifications.notify).

    new ──receive──▶ processing ──request_info──▶ awaiting_info ──add_info (sender)──▶ processing
     │ ╲route▶ received ─receive─╯        └──answer──▶ awaiting_publish ──publish──▶ published
     └──refuse / return (from new, received, processing) ──▶ refused / returned
    awaiting_publish ──send_back (the approver, with a reason)──▶ processing (the draft kept, the resolve
    clock running again from its own deadline)
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from dichvucong.accounts.models import AgencyMembership, StaffRole, User
from dichvucong.accounts.selectors import is_system_admin
from dichvucong.agencies.models import Agency
from dichvucong.catalogue.models import Procedure
from dichvucong.core.text import nfc
from dichvucong.dossiers.models import Dossier
from dichvucong.feedback import clocks, limits
from dichvucong.feedback.contact import EMAIL_KIND, PHONE, VerifiedContact
from dichvucong.feedback.models import Feedback, FeedbackEvent, FeedbackStatus, Subject
from dichvucong.feedback.routing import offers, route_for
from dichvucong.feedback.text import (
    answer_is_empty,
    mask_personal_data,
    public_search_text,
    sanitise_answer,
)
from dichvucong.notifications.services import notify

S = FeedbackStatus
R = StaffRole
# Who works on feedback at the holding agency, and who approves and publishes the answer.
HANDLERS = frozenset({R.RECEPTIONIST, R.SPECIALIST, R.HEAD_OF_UNIT, R.LEADER, R.AGENCY_ADMIN})
ANSWERERS = frozenset({R.SPECIALIST, R.HEAD_OF_UNIT, R.LEADER})
PUBLISHERS = frozenset({R.HEAD_OF_UNIT, R.LEADER})

# action: (statuses it may start from, roles allowed)
ACTIONS = {
    "receive": ((S.NEW, S.RECEIVED), HANDLERS),
    "refuse": ((S.NEW, S.RECEIVED), HANDLERS),
    "route": ((S.NEW, S.RECEIVED), HANDLERS),
    "request_info": ((S.PROCESSING,), HANDLERS),
    "answer": ((S.PROCESSING,), ANSWERERS),
    "publish": ((S.AWAITING_PUBLISH,), PUBLISHERS),
    "return": ((S.NEW, S.RECEIVED, S.PROCESSING), HANDLERS),
    "send_back": ((S.AWAITING_PUBLISH,), PUBLISHERS),
}
MAX_TEXT = 10_000


class FeedbackError(Exception):
    """A refused action or bad input, with a message for the person (Vietnamese)."""

    def __init__(self, message: str, *, code: str = "invalid", field: str = ""):
        super().__init__(message)
        self.message, self.code, self.field = message, code, field


# --- who may do what -----------------------------------------------------------------------------------


def staff_roles(*, user: User, agency_id: int | None) -> set[str]:
    if agency_id is None or not user.is_authenticated:
        return set()
    return set(
        AgencyMembership.objects.filter(user=user, agency_id=agency_id, is_active=True).values_list(
            "role", flat=True
        )
    )


def routes_by_hand(*, feedback: Feedback, user: User) -> bool:
    """A system administrator routes what waits to be routed by hand (``needs_routing``) at any agency."""
    return feedback.needs_routing and is_system_admin(user=user)


def actions_for(*, feedback: Feedback, user: User) -> list[str]:
    """The actions ``user`` may take on ``feedback`` now (for the buttons; each service checks again)."""
    roles = staff_roles(user=user, agency_id=feedback.agency_id)
    routing = routes_by_hand(feedback=feedback, user=user)
    return [
        name
        for name, (sources, allowed) in ACTIONS.items()
        if feedback.status in sources and (roles & allowed or (name == "route" and routing))
    ]


def _lock(feedback_id: int) -> Feedback:
    return Feedback.objects.select_for_update().get(pk=feedback_id)


def _check(feedback: Feedback, action: str, officer: User) -> None:
    sources, allowed = ACTIONS[action]
    by_hand = action == "route" and routes_by_hand(feedback=feedback, user=officer)
    if not (staff_roles(user=officer, agency_id=feedback.agency_id) & allowed or by_hand):
        raise FeedbackError("Bạn không có quyền thực hiện thao tác này với phản ánh này.", code="forbidden")
    if feedback.status not in sources:
        raise FeedbackError(
            f"Phản ánh đang ở trạng thái “{feedback.get_status_display()}”, "
            "không thực hiện được thao tác này.",
            code="illegal",
        )


def _text(value: str, *, field: str, message: str, limit: int = MAX_TEXT) -> str:
    value = (value or "").replace("\r\n", "\n").replace("\x00", "").strip()
    if not value:
        raise FeedbackError(message, field=field, code="required")
    return value[:limit]


# --- notifications ---------------------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return settings.DVC_PUBLIC_URL.rstrip("/") + path


def follow_url(feedback: Feedback) -> str:
    return _absolute(reverse("feedback:follow") + f"?ma={feedback.code}")


def staff_url(feedback: Feedback) -> str:
    return _absolute(reverse("feedback:staff_detail", args=[feedback.public_id]))


def _notify_sender(feedback: Feedback, event: str, **context) -> None:
    """Only the contacts the sender proved: the account's verified ones, or the one a code proved."""
    notify(
        event=event,
        user=feedback.sender,
        phone=feedback.sender_phone,
        email=feedback.sender_email,
        context={
            "code": feedback.code,
            "title": feedback.title,
            "follow_url": follow_url(feedback),
            **context,
        },
        account_addresses=False,
    )


def agency_staff(agency_id: int | None, roles=HANDLERS) -> list[User]:
    if agency_id is None:
        return []
    return list(
        User.objects.filter(
            memberships__agency_id=agency_id, memberships__is_active=True, memberships__role__in=roles,
            is_active=True,
        ).distinct()
    )  # fmt: skip


def notify_staff(feedback: Feedback, event: str, users=None, **context) -> None:
    for user in agency_staff(feedback.agency_id) if users is None else users:
        notify(
            event=event,
            user=user,
            context={
                "full_name": user.full_name,
                "code": feedback.code,
                "title": feedback.title,
                "staff_url": staff_url(feedback),
                **context,
            },
        )


def _record(feedback: Feedback, action: str, from_status: str, *, actor: User | None, note: str = "") -> None:
    FeedbackEvent.objects.create(
        feedback=feedback,
        action=action,
        from_status=from_status,
        to_status=feedback.status,
        actor=actor,
        agency_id=feedback.agency_id,
        note=note,
    )


def _stop_clock(feedback: Feedback, clock: str, now) -> None:
    """Record whether ``clock`` stopped in time (only when it is the one running)."""
    if feedback.clock == clock and feedback.due_at is not None:
        feedback.sla = {**feedback.sla, clock: now <= feedback.due_at}


def _start_clock(feedback: Feedback, clock: str, start) -> None:
    feedback.clock = clock
    feedback.due_at = clocks.deadline(clock=clock, start=start, agency_id=feedback.agency_id)
    feedback.due_soon_alerted = feedback.overdue_alerted = ""


def _clear_clock(feedback: Feedback) -> None:
    feedback.clock, feedback.due_at = "", None


# --- submission --------------------------------------------------------------------------------------


@dataclass
class FeedbackDraft:
    subject: str
    title: str
    content: str
    sender_name: str = ""
    procedure: Procedure | None = None
    agency: Agency | None = None
    dossier: Dossier | None = None
    reraises: Feedback | None = None
    # "Nơi thực hiện": the agency, among those offering ``procedure``, the feedback is about (optional).
    place: Agency | None = None


def _new_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    stamp = timezone.localdate().strftime("%y%m%d")
    return f"PAKN-{stamp}-" + "".join(secrets.choice(alphabet) for _ in range(6))


def _owns_dossier(dossier: Dossier, *, user: User | None, phone: str, email: str) -> bool:
    if user is not None and dossier.applicant_id == user.pk:
        return True
    return bool((phone and phone == dossier.applicant_phone) or (email and email == dossier.applicant_email))


def _sender_matches(earlier: Feedback, *, user: User | None, phone: str, email: str) -> bool:
    if user is not None and earlier.sender_id == user.pk:
        return True
    return bool((phone and phone == earlier.sender_phone) or (email and email == earlier.sender_email))


def feedback_submit(
    *,
    draft: FeedbackDraft,
    sender: User | None = None,
    verified: VerifiedContact | None = None,
    client_ip: str = "",
) -> Feedback:
    """Record a feedback from a signed-in person with a verified phone or e-mail (``sender``), or from
    someone who proved a contact with a one-time code (``verified``); route it to the competent agency and
    start the "refuse" clock (2 working days). FeedbackError, nothing created, on bad input or a flood."""
    phone = email = ""
    if sender is not None and sender.is_authenticated:
        phone = sender.phone if sender.phone and sender.phone_verified_at else ""
        email = sender.email if sender.email and sender.email_verified_at else ""
        if not (phone or email):
            raise FeedbackError(
                "Tài khoản của bạn chưa có số điện thoại hoặc thư điện tử đã xác thực.", code="unverified"
            )
        name, contact_key = nfc(sender.full_name) or nfc(draft.sender_name), f"user:{sender.pk}"
    elif verified is not None:
        sender = None
        phone = verified.contact.value if verified.contact.kind == PHONE else ""
        email = verified.contact.value if verified.contact.kind == EMAIL_KIND else ""
        name, contact_key = nfc(draft.sender_name), verified.contact.value
    else:
        raise FeedbackError("Cần xác thực số điện thoại hoặc thư điện tử trước khi gửi.", code="unverified")
    if not name:
        raise FeedbackError("Vui lòng nhập họ và tên.", field="sender_name", code="required")
    title = _text(nfc(draft.title), field="title", message="Vui lòng nhập tiêu đề.", limit=300)
    content = _text(draft.content, field="content", message="Vui lòng nhập nội dung phản ánh, kiến nghị.")
    subject = draft.subject
    procedure, agency, dossier = draft.procedure, draft.agency, draft.dossier
    if draft.reraises is not None:
        earlier = draft.reraises
        if earlier.status != S.PUBLISHED or not _sender_matches(
            earlier, user=sender, phone=phone, email=email
        ):
            raise FeedbackError(
                "Chỉ người đã gửi phản ánh mới phản ánh lại được, sau khi câu trả lời đã công khai.",
                code="reraise",
            )
        subject, procedure, agency, dossier = (
            earlier.subject,
            earlier.procedure,
            earlier.agency,
            earlier.dossier,
        )
    if subject == Subject.PROCEDURE and procedure is None:
        raise FeedbackError("Vui lòng chọn thủ tục hành chính.", field="procedure", code="required")
    place = draft.place if subject == Subject.PROCEDURE and draft.reraises is None else None
    if place is not None and not offers(place, procedure):
        raise FeedbackError(
            "Cơ quan đã chọn không thực hiện thủ tục này. Hãy chọn lại nơi thực hiện hoặc để trống.",
            field="place",
            code="place",
        )
    if subject == Subject.AGENCY and agency is None:
        raise FeedbackError("Vui lòng chọn cơ quan.", field="agency", code="required")
    if subject == Subject.DOSSIER and (
        dossier is None or not _owns_dossier(dossier, user=sender, phone=phone, email=email)
    ):
        raise FeedbackError(
            "Không tìm thấy hồ sơ có mã này trong các hồ sơ của bạn (theo tài khoản, số điện thoại hoặc "
            "thư điện tử đã xác thực).",
            field="dossier_code",
            code="dossier",
        )
    if subject not in Subject.values:
        raise FeedbackError("Vui lòng chọn nội dung phản ánh về.", field="subject", code="required")
    if not limits.submission_allowed(contact=contact_key, ip=client_ip):
        raise FeedbackError(limits.SUBMISSION_FLOOD, code="flood")

    routed_to, needs_routing = route_for(
        subject=subject, procedure=procedure, agency=agency, dossier=dossier, place=place
    )
    now = timezone.now()
    with transaction.atomic():
        feedback = Feedback(
            subject=subject,
            procedure=procedure if subject == Subject.PROCEDURE else (dossier.procedure if dossier else None),
            agency=routed_to,
            dossier=dossier if subject == Subject.DOSSIER else None,
            title=title,
            content=content,
            sender=sender,
            sender_name=name[:200],
            sender_phone=phone,
            sender_email=email,
            reraises=draft.reraises,
            needs_routing=needs_routing,
        )
        _start_clock(feedback, clocks.REFUSE, now)
        for attempt in range(5):
            feedback.code = _new_code()
            try:
                with transaction.atomic():
                    feedback.save()
                break
            except IntegrityError:
                if attempt == 4:
                    raise
        _record(
            feedback,
            "submit",
            "",
            actor=sender,
            note="Chuyển tới tổ tiếp nhận để phân loại" if needs_routing else "",
        )
        _notify_sender(feedback, "feedback.submitted")
        notify_staff(feedback, "feedback.new", deadline=feedback.due_at)
    return feedback


# --- the agency's actions ---------------------------------------------------------------------------


@transaction.atomic
def feedback_receive(*, feedback_id: int, officer: User) -> Feedback:
    """Take the feedback: the "refuse" clock stops, the "resolve" clock (15 working days) starts."""
    feedback = _lock(feedback_id)
    _check(feedback, "receive", officer)
    before, now = feedback.status, timezone.now()
    _stop_clock(feedback, clocks.REFUSE, now)
    feedback.status, feedback.received_at, feedback.needs_routing = S.PROCESSING, now, False
    _start_clock(feedback, clocks.RESOLVE, now)
    feedback.save()
    _record(feedback, "receive", before, actor=officer)
    _notify_sender(
        feedback,
        "feedback.received",
        agency=feedback.agency.name if feedback.agency else "",
        deadline=feedback.due_at,
    )
    return feedback


@transaction.atomic
def feedback_refuse(*, feedback_id: int, officer: User, reason: str) -> Feedback:
    """Refuse to receive (before receiving): not within any agency's competence in the province, or not a
    feedback (a complaint, a denunciation); the "refuse" clock (2 working days) stops, the sender is told
    why. Another agency is competent: ``feedback_route``."""
    reason = _text(reason, field="reason", message="Vui lòng ghi lý do từ chối tiếp nhận.", limit=2000)
    feedback = _lock(feedback_id)
    _check(feedback, "refuse", officer)
    before, now = feedback.status, timezone.now()
    _stop_clock(feedback, clocks.REFUSE, now)
    feedback.status, feedback.received_at, feedback.closed_at = S.REFUSED, now, now
    _clear_clock(feedback)
    feedback.save()
    _record(feedback, "refuse", before, actor=officer, note=reason)
    _notify_sender(feedback, "feedback.refused", reason=reason)
    return feedback


@transaction.atomic
def feedback_route(*, feedback_id: int, officer: User, to_agency_id: int, note: str = "") -> Feedback:
    """Send the feedback to another agency, which then receives or refuses it; the "refuse" clock keeps
    running from the submission."""
    feedback = _lock(feedback_id)
    _check(feedback, "route", officer)
    target = Agency.objects.filter(pk=to_agency_id).first()
    if target is None or not target.is_active:
        raise FeedbackError("Vui lòng chọn cơ quan đang hoạt động.", field="agency", code="agency")
    if target.pk == feedback.agency_id:
        raise FeedbackError("Phản ánh đang ở chính cơ quan này.", field="agency", code="same_agency")
    before = feedback.status
    feedback.agency, feedback.status, feedback.needs_routing = target, S.RECEIVED, False
    feedback.save()
    _record(feedback, "route", before, actor=officer, note=(note or "").strip()[:2000])
    notify_staff(feedback, "feedback.new", deadline=feedback.due_at)
    return feedback


@transaction.atomic
def feedback_request_info(*, feedback_id: int, officer: User, question: str) -> Feedback:
    """Ask the sender for more: the "request" clock (5 working days from receipt) stops, the "resolve"
    clock pauses until the sender answers."""
    question = _text(question, field="question", message="Vui lòng ghi thông tin cần bổ sung.", limit=2000)
    feedback = _lock(feedback_id)
    _check(feedback, "request_info", officer)
    before, now = feedback.status, timezone.now()
    if clocks.REQUEST not in feedback.sla and feedback.received_at is not None:
        due = clocks.deadline(clock=clocks.REQUEST, start=feedback.received_at, agency_id=feedback.agency_id)
        feedback.sla = {**feedback.sla, clocks.REQUEST: now <= due}
    feedback.status, feedback.info_requested_at = S.AWAITING_INFO, now
    feedback.save()
    _record(feedback, "request_info", before, actor=officer, note=question)
    _notify_sender(feedback, "feedback.info_requested", question=question)
    return feedback


def feedback_sender_matches(*, feedback: Feedback, user: User | None, contact_value: str = "") -> bool:
    """The person is the sender: the account that sent it, or the contact it was sent with."""
    if user is not None and user.is_authenticated and feedback.sender_id == user.pk:
        return True
    return bool(contact_value) and contact_value in (feedback.sender_phone, feedback.sender_email)


@transaction.atomic
def feedback_add_info(
    *, feedback_id: int, text: str, user: User | None = None, contact_value: str = ""
) -> Feedback:
    """The sender adds what was asked: processing resumes, the "resolve" deadline moves later by the working
    time spent waiting."""
    text = _text(text, field="text", message="Vui lòng nhập thông tin bổ sung.")
    feedback = _lock(feedback_id)
    if not feedback_sender_matches(feedback=feedback, user=user, contact_value=contact_value):
        raise FeedbackError("Bạn không phải người gửi phản ánh này.", code="forbidden")
    if feedback.status != S.AWAITING_INFO:
        raise FeedbackError("Phản ánh không ở trạng thái chờ bổ sung thông tin.", code="illegal")
    before, now = feedback.status, timezone.now()
    if feedback.due_at is not None and feedback.info_requested_at is not None:
        feedback.due_at = clocks.resumed(
            due_at=feedback.due_at,
            paused_at=feedback.info_requested_at,
            resumed_at=now,
            agency_id=feedback.agency_id,
        )
        feedback.due_soon_alerted = feedback.overdue_alerted = ""
    feedback.status = S.PROCESSING
    feedback.save()
    _record(
        feedback,
        "add_info",
        before,
        actor=user if user is not None and user.is_authenticated else None,
        note=text,
    )
    notify_staff(feedback, "feedback.new", deadline=feedback.due_at)
    return feedback


@transaction.atomic
def feedback_answer(*, feedback_id: int, officer: User, answer: str) -> Feedback:
    """The answer, sanitised; the "resolve" clock stops and the "publish" clock (2 working days) starts."""
    html = sanitise_answer(answer)
    if answer_is_empty(html):
        raise FeedbackError("Vui lòng nhập nội dung trả lời.", field="answer", code="required")
    feedback = _lock(feedback_id)
    _check(feedback, "answer", officer)
    before, now = feedback.status, timezone.now()
    if feedback.clock == clocks.RESOLVE:
        feedback.resolve_due_at = feedback.due_at
    _stop_clock(feedback, clocks.RESOLVE, now)
    feedback.status, feedback.answer, feedback.answered_by, feedback.answered_at = (
        S.AWAITING_PUBLISH,
        html,
        officer,
        now,
    )
    _start_clock(feedback, clocks.PUBLISH, now)
    feedback.save()
    _record(feedback, "answer", before, actor=officer)
    notify_staff(
        feedback, "feedback.new", users=agency_staff(feedback.agency_id, PUBLISHERS), deadline=feedback.due_at
    )
    return feedback


@transaction.atomic
def feedback_publish(*, feedback_id: int, officer: User) -> Feedback:
    """Approve and publish: the public copy is masked (phones, e-mails, ID numbers, the sender's name)."""
    feedback = _lock(feedback_id)
    _check(feedback, "publish", officer)
    before, now = feedback.status, timezone.now()
    _stop_clock(feedback, clocks.PUBLISH, now)
    names = (feedback.sender_name,)
    feedback.public_title = mask_personal_data(feedback.title, names=names)[:300]
    feedback.public_content = mask_personal_data(feedback.content, names=names)
    feedback.public_answer = mask_personal_data(feedback.answer, names=names)
    feedback.public_folded = public_search_text(
        code=feedback.code,
        procedure_code=feedback.procedure.code if feedback.procedure_id else "",
        title=feedback.public_title,
        content=feedback.public_content,
    )
    feedback.status, feedback.published_at, feedback.closed_at = S.PUBLISHED, now, now
    _clear_clock(feedback)
    feedback.save()
    _record(feedback, "publish", before, actor=officer)
    _notify_sender(
        feedback, "feedback.published", public_url=_absolute(reverse("feedback:detail", args=[feedback.code]))
    )
    return feedback


@transaction.atomic
def feedback_return(*, feedback_id: int, officer: User, reason: str) -> Feedback:
    """Hand the feedback back to the sender without resolving it (a duplicate of one already sent, the sender
    withdrew it, …), before or after it was received: the running clock stops, the sender is told why.
    Not within any agency's competence, or not a feedback at all: ``feedback_refuse`` (before receiving)."""
    reason = _text(reason, field="reason", message="Vui lòng ghi lý do trả lại.", limit=2000)
    feedback = _lock(feedback_id)
    _check(feedback, "return", officer)
    before, now = feedback.status, timezone.now()
    if feedback.clock:
        _stop_clock(feedback, feedback.clock, now)
    feedback.status, feedback.closed_at = S.RETURNED, now
    _clear_clock(feedback)
    feedback.save()
    _record(feedback, "return", before, actor=officer, note=reason)
    _notify_sender(feedback, "feedback.returned", reason=reason)
    return feedback


@transaction.atomic
def feedback_send_back(*, feedback_id: int, officer: User, reason: str) -> Feedback:
    """The approver returns the draft answer for revision: back to processing with the draft kept (the
    answer box starts from it), the reason in the history, the drafter told. The "resolve" clock runs again
    from the deadline it had when the answer was drafted (the time spent awaiting approval counts); its
    outcome is decided again at the next answer, and the "publish" clock is dropped."""
    reason = _text(reason, field="reason", message="Vui lòng ghi nội dung cần chỉnh sửa.", limit=2000)
    feedback = _lock(feedback_id)
    _check(feedback, "send_back", officer)
    before = feedback.status
    due = feedback.resolve_due_at
    if due is None and feedback.received_at is not None:  # drafted before resolve_due_at was kept
        due = clocks.deadline(clock=clocks.RESOLVE, start=feedback.received_at, agency_id=feedback.agency_id)
    feedback.sla = {k: v for k, v in feedback.sla.items() if k not in (clocks.RESOLVE, clocks.PUBLISH)}
    feedback.status, feedback.answered_at = S.PROCESSING, None
    feedback.clock, feedback.due_at = (clocks.RESOLVE, due) if due is not None else ("", None)
    feedback.due_soon_alerted = feedback.overdue_alerted = ""
    feedback.save()
    _record(feedback, "send_back", before, actor=officer, note=reason)
    drafter = feedback.answered_by
    answerers = agency_staff(feedback.agency_id, ANSWERERS)
    notify_staff(
        feedback,
        "feedback.sent_back",
        users=[drafter] if drafter is not None and drafter in answerers else answerers,
        reason=reason,
    )
    return feedback

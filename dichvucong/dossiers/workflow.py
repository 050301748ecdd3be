"""The dossier state machine: the only code that changes ``Dossier.status``.

Every transition names who may do it and from which statuses; ``transition()`` locks the row, checks both,
applies the transition's effect, writes a ``DossierEvent`` and lets the effect schedule notifications, which
the notification core sends after commit. A refused transition raises ``TransitionRefused`` and changes
nothing (the surrounding transaction is rolled back).

Statuses that wait on someone outside the agency (supplement, financial obligation, a withdrawal request)
remember the status they interrupted in ``Dossier.resume_status``; a transition whose target is ``RESUME``
returns there. Other apps (processing steps, payments, postal delivery) call ``transition()`` for every
status change and add their own checks (such as "is this dossier assigned to you") in their services.

Segregation of duties: nobody acts as staff on a dossier they filed for themselves or that is about them
(``is_own_dossier``); staff filing for a citizen at the counter (assisted intake) may still receive it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from dichvucong.accounts.models import AgencyMembership, StaffRole, User
from dichvucong.dossiers.models import Dossier, DossierEvent, Status
from dichvucong.dossiers.tracking import tracking_forget


class TransitionRefused(Exception):
    def __init__(self, message: str, *, code: str = "refused"):
        super().__init__(message)
        self.message = message
        self.code = code


APPLICANT = "applicant"
# Verified machine callbacks (a payment gateway's signed IPN, a carrier's signed webhook): no person acts.
SYSTEM = "system"
# Target meaning "back to the status the pause interrupted" (``Dossier.resume_status``).
RESUME = "resume"
PAUSING = frozenset({Status.SUPPLEMENT_REQUESTED, Status.PAYMENT_REQUESTED, Status.WITHDRAWAL_REQUESTED})
OPEN = frozenset({Status.SUBMITTED, Status.ACCEPTED, Status.PROCESSING})

R = StaffRole
logger = logging.getLogger(__name__)
PROCESSING_ROLES = frozenset({R.RECEPTIONIST, R.SPECIALIST, R.HEAD_OF_UNIT, R.LEADER, R.CLERK})


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str | None  # None: the status does not change (an event only); RESUME: see above
    who: frozenset[str]  # APPLICANT, SYSTEM and/or StaffRole values of the dossier's agency
    label: str


def _t(action: str, sources, target: str | None, who, label: str) -> Transition:
    who = frozenset({who} if isinstance(who, str) else who)
    return Transition(action, frozenset(sources), target, who, label)


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        _t("submit", {Status.DRAFT}, Status.SUBMITTED, APPLICANT, "Nộp hồ sơ"),
        _t("accept", {Status.SUBMITTED}, Status.ACCEPTED, R.RECEPTIONIST, "Tiếp nhận"),
        _t(
            "intake_at_counter",
            {Status.DRAFT},
            Status.ACCEPTED,
            R.RECEPTIONIST,
            "Tiếp nhận trực tiếp tại Bộ phận một cửa",
        ),
        _t(
            "request_supplement",
            OPEN,
            Status.SUPPLEMENT_REQUESTED,
            {R.RECEPTIONIST, R.SPECIALIST},
            "Yêu cầu bổ sung",
        ),
        _t("send_supplement", {Status.SUPPLEMENT_REQUESTED}, None, APPLICANT, "Công dân gửi bổ sung"),
        _t(
            "complete_supplement", {Status.SUPPLEMENT_REQUESTED}, RESUME, R.RECEPTIONIST, "Hoàn thành bổ sung"
        ),
        _t(
            "refuse",
            {Status.SUBMITTED, Status.SUPPLEMENT_REQUESTED},
            Status.REFUSED,
            R.RECEPTIONIST,
            "Từ chối tiếp nhận",
        ),
        # Processing in the competent agency (steps, hand-overs and the control sheet live in their own app).
        _t("start_processing", {Status.ACCEPTED}, Status.PROCESSING, PROCESSING_ROLES, "Chuyển xử lý"),
        _t("handover", {Status.ACCEPTED, Status.PROCESSING}, None, PROCESSING_ROLES, "Chuyển bước xử lý"),
        _t(
            "extend_deadline",
            {Status.ACCEPTED, Status.PROCESSING},
            None,
            {R.LEADER},
            "Xin lỗi và hẹn lại ngày trả kết quả",
        ),
        _t("resolve", {Status.PROCESSING}, Status.RESOLVED, {R.CLERK, R.LEADER}, "Đã xử lý xong"),
        _t(
            "return_result",
            {Status.RESOLVED},
            Status.RETURNED,
            {R.RECEPTIONIST, R.POSTAL, SYSTEM},
            "Trả kết quả",
        ),
        _t("stop", {Status.ACCEPTED, Status.PROCESSING}, Status.STOPPED, {R.LEADER}, "Dừng xử lý"),
        # Financial obligations (fees, taxes): the dossier waits for the payment.
        _t(
            "request_payment",
            OPEN,
            Status.PAYMENT_REQUESTED,
            {R.RECEPTIONIST, R.SPECIALIST},
            "Yêu cầu thực hiện nghĩa vụ tài chính",
        ),
        _t(
            "payment_received",
            {Status.PAYMENT_REQUESTED},
            RESUME,
            {SYSTEM, R.RECEPTIONIST, R.POSTAL},
            "Đã thực hiện nghĩa vụ tài chính",
        ),
        # The citizen asks to withdraw; the agency approves (the dossier stops) or declines (it goes on).
        _t("request_withdrawal", OPEN, Status.WITHDRAWAL_REQUESTED, APPLICANT, "Công dân yêu cầu rút hồ sơ"),
        _t(
            "approve_withdrawal",
            {Status.WITHDRAWAL_REQUESTED},
            Status.STOPPED,
            {R.LEADER, R.HEAD_OF_UNIT},
            "Đồng ý cho rút hồ sơ",
        ),
        _t(
            "decline_withdrawal",
            {Status.WITHDRAWAL_REQUESTED},
            RESUME,
            {R.LEADER, R.HEAD_OF_UNIT},
            "Không đồng ý cho rút hồ sơ",
        ),
    )
}


OWN_DOSSIER_MESSAGE = "Không được tự tiếp nhận/xử lý hồ sơ của chính mình."


def is_own_dossier(*, dossier: Dossier, user: User | None) -> bool:
    """Whether ``user`` is the dossier's applicant (its account, or the ID number it was filed with) or the
    person it is about (chủ hồ sơ). Staff may file for citizens (assisted intake), but segregation of duties
    forbids them to receive or process a dossier of their own: another officer must."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if dossier.applicant_id is not None and dossier.applicant_id == user.pk:
        return True
    id_number = (user.id_number or "").strip()
    if not id_number:
        return False
    return id_number in {(dossier.applicant_id_number or "").strip(), (dossier.owner_id_number or "").strip()}


def refuse_own_dossier(*, dossier: Dossier, user: User | None) -> None:
    """Raise ``TransitionRefused`` when ``user`` would act as staff on a dossier of their own."""
    if is_own_dossier(dossier=dossier, user=user):
        raise TransitionRefused(OWN_DOSSIER_MESSAGE, code="own_dossier")


def roles_at(*, dossier: Dossier, user: User | None, action: str = "") -> set[str]:
    """What ``user`` is for this dossier: APPLICANT and/or the staff roles held at its competent agency (one
    query, none for a citizen account). Counter intake happens wherever the citizen comes (phi địa giới), so
    for ``intake_at_counter`` the receiving agency's staff count too."""
    if user is None or not user.is_authenticated:
        return set()
    roles = {APPLICANT} if dossier.applicant_id == user.pk else set()
    if user.is_citizen_like:
        return roles
    agencies = {dossier.agency_id}
    if action == "intake_at_counter" and dossier.intake_agency_id:
        agencies.add(dossier.intake_agency_id)
    roles.update(
        AgencyMembership.objects.filter(user=user, is_active=True, agency_id__in=agencies).values_list(
            "role", flat=True
        )
    )
    return roles


def allowed_actions(*, dossier: Dossier, user: User) -> list[Transition]:
    """Transitions the user may take on the dossier now (for showing buttons). On a dossier of their own,
    staff keep only what the applicant may do."""
    roles = roles_at(dossier=dossier, user=user)
    if is_own_dossier(dossier=dossier, user=user):
        roles &= {APPLICANT}
    return [t for t in TRANSITIONS.values() if dossier.status in t.sources and t.who & roles]


Effect = Callable[[Dossier], dict | None]


@dataclass(frozen=True)
class Transitioned:
    """What a subscriber is told after a transition committed (plain values: the row may have moved on)."""

    dossier_id: int
    code: str
    action: str
    from_status: str
    to_status: str
    actor_id: int | None
    event_id: int


Subscriber = Callable[[Transitioned], None]
_subscribers: list[tuple[frozenset[str] | None, frozenset[str] | None, Subscriber]] = []


def subscribe(handler: Subscriber, *, actions=None, to_statuses=None) -> None:
    """Run ``handler`` after the commit of every transition matching ``actions`` and/or ``to_statuses``
    (None: any). Apps above the dossiers app register here from ``AppConfig.ready()`` (payments cancels a fee
    when a dossier is refused, delivery orders the post when it is resolved), so this module calls no app
    above it. A handler runs in its own transaction, outside the transition's; it must be idempotent (a
    retry, or the sweeper of the app, may run it again) and a failing handler does not undo the transition
    or stop the other handlers (it is logged)."""
    entry = (
        frozenset(actions) if actions is not None else None,
        frozenset(to_statuses) if to_statuses is not None else None,
        handler,
    )
    if entry not in _subscribers:
        _subscribers.append(entry)


def _notify_subscribers(change: Transitioned) -> None:
    for actions, statuses, handler in list(_subscribers):
        if actions is not None and change.action not in actions:
            continue
        if statuses is not None and change.to_status not in statuses:
            continue
        try:
            with transaction.atomic():
                handler(change)
        except Exception:  # one app's failure must not hide the transition from the others
            logger.exception("transition subscriber %r failed for %s", handler, change.code)


@transaction.atomic
def transition(
    *,
    dossier_id: int,
    action: str,
    actor: User | None,
    note: str = "",
    effect: Effect | None = None,
    expected_status: str | None = None,
) -> Dossier:
    """Apply ``action``: lock, check, change, record. ``effect`` mutates the locked dossier and may return
    extra event data; it runs inside the same transaction, so it can schedule notifications with notify().

    ``actor=None`` is a verified system callback and is allowed only where the transition names SYSTEM."""
    spec = TRANSITIONS.get(action)
    if spec is None:
        raise TransitionRefused("Thao tác không hợp lệ.", code="unknown")
    # Lock only the dossier row (of="self"); the joined rows are read for the effect and the notifications.
    dossier = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("agency", "procedure", "applicant")
        .get(pk=dossier_id)
    )
    if expected_status is not None and dossier.status != expected_status:
        raise TransitionRefused(
            "Hồ sơ vừa được người khác xử lý. Hãy tải lại trang để xem trạng thái mới.", code="stale"
        )
    if dossier.status not in spec.sources:
        raise TransitionRefused(
            f"Không thể “{spec.label}” khi hồ sơ đang ở trạng thái “{dossier.get_status_display()}”.",
            code="illegal",
        )
    roles = {SYSTEM} if actor is None else roles_at(dossier=dossier, user=actor, action=action)
    acting_as = sorted(spec.who & roles)
    if not acting_as:
        raise TransitionRefused("Bạn không có quyền thực hiện thao tác này với hồ sơ.", code="forbidden")
    if APPLICANT not in acting_as:  # acting as staff: never on a dossier of one's own
        refuse_own_dossier(dossier=dossier, user=actor)
    source = dossier.status
    data = (effect(dossier) if effect else None) or {}
    if spec.target == RESUME:
        dossier.status = dossier.resume_status if dossier.resume_status in OPEN else Status.ACCEPTED
        dossier.resume_status = ""
    elif spec.target is not None:
        if spec.target in PAUSING:
            dossier.resume_status = source
        dossier.status = spec.target
    dossier.save()
    code = dossier.code
    transaction.on_commit(lambda: tracking_forget(code))
    role = APPLICANT if APPLICANT in acting_as else acting_as[0]
    event = DossierEvent.objects.create(
        dossier=dossier,
        action=action,
        from_status=source,
        to_status=dossier.status,
        actor=actor,
        actor_role=role,
        agency=dossier.agency if role != APPLICANT else None,
        note=note,
        data=data,
        step_due_at=dossier.due_at,
    )
    if _subscribers:
        change = Transitioned(
            dossier_id=dossier.pk,
            code=code,
            action=action,
            from_status=source,
            to_status=dossier.status,
            actor_id=actor.pk if actor is not None else None,
            event_id=event.pk,
        )
        transaction.on_commit(lambda: _notify_subscribers(change))
    return dossier

"""The dossier state machine: the only code that changes ``Dossier.status``.

Every transition names who may do it and from which statuses; ``transition()`` locks the row, checks both,
applies the transition's effect, writes a ``DossierEvent`` and lets the effect schedule notifications, which
the notification core sends after commit. A refused transition raises ``TransitionRefused`` and changes
nothing (the surrounding transaction is rolled back).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from dichvucong.accounts.models import StaffRole, User
from dichvucong.accounts.selectors import agencies_for_user
from dichvucong.dossiers.models import Dossier, DossierEvent, Status


class TransitionRefused(Exception):
    def __init__(self, message: str, *, code: str = "refused"):
        super().__init__(message)
        self.message = message
        self.code = code


APPLICANT = "applicant"


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str | None  # None: the status does not change (an event only)
    who: str  # APPLICANT or a StaffRole value
    label: str


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("submit", frozenset({Status.DRAFT}), Status.SUBMITTED, APPLICANT, "Nộp hồ sơ"),
        Transition(
            "accept", frozenset({Status.SUBMITTED}), Status.ACCEPTED, StaffRole.RECEPTIONIST, "Tiếp nhận"
        ),
        Transition(
            "intake_at_counter",
            frozenset({Status.DRAFT}),
            Status.ACCEPTED,
            StaffRole.RECEPTIONIST,
            "Tiếp nhận trực tiếp tại Bộ phận một cửa",
        ),
        Transition(
            "request_supplement",
            frozenset({Status.SUBMITTED, Status.ACCEPTED, Status.PROCESSING}),
            Status.SUPPLEMENT_REQUESTED,
            StaffRole.RECEPTIONIST,
            "Yêu cầu bổ sung",
        ),
        Transition(
            "send_supplement",
            frozenset({Status.SUPPLEMENT_REQUESTED}),
            None,
            APPLICANT,
            "Công dân gửi bổ sung",
        ),
        Transition(
            "complete_supplement",
            frozenset({Status.SUPPLEMENT_REQUESTED}),
            Status.ACCEPTED,
            StaffRole.RECEPTIONIST,
            "Hoàn thành bổ sung",
        ),
        Transition(
            "refuse",
            frozenset({Status.SUBMITTED, Status.SUPPLEMENT_REQUESTED}),
            Status.REFUSED,
            StaffRole.RECEPTIONIST,
            "Từ chối tiếp nhận",
        ),
    )
}


def allowed_actions(*, dossier: Dossier, user: User) -> list[Transition]:
    """Transitions the user may take on the dossier now (for showing buttons)."""
    return [t for t in TRANSITIONS.values() if dossier.status in t.sources and _may_act(t, dossier, user)]


def _may_act(transition_: Transition, dossier: Dossier, user: User) -> bool:
    if not user or not user.is_authenticated:
        return False
    if transition_.who == APPLICANT:
        return dossier.applicant_id == user.pk
    agencies = {dossier.agency_id}
    if transition_.action == "intake_at_counter" and dossier.intake_agency_id:
        # Dossiers are received wherever the citizen comes (phi địa giới) and routed to the competent agency.
        agencies.add(dossier.intake_agency_id)
    return agencies_for_user(user=user, roles=[transition_.who]).filter(pk__in=agencies).exists()


Effect = Callable[[Dossier], dict | None]


@transaction.atomic
def transition(
    *,
    dossier_id: int,
    action: str,
    actor: User,
    note: str = "",
    effect: Effect | None = None,
    expected_status: str | None = None,
) -> Dossier:
    """Apply ``action``: lock, check, change, record. ``effect`` mutates the locked dossier and may return
    extra event data; it runs inside the same transaction, so it can schedule notifications with notify()."""
    spec = TRANSITIONS.get(action)
    if spec is None:
        raise TransitionRefused("Thao tác không hợp lệ.", code="unknown")
    dossier = Dossier.objects.select_for_update().select_related("agency").get(pk=dossier_id)
    if expected_status is not None and dossier.status != expected_status:
        raise TransitionRefused(
            "Hồ sơ vừa được người khác xử lý. Hãy tải lại trang để xem trạng thái mới.", code="stale"
        )
    if dossier.status not in spec.sources:
        raise TransitionRefused(
            f"Không thể “{spec.label}” khi hồ sơ đang ở trạng thái “{dossier.get_status_display()}”.",
            code="illegal",
        )
    if not _may_act(spec, dossier, actor):
        raise TransitionRefused("Bạn không có quyền thực hiện thao tác này với hồ sơ.", code="forbidden")
    source = dossier.status
    data = (effect(dossier) if effect else None) or {}
    if spec.target is not None:
        dossier.status = spec.target
    dossier.save()
    DossierEvent.objects.create(
        dossier=dossier,
        action=action,
        from_status=source,
        to_status=dossier.status,
        actor=actor,
        actor_role=spec.who,
        agency=dossier.agency if spec.who != APPLICANT else None,
        note=note,
        data=data,
        step_due_at=dossier.due_at,
    )
    return dossier

"""Writes of the processing workflow: start, hand-overs (forward, send back, recall, reassign) and the step
deadlines' plan. The result and its return live in ``results.py``, the draft result in ``drafts.py``.

Every status change and every hand-over goes through ``dossiers.workflow.transition``, which locks the dossier
row; the checks that depend on who holds the dossier (assignee, step, self-approval) run inside the effect,
after the lock, so of two staff acting at once one wins and the other gets a ``TransitionRefused`` with a
clear message while nothing of theirs is written. Late notices, stop and withdrawal live in ``late.py``.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from dichvucong.accounts.models import AgencyMembership, StaffRole, User
from dichvucong.dossiers.models import Dossier, Status
from dichvucong.dossiers.workflow import TransitionRefused, is_own_dossier, transition
from dichvucong.notifications.services import notify
from dichvucong.processing import planning, workflows
from dichvucong.processing.models import (
    COUNTER_STEP_NAME,
    ControlSheetEntry,
    DraftResult,
    DraftState,
    HandoverKind,
    Step,
    Track,
    TrackState,
)
from dichvucong.processing.planning import PlannedStep
from dichvucong.worktime import schedule

RESULT_TYPES = {"pdf", "jpeg", "png", "docx"}
R = StaffRole


class ProcessingError(Exception):
    """Bad input (422): nothing was written."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


# --- helpers ------------------------------------------------------------------------------------


def roles_of(*, user: User, agency_id: int) -> set[str]:
    return set(
        AgencyMembership.objects.filter(user=user, agency_id=agency_id, is_active=True).values_list(
            "role", flat=True
        )
    )


def members_with_role(*, agency_id: int, role: str) -> QuerySet[User]:
    return (
        User.objects.filter(
            is_active=True,
            memberships__agency_id=agency_id,
            memberships__role=role,
            memberships__is_active=True,
        )
        .distinct()
        .order_by("full_name", "pk")
    )


def assignable_members(*, dossier: Dossier, role: str) -> QuerySet[User]:
    """Members with ``role`` at the dossier's agency who may be handed the dossier: not its applicant nor
    the person it is about (the same rule as ``dossiers.workflow.is_own_dossier``, as a query)."""
    members = members_with_role(agency_id=dossier.agency_id, role=role)
    if dossier.applicant_id is not None:
        members = members.exclude(pk=dossier.applicant_id)
    numbers = {(n or "").strip() for n in (dossier.applicant_id_number, dossier.owner_id_number)} - {""}
    if numbers:
        members = members.exclude(id_number__in=numbers)
    return members


def _role_label(role: str) -> str:
    try:
        return str(StaffRole(role).label)
    except ValueError:
        return role


def _pick_assignee(*, dossier: Dossier, role: str, preferred: int | None) -> User:
    """The chosen colleague (who must hold the role at the agency), or the one with fewest open dossiers.
    Never someone the dossier belongs to (segregation of duties: ``is_own_dossier``)."""
    agency_id = dossier.agency_id
    members = members_with_role(agency_id=agency_id, role=role)
    if preferred:
        chosen = members.filter(pk=preferred).first()
        if chosen is None:
            raise ProcessingError(
                f"Cán bộ được chọn không giữ vai trò “{_role_label(role)}” tại cơ quan giải quyết.",
                field="to_user",
                code="assignee",
            )
        if is_own_dossier(dossier=dossier, user=chosen):
            raise ProcessingError(
                "Không giao hồ sơ cho cán bộ là người nộp hoặc chủ hồ sơ: "
                "không được tự tiếp nhận/xử lý hồ sơ của chính mình. Hãy chọn cán bộ khác.",
                field="to_user",
                code="own_dossier",
            )
        return chosen
    everyone = list(members)
    people = [person for person in everyone if not is_own_dossier(dossier=dossier, user=person)]
    if everyone and not people:
        raise ProcessingError(
            f"Cán bộ duy nhất giữ vai trò “{_role_label(role)}” là người nộp hoặc chủ hồ sơ: không được tự "
            "tiếp nhận/xử lý hồ sơ của chính mình. Hãy phân công thêm cán bộ.",
            field="to_user",
            code="own_dossier",
        )
    if not people:
        raise ProcessingError(
            f"Cơ quan chưa có cán bộ giữ vai trò “{_role_label(role)}” để nhận hồ sơ.",
            field="to_user",
            code="no_assignee",
        )
    load = Counter(
        Track.objects.filter(assignee__in=people, state=TrackState.IN_PROGRESS).values_list(
            "assignee_id", flat=True
        )
    )
    return min(people, key=lambda person: (load[person.pk], person.pk))


def step_plan(*, to_step: Step, start: datetime.datetime, dossier: Dossier) -> list[PlannedStep]:
    """The due times of ``to_step`` and the steps after it, for the dossier entering it at ``start``: budgets
    that fit end one after the other, budgets that do not fit share the time left (``planning``)."""
    steps = list(Step.objects.filter(workflow_id=to_step.workflow_id, position__gte=to_step.position))
    return planning.plan_steps(
        steps=steps, start=start, due_at=dossier.due_at, calendar=schedule.calendar_for(dossier.agency_id)
    )


def step_due(*, step: Step, start: datetime.datetime, dossier: Dossier) -> datetime.datetime:
    """The step's due time: its place in the plan of the rest of the chain, never past the legal deadline."""
    return step_plan(to_step=step, start=start, dossier=dossier)[0].due_at


def _track(dossier: Dossier) -> Track:
    track = Track.objects.select_related("step", "workflow").filter(dossier=dossier).first()
    if track is None:
        raise TransitionRefused("Hồ sơ chưa được chuyển xử lý.", code="not_started")
    return track


def _check_holder(track: Track, officer: User, expected_position: int | None) -> None:
    if expected_position is not None and track.position != expected_position:
        raise TransitionRefused(
            "Hồ sơ vừa được người khác chuyển sang bước khác. Hãy tải lại trang để xem tình trạng mới.",
            code="stale",
        )
    if track.state != TrackState.IN_PROGRESS or track.step is None:
        raise TransitionRefused("Hồ sơ đã chuyển về Bộ phận một cửa.", code="stale")
    if track.assignee_id != officer.pk:
        raise TransitionRefused(
            "Hồ sơ không được giao cho bạn ở bước này, nên bạn không thể xử lý. "
            "Hãy tải lại trang để xem ai đang giữ hồ sơ.",
            code="not_assigned",
        )


def _open_entry(dossier: Dossier) -> ControlSheetEntry | None:
    return ControlSheetEntry.objects.filter(dossier=dossier, finished_at__isnull=True).order_by("-id").first()


def _close_open_entry(dossier: Dossier, now: datetime.datetime) -> None:
    entry = _open_entry(dossier)
    if entry is not None:
        entry.finished_at = now
        entry.on_time = entry.due_at is None or now <= entry.due_at
        if entry.received_at is None:
            entry.received_at = now
        entry.save(update_fields=["finished_at", "on_time", "received_at"])


def _notify_receiver(dossier: Dossier, receiver: User | None, *, step_name: str, due_at) -> None:
    if receiver is None:
        return
    notify(
        event="dossier.handed_over",
        user=receiver,
        context={
            "full_name": receiver.full_name,
            "code": dossier.code or "",
            "procedure": dossier.procedure.name,
            "items": step_name,
            "deadline": due_at or "không quy định",
        },
    )


def _move(
    *,
    dossier: Dossier,
    track: Track,
    actor: User,
    kind: str,
    to_step: Step,
    to_user: User,
    note: str,
    now: datetime.datetime,
) -> ControlSheetEntry:
    """Close the current control-sheet row, open the receiver's, and move the track; notify the receiver."""
    _close_open_entry(dossier, now)
    plan = step_plan(to_step=to_step, start=now, dossier=dossier)
    due = plan[0].due_at
    entry = ControlSheetEntry.objects.create(
        dossier=dossier,
        kind=kind,
        from_user=actor,
        from_step_name=track.step_name,
        to_user=to_user,
        to_step_name=to_step.name,
        to_position=to_step.position,
        note=note[:2000],
        handed_at=now,
        due_at=due,
    )
    track.step = to_step
    track.position = to_step.position
    track.step_name = to_step.name
    track.role = to_step.role
    track.assignee = to_user
    track.step_started_at = now
    track.step_due_at = due
    track.plan = [item.as_json() for item in plan]
    track.dossier_due_at = dossier.due_at
    track.step_alerted_at = None
    track.state = TrackState.IN_PROGRESS
    track.save()
    _notify_receiver(dossier, to_user, step_name=to_step.name, due_at=due)
    return entry


def _data(entry: ControlSheetEntry) -> dict:
    return {
        "kind": entry.kind,
        "from_step": entry.from_step_name,
        "to_step": entry.to_step_name,
        "to_user": entry.to_user.full_name if entry.to_user else "",
        "step_due_at": entry.due_at.isoformat() if entry.due_at else None,
    }


# --- start, forward, send back, recall, reassign ------------------------------------------------


# Who hands an accepted dossier to processing (the page offers "Chuyển xử lý" to them, the API the same).
START_ROLES = {R.RECEPTIONIST, R.HEAD_OF_UNIT, R.LEADER}


def processing_start(
    *,
    dossier_id: int,
    officer: User,
    assignee_id: int | None = None,
    note: str = "",
    expected_status: str | None = Status.ACCEPTED,
) -> Dossier:
    """The counter hands an accepted dossier to the first step of its workflow (Chuyển xử lý)."""

    def effect(locked: Dossier) -> dict:
        if not START_ROLES & roles_of(user=officer, agency_id=locked.agency_id):
            raise TransitionRefused("Bạn không có quyền thực hiện thao tác này với hồ sơ.", code="forbidden")
        if Track.objects.filter(dossier=locked).exists():
            raise TransitionRefused("Hồ sơ đã được chuyển xử lý.", code="stale")
        workflow = workflows.workflow_for(locked)
        first = workflows.steps_of(workflow)[0]
        assignee = _pick_assignee(dossier=locked, role=first.role, preferred=assignee_id)
        now = timezone.now()
        track = Track(
            dossier=locked,
            workflow=workflow,
            agency_id=locked.agency_id,
            step_name=COUNTER_STEP_NAME,
            role=R.RECEPTIONIST,
            step_started_at=locked.received_at or now,
        )
        entry = _move(
            dossier=locked,
            track=track,
            actor=officer,
            kind=HandoverKind.START,
            to_step=first,
            to_user=assignee,
            note=note,
            now=now,
        )
        return _data(entry)

    return transition(
        dossier_id=dossier_id,
        action="start_processing",
        actor=officer,
        note=note,
        effect=effect,
        expected_status=expected_status,
    )


def processing_forward(
    *,
    dossier_id: int,
    officer: User,
    to_user_id: int | None = None,
    note: str = "",
    expected_position: int | None = None,
) -> Dossier:
    """Finish my step and hand the dossier to the next one (appraised, reviewed, signed)."""

    def effect(locked: Dossier) -> dict:
        track = _track(locked)
        _check_holder(track, officer, expected_position)
        step = track.step
        if step.issues_result:
            raise TransitionRefused(
                "Đây là bước ban hành: hãy đính kèm kết quả và chuyển về Bộ phận một cửa.", code="issue_step"
            )
        if step.signs and track.draft_by_id == officer.pk and not step.allow_self_approval:
            raise TransitionRefused(
                "Quy trình không cho phép bạn ký duyệt dự thảo do chính bạn soạn. "
                "Hãy bàn giao cho lãnh đạo khác ký duyệt.",
                code="self_approval",
            )
        if step.produces_draft:
            track.draft_by = officer
        if step.signs:  # Ký duyệt: the leader signs the draft in front of them
            DraftResult.objects.filter(dossier=locked, state=DraftState.PENDING).update(
                state=DraftState.SIGNED,
                decided_by=officer,
                decided_at=timezone.now(),
                decision_note=note[:2000],
            )
        next_step = track.workflow.steps.filter(position__gt=step.position).order_by("position").first()
        receiver = _pick_assignee(dossier=locked, role=next_step.role, preferred=to_user_id)
        entry = _move(
            dossier=locked,
            track=track,
            actor=officer,
            kind=HandoverKind.FORWARD,
            to_step=next_step,
            to_user=receiver,
            note=note,
            now=timezone.now(),
        )
        return _data(entry)

    return transition(dossier_id=dossier_id, action="handover", actor=officer, note=note, effect=effect)


def processing_send_back(
    *, dossier_id: int, officer: User, note: str, expected_position: int | None = None
) -> Dossier:
    """Return the dossier to the previous step, with the reason (trả lại)."""
    if not note.strip():
        raise ProcessingError("Hãy ghi lý do trả lại.", field="note", code="note")

    def effect(locked: Dossier) -> dict:
        track = _track(locked)
        _check_holder(track, officer, expected_position)
        step = track.step
        previous = track.workflow.steps.filter(position__lt=step.position).order_by("-position").first()
        if previous is None:
            raise TransitionRefused(
                "Hồ sơ đang ở bước đầu tiên của quy trình, không có bước trước để trả lại. "
                "Nếu hồ sơ thiếu giấy tờ, hãy yêu cầu bổ sung.",
                code="first_step",
            )
        if not step.allow_send_back:
            raise TransitionRefused("Quy trình không cho phép trả lại từ bước này.", code="no_send_back")
        last_holder = (
            ControlSheetEntry.objects.filter(dossier=locked, to_position=previous.position)
            .exclude(to_user=None)
            .order_by("-id")
            .values_list("to_user_id", flat=True)
            .first()
        )
        if last_holder is not None:
            holder = members_with_role(agency_id=locked.agency_id, role=previous.role).filter(pk=last_holder)
            if not any(not is_own_dossier(dossier=locked, user=person) for person in holder):
                last_holder = None
        receiver = _pick_assignee(dossier=locked, role=previous.role, preferred=last_holder)
        if previous.produces_draft or step.signs:  # the draft goes back to be corrected, with the reason
            DraftResult.objects.filter(
                dossier=locked, state__in=[DraftState.PENDING, DraftState.SIGNED]
            ).update(
                state=DraftState.RETURNED, decided_by=officer, decided_at=timezone.now(), decision_note=note
            )
        entry = _move(
            dossier=locked,
            track=track,
            actor=officer,
            kind=HandoverKind.SEND_BACK,
            to_step=previous,
            to_user=receiver,
            note=note,
            now=timezone.now(),
        )
        return _data(entry)

    return transition(dossier_id=dossier_id, action="handover", actor=officer, note=note, effect=effect)


def processing_recall(*, dossier_id: int, officer: User, note: str = "") -> Dossier:
    """Take back a dossier I forwarded, while the receiver has not opened it yet (thu hồi)."""

    def effect(locked: Dossier) -> dict:
        track = _track(locked)
        entry = _open_entry(locked)
        if (
            track.state != TrackState.IN_PROGRESS
            or entry is None
            or entry.kind != HandoverKind.FORWARD
            or entry.from_user_id != officer.pk
        ):
            raise TransitionRefused("Chỉ người vừa chuyển hồ sơ mới thu hồi được.", code="not_sender")
        if not track.workflow.allow_recall:
            raise TransitionRefused("Quy trình không cho phép thu hồi hồ sơ đã chuyển.", code="no_recall")
        if entry.received_at is not None:
            raise TransitionRefused(
                "Người nhận đã mở hồ sơ nên không thu hồi được; hãy đề nghị họ trả lại.", code="received"
            )
        previous = track.workflow.steps.filter(position__lt=track.position).order_by("-position").first()
        moved = _move(
            dossier=locked,
            track=track,
            actor=officer,
            kind=HandoverKind.RECALL,
            to_step=previous,
            to_user=officer,
            note=note,
            now=timezone.now(),
        )
        return _data(moved)

    return transition(dossier_id=dossier_id, action="handover", actor=officer, note=note, effect=effect)


def processing_reassign(*, dossier_id: int, officer: User, to_user_id: int, note: str = "") -> Dossier:
    """Hand my dossier (a head of unit or leader: any at my agency) to a colleague at the same step."""

    def effect(locked: Dossier) -> dict:
        track = _track(locked)
        if track.state != TrackState.IN_PROGRESS or track.step is None:
            raise TransitionRefused("Hồ sơ không còn ở bước xử lý.", code="stale")
        managers = {R.HEAD_OF_UNIT, R.LEADER}
        if track.assignee_id != officer.pk and not managers & roles_of(
            user=officer, agency_id=locked.agency_id
        ):
            raise TransitionRefused("Hồ sơ không được giao cho bạn.", code="not_assigned")
        receiver = _pick_assignee(dossier=locked, role=track.role, preferred=to_user_id)
        if receiver.pk == track.assignee_id:
            raise ProcessingError("Cán bộ này đang giữ hồ sơ.", field="to_user", code="same")
        entry = _move(
            dossier=locked,
            track=track,
            actor=officer,
            kind=HandoverKind.REASSIGN,
            to_step=track.step,
            to_user=receiver,
            note=note,
            now=timezone.now(),
        )
        return _data(entry)

    return transition(dossier_id=dossier_id, action="handover", actor=officer, note=note, effect=effect)


@dataclass
class BulkOutcome:
    done: list[str]
    refused: list[tuple[str, str]]  # (code, message)


def processing_reassign_many(
    *, dossiers: list[Dossier], officer: User, to_user_id: int, note: str = ""
) -> BulkOutcome:
    """Bulk hand-over: each dossier in its own transaction; one refusal does not undo the others."""
    outcome = BulkOutcome(done=[], refused=[])
    for dossier in dossiers:
        try:
            processing_reassign(dossier_id=dossier.pk, officer=officer, to_user_id=to_user_id, note=note)
        except (TransitionRefused, ProcessingError) as error:
            outcome.refused.append((dossier.code or "", error.message))
        else:
            outcome.done.append(dossier.code or "")
    return outcome


def track_sync_due(*, dossier: Dossier, now: datetime.datetime | None = None) -> None:
    """The dossier's due date moved (a supplement, a payment pause, Mẫu 04): copy it to the track and re-plan
    the current step and the steps after it from now, so the step deadlines fit before the new date. A no-op
    when the track already has that date (it is called again on opening the dossier and by the alerts)."""
    track = Track.objects.select_related("step").filter(dossier=dossier).first()
    if track is None or track.dossier_due_at == dossier.due_at:
        return
    now = now or timezone.now()
    updates: dict = {"dossier_due_at": dossier.due_at}
    if track.state == TrackState.IN_PROGRESS and track.step is not None:
        plan = step_plan(to_step=track.step, start=max(now, track.step_started_at), dossier=dossier)
        updates.update(
            step_due_at=plan[0].due_at, plan=[item.as_json() for item in plan], step_alerted_at=None
        )
        ControlSheetEntry.objects.filter(dossier=dossier, finished_at__isnull=True).update(
            due_at=plan[0].due_at
        )
    elif track.state == TrackState.AT_COUNTER:
        updates.update(step_due_at=dossier.due_at, plan=[])
    Track.objects.filter(pk=track.pk).update(**updates)


def track_sync_after_transition(change) -> None:
    """After-commit subscriber: a transition that may move the due date (see ``ProcessingConfig.ready``)."""
    dossier = Dossier.objects.filter(pk=change.dossier_id).only("pk", "due_at", "agency_id").first()
    if dossier is not None:
        track_sync_due(dossier=dossier)


def processing_mark_received(*, dossier: Dossier, user: User) -> None:
    """The holder opened the dossier: the control sheet's "received" time (and no more recall)."""
    track_sync_due(dossier=dossier)
    ControlSheetEntry.objects.filter(
        dossier=dossier, to_user=user, finished_at__isnull=True, received_at__isnull=True
    ).update(received_at=timezone.now())


def _close_track(dossier: Dossier, now: datetime.datetime) -> None:
    _close_open_entry(dossier, now)
    Track.objects.filter(dossier=dossier).update(
        state=TrackState.CLOSED, assignee=None, step=None, updated_at=now
    )

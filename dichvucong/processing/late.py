"""Late handling and the ways a dossier ends early.

- Mẫu 04 (Văn bản xin lỗi và hẹn lại ngày trả kết quả): drafted by a specialist or head of unit, approved by a
  leader (``extend_deadline``), sent to the citizen and shown on tracking, no later than one working day
  before the due date (§1.5). A dossier is rescheduled at most ``MAX_RESCHEDULES`` times.
- Mẫu 05 (Thông báo dừng giải quyết hồ sơ): proposed with reasons, approved by a leader (``stop``).
- The citizen's withdrawal request and the leader's or head's decision.
- ``alerts_send``: the periodic late-risk alerts to the holder and the heads, each step and due date once.
"""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from dichvucong.accounts.models import StaffRole, User
from dichvucong.dossiers.models import Dossier, Status
from dichvucong.dossiers.notices import notify_applicant
from dichvucong.dossiers.workflow import TransitionRefused, refuse_own_dossier, transition
from dichvucong.notifications.services import notify
from dichvucong.processing.models import (
    LateNotice,
    NoticeState,
    StopNotice,
    Track,
    TrackState,
    WithdrawalRequest,
)
from dichvucong.processing.services import (
    ProcessingError,
    _close_track,
    members_with_role,
    roles_of,
    track_sync_due,
)
from dichvucong.worktime import schedule

logger = logging.getLogger(__name__)
R = StaffRole
MAX_RESCHEDULES = 1  # UNSOURCED practice (§1.5): the new date is set once
DRAFTERS = {R.SPECIALIST, R.HEAD_OF_UNIT, R.LEADER}
# Alerts: a step this many working hours before its due time; the dossier two working days before its due
# date, which leaves a working day to draft Mẫu 04 and get it signed before the one-day limit.
STEP_ALERT_HOURS = 2
DOSSIER_ALERT_DAYS = 2


def _lock(dossier_id: int) -> Dossier:
    return Dossier.objects.select_for_update().select_related("agency", "procedure").get(pk=dossier_id)


def _require(user: User, dossier: Dossier, roles: set[str], message: str) -> None:
    if not roles & roles_of(user=user, agency_id=dossier.agency_id):
        raise TransitionRefused(message, code="forbidden")
    refuse_own_dossier(dossier=dossier, user=user)


def one_working_day_left(dossier: Dossier, now: datetime.datetime | None = None) -> bool:
    """True while at least one working day remains before the due date (the last moment to send Mẫu 04)."""
    if dossier.due_at is None:
        return False
    calendar = schedule.calendar_for(dossier.agency_id)
    now = now or timezone.now()
    return (
        now < dossier.due_at
        and calendar.working_time_between(now, dossier.due_at) >= calendar.hours.day_length
    )


def _new_due(dossier: Dossier, day: datetime.date) -> datetime.datetime:
    calendar = schedule.calendar_for(dossier.agency_id)
    if not calendar.is_working_day(day):
        raise ProcessingError("Ngày hẹn trả mới phải là ngày làm việc.", field="new_due_date", code="day_off")
    clock = calendar.local(dossier.due_at).time() if dossier.due_at else calendar.hours.afternoon_end
    new_due = calendar.at(day, clock)
    if dossier.due_at is not None and new_due <= dossier.due_at:
        raise ProcessingError(
            "Ngày hẹn trả mới phải sau ngày hẹn trả hiện tại.", field="new_due_date", code="not_later"
        )
    return new_due


def _notify_staff(event: str, users, dossier: Dossier, **context) -> None:
    seen: set[int] = set()
    for user in users:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        notify(
            event=event,
            user=user,
            context={
                "full_name": user.full_name,
                "code": dossier.code or "",
                "procedure": dossier.procedure.name,
                **context,
            },
        )


# --- Mẫu 04 -------------------------------------------------------------------------------------


@transaction.atomic
def late_notice_draft(
    *, dossier_id: int, officer: User, reason: str, new_due_date: datetime.date
) -> LateNotice:
    reason = reason.strip()
    if not reason:
        raise ProcessingError("Hãy ghi lý do chậm trả kết quả.", field="reason", code="reason")
    dossier = _lock(dossier_id)
    _require(officer, dossier, DRAFTERS, "Bạn không có quyền dự thảo văn bản xin lỗi cho hồ sơ này.")
    if dossier.status not in (Status.ACCEPTED, Status.PROCESSING):
        raise TransitionRefused("Chỉ hồ sơ đang giải quyết mới hẹn lại ngày trả kết quả.", code="illegal")
    notices = list(dossier.late_notices.all())
    if any(n.state == NoticeState.DRAFT for n in notices):
        raise TransitionRefused("Hồ sơ đã có văn bản xin lỗi đang chờ lãnh đạo duyệt.", code="pending")
    if sum(n.state == NoticeState.APPROVED for n in notices) >= MAX_RESCHEDULES:
        raise TransitionRefused(
            "Hồ sơ đã được hẹn lại ngày trả kết quả; chỉ được hẹn lại một lần.", code="once"
        )
    if not one_working_day_left(dossier):
        raise TransitionRefused(
            "Đã quá thời hạn gửi văn bản xin lỗi (chậm nhất 01 ngày làm việc trước ngày hẹn trả).",
            code="too_late",
        )
    new_due = _new_due(dossier, new_due_date)
    notice = LateNotice.objects.create(
        dossier=dossier,
        reason=reason[:5000],
        old_due_at=dossier.due_at,
        new_due_at=new_due,
        drafted_by=officer,
        drafted_at=timezone.now(),
    )
    leaders = members_with_role(agency_id=dossier.agency_id, role=R.LEADER)
    _notify_staff(
        "dossier.approval_needed", leaders, dossier, items="Văn bản xin lỗi, hẹn lại ngày trả (Mẫu 04)"
    )
    return notice


def late_notice_decide(*, notice_id: int, leader: User, approve: bool, note: str = "") -> LateNotice:
    """Approve (the due date moves, the citizen is told) or reject the draft."""
    notice = LateNotice.objects.filter(pk=notice_id).first()
    if notice is None:
        raise ProcessingError("Không tìm thấy văn bản.", code="not_found")
    if not approve:
        if not note.strip():
            raise ProcessingError("Hãy ghi lý do không duyệt.", field="note", code="note")
        with transaction.atomic():
            dossier = _lock(notice.dossier_id)
            _require(leader, dossier, {R.LEADER}, "Chỉ lãnh đạo mới duyệt văn bản xin lỗi.")
            locked = LateNotice.objects.select_for_update().get(pk=notice_id)
            if locked.state != NoticeState.DRAFT:
                raise TransitionRefused("Văn bản này đã được xử lý.", code="stale")
            locked.state, locked.decided_by, locked.decided_at = NoticeState.REJECTED, leader, timezone.now()
            locked.decision_note = note.strip()[:2000]
            locked.save()
            _notify_staff(
                "dossier.approval_decided", [locked.drafted_by], dossier, items="Không duyệt Mẫu 04"
            )
            return locked

    def effect(dossier: Dossier) -> dict:
        locked = LateNotice.objects.select_for_update().get(pk=notice_id)
        if locked.state != NoticeState.DRAFT:
            raise TransitionRefused("Văn bản này đã được xử lý.", code="stale")
        if not one_working_day_left(dossier):
            raise TransitionRefused(
                "Đã quá thời hạn gửi văn bản xin lỗi (chậm nhất 01 ngày làm việc trước ngày hẹn trả).",
                code="too_late",
            )
        now = timezone.now()
        locked.state, locked.decided_by, locked.decided_at = NoticeState.APPROVED, leader, now
        locked.decision_note = note.strip()[:2000]
        locked.save()
        old_due = dossier.due_at
        dossier.due_at = locked.new_due_at
        track_sync_due(dossier=dossier, now=now)  # re-plan the steps before the new date
        notify_applicant(
            dossier, "dossier.deadline_extended", due_at=locked.new_due_at, reasons=locked.reason
        )
        return {
            "late_notice_id": locked.pk,
            "old_due_at": old_due.isoformat() if old_due else None,
            "new_due_at": locked.new_due_at.isoformat(),
            "reason": locked.reason,
        }

    transition(dossier_id=notice.dossier_id, action="extend_deadline", actor=leader, effect=effect)
    return LateNotice.objects.get(pk=notice_id)


# --- Mẫu 05 -------------------------------------------------------------------------------------


def _clean_reasons(reasons: list[str]) -> list[str]:
    cleaned = [reason.strip()[:1000] for reason in reasons if reason and reason.strip()]
    if not cleaned:
        raise ProcessingError("Hãy ghi rõ lý do dừng giải quyết.", field="reasons", code="reasons")
    return cleaned


@transaction.atomic
def stop_propose(*, dossier_id: int, officer: User, reasons: list[str]) -> StopNotice:
    reasons = _clean_reasons(reasons)
    dossier = _lock(dossier_id)
    _require(officer, dossier, DRAFTERS, "Bạn không có quyền đề xuất dừng giải quyết hồ sơ này.")
    if dossier.status not in (Status.ACCEPTED, Status.PROCESSING):
        raise TransitionRefused("Chỉ hồ sơ đang giải quyết mới dừng được.", code="illegal")
    if dossier.stop_notices.filter(state=NoticeState.DRAFT).exists():
        raise TransitionRefused("Hồ sơ đã có đề xuất dừng đang chờ duyệt.", code="pending")
    notice = StopNotice.objects.create(
        dossier=dossier, reasons=reasons, drafted_by=officer, drafted_at=timezone.now()
    )
    leaders = members_with_role(agency_id=dossier.agency_id, role=R.LEADER)
    _notify_staff("dossier.approval_needed", leaders, dossier, items="Thông báo dừng giải quyết (Mẫu 05)")
    return notice


def stop_decide(*, notice_id: int, leader: User, approve: bool, note: str = "") -> StopNotice:
    notice = StopNotice.objects.filter(pk=notice_id).first()
    if notice is None:
        raise ProcessingError("Không tìm thấy thông báo.", code="not_found")
    if not approve:
        with transaction.atomic():
            dossier = _lock(notice.dossier_id)
            _require(leader, dossier, {R.LEADER}, "Chỉ lãnh đạo mới duyệt thông báo dừng.")
            locked = StopNotice.objects.select_for_update().get(pk=notice_id)
            if locked.state != NoticeState.DRAFT:
                raise TransitionRefused("Thông báo này đã được xử lý.", code="stale")
            locked.state, locked.decided_by, locked.decided_at = NoticeState.REJECTED, leader, timezone.now()
            locked.decision_note = note.strip()[:2000]
            locked.save()
            return locked

    def effect(dossier: Dossier) -> dict:
        locked = StopNotice.objects.select_for_update().get(pk=notice_id)
        if locked.state != NoticeState.DRAFT:
            raise TransitionRefused("Thông báo này đã được xử lý.", code="stale")
        now = timezone.now()
        locked.state, locked.decided_by, locked.decided_at = NoticeState.APPROVED, leader, now
        locked.decision_note = note.strip()[:2000]
        locked.save()
        dossier.finished_at = now
        _close_track(dossier, now)
        notify_applicant(dossier, "dossier.stopped", reasons="; ".join(locked.reasons))
        return {"stop_notice_id": locked.pk, "reasons": locked.reasons}

    transition(dossier_id=notice.dossier_id, action="stop", actor=leader, effect=effect)
    return StopNotice.objects.get(pk=notice_id)


# --- withdrawal ---------------------------------------------------------------------------------


def withdrawal_request(*, dossier_id: int, applicant: User, reason: str) -> WithdrawalRequest:
    reason = reason.strip()
    if not reason:
        raise ProcessingError("Hãy ghi lý do rút hồ sơ.", field="reason", code="reason")
    created: list[WithdrawalRequest] = []

    def effect(dossier: Dossier) -> dict:
        request = WithdrawalRequest.objects.create(
            dossier=dossier, reason=reason[:2000], requested_at=timezone.now()
        )
        created.append(request)
        track = Track.objects.select_related("assignee").filter(dossier=dossier).first()
        deciders = list(members_with_role(agency_id=dossier.agency_id, role=R.LEADER))
        _notify_staff(
            "dossier.approval_needed",
            [track.assignee if track else None, *deciders],
            dossier,
            items="Công dân yêu cầu rút hồ sơ",
        )
        return {"withdrawal_id": request.pk, "reason": reason[:2000]}

    transition(
        dossier_id=dossier_id, action="request_withdrawal", actor=applicant, note=reason, effect=effect
    )
    return created[0]


def withdrawal_decide(*, request_id: int, officer: User, approve: bool, note: str = "") -> WithdrawalRequest:
    request = WithdrawalRequest.objects.filter(pk=request_id).first()
    if request is None:
        raise ProcessingError("Không tìm thấy yêu cầu.", code="not_found")
    if not approve and not note.strip():
        raise ProcessingError("Hãy ghi lý do không đồng ý cho rút hồ sơ.", field="note", code="note")

    def effect(dossier: Dossier) -> dict:
        locked = WithdrawalRequest.objects.select_for_update().get(pk=request_id)
        if locked.state != NoticeState.DRAFT:
            raise TransitionRefused("Yêu cầu này đã được xử lý.", code="stale")
        now = timezone.now()
        locked.state = NoticeState.APPROVED if approve else NoticeState.REJECTED
        locked.decided_by, locked.decided_at, locked.decision_note = officer, now, note.strip()[:2000]
        locked.save()
        if approve:
            dossier.finished_at = now
            _close_track(dossier, now)
            notify_applicant(dossier, "dossier.withdrawal_approved")
        else:
            notify_applicant(dossier, "dossier.withdrawal_declined", reasons=locked.decision_note)
        return {"withdrawal_id": locked.pk, "approved": approve}

    transition(
        dossier_id=request.dossier_id,
        action="approve_withdrawal" if approve else "decline_withdrawal",
        actor=officer,
        note=note,
        effect=effect,
    )
    return WithdrawalRequest.objects.get(pk=request_id)


# --- alerts -------------------------------------------------------------------------------------


def alerts_send(*, now: datetime.datetime | None = None) -> int:
    """Alert the holder and the heads of unit before a step or the dossier is due. Idempotent: a step is
    alerted once (until the next hand-over), a due date once (until it changes). Returns alerts sent."""
    now = now or timezone.now()
    horizon = now + datetime.timedelta(days=14)  # a coarse prefilter; the exact test is in working time
    sent = 0
    candidates = (
        Track.objects.select_related("dossier__procedure", "dossier__agency", "assignee")
        .filter(state=TrackState.IN_PROGRESS, dossier__status=Status.PROCESSING)
        .filter(step_due_at__lte=horizon)
    )
    heads_by_agency: dict[int, list[User]] = {}
    for track in candidates.iterator(chunk_size=500):
        dossier = track.dossier
        calendar = schedule.calendar_for(track.agency_id)
        heads = heads_by_agency.get(track.agency_id)
        if heads is None:
            heads = list(members_with_role(agency_id=track.agency_id, role=R.HEAD_OF_UNIT))
            heads_by_agency[track.agency_id] = heads
        updates: dict = {}
        if track.dossier_due_at != dossier.due_at:  # the due date moved: heal the copy and re-plan the steps
            track_sync_due(dossier=dossier, now=now)
            track.refresh_from_db(fields=["dossier_due_at", "step_due_at", "step_alerted_at", "plan"])
        if (
            track.step_alerted_at is None
            and track.step_due_at is not None
            and calendar.add_working_hours(now, STEP_ALERT_HOURS) >= track.step_due_at
        ):
            _notify_staff(
                "dossier.due_soon",
                [track.assignee, *heads],
                dossier,
                items=track.step_name,
                deadline=track.step_due_at,
            )
            updates["step_alerted_at"] = now
            sent += 1
        key = dossier.due_at.isoformat() if dossier.due_at else ""
        if (
            key
            and track.dossier_alert_key != key
            and calendar.add_working_hours(now, calendar.hours.day_length * DOSSIER_ALERT_DAYS)
            >= dossier.due_at
        ):
            leaders = list(members_with_role(agency_id=track.agency_id, role=R.LEADER))
            _notify_staff(
                "dossier.due_soon",
                [track.assignee, *heads, *leaders],
                dossier,
                items="Ngày hẹn trả hồ sơ",
                deadline=dossier.due_at,
            )
            updates["dossier_alert_key"] = key
            sent += 1
        if updates:
            Track.objects.filter(pk=track.pk).update(**updates)
    logger.info("processing alerts sent: %s", sent)
    return sent

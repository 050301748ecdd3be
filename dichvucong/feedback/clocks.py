"""The four SLA clocks of a feedback (domain.md §1.3, KPI 5.1–5.3), in working days of the agency holding it,
computed only with ``dichvucong.worktime.schedule``:

- ``refuse``: receive or refuse within 2 working days of the submission;
- ``request``: ask the sender for more information within 5 working days of the receipt;
- ``resolve``: answer within 15 working days of the receipt, the clock paused while the sender is asked for
  more information (it moves later by the working time spent waiting);
- ``publish``: publish the approved answer within 2 working days of it.

A stopped clock's outcome goes to ``Feedback.sla`` ({clock: in time}); ``Feedback.late`` reads it."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dichvucong.catalogue.models import DurationUnit
from dichvucong.feedback.models import Feedback, FeedbackStatus
from dichvucong.worktime import schedule

REFUSE, REQUEST, RESOLVE, PUBLISH = "refuse", "request", "resolve", "publish"
WORKING_DAYS = {REFUSE: 2, REQUEST: 5, RESOLVE: 15, PUBLISH: 2}
LABELS = {
    REFUSE: _("Tiếp nhận hoặc từ chối"),
    REQUEST: _("Đề nghị bổ sung thông tin"),
    RESOLVE: _("Giải quyết, trả lời"),
    PUBLISH: _("Công khai kết quả"),
}


def deadline(*, clock: str, start: datetime.datetime, agency_id: int | None) -> datetime.datetime:
    """``start`` + the clock's working days on the agency's calendar."""
    return schedule.due_at(
        received_at=start,
        duration_value=WORKING_DAYS[clock],
        duration_unit=DurationUnit.WORKING_DAYS,
        agency=agency_id,
    )


def resumed(*, due_at: datetime.datetime, paused_at: datetime.datetime, resumed_at: datetime.datetime,
            agency_id: int | None) -> datetime.datetime:  # fmt: skip
    """The resolve deadline after the sender answered: later by the working time spent waiting."""
    return schedule.resume_due_at(
        old_due_at=due_at, paused_at=paused_at, resumed_at=resumed_at, restart=False, agency=agency_id
    )


@dataclass(frozen=True)
class ClockState:
    clock: str
    label: str
    due_at: datetime.datetime | None
    paused: bool
    days_left: int  # whole working days still left (rounded up); 0 when overdue
    days_late: int  # working days past the deadline (rounded up); 0 when in time
    due_soon: bool  # less than one working day left

    @property
    def overdue(self) -> bool:
        return self.days_late > 0


def clock_state(feedback: Feedback, *, now: datetime.datetime | None = None) -> ClockState | None:
    """The running (or paused) clock of ``feedback`` as staff see it; None when no clock runs."""
    if not feedback.clock or feedback.due_at is None:
        return None
    now = now or timezone.now()
    calendar = schedule.calendar_for(feedback.agency_id)
    day = calendar.hours.day_length
    paused = feedback.status == FeedbackStatus.AWAITING_INFO
    reference = feedback.info_requested_at if paused and feedback.info_requested_at else now
    if reference <= feedback.due_at:
        left = calendar.working_time_between(reference, feedback.due_at)
        days_left, days_late = math.ceil(left / day), 0
        due_soon = left < day
    else:
        late = schedule.working_days_late(feedback.due_at, reference, calendar=calendar)
        days_left, days_late, due_soon = 0, max(1, math.ceil(late)), False
    return ClockState(
        clock=feedback.clock,
        label=str(LABELS.get(feedback.clock, feedback.clock)),
        due_at=feedback.due_at,
        paused=paused,
        days_left=days_left,
        days_late=days_late,
        due_soon=due_soon,
    )

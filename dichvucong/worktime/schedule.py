"""The working-time and deadline API: every deadline in the project is computed through this module.

    from dichvucong.worktime import schedule
    schedule.due_at(received_at=..., duration_value=5, duration_unit="working_days", agency=agency)

The shortcuts take an `agency` (an Agency, its id, or None for the nationwide calendar) and use its cached
calendar; code that computes many dates takes `calendar_for(agency)` once and calls the `WorkCalendar` methods
of the same names. Rules: `calendars.py` (days and hours), `deadlines.py` (durations, same-day, pauses).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from dichvucong.worktime.calendars import (
    Amount,
    OfficeHours,
    WorkCalendar,
    calendar_for,
    calendars_changed,
    national_days,
)
from dichvucong.worktime.deadlines import (
    Duration,
    due_at,
    effective_duration,
    resume_due_at,
    working_days_late,
)

if TYPE_CHECKING:
    from dichvucong.agencies.models import Agency

__all__ = [
    "Duration",
    "OfficeHours",
    "WorkCalendar",
    "add_working_hours",
    "calendar_for",
    "calendars_changed",
    "due_at",
    "effective_duration",
    "is_working_day",
    "national_days",
    "restart_on_supplement",
    "resume_due_at",
    "snap_to_working_time",
    "working_days_late",
    "working_time_between",
]


def is_working_day(day: datetime.date, *, agency: Agency | int | None = None) -> bool:
    return calendar_for(agency).is_working_day(day)


def snap_to_working_time(
    moment: datetime.datetime, *, agency: Agency | int | None = None
) -> datetime.datetime:
    return calendar_for(agency).snap_to_working_time(moment)


def add_working_hours(
    start: datetime.datetime, hours: Amount, *, agency: Agency | int | None = None
) -> datetime.datetime:
    return calendar_for(agency).add_working_hours(start, hours)


def working_time_between(
    a: datetime.datetime, b: datetime.datetime, *, agency: Agency | int | None = None
) -> datetime.timedelta:
    return calendar_for(agency).working_time_between(a, b)


def restart_on_supplement(*, agency: Agency | int | None = None) -> bool:
    """The agency's rule for supplements: True restarts the clock, False pauses and resumes it."""
    return calendar_for(agency).hours.restart_on_supplement

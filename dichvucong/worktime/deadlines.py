"""Deadlines (ngày hẹn trả) from a receipt time and a catalogue duration, and their pause on supplements.

Rules (domain brief §2.3, §1.5):
- The receipt is first snapped to working time (after 17:00 → 07:00 next working day, lunch → 13:30).
- Working days (and a duration whose unit the catalogue did not state): value × one working day of the
  agency's hours (8 h by default) of working time. Each full working day is exactly one day length, so the
  clock time is kept: Fri 27/10/2023 09:32 + 5 working days → Fri 03/11/2023 09:32.
- Hours: working hours.
- Calendar days and weeks: whole calendar days from the snapped receipt (a fraction of a day counts as a whole
  day); a result on a day off moves to the next working day at the same clock time. Months and years: the same
  day of the month (clamped to the month's last day), then moved the same way; a year is 12 months and a
  fraction of a month is that share of the following month's days, rounded up. Counting whole days keeps the
  receipt's clock time, so a longer duration is never earlier (see the property tests).
- Same-day procedures (`same_day=True` or a duration of 0): received on a working day before the cut-off
  (15:00) → the end of that day, otherwise the end of the next working day.
- No appointment date (`no_deadline=True` or the unit `no_deadline`) → None; so is a duration without a value
  (the catalogue only has a text), except for same-day procedures.
- Supplement requests: the clock pauses and resumes (the deadline moves by the working time spent waiting),
  or restarts from the day the supplement arrives when the agency chose that.
"""

from __future__ import annotations

import calendar as stdlib_calendar
import datetime
import math
from decimal import ROUND_UP, Decimal
from typing import TYPE_CHECKING, NamedTuple

from dichvucong.catalogue.models import Channel, DurationUnit
from dichvucong.worktime.calendars import WorkCalendar, calendar_for

if TYPE_CHECKING:
    from dichvucong.agencies.models import Agency
    from dichvucong.catalogue.models import AgencyProcedure, ChannelOption

MICROSECOND = datetime.timedelta(microseconds=1)


class Duration(NamedTuple):
    value: Decimal | None
    unit: str


def effective_duration(
    offering: AgencyProcedure | None,
    channel_option: ChannelOption | None,
    *,
    channel: str | None = None,
) -> Duration:
    """The duration for a dossier filed through `channel` (default: the option's) at the offering's agency.

    Online dossiers take the agency's shorter online deadline when it set one; a value without a unit keeps
    the national channel's unit (working days if that is not a real unit). Without a channel option and
    without an agency value the duration is unknown: `Duration(None, "unstated")`, which has no deadline.
    """
    channel = channel or (channel_option.channel if channel_option is not None else None)
    national_unit = channel_option.duration_unit if channel_option is not None else DurationUnit.UNSTATED
    if offering is not None and channel == Channel.ONLINE and offering.online_duration_value is not None:
        unit = offering.online_duration_unit or national_unit
        if unit in (DurationUnit.NO_DEADLINE, DurationUnit.UNSTATED, ""):
            unit = DurationUnit.WORKING_DAYS
        return Duration(Decimal(offering.online_duration_value), unit)
    if channel_option is None:
        return Duration(None, DurationUnit.UNSTATED)
    value = channel_option.duration_value
    return Duration(None if value is None else Decimal(value), channel_option.duration_unit)


def _calendar(agency: Agency | int | None, calendar: WorkCalendar | None) -> WorkCalendar:
    if calendar is not None and agency is not None:
        raise ValueError("give either an agency or a calendar, not both")
    return calendar or calendar_for(agency)


def due_at(
    *,
    received_at: datetime.datetime,
    duration_value: Decimal | float | int | None,
    duration_unit: str,
    same_day: bool = False,
    no_deadline: bool = False,
    agency: Agency | int | None = None,
    calendar: WorkCalendar | None = None,
) -> datetime.datetime | None:
    """The appointment date for a dossier received at `received_at`, or None when there is none.

    `agency` (or a `calendar` from `calendar_for`, for loops) picks the office hours and days off.
    """
    if no_deadline or duration_unit == DurationUnit.NO_DEADLINE:
        return None
    cal = _calendar(agency, calendar)
    if same_day:
        return _same_day_due(cal, received_at)
    if duration_value is None:
        return None  # the catalogue states no value (only a text): there is no date to promise
    value = Decimal(str(duration_value))
    if value < 0:
        raise ValueError("a duration cannot be negative")
    if value == 0:
        return _same_day_due(cal, received_at)
    if duration_unit in (DurationUnit.WORKING_DAYS, DurationUnit.UNSTATED):
        day_micro = cal.hours.day_length // MICROSECOND
        return cal.add_working_hours(received_at, datetime.timedelta(microseconds=int(day_micro * value)))
    if duration_unit == DurationUnit.HOURS:
        return cal.add_working_hours(received_at, value)
    start = cal.local(cal.snap_to_working_time(received_at))
    if duration_unit in (DurationUnit.DAYS, DurationUnit.WEEKS):
        days = value * 7 if duration_unit == DurationUnit.WEEKS else value
        target = start + datetime.timedelta(days=math.ceil(days))
    elif duration_unit in (DurationUnit.MONTHS, DurationUnit.YEARS):
        months = value * 12 if duration_unit == DurationUnit.YEARS else value
        whole = int(months)
        target = _add_months(start, whole)
        if months != whole:  # that share of the following month, in whole days
            month_days = (_add_months(start, whole + 1) - target).days
            target += datetime.timedelta(days=math.ceil((months - whole) * month_days))
    else:
        raise ValueError(f"unknown duration unit {duration_unit!r}")
    target = datetime.datetime.combine(cal.working_day_on_or_after(target.date()), target.time())
    return cal.snap_to_working_time(cal.aware(target))


def _same_day_due(cal: WorkCalendar, received_at: datetime.datetime) -> datetime.datetime:
    local = cal.local(received_at)
    day = local.date()
    if cal.is_working_day(day) and local.time() < cal.hours.same_day_cutoff:
        return cal.end_of_day(day)
    return cal.end_of_day(cal.next_working_day(day))


def _add_months(moment: datetime.datetime, months: int) -> datetime.datetime:
    years, month_index = divmod(moment.month - 1 + months, 12)
    year, month = moment.year + years, month_index + 1
    day = min(moment.day, stdlib_calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def resume_due_at(
    *,
    old_due_at: datetime.datetime | None,
    paused_at: datetime.datetime,
    resumed_at: datetime.datetime,
    restart: bool | None = None,
    duration_value: Decimal | float | int | None = None,
    duration_unit: str = DurationUnit.WORKING_DAYS,
    same_day: bool = False,
    agency: Agency | int | None = None,
    calendar: WorkCalendar | None = None,
) -> datetime.datetime | None:
    """The deadline after a supplement requested at `paused_at` arrived at `resumed_at`.

    `restart` None follows the agency's setting (`WorkingHours.restart_on_supplement`). Pause: the old
    deadline moves later by the working time spent waiting. Restart: the full duration again from
    `resumed_at` (the duration arguments are then required).
    """
    if resumed_at < paused_at:
        raise ValueError("a supplement cannot arrive before it was requested")
    cal = _calendar(agency, calendar)
    if restart is None:
        restart = cal.hours.restart_on_supplement
    if restart:
        return due_at(
            received_at=resumed_at,
            duration_value=duration_value,
            duration_unit=duration_unit,
            same_day=same_day,
            calendar=cal,
        )
    if old_due_at is None:
        return None
    waited = cal.working_time_between(paused_at, resumed_at)
    if not waited:
        return old_due_at
    return cal.add_working_hours(old_due_at, waited)


def working_days_late(
    due_at: datetime.datetime | None,
    finished_at: datetime.datetime,
    *,
    agency: Agency | int | None = None,
    calendar: WorkCalendar | None = None,
) -> Decimal:
    """Working days from the deadline to the finish, rounded up to 0.01 (0 if on time or no deadline)."""
    if due_at is None or finished_at <= due_at:
        return Decimal(0)
    cal = _calendar(agency, calendar)
    late = cal.working_time_between(due_at, finished_at)
    days = Decimal(late // MICROSECOND) / Decimal(cal.hours.day_length // MICROSECOND)
    return days.quantize(Decimal("0.01"), rounding=ROUND_UP)

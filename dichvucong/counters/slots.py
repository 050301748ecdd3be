"""Appointment slots: cut from the centre's working periods (worktime), never on days off or over lunch.

With the default hours (07:00–11:30, 13:30–17:00) and 30-minute slots a working day has 16 slots:
07:00 … 11:00 and 13:30 … 16:30. A slot that would run past the end of its period is not offered.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from dichvucong.worktime.schedule import WorkCalendar


@dataclass(frozen=True)
class Slot:
    start: datetime.datetime  # aware
    end: datetime.datetime
    free: int = 0  # seats still free for the asked procedure

    @property
    def key(self) -> str:
        """HHMM in local time, used in URLs."""
        return f"{self.start:%H%M}"


def day_slots(calendar: WorkCalendar, day: datetime.date, minutes: int) -> list[Slot]:
    """Every slot of a day (empty on a day off), in order, with aware start and end."""
    if not calendar.is_working_day(day):
        return []
    length = datetime.timedelta(minutes=minutes)
    slots: list[Slot] = []
    for period_start, period_end in calendar.hours.periods:
        start = datetime.datetime.combine(day, period_start)
        end_of_period = datetime.datetime.combine(day, period_end)
        while start + length <= end_of_period:
            slots.append(Slot(start=calendar.aware(start), end=calendar.aware(start + length)))
            start += length
    return slots


def find_slot(calendar: WorkCalendar, start: datetime.datetime, minutes: int) -> Slot | None:
    """The slot that begins exactly at ``start`` (aware), or None when no slot begins then."""
    local = calendar.local(start)
    for slot in day_slots(calendar, local.date(), minutes):
        if slot.start == start:
            return slot
    return None


def booking_days(calendar: WorkCalendar, today: datetime.date, days_ahead: int) -> list[datetime.date]:
    """Working days from today up to ``days_ahead`` calendar days later."""
    return [
        day
        for day in (today + datetime.timedelta(days=n) for n in range(days_ahead + 1))
        if calendar.is_working_day(day)
    ]

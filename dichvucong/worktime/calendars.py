"""Working calendars: which days are working days, office hours, and arithmetic in working minutes.

A `WorkCalendar` answers everything from memory; `calendar_for(agency)` builds one from the database (office
hours, day overrides) and keeps it per process for `DVC_WORKTIME_CACHE_SECONDS` (60 s) or until a write
through `worktime.services` (or the admin) changes the generation kept in the shared cache.

Day rule, first match wins:
1. a `DayOverride` of the agency, then a nationwide one (the government's decision for the year);
2. a Vietnamese public holiday from `holidays` (Tết, Giỗ Tổ Hùng Vương, 30/4, 1/5, 2/9 and their bridges);
3. a make-up working Saturday known to `holidays` (`weekend_workdays`);
4. Sunday is off; Saturday is off unless the agency works on Saturdays.

All instants are aware datetimes; results are in the project time zone (Asia/Ho_Chi_Minh, no daylight saving,
so arithmetic on local wall-clock time is exact). Working periods are half-open for intake: a dossier
received at 11:30 sharp is received at 13:30, at 17:00 sharp the next working morning. A deadline may end
exactly at the end of a period (17:00).
"""

from __future__ import annotations

import datetime
import functools
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

import holidays
from django.conf import settings
from django.core.cache import cache
from django.db.models import F, Q
from django.utils import timezone

from dichvucong.worktime.models import (
    DEFAULT_AFTERNOON_END,
    DEFAULT_AFTERNOON_START,
    DEFAULT_MORNING_END,
    DEFAULT_MORNING_START,
    DEFAULT_SAME_DAY_CUTOFF,
    DayOverride,
    WorkingHours,
)

if TYPE_CHECKING:
    from dichvucong.agencies.models import Agency

ONE_DAY = datetime.timedelta(days=1)
SATURDAY, SUNDAY = 5, 6
# Give up looking for a working day after this many consecutive days off (a broken override table).
MAX_DAYS_OFF = 400

Amount = Decimal | float | int | datetime.timedelta


@dataclass(frozen=True)
class OfficeHours:
    morning_start: datetime.time = DEFAULT_MORNING_START
    morning_end: datetime.time = DEFAULT_MORNING_END
    afternoon_start: datetime.time = DEFAULT_AFTERNOON_START
    afternoon_end: datetime.time = DEFAULT_AFTERNOON_END
    works_saturday: bool = False
    same_day_cutoff: datetime.time = DEFAULT_SAME_DAY_CUTOFF
    restart_on_supplement: bool = False

    def __post_init__(self) -> None:
        if not (self.morning_start < self.morning_end <= self.afternoon_start < self.afternoon_end):
            raise ValueError("office hours must be ordered: morning start < end <= afternoon start < end")

    @classmethod
    def from_row(cls, row: WorkingHours) -> OfficeHours:
        return cls(
            morning_start=row.morning_start,
            morning_end=row.morning_end,
            afternoon_start=row.afternoon_start,
            afternoon_end=row.afternoon_end,
            works_saturday=row.works_saturday,
            same_day_cutoff=row.same_day_cutoff,
            restart_on_supplement=row.restart_on_supplement,
        )

    @property
    def periods(self) -> tuple[tuple[datetime.time, datetime.time], ...]:
        return ((self.morning_start, self.morning_end), (self.afternoon_start, self.afternoon_end))

    @property
    def day_length(self) -> datetime.timedelta:
        """Working time in one full working day: 8 h with the default hours (4 h 30 + 3 h 30)."""
        return sum((_span(start, end) for start, end in self.periods), datetime.timedelta())


def _span(start: datetime.time, end: datetime.time) -> datetime.timedelta:
    day = datetime.date(2000, 1, 1)
    return datetime.datetime.combine(day, end) - datetime.datetime.combine(day, start)


@functools.cache
def _national_calendar(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("VN", years=year, language="vi")


@functools.cache
def national_days(year: int) -> tuple[frozenset[datetime.date], frozenset[datetime.date]]:
    """(public holidays, make-up working weekend days) of Việt Nam in `year`, from the `holidays` package."""
    vn = _national_calendar(year)
    days_off = frozenset(vn.keys())
    make_up = frozenset(day for day in vn.weekend_workdays if day.year == year)
    return days_off, make_up


def national_day_name(day: datetime.date) -> str | None:
    """The `holidays` package's name for a public holiday (in Vietnamese), None on other days."""
    return _national_calendar(day.year).get(day)


def to_timedelta(amount: Amount) -> datetime.timedelta:
    """Hours (Decimal, float, int) or a timedelta, as a timedelta exact to the microsecond."""
    if isinstance(amount, datetime.timedelta):
        return amount
    micro = (Decimal(str(amount)) * 3_600_000_000).to_integral_value()
    return datetime.timedelta(microseconds=int(micro))


class WorkCalendar:
    """Office hours and day overrides of one agency, with arithmetic in working time."""

    def __init__(
        self,
        *,
        hours: OfficeHours | None = None,
        overrides: Mapping[datetime.date, str] | None = None,
        tz: datetime.tzinfo | None = None,
    ) -> None:
        self.hours = hours or OfficeHours()
        self.overrides = dict(overrides or {})
        self.tz = tz or timezone.get_default_timezone()

    # Days -------------------------------------------------------------------------------------------------

    def is_working_day(self, day: datetime.date) -> bool:
        kind = self.overrides.get(day)
        if kind is not None:
            return kind == DayOverride.Kind.WORKDAY
        days_off, make_up = national_days(day.year)
        if day in days_off:
            return False
        if day in make_up:
            return True
        weekday = day.weekday()
        if weekday == SUNDAY:
            return False
        return weekday != SATURDAY or self.hours.works_saturday

    def next_working_day(self, day: datetime.date) -> datetime.date:
        """The first working day strictly after `day`."""
        for _ in range(MAX_DAYS_OFF):
            day += ONE_DAY
            if self.is_working_day(day):
                return day
        raise ValueError(f"no working day in the {MAX_DAYS_OFF} days after {day:%d/%m/%Y}")

    def working_day_on_or_after(self, day: datetime.date) -> datetime.date:
        return day if self.is_working_day(day) else self.next_working_day(day)

    # Instants ---------------------------------------------------------------------------------------------

    def local(self, moment: datetime.datetime) -> datetime.datetime:
        """Naive local wall-clock time of an aware instant."""
        if timezone.is_naive(moment):
            raise ValueError("working-time functions need aware datetimes")
        return moment.astimezone(self.tz).replace(tzinfo=None)

    def aware(self, local: datetime.datetime) -> datetime.datetime:
        return local.replace(tzinfo=self.tz)

    def at(self, day: datetime.date, clock: datetime.time) -> datetime.datetime:
        return self.aware(datetime.datetime.combine(day, clock))

    def is_working_time(self, moment: datetime.datetime) -> bool:
        """Inside a working period, both ends included (a deadline may be 17:00 sharp)."""
        local = self.local(moment)
        if not self.is_working_day(local.date()):
            return False
        return any(start <= local.time() <= end for start, end in self.hours.periods)

    def end_of_day(self, day: datetime.date) -> datetime.datetime:
        return self.at(day, self.hours.afternoon_end)

    def snap_to_working_time(self, moment: datetime.datetime) -> datetime.datetime:
        """The moment itself inside working time, else the start of the next working period."""
        return self.aware(self._snap(self.local(moment)))

    def _snap(self, local: datetime.datetime) -> datetime.datetime:
        day, clock = local.date(), local.time()
        if self.is_working_day(day):
            for start, end in self.hours.periods:
                if clock < start:
                    return datetime.datetime.combine(day, start)
                if clock < end:
                    return local
        return datetime.datetime.combine(self.next_working_day(day), self.hours.morning_start)

    def add_working_hours(self, start: datetime.datetime, hours: Amount) -> datetime.datetime:
        """`start` snapped to working time, plus `hours` of working time (lunch, nights, days off skipped)."""
        remaining = to_timedelta(hours)
        if remaining < datetime.timedelta():
            raise ValueError("cannot add a negative working time")
        current = self._snap(self.local(start))
        if not remaining:
            return self.aware(current)
        day = current.date()
        day_length = self.hours.day_length
        while True:
            for start_clock, end_clock in self.hours.periods:
                period_end = datetime.datetime.combine(day, end_clock)
                if period_end <= current:
                    continue
                segment_start = max(current, datetime.datetime.combine(day, start_clock))
                available = period_end - segment_start
                if remaining <= available:
                    return self.aware(segment_start + remaining)
                remaining -= available
            day = self.next_working_day(day)
            while remaining > day_length:
                remaining -= day_length
                day = self.next_working_day(day)
            current = datetime.datetime.combine(day, self.hours.morning_start)

    def working_time_between(self, a: datetime.datetime, b: datetime.datetime) -> datetime.timedelta:
        """Working time from `a` to `b` (negative when `b` is before `a`)."""
        start, end = self.local(a), self.local(b)
        if end < start:
            return -self.working_time_between(b, a)
        total = datetime.timedelta()
        day = start.date()
        while day <= end.date():
            if self.is_working_day(day):
                for start_clock, end_clock in self.hours.periods:
                    low = max(start, datetime.datetime.combine(day, start_clock))
                    high = min(end, datetime.datetime.combine(day, end_clock))
                    if high > low:
                        total += high - low
            day += ONE_DAY
        return total


# Loading and caching --------------------------------------------------------------------------------

GENERATION_KEY = "worktime:generation"
_calendars: dict[int | None, tuple[float, str, WorkCalendar]] = {}
_lock = threading.Lock()


def _generation() -> str:
    token = cache.get(GENERATION_KEY)
    if token is None:
        token = uuid.uuid4().hex
        if not cache.add(GENERATION_KEY, token, timeout=None):
            token = cache.get(GENERATION_KEY, token)
    return token


def calendars_changed() -> None:
    """Forget every loaded calendar, in this process at once and in the others through the shared cache."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    with _lock:
        _calendars.clear()


def _agency_id(agency: Agency | int | None) -> int | None:
    return agency if agency is None or isinstance(agency, int) else agency.pk


def calendar_for(agency: Agency | int | None = None) -> WorkCalendar:
    """The calendar of an agency (its own hours and overrides, else the nationwide ones)."""
    agency_id = _agency_id(agency)
    ttl = getattr(settings, "DVC_WORKTIME_CACHE_SECONDS", 60)
    generation = _generation()
    now = time.monotonic()
    hit = _calendars.get(agency_id)
    if hit and hit[1] == generation and now - hit[0] < ttl:
        return hit[2]
    calendar = load_calendar(agency_id)
    with _lock:
        _calendars[agency_id] = (now, generation, calendar)
    return calendar


def load_calendar(agency_id: int | None) -> WorkCalendar:
    """Two queries: the hours row (the agency's, else the default row) and the overrides."""
    scope = Q(agency__isnull=True) | Q(agency_id=agency_id) if agency_id else Q(agency__isnull=True)
    rows = {row.agency_id: row for row in WorkingHours.objects.filter(scope)}
    row = rows.get(agency_id) or rows.get(None)
    hours = OfficeHours.from_row(row) if row else OfficeHours()
    overrides: dict[datetime.date, str] = {}
    # Nationwide rows first, so the agency's own row for the same day wins.
    for day, kind in (
        DayOverride.objects.filter(scope)
        .order_by(F("agency").asc(nulls_first=True), "date")
        .values_list("date", "kind")
    ):
        overrides[day] = kind
    return WorkCalendar(hours=hours, overrides=overrides)

"""Reads for operators: why each day of a range is a working day or a day off."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import F, Q
from django.utils.translation import gettext as _

from dichvucong.agencies.models import Agency
from dichvucong.worktime.calendars import (
    ONE_DAY,
    SATURDAY,
    SUNDAY,
    calendar_for,
    national_day_name,
    national_days,
)
from dichvucong.worktime.models import DayOverride

# A range longer than this is refused (a typo in the year).
MAX_LISTED_DAYS = 400


@dataclass(frozen=True)
class CalendarDay:
    day: datetime.date
    working: bool
    reason: str


def calendar_day_list(
    *, start: datetime.date, end: datetime.date, agency: Agency | None = None
) -> list[CalendarDay]:
    """Each day from `start` to `end` (both included) in the agency's calendar (nationwide for None), with
    the rule that decided it: an override row and its note, the `holidays` package, or the weekly pattern."""
    if end < start or (end - start).days >= MAX_LISTED_DAYS:
        raise ValueError(
            _("Khoảng ngày phải từ 1 đến %(most)s ngày, ngày cuối không trước ngày đầu.")
            % {"most": MAX_LISTED_DAYS}
        )
    calendar = calendar_for(agency)
    scope = Q(agency__isnull=True) | Q(agency=agency) if agency is not None else Q(agency__isnull=True)
    rows = DayOverride.objects.filter(scope, date__range=(start, end))
    notes: dict[datetime.date, str] = {}
    # Nationwide rows first, so the agency's own row for the same day wins (as in the calendar).
    for row in rows.order_by(F("agency").asc(nulls_first=True), "date").select_related("agency"):
        who = row.agency.code if row.agency_id else _("toàn quốc")
        notes[row.date] = _("dòng ghi đè (%(who)s): %(kind)s — %(note)s") % {
            "who": who,
            "kind": row.get_kind_display(),
            "note": row.note or _("không ghi căn cứ"),
        }
    days = []
    day = start
    while day <= end:
        working = calendar.is_working_day(day)
        reason = notes.get(day)
        if reason is None:
            name = national_day_name(day)
            if name:
                reason = _("thư viện holidays: %(name)s") % {"name": name}
            elif day in national_days(day.year)[1]:
                reason = _("thư viện holidays: ngày làm bù")
            elif day.weekday() == SUNDAY or (day.weekday() == SATURDAY and not working):
                reason = _("nghỉ hằng tuần")
            elif day.weekday() == SATURDAY:
                reason = _("thứ Bảy làm việc")
            else:
                reason = _("ngày làm việc")
        days.append(CalendarDay(day=day, working=working, reason=reason))
        day += ONE_DAY
    return days

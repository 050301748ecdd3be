"""Writes to the working-time tables. Each one drops the cached calendars once the transaction commits."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dichvucong.agencies.models import Agency
from dichvucong.worktime.calendars import calendars_changed
from dichvucong.worktime.models import DayOverride, WorkingHours


def _changed() -> None:
    calendars_changed()  # this process sees the change at once, inside the transaction too
    transaction.on_commit(calendars_changed)  # others may have reloaded the old rows meanwhile


@transaction.atomic
def day_override_set(
    *, day: datetime.date, kind: str, agency: Agency | None = None, note: str = ""
) -> DayOverride:
    """Declare `day` a holiday or a working day, nationwide (agency None) or for one agency."""
    override = DayOverride.objects.select_for_update().filter(agency=agency, date=day).first()
    if override is None:
        override = DayOverride(agency=agency, date=day)
    elif override.kind == kind and override.note == note:
        return override
    override.kind, override.note = kind, note
    override.full_clean()
    override.save()
    _changed()
    return override


@transaction.atomic
def day_override_move(
    *, from_day: datetime.date, to_day: datetime.date, agency: Agency | None = None, note: str = ""
) -> tuple[DayOverride, DayOverride]:
    """Move a day off: `from_day` becomes a working day and `to_day` a day off, both or neither.

    Covers a moved holiday and the government's swaps (hoán đổi): the day off moves from Saturday
    28/11 to Monday 23/11 is `from_day=28/11, to_day=23/11`.
    """
    if from_day == to_day:
        raise ValidationError(_("Ngày nghỉ phải chuyển sang một ngày khác."))
    worked = day_override_set(day=from_day, kind=DayOverride.Kind.WORKDAY, agency=agency, note=note)
    off = day_override_set(day=to_day, kind=DayOverride.Kind.HOLIDAY, agency=agency, note=note)
    return worked, off


@transaction.atomic
def day_override_remove(*, day: datetime.date, agency: Agency | None = None) -> bool:
    deleted, _by_model = DayOverride.objects.filter(agency=agency, date=day).delete()
    if deleted:
        _changed()
    return bool(deleted)


@transaction.atomic
def working_hours_set(*, agency: Agency | None = None, **fields) -> WorkingHours:
    """Create or change the hours of an agency (or the default row); unknown field names are refused."""
    allowed = {
        "morning_start",
        "morning_end",
        "afternoon_start",
        "afternoon_end",
        "works_saturday",
        "same_day_cutoff",
        "restart_on_supplement",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unknown working-hours fields: {sorted(unknown)}")
    row = WorkingHours.objects.select_for_update().filter(agency=agency).first() or WorkingHours(
        agency=agency
    )
    for name, value in fields.items():
        setattr(row, name, value)
    row.full_clean()
    row.save()
    _changed()
    return row


def calendar_rows_changed() -> None:
    """For writes made elsewhere (the admin): drop the cached calendars."""
    _changed()

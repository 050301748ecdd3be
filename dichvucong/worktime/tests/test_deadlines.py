"""Deadlines from catalogue durations (no database: an in-memory calendar is passed in)."""

import datetime
from decimal import Decimal

import pytest

from dichvucong.catalogue.models import AgencyProcedure, Channel, ChannelOption, DurationUnit
from dichvucong.worktime.deadlines import (
    Duration,
    due_at,
    effective_duration,
    resume_due_at,
    working_days_late,
)
from dichvucong.worktime.models import DayOverride
from dichvucong.worktime.schedule import OfficeHours, WorkCalendar
from dichvucong.worktime.tests.helpers import at

CAL = WorkCalendar()


def due(received, value, unit=DurationUnit.WORKING_DAYS, calendar=CAL, **kwargs):
    return due_at(received_at=received, duration_value=value, duration_unit=unit, calendar=calendar, **kwargs)


def test_worked_example_five_working_days_from_friday_morning():
    # Given a dossier received on Friday 27/10/2023 at 09:32 for a 5-working-day procedure
    # When the deadline is computed (40 working hours: 5 h 28 on Friday, 8 h Mon–Thu, 2 h 32 on Friday 3/11)
    result = due(at(2023, 10, 27, 9, 32), 5)

    # Then it is Friday 03/11/2023, at the same clock time as the receipt
    assert result == at(2023, 11, 3, 9, 32)


def test_working_days_skip_tet():
    # Received Thursday 23/01/2025 10:00, 3 working days: Fri 24/01, then Tết until Sunday 02/02
    assert due(at(2025, 1, 23, 10, 0), 3) == at(2025, 2, 4, 10, 0)


def test_unstated_unit_counts_as_working_days():
    assert due(at(2023, 10, 27, 9, 32), 5, DurationUnit.UNSTATED) == at(2023, 11, 3, 9, 32)


def test_intake_after_hours_starts_the_next_working_morning():
    assert due(at(2023, 10, 27, 19, 0), 1) == at(2023, 10, 30, 17, 0)


def test_hours_are_working_hours():
    assert due(at(2023, 10, 27, 16, 0), 4, DurationUnit.HOURS) == at(2023, 10, 30, 10, 0)


def test_half_working_day():
    assert due(at(2023, 10, 25, 7, 0), Decimal("0.5")) == at(2023, 10, 25, 11, 0)


def test_calendar_days_landing_on_sunday_move_to_monday_at_the_same_time():
    # Received Wednesday 25/10/2023 10:15, 4 calendar days → Sunday 29/10 → Monday 30/10
    assert due(at(2023, 10, 25, 10, 15), 4, DurationUnit.DAYS) == at(2023, 10, 30, 10, 15)


def test_calendar_days_landing_in_tet_move_past_it():
    assert due(at(2026, 2, 10, 9, 0), 7, DurationUnit.DAYS) == at(2026, 2, 23, 9, 0)


def test_weeks_and_months_are_calendar_arithmetic():
    assert due(at(2023, 10, 25, 9, 0), 2, DurationUnit.WEEKS) == at(2023, 11, 8, 9, 0)
    # 31/01/2024 + 1 month → 29/02/2024 (clamped, a Thursday)
    assert due(at(2024, 1, 31, 9, 0), 1, DurationUnit.MONTHS) == at(2024, 2, 29, 9, 0)
    # 15/05/2023 + 1 year → 15/05/2024 (a Wednesday)
    assert due(at(2023, 5, 15, 9, 0), 1, DurationUnit.YEARS) == at(2024, 5, 15, 9, 0)


def test_no_deadline():
    assert due(at(2023, 10, 27, 9, 32), None, DurationUnit.NO_DEADLINE) is None
    assert due(at(2023, 10, 27, 9, 32), 5, no_deadline=True) is None


def test_a_duration_without_value_has_no_date_except_for_same_day_procedures():
    assert due(at(2023, 10, 27, 9, 32), None, DurationUnit.UNSTATED) is None
    assert due(at(2023, 10, 27, 9, 32), None, DurationUnit.UNSTATED, same_day=True) == at(2023, 10, 27, 17, 0)


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (at(2023, 10, 25, 14, 59), at(2023, 10, 25, 17, 0)),  # before 15:00: today
        (at(2023, 10, 25, 6, 30), at(2023, 10, 25, 17, 0)),  # before opening: today
        (at(2023, 10, 25, 15, 0), at(2023, 10, 26, 17, 0)),  # from 15:00: next working day
        (at(2023, 10, 27, 15, 30), at(2023, 10, 30, 17, 0)),  # Friday afternoon → Monday
        (at(2023, 10, 28, 9, 0), at(2023, 10, 30, 17, 0)),  # Saturday → Monday
    ],
)
def test_same_day_procedures_follow_the_15_00_rule(received, expected):
    assert due(received, 0) == expected
    assert due(received, 1, same_day=True) == expected


def test_same_day_cutoff_is_an_agency_setting():
    calendar = WorkCalendar(hours=OfficeHours(same_day_cutoff=datetime.time(16, 0)))

    assert due(at(2023, 10, 25, 15, 30), 0, calendar=calendar) == at(2023, 10, 25, 17, 0)


def test_pause_moves_the_deadline_by_the_working_time_spent_waiting():
    # Given a deadline of Friday 03/11/2023 09:32, paused Tuesday 31/10 at 10:00
    # When the supplement arrives Thursday 02/11 at 10:00 (16 working hours later)
    result = resume_due_at(
        old_due_at=at(2023, 11, 3, 9, 32),
        paused_at=at(2023, 10, 31, 10, 0),
        resumed_at=at(2023, 11, 2, 10, 0),
        calendar=CAL,
    )

    # Then the deadline moves two working days: Tuesday 07/11 09:32
    assert result == at(2023, 11, 7, 9, 32)


def test_pause_over_a_weekend_only_counts_working_time():
    result = resume_due_at(
        old_due_at=at(2023, 11, 3, 9, 32),
        paused_at=at(2023, 10, 27, 16, 0),
        resumed_at=at(2023, 10, 30, 8, 0),
        calendar=CAL,
    )

    # Two working hours (Friday 16:00–17:00, Monday 07:00–08:00), rolling over lunch: 09:32 → 13:32
    assert result == at(2023, 11, 3, 13, 32)


def test_restart_recomputes_from_the_supplement():
    result = resume_due_at(
        old_due_at=at(2023, 11, 3, 9, 32),
        paused_at=at(2023, 10, 31, 10, 0),
        resumed_at=at(2023, 11, 2, 10, 0),
        restart=True,
        duration_value=5,
        duration_unit=DurationUnit.WORKING_DAYS,
        calendar=CAL,
    )

    assert result == at(2023, 11, 9, 10, 0)


def test_restart_follows_the_agency_setting_by_default():
    calendar = WorkCalendar(hours=OfficeHours(restart_on_supplement=True))

    result = resume_due_at(
        old_due_at=at(2023, 11, 3, 9, 32),
        paused_at=at(2023, 10, 31, 10, 0),
        resumed_at=at(2023, 11, 2, 10, 0),
        duration_value=1,
        calendar=calendar,
    )

    assert result == at(2023, 11, 3, 10, 0)


def test_no_waiting_keeps_the_deadline_even_at_the_end_of_a_day():
    old = at(2023, 11, 3, 17, 0)

    assert resume_due_at(old_due_at=old, paused_at=old, resumed_at=old, calendar=CAL) == old


def test_working_days_late():
    assert working_days_late(at(2023, 11, 3, 9, 32), at(2023, 11, 3, 9, 0), calendar=CAL) == 0
    assert working_days_late(at(2023, 11, 3, 9, 0), at(2023, 11, 6, 9, 0), calendar=CAL) == 1
    assert working_days_late(at(2023, 11, 3, 9, 0), at(2023, 11, 3, 13, 30), calendar=CAL) == Decimal("0.32")
    assert working_days_late(None, at(2023, 11, 3, 9, 0), calendar=CAL) == 0


def test_online_dossiers_take_the_agency_shorter_deadline():
    online = ChannelOption(
        channel=Channel.ONLINE, duration_value=Decimal(10), duration_unit=DurationUnit.WORKING_DAYS
    )
    in_person = ChannelOption(
        channel=Channel.IN_PERSON, duration_value=Decimal(10), duration_unit=DurationUnit.WORKING_DAYS
    )
    offering = AgencyProcedure(
        online_duration_value=Decimal(7), online_duration_unit=DurationUnit.WORKING_DAYS
    )

    assert effective_duration(offering, online) == Duration(Decimal(7), DurationUnit.WORKING_DAYS)
    assert effective_duration(offering, in_person) == Duration(Decimal(10), DurationUnit.WORKING_DAYS)
    assert effective_duration(AgencyProcedure(), online) == Duration(Decimal(10), DurationUnit.WORKING_DAYS)
    assert effective_duration(None, online) == Duration(Decimal(10), DurationUnit.WORKING_DAYS)


def test_without_a_channel_option_the_channel_decides():
    offering = AgencyProcedure(
        online_duration_value=Decimal(3), online_duration_unit=DurationUnit.WORKING_DAYS
    )

    assert effective_duration(offering, None, channel=Channel.ONLINE) == (
        Decimal(3),
        DurationUnit.WORKING_DAYS,
    )
    assert effective_duration(offering, None, channel=Channel.IN_PERSON) == (None, DurationUnit.UNSTATED)
    value, unit = effective_duration(offering=None, channel_option=None, channel=Channel.ONLINE)
    assert due(at(2023, 10, 27, 9, 32), value, unit) is None


def test_online_value_without_unit_keeps_the_national_unit():
    online = ChannelOption(
        channel=Channel.ONLINE, duration_value=Decimal(15), duration_unit=DurationUnit.DAYS
    )
    offering = AgencyProcedure(online_duration_value=Decimal(10), online_duration_unit="")

    assert effective_duration(offering, online) == Duration(Decimal(10), DurationUnit.DAYS)


def test_a_holiday_override_delays_the_deadline():
    calendar = WorkCalendar(overrides={datetime.date(2023, 10, 30): DayOverride.Kind.HOLIDAY})

    assert due(at(2023, 10, 27, 9, 32), 5, calendar=calendar) == at(2023, 11, 6, 9, 32)


def test_giving_both_agency_and_calendar_is_refused():
    with pytest.raises(ValueError):
        due_at(
            received_at=at(2023, 10, 27),
            duration_value=1,
            duration_unit="working_days",
            agency=1,
            calendar=CAL,
        )

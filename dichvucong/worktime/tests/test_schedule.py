"""Working days and working-time arithmetic on an in-memory calendar (no database)."""

import datetime

import pytest

from dichvucong.worktime.models import DayOverride
from dichvucong.worktime.schedule import OfficeHours, WorkCalendar
from dichvucong.worktime.tests.helpers import at

D = datetime.date


@pytest.mark.parametrize(
    "day",
    [
        # Tết Giáp Thìn 2024 (08–14/02), Ất Tỵ 2025 (27/01–01/02), Bính Ngọ 2026 (16–20/02, weekdays)
        D(2024, 2, 8),
        D(2024, 2, 14),
        D(2025, 1, 27),
        D(2025, 1, 31),
        D(2026, 2, 16),
        D(2026, 2, 20),
        # Giỗ Tổ Hùng Vương, 10/3 âm lịch (2026 falls on a Sunday, observed on Monday 27/04)
        D(2024, 4, 18),
        D(2025, 4, 7),
        D(2026, 4, 27),
        # 30/4, 1/5, Quốc khánh, Tết dương lịch
        D(2025, 4, 30),
        D(2025, 5, 1),
        D(2025, 9, 2),
        D(2026, 1, 1),
    ],
)
def test_public_holidays_are_not_working_days(day):
    assert not WorkCalendar().is_working_day(day)


def test_weekdays_are_working_days_and_weekends_are_not():
    calendar = WorkCalendar()

    assert calendar.is_working_day(D(2023, 10, 27))  # Friday
    assert not calendar.is_working_day(D(2023, 10, 28))  # Saturday
    assert not calendar.is_working_day(D(2023, 10, 29))  # Sunday


def test_make_up_saturdays_known_to_holidays_are_working_days():
    # Given the government moved working days to these Saturdays (for the 30/4–1/5 and 2/9 bridges)
    calendar = WorkCalendar()

    # Then they are working days, and the bridged weekdays are not
    assert calendar.is_working_day(D(2024, 5, 4))
    assert not calendar.is_working_day(D(2024, 4, 29))
    assert calendar.is_working_day(D(2025, 4, 26))
    assert not calendar.is_working_day(D(2025, 5, 2))


def test_overrides_win_over_weekends_and_holidays():
    # Given a decision that makes a Saturday a working day and a Tuesday a day off, and re-opens a holiday
    calendar = WorkCalendar(
        overrides={
            D(2027, 3, 6): DayOverride.Kind.WORKDAY,
            D(2027, 3, 9): DayOverride.Kind.HOLIDAY,
            D(2025, 9, 2): DayOverride.Kind.WORKDAY,
        }
    )

    assert calendar.is_working_day(D(2027, 3, 6))
    assert not calendar.is_working_day(D(2027, 3, 9))
    assert calendar.is_working_day(D(2025, 9, 2))


def test_saturday_works_only_for_agencies_open_on_saturday():
    saturday = D(2023, 10, 28)

    assert WorkCalendar(hours=OfficeHours(works_saturday=True)).is_working_day(saturday)
    assert not WorkCalendar(hours=OfficeHours(works_saturday=True)).is_working_day(D(2023, 10, 29))


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (at(2023, 10, 25, 9, 32), at(2023, 10, 25, 9, 32)),  # inside the morning: unchanged
        (at(2023, 10, 25, 6, 15), at(2023, 10, 25, 7, 0)),  # before opening
        (at(2023, 10, 25, 11, 30), at(2023, 10, 25, 13, 30)),  # lunch starts at 11:30 sharp
        (at(2023, 10, 25, 12, 10), at(2023, 10, 25, 13, 30)),  # lunch
        (at(2023, 10, 25, 16, 59), at(2023, 10, 25, 16, 59)),
        (at(2023, 10, 25, 17, 0), at(2023, 10, 26, 7, 0)),  # evening
        (at(2023, 10, 27, 20, 0), at(2023, 10, 30, 7, 0)),  # Friday evening → Monday
        (at(2023, 10, 28, 10, 0), at(2023, 10, 30, 7, 0)),  # Saturday
        (at(2025, 1, 24, 18, 0), at(2025, 2, 3, 7, 0)),  # the evening before Tết 2025 → after Tết
    ],
)
def test_snap_to_working_time(received, expected):
    assert WorkCalendar().snap_to_working_time(received) == expected


def test_snap_accepts_any_zone_and_answers_in_local_time():
    # 18:00 UTC on Friday is 01:00 on Saturday in Việt Nam
    snapped = WorkCalendar().snap_to_working_time(datetime.datetime(2023, 10, 27, 18, 0, tzinfo=datetime.UTC))

    assert snapped == at(2023, 10, 30, 7, 0)
    assert snapped.utcoffset() == datetime.timedelta(hours=7)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="aware"):
        WorkCalendar().snap_to_working_time(datetime.datetime(2023, 10, 27, 9, 0))


def test_a_default_working_day_is_eight_hours():
    assert OfficeHours().day_length == datetime.timedelta(hours=8)


def test_add_working_hours_skips_lunch_nights_and_weekends():
    calendar = WorkCalendar()

    assert calendar.add_working_hours(at(2023, 10, 25, 11, 0), 1) == at(2023, 10, 25, 14, 0)
    assert calendar.add_working_hours(at(2023, 10, 25, 16, 0), 2) == at(2023, 10, 26, 8, 0)
    assert calendar.add_working_hours(at(2023, 10, 27, 16, 30), "0.5") == at(2023, 10, 27, 17, 0)
    assert calendar.add_working_hours(at(2023, 10, 27, 16, 30), 1) == at(2023, 10, 30, 7, 30)
    assert calendar.add_working_hours(at(2023, 10, 25, 7, 0), 8) == at(2023, 10, 25, 17, 0)


def test_working_time_between_counts_only_working_minutes():
    calendar = WorkCalendar()

    # Friday 16:00 → Monday 08:00: one hour on Friday, one on Monday
    assert calendar.working_time_between(
        at(2023, 10, 27, 16, 0), at(2023, 10, 30, 8, 0)
    ) == datetime.timedelta(hours=2)
    assert calendar.working_time_between(
        at(2023, 10, 25, 11, 0), at(2023, 10, 25, 14, 0)
    ) == datetime.timedelta(hours=1)
    assert (
        calendar.working_time_between(at(2023, 10, 28, 8, 0), at(2023, 10, 29, 16, 0)) == datetime.timedelta()
    )


def test_custom_hours_change_the_day_length_and_snapping():
    # Given an agency open 07:30–11:30 and 13:00–17:00
    hours = OfficeHours(
        morning_start=datetime.time(7, 30),
        morning_end=datetime.time(11, 30),
        afternoon_start=datetime.time(13, 0),
        afternoon_end=datetime.time(17, 0),
    )
    calendar = WorkCalendar(hours=hours)

    assert hours.day_length == datetime.timedelta(hours=8)
    assert calendar.snap_to_working_time(at(2023, 10, 25, 7, 10)) == at(2023, 10, 25, 7, 30)
    assert calendar.snap_to_working_time(at(2023, 10, 25, 12, 0)) == at(2023, 10, 25, 13, 0)


def test_unordered_hours_are_refused():
    with pytest.raises(ValueError):
        OfficeHours(morning_start=datetime.time(12, 0))

"""Properties of working-time arithmetic and deadlines (hypothesis, in-memory calendar)."""

import datetime
import os
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from dichvucong.catalogue.models import DurationUnit
from dichvucong.worktime.deadlines import due_at
from dichvucong.worktime.schedule import WorkCalendar
from dichvucong.worktime.tests.helpers import VN

CAL = WorkCalendar()

instants = st.datetimes(
    min_value=datetime.datetime(2023, 1, 1), max_value=datetime.datetime(2027, 6, 30), timezones=st.just(VN)
)
other_zone_instants = st.datetimes(
    min_value=datetime.datetime(2023, 1, 1),
    max_value=datetime.datetime(2027, 6, 30),
    timezones=st.sampled_from([VN, datetime.UTC, datetime.timezone(datetime.timedelta(hours=-5))]),
)
working_minutes = st.integers(min_value=1, max_value=8 * 60 * 40).map(lambda m: datetime.timedelta(minutes=m))
units = st.sampled_from(
    [
        DurationUnit.WORKING_DAYS,
        DurationUnit.UNSTATED,
        DurationUnit.HOURS,
        DurationUnit.DAYS,
        DurationUnit.WEEKS,
        DurationUnit.MONTHS,
        DurationUnit.YEARS,
    ]
)
# Catalogue values have two decimals; 0 is the same-day rule, tested separately.
values = st.integers(min_value=1, max_value=6000).map(lambda n: Decimal(n) / 100)

property_settings = settings(
    deadline=None, max_examples=int(os.environ.get("DVC_HYPOTHESIS_EXAMPLES", "150"))
)


@property_settings
@given(received=other_zone_instants, unit=units, value=values, same_day=st.booleans())
def test_due_at_is_never_before_receipt_and_is_working_time(received, unit, value, same_day):
    result = due_at(
        received_at=received, duration_value=value, duration_unit=unit, same_day=same_day, calendar=CAL
    )

    assert result >= received
    assert CAL.is_working_time(result)
    assert result.tzinfo == VN


@property_settings
@given(start=other_zone_instants, first=working_minutes, second=working_minutes)
def test_adding_n_then_m_working_hours_equals_adding_n_plus_m(start, first, second):
    assert CAL.add_working_hours(CAL.add_working_hours(start, first), second) == CAL.add_working_hours(
        start, first + second
    )


@property_settings
@given(start=instants, amount=working_minutes)
def test_working_time_between_inverts_add_working_hours(start, amount):
    assert CAL.working_time_between(start, CAL.add_working_hours(start, amount)) == amount
    snapped = CAL.snap_to_working_time(start)
    assert CAL.working_time_between(snapped, CAL.add_working_hours(snapped, amount)) == amount


@property_settings
@given(received=instants, unit=units, a=values, b=values)
def test_due_at_is_monotonic_in_the_duration(received, unit, a, b):
    low, high = sorted((a, b))

    def due(value):
        return due_at(received_at=received, duration_value=value, duration_unit=unit, calendar=CAL)

    assert due(low) <= due(high)


@property_settings
@given(moment=other_zone_instants)
def test_snapping_lands_in_working_time_and_is_idempotent(moment):
    snapped = CAL.snap_to_working_time(moment)

    assert snapped >= moment
    assert CAL.is_working_time(snapped)
    assert CAL.snap_to_working_time(snapped) == snapped
    assert CAL.working_time_between(moment, snapped) == datetime.timedelta()

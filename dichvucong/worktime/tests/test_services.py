"""Calendars loaded from the database: overrides, agency hours, caching (hits the database)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from conftest import login_with_second_factor
from dichvucong.agencies.models import Agency
from dichvucong.worktime.deadlines import due_at, resume_due_at
from dichvucong.worktime.models import DayOverride, WorkingHours
from dichvucong.worktime.schedule import (
    calendar_for,
    is_working_day,
    restart_on_supplement,
    snap_to_working_time,
)
from dichvucong.worktime.services import day_override_remove, day_override_set, working_hours_set
from dichvucong.worktime.tests.helpers import at

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def agency():
    return Agency.objects.create(
        code="000.00.00.H56", name="UBND xã Thử", kind="commune_committee", level="xa"
    )


@pytest.fixture
def other_agency():
    return Agency.objects.create(
        code="000.00.00.H57", name="UBND xã Khác", kind="commune_committee", level="xa"
    )


def test_worked_example_through_the_default_calendar():
    assert due_at(received_at=at(2023, 10, 27, 9, 32), duration_value=5, duration_unit="working_days") == at(
        2023, 11, 3, 9, 32
    )


def test_nationwide_holiday_override_applies_to_every_agency(agency):
    # Given a government decision giving Friday 03/11/2023 off nationwide
    day_override_set(day=D(2023, 11, 3), kind=DayOverride.Kind.HOLIDAY, note="QĐ thử nghiệm")

    # Then it is a day off everywhere and the worked example moves to Monday
    assert not is_working_day(D(2023, 11, 3))
    assert not is_working_day(D(2023, 11, 3), agency=agency)
    assert due_at(
        received_at=at(2023, 10, 27, 9, 32), duration_value=5, duration_unit="working_days", agency=agency
    ) == at(2023, 11, 6, 9, 32)


def test_make_up_saturday_override_is_a_working_day():
    day_override_set(day=D(2027, 3, 6), kind=DayOverride.Kind.WORKDAY, note="làm bù")

    assert is_working_day(D(2027, 3, 6))
    assert snap_to_working_time(at(2027, 3, 5, 18, 0)) == at(2027, 3, 6, 7, 0)


def test_agency_override_beats_the_nationwide_one(agency, other_agency):
    day_override_set(day=D(2027, 3, 9), kind=DayOverride.Kind.HOLIDAY)
    day_override_set(day=D(2027, 3, 9), kind=DayOverride.Kind.WORKDAY, agency=agency)

    assert is_working_day(D(2027, 3, 9), agency=agency)
    assert not is_working_day(D(2027, 3, 9), agency=other_agency)
    assert not is_working_day(D(2027, 3, 9))


def test_removing_an_override_restores_the_day():
    day_override_set(day=D(2027, 3, 9), kind=DayOverride.Kind.HOLIDAY)
    assert not is_working_day(D(2027, 3, 9))

    assert day_override_remove(day=D(2027, 3, 9)) is True
    assert is_working_day(D(2027, 3, 9))
    assert day_override_remove(day=D(2027, 3, 9)) is False


def test_one_nationwide_override_per_day_even_with_null_agency():
    DayOverride.objects.create(date=D(2027, 3, 9), kind=DayOverride.Kind.HOLIDAY)

    with pytest.raises(IntegrityError), transaction.atomic():
        DayOverride.objects.create(date=D(2027, 3, 9), kind=DayOverride.Kind.WORKDAY)
    assert DayOverride.objects.filter(date=D(2027, 3, 9)).count() == 1


def test_agency_hours_apply_to_that_agency_only(agency, other_agency):
    # Given an agency open 07:30–11:30, 13:00–17:00 and on Saturdays
    working_hours_set(
        agency=agency,
        morning_start=datetime.time(7, 30),
        afternoon_start=datetime.time(13, 0),
        works_saturday=True,
    )

    assert snap_to_working_time(at(2023, 10, 25, 12, 0), agency=agency) == at(2023, 10, 25, 13, 0)
    assert is_working_day(D(2023, 10, 28), agency=agency)
    assert snap_to_working_time(at(2023, 10, 25, 12, 0), agency=other_agency) == at(2023, 10, 25, 13, 30)
    assert not is_working_day(D(2023, 10, 28), agency=other_agency)


def test_the_default_row_applies_to_agencies_without_their_own(agency):
    working_hours_set(agency=None, same_day_cutoff=datetime.time(16, 0))

    result = due_at(
        received_at=at(2023, 10, 25, 15, 30), duration_value=0, duration_unit="working_days", agency=agency
    )

    assert result == at(2023, 10, 25, 17, 0)


def test_restart_on_supplement_is_an_agency_setting(agency):
    working_hours_set(agency=agency, restart_on_supplement=True)
    assert restart_on_supplement(agency=agency)
    assert not restart_on_supplement()

    result = resume_due_at(
        old_due_at=at(2023, 11, 3, 9, 32),
        paused_at=at(2023, 10, 31, 10, 0),
        resumed_at=at(2023, 11, 2, 10, 0),
        duration_value=5,
        agency=agency,
    )

    assert result == at(2023, 11, 9, 10, 0)


def test_unordered_hours_are_refused_and_nothing_is_saved(agency):
    with pytest.raises(ValidationError):
        working_hours_set(agency=agency, morning_end=datetime.time(14, 0))

    assert not WorkingHours.objects.exists()


def test_a_calendar_is_loaded_once_then_served_from_memory(agency, django_assert_num_queries):
    with django_assert_num_queries(2):
        first = calendar_for(agency)
    with django_assert_num_queries(0):
        assert calendar_for(agency) is first
        assert calendar_for(agency.pk) is first


def test_a_write_drops_the_cached_calendar():
    assert is_working_day(D(2027, 3, 9))

    day_override_set(day=D(2027, 3, 9), kind=DayOverride.Kind.HOLIDAY)

    assert not is_working_day(D(2027, 3, 9))


def test_operators_edit_overrides_in_the_admin(client, django_user_model):
    # Given an administrator signed in with the second factor
    admin_user = django_user_model.objects.create_superuser(
        username="quantri", password="Hoa-Sen#2026xanh", kind="staff", full_name="Quản trị"
    )
    login_with_second_factor(client, admin_user)
    assert is_working_day(D(2027, 3, 9))

    # When they add a nationwide day off
    response = client.post(
        reverse("admin:worktime_dayoverride_add"),
        {"date": "09/03/2027", "kind": "holiday", "agency": "", "note": "QĐ nghỉ bù"},
    )

    # Then it is stored and the calendar sees it at once
    assert response.status_code == 302, response.content[:2000]
    assert DayOverride.objects.get(date=D(2027, 3, 9)).note == "QĐ nghỉ bù"
    assert not is_working_day(D(2027, 3, 9))
    assert client.get(reverse("admin:worktime_dayoverride_changelist")).status_code == 200
    assert client.get(reverse("admin:worktime_workinghours_add")).status_code == 200

"""Correcting the nationwide calendar without a release: 24/11/2026, make-up Saturdays, moved holidays."""

import datetime
import importlib
import shlex
from io import StringIO

import pytest
from django.apps import apps as django_apps
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from conftest import login_with_second_factor
from dichvucong.agencies.models import Agency
from dichvucong.worktime.calendars import GENERATION_KEY
from dichvucong.worktime.deadlines import due_at
from dichvucong.worktime.models import DayOverride
from dichvucong.worktime.schedule import calendar_for, is_working_day
from dichvucong.worktime.services import day_override_move
from dichvucong.worktime.tests.helpers import at

pytestmark = pytest.mark.django_db
D = datetime.date
CULTURE_DAY = D(2026, 11, 24)
migration = importlib.import_module("dichvucong.worktime.migrations.0002_culture_day_2026")


@pytest.fixture
def culture_day_row():
    """The row the data migration writes (written again: a transactional test may have flushed it)."""
    migration.forwards(django_apps, None)
    return DayOverride.objects.get(agency__isnull=True, date=CULTURE_DAY)


def command(*args: str) -> str:
    out = StringIO()
    call_command("worktime_day", *args, stdout=out)
    return out.getvalue()


def working_days(received_at: datetime.datetime, days: int, **kwargs) -> datetime.datetime:
    return due_at(received_at=received_at, duration_value=days, duration_unit="working_days", **kwargs)


def overrides() -> list[tuple]:
    return list(DayOverride.objects.order_by("date", "agency").values_list("date", "agency", "kind", "note"))


# The 24/11/2026 decision ---------------------------------------------------------------------------------


def test_culture_day_2026_is_a_day_off_by_a_row_that_names_its_basis(culture_day_row):
    assert culture_day_row.kind == DayOverride.Kind.HOLIDAY
    assert "28/2026/QH16" in culture_day_row.note
    assert "07/12/2026" in culture_day_row.note  # the date the basis was checked
    assert not is_working_day(CULTURE_DAY)


def test_a_3_working_day_deadline_from_monday_23_11_2026_skips_the_culture_day(culture_day_row):
    # Mon 23/11 09:00 + 3 working days: Wed 25, Thu 26, Fri 27 (Tue 24 is off)
    assert working_days(at(2026, 11, 23, 9, 0), 3) == at(2026, 11, 27, 9, 0)


def test_the_row_decides_over_the_holidays_package(culture_day_row):
    # Given the calendar already loaded in this process
    assert working_days(at(2026, 11, 23, 9, 0), 3) == at(2026, 11, 27, 9, 0)
    generation = cache.get(GENERATION_KEY)

    # When an operator re-opens the day (the law read differently), with no release
    command("set", "24/11/2026", "--workday", "--note", "Thử: đọc lại căn cứ", "--replace")

    # Then deadlines across it are one day shorter, here and in the other processes (new generation)
    assert working_days(at(2026, 11, 23, 9, 0), 3) == at(2026, 11, 26, 9, 0)
    assert cache.get(GENERATION_KEY) != generation
    assert DayOverride.objects.get(agency__isnull=True, date=CULTURE_DAY).note == "Thử: đọc lại căn cứ"


def test_a_row_with_a_basis_is_replaced_or_removed_only_on_purpose_and_can_be_written_back(culture_day_row):
    before = overrides()

    for args in (("set", "24/11/2026", "--workday", "--note", "gõ nhầm"), ("remove", "24/11/2026")):
        with pytest.raises(CommandError, match="--replace"):
            command(*args)
    assert overrides() == before

    # With --replace the old row is printed as the command that writes it back
    output = command("remove", "24/11/2026", "--replace")
    assert not DayOverride.objects.filter(date=CULTURE_DAY).exists()
    restore = output.split("khôi phục bằng: manage.py worktime_day ", 1)[1].split(")\n", 1)[0]
    command(*shlex.split(restore))
    assert overrides() == before


def test_setting_the_same_row_again_needs_no_replace(culture_day_row):
    before = overrides()
    command("set", "24/11/2026", "--holiday", "--note", culture_day_row.note)
    assert overrides() == before


def test_a_reversed_range_is_refused_in_vietnamese(culture_day_row):
    with pytest.raises(CommandError, match="ngày cuối không trước ngày đầu"):
        command("show", "29/11/2026", "23/11/2026")


def test_removing_the_row_falls_back_to_the_holidays_package(culture_day_row):
    command("remove", "24/11/2026", "--replace")

    assert not DayOverride.objects.filter(date=CULTURE_DAY).exists()
    assert not is_working_day(CULTURE_DAY)  # `holidays` 0.108 lists it too


def test_the_migration_leaves_an_operators_row_alone():
    # Given an operator who had already decided the day
    DayOverride.objects.filter(date=CULTURE_DAY).delete()
    DayOverride.objects.create(date=CULTURE_DAY, kind=DayOverride.Kind.WORKDAY, note="quyết định của tỉnh")
    before = overrides()

    # When the migration runs forwards, then backwards
    migration.forwards(django_apps, None)
    migration.backwards(django_apps, None)

    # Then nothing changed
    assert overrides() == before


def test_the_migration_writes_its_row_once_and_takes_back_only_that_row():
    DayOverride.objects.filter(date=CULTURE_DAY).delete()

    migration.forwards(django_apps, None)
    migration.forwards(django_apps, None)
    assert DayOverride.objects.filter(date=CULTURE_DAY).count() == 1

    migration.backwards(django_apps, None)
    assert not DayOverride.objects.filter(date=CULTURE_DAY).exists()


# Make-up days and moved holidays, by command and in the admin ---------------------------------------------


def test_a_make_up_saturday_shortens_deadlines(culture_day_row):
    # Thu 26/11 09:00 + 2 working days: Fri 27, then Mon 30
    assert working_days(at(2026, 11, 26, 9, 0), 2) == at(2026, 11, 30, 9, 0)

    output = command("set", "28/11/2026", "--workday", "--note", "TB thử: làm bù thứ Bảy")

    assert "Thứ Bảy 28/11/2026" in output and "làm việc" in output
    assert working_days(at(2026, 11, 26, 9, 0), 2) == at(2026, 11, 28, 9, 0)


def test_a_moved_holiday_changes_both_days(culture_day_row):
    # Fri 20/11 09:00 + 4 working days: Mon 23, Wed 25, Thu 26, Fri 27
    assert working_days(at(2026, 11, 20, 9, 0), 4) == at(2026, 11, 27, 9, 0)

    # When the day off moves from Saturday 28/11 to Monday 23/11 (a swap, hoán đổi)
    command("move", "28/11/2026", "23/11/2026", "--note", "TB thử: hoán đổi")

    # Then Monday is off, Saturday is worked: Wed 25, Thu 26, Fri 27, Sat 28
    assert not is_working_day(D(2026, 11, 23))
    assert is_working_day(D(2026, 11, 28))
    assert working_days(at(2026, 11, 20, 9, 0), 4) == at(2026, 11, 28, 9, 0)
    assert set(DayOverride.objects.filter(note="TB thử: hoán đổi").values_list("date", "kind")) == {
        (D(2026, 11, 23), DayOverride.Kind.HOLIDAY),
        (D(2026, 11, 28), DayOverride.Kind.WORKDAY),
    }


def test_a_move_onto_the_same_day_is_refused_and_changes_nothing(culture_day_row):
    before = overrides()

    with pytest.raises(CommandError):
        command("move", "23/11/2026", "23/11/2026", "--note", "nhầm")

    assert overrides() == before


def test_a_move_whose_second_day_is_refused_writes_neither_day(culture_day_row, monkeypatch):
    # Given a validation that accepts the first day (the Saturday worked) and refuses the second
    original = DayOverride.full_clean

    def refuse_the_day_off(self, *args, **kwargs):
        if self.kind == DayOverride.Kind.HOLIDAY:
            raise ValidationError("refused")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(DayOverride, "full_clean", refuse_the_day_off)
    before = overrides()

    with pytest.raises(ValidationError):
        day_override_move(from_day=D(2026, 11, 28), to_day=D(2026, 11, 23), note="TB thử")

    assert overrides() == before
    assert not is_working_day(D(2026, 11, 28))


@pytest.mark.parametrize(
    "args",
    [
        ("set", "31/02/2026", "--holiday", "--note", "ngày không có"),
        ("set", "2026-12-08", "--holiday", "--note", "x", "--agency", "KHONG.CO"),
        ("remove", "25/12/2026"),
        ("due", "23/11/2026", "3"),
        ("show", "01/01/2026", "31/12/2027"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(culture_day_row, args):
    before = overrides()

    with pytest.raises(CommandError):
        command(*args)

    assert overrides() == before


def test_an_agency_row_applies_to_that_agency_only(culture_day_row):
    agency = Agency.objects.create(
        code="000.00.00.H56", name="UBND xã Thử", kind="commune_committee", level="xa"
    )

    command("set", "2026-12-08", "--holiday", "--note", "QĐ của UBND tỉnh", "--agency", "000.00.00.H56")

    assert not is_working_day(D(2026, 12, 8), agency=agency)
    assert is_working_day(D(2026, 12, 8))


def test_show_gives_each_day_and_the_rule_that_decided_it(culture_day_row):
    output = command("show", "23/11/2026", "29/11/2026")

    lines = output.splitlines()
    assert len(lines) == 7
    assert lines[0].startswith("Thứ Hai 23/11/2026") and "làm việc" in lines[0]
    assert "NGHỈ" in lines[1] and "toàn quốc" in lines[1] and "28/2026/QH16" in lines[1]
    assert "NGHỈ" in lines[6] and "nghỉ hằng tuần" in lines[6]
    # A day off from the `holidays` package and its make-up Saturday
    assert "Quốc khánh" in command("show", "2026-09-02")
    assert "ngày làm bù" in command("show", "22/08/2026")


def test_due_prints_the_appointment_date(culture_day_row):
    output = command("due", "23/11/2026 09:00", "3")

    assert "hẹn trả Thứ Sáu 27/11/2026 09:00" in output


def test_an_operator_corrects_the_day_in_the_admin(client, django_user_model, culture_day_row):
    admin_user = django_user_model.objects.create_superuser(
        username="quantri", password="Hoa-Sen#2026xanh", kind="staff", full_name="Quản trị"
    )
    login_with_second_factor(client, admin_user)
    calendar_for(None)  # loaded before the change

    response = client.post(
        reverse("admin:worktime_dayoverride_change", args=[culture_day_row.pk]),
        {"date": "24/11/2026", "kind": "workday", "agency": "", "note": "Thử: sửa trong trang quản trị"},
    )

    assert response.status_code == 302, response.content[:2000]
    assert is_working_day(CULTURE_DAY)
    assert working_days(at(2026, 11, 23, 9, 0), 3) == at(2026, 11, 26, 9, 0)

"""Defect 9: dates as people type them on a phone keypad, with a message that says what is wrong."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dichvucong.accounts.dates import TypedDateField, parse_typed_date
from dichvucong.accounts.tests.test_registration import register_form

MARCH_12 = datetime.date(1995, 3, 12)


@pytest.mark.parametrize(
    "typed",
    [
        "12/03/1995",
        "12/3/1995",
        "12-03-1995",
        "12.03.1995",
        "12031995",
        " 12 / 03 / 1995 ",
        "12 03 1995",
        "12–03–1995",  # en dash from a copied text
        "１２０３１９９５",  # full-width digits
        "1995-03-12",  # ISO, as autofill and the API send it
    ],
)
def test_the_ways_people_type_a_date(typed):
    assert parse_typed_date(typed) == MARCH_12


def test_one_digit_day_and_month():
    assert parse_typed_date("1/3/1995") == datetime.date(1995, 3, 1)
    assert parse_typed_date("01031995") == datetime.date(1995, 3, 1)


@pytest.mark.parametrize(
    ("typed", "code", "words"),
    [
        ("31/02/1995", "bad_day", "tháng 2 năm 1995 chỉ có 28 ngày"),
        ("29.02.1995", "bad_day", "chỉ có 28 ngày"),
        ("31041995", "bad_day", "tháng 4 năm 1995 chỉ có 30 ngày"),
        ("12/13/1995", "bad_month", "tháng chỉ từ 1 đến 12"),
        ("00/03/1995", "bad_day", "Không có ngày 00/03/1995"),
        ("12/03/95", "short_year", "bốn chữ số"),
        ("120395", "short_year", "bốn chữ số"),
        ("12 tháng 3", "invalid", "ngày/tháng/năm"),
        ("1203199", "invalid", "ngày/tháng/năm"),
        ("12/03/1995/1", "invalid", "ngày/tháng/năm"),
    ],
)
def test_impossible_or_unreadable_dates_say_what_is_wrong(typed, code, words):
    with pytest.raises(ValidationError) as refused:
        parse_typed_date(typed)
    assert refused.value.code == code
    assert words in refused.value.messages[0]


def test_leap_day_exists_in_a_leap_year():
    assert parse_typed_date("29022000") == datetime.date(2000, 2, 29)


def test_a_birth_date_cannot_be_in_the_future_or_before_1900():
    field = TypedDateField(past_only=True, min_year=1900)
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    with pytest.raises(ValidationError) as future:
        field.clean(tomorrow.strftime("%d%m%Y"))
    assert "tương lai" in future.value.messages[0]
    with pytest.raises(ValidationError) as old:
        field.clean("01/01/1899")
    assert "1900" in old.value.messages[0]
    assert field.clean("12.03.1995") == MARCH_12


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["12031990", "12.03.1990", "12-3-1990"])
def test_registration_accepts_the_date_as_typed_on_a_keypad(client, typed):
    from dichvucong.accounts import services

    response = register_form(client, date_of_birth=typed)

    assert response.status_code == 302 and response["Location"] == reverse("accounts:register_verify")
    pending = services.registration_pending(registration_id=client.session["accounts:registration_id"])
    assert pending.date_of_birth == "1990-03-12"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("31/02/1990", "Không có ngày 31/02/1990: tháng 2 năm 1990 chỉ có 28 ngày."),
        ("12/03/2990", "là ngày trong tương lai"),
    ],
)
def test_registration_refuses_an_impossible_birth_date_and_keeps_what_was_typed(client, typed, message):
    from dichvucong.notifications.models import Message

    response = register_form(client, date_of_birth=typed)

    page = response.content.decode()
    assert response.status_code == 200 and message in page
    assert f'name="date_of_birth" value="{typed}"' in page
    assert 'inputmode="numeric"' in page
    assert 'value="Nguyễn Văn An"' in page  # the rest of the form is kept too
    assert not Message.objects.filter(event="otp.register").exists()

from decimal import Decimal

from django.template import Context, Template
from django.utils import translation

from dichvucong.core.formatting import format_duration, format_number, format_phone, format_vnd, phone_tel_uri


def test_money_uses_dot_thousands_and_dong_sign():
    assert format_vnd(1_000_000) == "1.000.000 đ"
    assert format_vnd(2000) == "2.000 đ"
    assert format_vnd(0) == "0 đ"
    assert format_vnd(25, "USD") == "25 USD"
    assert format_vnd(None) == ""


def test_numbers_use_decimal_comma():
    assert format_number(Decimal("5")) == "5"
    assert format_number(Decimal("0.5")) == "0,5"


def test_duration_reads_naturally():
    with translation.override("vi"):
        assert format_duration(Decimal("5"), "working_days", "ngày làm việc") == "5 ngày làm việc"
        assert format_duration(None, "no_deadline", "") == "Không có ngày hẹn trả"
        assert "không ghi đơn vị" in format_duration(Decimal("1"), "unstated", "")


def test_phone_numbers_read_the_vietnamese_way():
    for stored in ("+84912345678", "84912345678", "0912345678", "0912 345 678", "091.234.5678"):
        assert format_phone(stored) == "0912 345 678", stored
    assert format_phone("+84356789012") == "0356 789 012"
    assert format_phone("02438254321") == "024 3825 4321"  # Hà Nội
    assert format_phone("+842838254321") == "028 3825 4321"  # TP. Hồ Chí Minh
    assert format_phone("0236.3822.123") == "0236 3822 123"  # other provinces
    assert format_phone("19001234") == "1900 1234"
    assert format_phone("  12345 ") == "12345"  # not a number we know: shown as given
    assert format_phone(None) == format_phone("") == ""


def test_phone_tel_address_is_international():
    assert phone_tel_uri("0912 345 678") == "tel:+84912345678"
    assert phone_tel_uri("02438254321") == "tel:+842438254321"
    assert phone_tel_uri("1900 1234") == "tel:19001234"
    assert phone_tel_uri("12345") == phone_tel_uri(None) == ""


def test_phone_filters_in_templates():
    template = Template(
        "{% load dvc %}{{ p|phone }}|{{ p|phone_link }}|{{ bad|phone_link }}|{{ none|phone_link }}"
    )
    rendered = template.render(Context({"p": "+84912345678", "bad": "<b>12</b>", "none": None}))
    assert rendered == ('0912 345 678|<a href="tel:+84912345678">0912 345 678</a>|&lt;b&gt;12&lt;/b&gt;|')

from decimal import Decimal

from django.utils import translation

from dichvucong.core.formatting import format_duration, format_number, format_vnd


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

"""Dates as people type them in Vietnam: day first, with whatever separator the phone keypad offers.

A numeric keypad (``inputmode="numeric"``) often has no "/" key, so people type "12031995", "12.03.1995" or
"12-03-1995". ``parse_typed_date`` accepts:

- day, month, four-digit year separated by "/", ".", "-" or spaces, with one- or two-digit day and month
  ("12/03/1995", "1/3/1995", "12-03-1995", "12.03.1995", "12 3 1995");
- eight digits, day-month-year ("12031995");
- the ISO form year-month-day ("1995-03-12"), which browsers' autofill and API clients send.

It refuses, with a message saying what is wrong: two-digit years, a month outside 1–12, a day the month
does not have (31/02/1995), and, for ``TypedDateField(past_only=True)`` (a birth date), a date after today.
"""

from __future__ import annotations

import calendar
import datetime
import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

_DASHES = dict.fromkeys(map(ord, "‐‑‒–—−"), "-")
_DAY_FIRST = re.compile(r"(\d{1,2})\s*[/.\-\s]\s*(\d{1,2})\s*[/.\-\s]\s*(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_EIGHT_DIGITS = re.compile(r"(\d{2})(\d{2})(\d{4})")
_SHORT_YEAR = re.compile(r"\d{1,2}\s*[/.\-\s]\s*\d{1,2}\s*[/.\-\s]\s*\d{2}|\d{6}")

FORMAT_MESSAGE = _("Hãy nhập ngày theo thứ tự ngày/tháng/năm, ví dụ 27/10/1990 hoặc 27101990.")


def _normalise(text: str) -> str:
    """Full-width digits to ASCII (NFKC), every kind of dash to "-", outer spaces removed."""
    return unicodedata.normalize("NFKC", text).translate(_DASHES).strip()


def parse_typed_date(text: str) -> datetime.date:
    """The date ``text`` stands for; ValidationError with a Vietnamese message when it is not a real date."""
    value = _normalise(text or "")
    if match := _DAY_FIRST.fullmatch(value) or _EIGHT_DIGITS.fullmatch(value):
        day, month, year = (int(part) for part in match.groups())
    elif match := _ISO.fullmatch(value):
        year, month, day = (int(part) for part in match.groups())
    elif _SHORT_YEAR.fullmatch(value):
        raise ValidationError(gettext("Hãy nhập năm đủ bốn chữ số, ví dụ 27/10/1990."), code="short_year")
    else:
        raise ValidationError(str(FORMAT_MESSAGE), code="invalid")
    return _real_date(day, month, year)


def _real_date(day: int, month: int, year: int) -> datetime.date:
    if year < 1:
        raise ValidationError(str(FORMAT_MESSAGE), code="invalid")
    if not 1 <= month <= 12:
        raise ValidationError(
            gettext("Không có tháng %(month)s: tháng chỉ từ 1 đến 12 (ngày/tháng/năm).") % {"month": month},
            code="bad_month",
        )
    days_in_month = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days_in_month:
        raise ValidationError(
            gettext(
                "Không có ngày %(day)02d/%(month)02d/%(year)d: "
                "tháng %(month)d năm %(year)d chỉ có %(days)d ngày."
            )
            % {"day": day, "month": month, "year": year, "days": days_in_month},
            code="bad_day",
        )
    return datetime.date(year, month, day)


class TypedDateInput(forms.DateInput):
    """A text box (no browser date picker, which differs per phone) that shows dates as dd/mm/yyyy and opens
    the numeric keypad; what the person typed is shown back unchanged when the form has an error."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs={"inputmode": "numeric", "spellcheck": "false", **(attrs or {})}, format="%d/%m/%Y"
        )


class TypedDateField(forms.DateField):
    """A date typed day first, in any of the ways ``parse_typed_date`` accepts.

    ``past_only`` (birth dates) refuses dates after today; ``min_year`` refuses dates before that year.
    """

    widget = TypedDateInput

    def __init__(self, *, past_only: bool = False, min_year: int | None = None, **kwargs):
        self.past_only = past_only
        self.min_year = min_year
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        return parse_typed_date(str(value))

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        if self.past_only and value > timezone.localdate():
            raise ValidationError(
                gettext("Ngày %(date)s là ngày trong tương lai; hãy kiểm tra lại năm.")
                % {"date": value.strftime("%d/%m/%Y")},
                code="future",
            )
        if self.min_year and value.year < self.min_year:
            raise ValidationError(
                gettext("Năm phải từ %(year)d trở về sau.") % {"year": self.min_year}, code="too_old"
            )

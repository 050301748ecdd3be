"""How the forms write times, dates and text.

- clock: "9 giờ 32 phút" (hour without a leading zero, minutes with two digits);
- intake time: "9 giờ 32 phút, ngày 27/10/2023";
- return time: "Vào lúc 9 giờ 00 phút, ngày 03 tháng 11 năm 2023";
- date in words: day below 10 and months 1–2 take a leading zero (NĐ 30/2020 rule for
  administrative documents): "ngày 03 tháng 11 năm 2023", "ngày 15 tháng 02 năm 2024".
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NO_DUE_DATE = "Không có ngày hẹn trả"

_SPACES = re.compile(r"[ \t\r\f\v]+")
# Control characters other than newline and tab, which neither PDF text nor XLSX cells accept.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(value: object) -> str:
    """NFC text without control characters and with collapsed spaces."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    text = _CONTROL.sub("", text)
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.splitlines()).strip()


def markup(value: object) -> str:
    """Text made safe for a reportlab Paragraph: escaped, line breaks kept."""
    return escape(clean(value)).replace("\n", "<br/>")


def local(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("paperwork needs timezone-aware datetimes")
    return moment.astimezone(VN_TZ)


def clock_words(moment: dt.datetime) -> str:
    moment = local(moment)
    return f"{moment.hour} giờ {moment.minute:02d} phút"


def short_date(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def date_words(day: dt.date) -> str:
    """ "ngày 03 tháng 11 năm 2023"."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def intake_time_text(moment: dt.datetime) -> str:
    """ "9 giờ 32 phút, ngày 27/10/2023"."""
    return f"{clock_words(moment)}, ngày {short_date(local(moment).date())}"


def due_time_text(moment: dt.datetime | None) -> str:
    """ "Vào lúc 9 giờ 00 phút, ngày 03 tháng 11 năm 2023", or the no-due-date wording."""
    if moment is None:
        return NO_DUE_DATE
    return f"Vào lúc {clock_words(moment)}, {date_words(local(moment).date())}"


def place_date_line(place: str, moment: dt.datetime | dt.date) -> str:
    """ "Thanh Hóa, ngày 27 tháng 10 năm 2023" (or "…, ngày …" with no place given)."""
    day = local(moment).date() if isinstance(moment, dt.datetime) else moment
    return f"{clean(place) or '…'}, {date_words(day)}"


def ledger_datetime(moment: dt.datetime | None) -> str:
    """ "27/10/2023 09:32" in Vietnam time, or "" for none."""
    if moment is None:
        return ""
    return local(moment).strftime("%d/%m/%Y %H:%M")

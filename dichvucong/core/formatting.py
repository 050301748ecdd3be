"""Display rules shared by templates, PDFs and exports: money, durations, phone numbers."""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.translation import gettext as _


def format_vnd(amount: int | Decimal | None, currency: str = "VND") -> str:
    """1000000 -> "1.000.000 đ" (dot thousands, the đồng sign after a space)."""
    if amount is None:
        return ""
    whole = int(amount)
    grouped = f"{abs(whole):,}".replace(",", ".")
    sign = "-" if whole < 0 else ""
    if currency == "VND":
        return f"{sign}{grouped} đ"
    return f"{sign}{grouped} {currency}"


def format_number(value: Decimal | int | None) -> str:
    if value is None:
        return ""
    value = Decimal(value)
    if value == value.to_integral_value():
        return str(int(value))
    return f"{value.normalize():f}".replace(".", ",")


def format_duration(value: Decimal | None, unit: str, unit_label: str) -> str:
    if unit == "no_deadline":
        return _("Không có ngày hẹn trả")
    if value is None:
        return _("Không quy định")
    if unit == "unstated":
        return _("%(value)s (nguồn không ghi đơn vị)") % {"value": format_number(value)}
    return f"{format_number(value)} {unit_label}"


_PHONE_NOISE = re.compile(r"[\s.\-()/]")


def _national_digits(raw: str) -> str | None:
    """'+84 912 345 678', '84912345678', '0912.345.678' -> '0912345678'; None if it is not a VN number."""
    digits = _PHONE_NOISE.sub("", raw or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    if not digits.isdigit():
        return None
    if re.fullmatch(r"0[35789]\d{8}|02\d{9}|1[89]00\d{4}(\d{2})?", digits):
        return digits
    return None


def format_phone(raw: str | None) -> str:
    """How a Vietnamese number reads: mobiles '0912 345 678', Hà Nội and TP.HCM landlines '024 3825 4321',
    other landlines '0236 3822 123', hotlines '1900 1234'. Anything else is shown as it was given."""
    digits = _national_digits(raw or "")
    if digits is None:
        return (raw or "").strip()
    if digits.startswith("1"):
        return f"{digits[:4]} {digits[4:]}"
    if digits.startswith(("024", "028")):
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    if digits.startswith("02"):
        return f"{digits[:4]} {digits[4:8]} {digits[8:]}"
    return f"{digits[:4]} {digits[4:7]} {digits[7:]}"


def phone_tel_uri(raw: str | None) -> str:
    """The tel: address to dial: '+84912345678' (international form) or '19001234' (a hotline); '' if the
    number is not one we recognise."""
    digits = _national_digits(raw or "")
    if digits is None:
        return ""
    if digits.startswith("1"):
        return f"tel:{digits}"
    return f"tel:+84{digits[1:]}"


def format_percent(value: float, digits: int = 2) -> str:
    """A share as Vietnamese writes it: 0,44% (decimal comma)."""
    return f"{value:.{digits}f}".replace(".", ",") + "%"

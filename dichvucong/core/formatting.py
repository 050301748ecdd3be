"""Display rules shared by templates, PDFs and exports: money, durations."""

from __future__ import annotations

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

"""Recipient addresses in the one form stored in the outbox: phones as +84xxxxxxxxx, e-mails trimmed."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

_PHONE_NOISE = re.compile(r"[\s.\-()]")
# Vietnamese mobile numbers: 0 + 9 digits starting 3, 5, 7, 8 or 9 (after the 2018 renumbering).
_VN_MOBILE = re.compile(r"^[35789]\d{8}$")


def normalise_phone(raw: str) -> str:
    """'0912 345 678', '84912345678', '+84912345678' -> '+84912345678'; ValueError if not a VN mobile."""
    digits = _PHONE_NOISE.sub("", raw or "")
    if digits.startswith("+84"):
        national = digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        national = digits[2:]
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        national = digits
    if not _VN_MOBILE.match(national):
        raise ValueError(f"not a Vietnamese mobile number: {raw!r}")
    return f"+84{national}"


def phone_international(phone: str) -> str:
    """'+84912345678' -> '84912345678' (Zalo ZNS)."""
    return normalise_phone(phone)[1:]


def phone_national(phone: str) -> str:
    """'+84912345678' -> '0912345678' (eSMS)."""
    return "0" + normalise_phone(phone)[3:]


def normalise_email(raw: str) -> str:
    """Trimmed, domain in lower case; ValueError if it is not an address."""
    address = (raw or "").strip()
    try:
        validate_email(address)
    except ValidationError:
        raise ValueError(f"not an e-mail address: {raw!r}") from None
    local, _, domain = address.rpartition("@")
    return f"{local}@{domain.lower()}"


def mask_address(address: str) -> str:
    """'+84912345678' -> '+84912***678'; 'an@example.vn' -> 'a***@example.vn' (logs only)."""
    if "@" in address:
        local, _, domain = address.partition("@")
        return f"{local[:1]}***@{domain}"
    return f"{address[:6]}***{address[-3:]}" if len(address) > 9 else "***"

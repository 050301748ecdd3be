"""Several service messages to one address, as one: the text of a combined SMS or e-mail, and SMS parts.

Service news (a dossier accepted, then its fee requested a few seconds later) waits a short hold
(`DVC_NOTIFY_COMBINE_SECONDS`) before it is sent; the delivery step then takes every other service message
still pending for the same channel and address and sends them as one (services.message_deliver). This
module only builds the text: one site-name prefix, then each notice in the order it happened, while an SMS
stays within `DVC_NOTIFY_SMS_MAX_SEGMENTS` parts; what does not fit goes in the next message.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings

from dichvucong.notifications import conf
from dichvucong.notifications.events import EMAIL, SMS
from dichvucong.notifications.rendering import strip_diacritics

# GSM 03.38: the basic set counts one septet a character, the extension set two (escape + character).
_GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENSION = set("^{}\\[~]|€\f")
_SMS_SEPARATOR = " | "
_EMAIL_SEPARATOR = "\n\n" + "-" * 40 + "\n\n"


def sms_segments(text: str) -> int:
    """How many parts an SMS of `text` takes: GSM-7 160 (153 a part when split), else UCS-2 70 (67)."""
    if all(ch in _GSM7_BASIC or ch in _GSM7_EXTENSION for ch in text):
        septets = sum(2 if ch in _GSM7_EXTENSION else 1 for ch in text)
        return 1 if septets <= 160 else math.ceil(septets / 153)
    units = sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)  # UTF-16 code units
    return 1 if units <= 70 else math.ceil(units / 67)


@dataclass(frozen=True)
class Part:
    subject: str
    body: str


def _site_prefix() -> str:
    return f"{getattr(settings, 'DVC_SITE_NAME', 'Dịch vụ công')}: "


def _strip_prefix(body: str, prefixes: Sequence[str]) -> str:
    for prefix in prefixes:
        if body.startswith(prefix):
            return body[len(prefix) :]
    return body


def combine_sms(bodies: Sequence[str]) -> str:
    """'Site: hồ sơ A đã nộp. URL' + 'Site: hồ sơ A được tiếp nhận…' -> 'Site: hồ sơ A đã nộp. URL | hồ sơ…'.
    The prefix is compared both with and without diacritics (bodies are stored as they were sent)."""
    if len(bodies) == 1:
        return bodies[0]
    prefix = _site_prefix()
    prefixes = (prefix, strip_diacritics(prefix))
    head = next((p for p in prefixes if bodies[0].startswith(p)), "")
    return head + _SMS_SEPARATOR.join(_strip_prefix(body, prefixes) for body in bodies)


def combine_email(parts: Sequence[Part]) -> Part:
    if len(parts) == 1:
        return parts[0]
    subject = f"{len(parts)} thông báo: " + "; ".join(part.subject for part in parts)
    if len(subject) > 300:
        subject = subject[:299] + "…"
    return Part(subject=subject, body=_EMAIL_SEPARATOR.join(part.body for part in parts))


def fits(*, channel: str, parts: Sequence[Part]) -> bool:
    """Whether `parts` (oldest first) may go out as one message on `channel`."""
    if len(parts) <= 1:
        return True
    if channel == EMAIL:
        return len(parts) <= conf.email_max_combined()
    if channel == SMS:
        return sms_segments(combine_sms([part.body for part in parts])) <= conf.sms_max_segments()
    return False  # Zalo ZNS sends one approved template a message: nothing to combine


def combine(*, channel: str, parts: Sequence[Part]) -> Part:
    if channel == SMS:
        return Part(subject="", body=combine_sms([part.body for part in parts]))
    return combine_email(parts)

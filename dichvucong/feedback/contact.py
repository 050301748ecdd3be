"""Proving a phone number or an e-mail address with a one-time code, for people who are not signed in.

The same machinery as the account sign-up (accounts.services): a 6-digit code whose keyed hash is held in the
shared cache with what waits for it (the typed feedback, or a look-up), the wrong tries counted atomically
with ``core.ratelimit`` per code, and the code consumed by one atomic ``cache.delete`` (a double click
cannot use it twice). Limits per contact and per network address (feedback.limits) before anything is sent.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from dichvucong.accounts.identity import mask_phone, normalise_phone
from dichvucong.accounts.services import OTP_MAX_ATTEMPTS, OTP_RESEND_SECONDS, OTP_TTL
from dichvucong.accounts.services import _code_hash as code_hash
from dichvucong.accounts.services import _new_code as new_code
from dichvucong.core import ratelimit
from dichvucong.feedback import limits
from dichvucong.notifications.events import EMAIL, SMS
from dichvucong.notifications.services import notify

CHALLENGE_TTL_SECONDS = 20 * 60
PHONE, EMAIL_KIND = "phone", "email"


class ContactError(Exception):
    def __init__(self, message: str, *, code: str = "invalid", field: str = ""):
        super().__init__(message)
        self.message, self.code, self.field = message, code, field


@dataclass(frozen=True)
class Contact:
    """A phone number (+84…) or an e-mail address (lower-case)."""

    kind: str
    value: str

    @property
    def masked(self) -> str:
        if self.kind == PHONE:
            return mask_phone(self.value)
        name, _, domain = self.value.partition("@")
        return f"{name[:2]}***@{domain}"


@dataclass(frozen=True)
class VerifiedContact:
    """Only ``challenge_verify`` makes one: the person typed the code sent to this contact."""

    contact: Contact
    payload: dict


def contact_parse(raw: str) -> Contact:
    """A phone number or an e-mail address typed in one box; ValidationError (Vietnamese) otherwise."""
    text = (raw or "").strip()
    if not text:
        raise ValidationError(
            "Vui lòng nhập số điện thoại di động hoặc địa chỉ thư điện tử.", code="required"
        )
    if "@" in text:
        try:
            validate_email(text)
        except ValidationError:
            raise ValidationError(
                "Địa chỉ thư điện tử không hợp lệ (ví dụ: ten@example.vn).", code="email"
            ) from None
        return Contact(EMAIL_KIND, text.lower())
    return Contact(PHONE, normalise_phone(text))


def _key(challenge_id: str) -> str:
    return f"feedback:challenge:{challenge_id}"


def _send(contact: Contact, code: str) -> None:
    with transaction.atomic():
        notify(
            event="feedback.otp",
            phone=contact.value if contact.kind == PHONE else "",
            email=contact.value if contact.kind == EMAIL_KIND else "",
            channels=[SMS if contact.kind == PHONE else EMAIL],
            context={"otp": code, "minutes": int(OTP_TTL.total_seconds() // 60)},
            account_addresses=False,
        )


def challenge_start(*, purpose: str, contact: Contact, payload: dict, client_ip: str = "") -> str:
    """Send a code to ``contact`` and keep ``payload`` until it is typed back; returns the challenge id.

    ContactError ``flood`` (nothing kept, nothing sent) over the limits per contact and per address."""
    if not limits.otp_allowed(contact=contact.value, ip=client_ip):
        raise ContactError(limits.OTP_FLOOD, code="flood")
    code = new_code()
    challenge_id = secrets.token_urlsafe(16)
    cache.set(
        _key(challenge_id),
        {
            "purpose": purpose,
            "kind": contact.kind,
            "value": contact.value,
            "payload": payload,
            "code_hash": code_hash(code, salt=challenge_id),
            "created": timezone.now().timestamp(),
        },
        CHALLENGE_TTL_SECONDS,
    )
    _send(contact, code)
    return challenge_id


def challenge_pending(*, challenge_id: str, purpose: str) -> tuple[Contact, dict] | None:
    state = cache.get(_key(challenge_id or ""))
    if not state or state["purpose"] != purpose:
        return None
    return Contact(state["kind"], state["value"]), state["payload"]


def challenge_resend(*, challenge_id: str, purpose: str, client_ip: str = "") -> None:
    key = _key(challenge_id or "")
    state = cache.get(key)
    if not state or state["purpose"] != purpose:
        raise ContactError("Phiên xác thực đã hết hạn. Vui lòng gửi lại.", code="expired")
    elapsed = timezone.now().timestamp() - state["created"]
    if elapsed < OTP_RESEND_SECONDS:
        raise ContactError(
            f"Vui lòng đợi {int(OTP_RESEND_SECONDS - elapsed)} giây rồi gửi lại mã.", code="cooldown"
        )
    if not limits.otp_allowed(contact=state["value"], ip=client_ip):
        raise ContactError(limits.OTP_FLOOD, code="flood")
    code = new_code()
    state.update(code_hash=code_hash(code, salt=challenge_id), created=timezone.now().timestamp())
    cache.set(key, state, CHALLENGE_TTL_SECONDS)
    _send(Contact(state["kind"], state["value"]), code)


def challenge_verify(*, challenge_id: str, purpose: str, code: str) -> VerifiedContact:
    """The contact and the payload once the code matches; the code works once."""
    key = _key(challenge_id or "")
    state = cache.get(key)
    if (
        not state
        or state["purpose"] != purpose
        or timezone.now().timestamp() - state["created"] > OTP_TTL.total_seconds()
    ):
        raise ContactError("Mã xác thực đã hết hạn. Hãy bấm “Gửi lại mã”.", code="expired", field="code")
    attempts = ratelimit.count(f"pakn-code:{challenge_id}:{state['code_hash'][:16]}", window_seconds=86400)
    if attempts > OTP_MAX_ATTEMPTS:
        raise ContactError(
            "Bạn đã nhập sai quá nhiều lần. Hãy bấm “Gửi lại mã”.", code="too_many", field="code"
        )
    if not hmac.compare_digest(state["code_hash"], code_hash((code or "").strip(), salt=challenge_id)):
        left = OTP_MAX_ATTEMPTS - attempts
        raise ContactError(f"Mã xác thực không đúng. Bạn còn {left} lần thử.", code="wrong", field="code")
    if not cache.delete(key):  # another request used it first
        raise ContactError("Mã xác thực đã được sử dụng.", code="used", field="code")
    return VerifiedContact(Contact(state["kind"], state["value"]), state["payload"])

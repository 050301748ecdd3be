"""How often one network address or one phone number may sign up (defect 10).

A ward office, a library or a family shares one public address: a dozen people may register from it in an
hour, and each of them may mistype a few times. So failures never block anyone:

- every registration attempt from an address is counted; after ``captcha_after`` (5) in an hour, the form
  adds the accessible captcha question (as the sign-in form does after failed passwords);
- only ``hard_block_after`` (300) attempts in an hour, far above what a counter's queue can produce, refuse
  the address outright;
- successful sign-ups (a valid form, a code sent) are limited per address (``DVC_REGISTRATIONS_PER_IP_HOUR``)
  and, since each costs a text message to a phone, per phone number (``codes_per_phone`` (5) codes an hour,
  the first code and each "gửi lại mã" alike).

Counts use ``dichvucong.core.ratelimit.hit`` (shared by every process). Every number is a setting.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from dichvucong.core import ratelimit

HOUR = 3600
_CAPTCHA_FLAG = "accounts:registration-captcha:{ip}"


def captcha_after() -> int:
    return getattr(settings, "DVC_REGISTRATION_CAPTCHA_AFTER", 5)


def hard_block_after() -> int:
    return getattr(settings, "DVC_REGISTRATION_ATTEMPTS_PER_IP_HOUR", 300)


def successes_per_ip() -> int:
    return settings.DVC_REGISTRATIONS_PER_IP_HOUR


def codes_per_phone() -> int:
    return getattr(settings, "DVC_REGISTRATION_CODES_PER_PHONE_HOUR", 5)


def registration_needs_captcha(*, ip: str) -> bool:
    """True once the address made more than ``captcha_after()`` attempts within the last hour."""
    return bool(cache.get(_CAPTCHA_FLAG.format(ip=ip)))


def registration_attempt(*, ip: str) -> bool:
    """Count one attempt (any submitted form) from ``ip``; False only when the address is hard-blocked.

    Crossing ``captcha_after()`` turns the captcha on for this address for an hour.
    """
    if not ratelimit.hit(f"register-attempt:{ip}", limit=captcha_after(), window_seconds=HOUR):
        cache.set(_CAPTCHA_FLAG.format(ip=ip), True, HOUR)
    return ratelimit.hit(f"register-attempt-hard:{ip}", limit=hard_block_after(), window_seconds=HOUR)


def registration_success_allowed(*, ip: str) -> bool:
    """Count one successful sign-up from ``ip``; False once the address had its hour's share."""
    return ratelimit.hit(f"register-ok:{ip}", limit=successes_per_ip(), window_seconds=HOUR)


def registration_code_allowed(*, phone: str) -> bool:
    """Count one sign-up code for ``phone`` (normalised +84… form); False once it had its hour's share."""
    return ratelimit.hit(f"register-phone:{phone}", limit=codes_per_phone(), window_seconds=HOUR)

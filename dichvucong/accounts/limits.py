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

Sign-in (web form and ``POST /api/v1/auth/token``, defect 11): wrong passwords are counted per network
address, whatever the identifier. After ``login_failures_per_ip()`` (30) in a window of
``login_failure_window()`` (15 minutes) the address is refused until the window ends: 429, and the
password is not even checked. This does not rely on the captcha (a script answers it). 30 is far above what
a ward office's shared address produces (a dozen people, each mistyping once or twice, in a quarter hour)
and far below what guessing needs; django-axes still locks one identifier from one address after 5.
"""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import ngettext

from dichvucong.core import ratelimit

HOUR = 3600
_CAPTCHA_FLAG = "accounts:registration-captcha:{ip}"
_LOGIN_BLOCK_FLAG = "accounts:login-blocked:{ip}"


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


def ratelimit_now() -> float:
    """The clock the windows are cut by (tests set it, as they set core.ratelimit's)."""
    return time.time()


def login_failures_per_ip() -> int:
    return getattr(settings, "DVC_LOGIN_FAILURES_PER_IP_WINDOW", 30)


def login_failure_window() -> int:
    return getattr(settings, "DVC_LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60)


def login_blocked_for(*, ip: str) -> int:
    """Seconds ``ip`` must still wait before a password is checked again; 0 when it may try now."""
    until = cache.get(_LOGIN_BLOCK_FLAG.format(ip=ip))
    if not until:
        return 0
    return max(0, math.ceil(until - ratelimit_now()))


def login_failure_record(*, ip: str) -> int:
    """Count one wrong password (or unknown identifier) from ``ip``.

    Returns the seconds the address is now refused: 0 until this failure reaches the window's limit, then
    the rest of the window (the counter's window, so every process agrees when it ends).
    """
    window = login_failure_window()
    failures = ratelimit.count(f"login-fail:{ip}", window_seconds=window)
    if failures < login_failures_per_ip():
        return 0
    now = ratelimit_now()
    until = (now // window + 1) * window
    wait = max(1, math.ceil(until - now))
    cache.set(_LOGIN_BLOCK_FLAG.format(ip=ip), until, wait)
    return wait


def login_throttled_payload(*, seconds: int) -> dict:
    """The 429 body (API) and page text (web) for an address over its sign-in failures."""
    minutes = max(1, math.ceil(seconds / 60))
    detail = ngettext(
        "Có quá nhiều lần đăng nhập sai từ địa chỉ mạng của bạn. Vui lòng thử lại sau %(minutes)s phút.",
        "Có quá nhiều lần đăng nhập sai từ địa chỉ mạng của bạn. Vui lòng thử lại sau %(minutes)s phút.",
        minutes,
    ) % {"minutes": minutes}
    return {"detail": detail, "retry_after": seconds}


def lockout_payload() -> dict:
    """The 429 body of django-axes' lockout (one identifier from one address failed too often)."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    minutes = max(1, seconds // 60)
    detail = ngettext(
        "Đăng nhập tạm khóa do nhập sai nhiều lần. Vui lòng thử lại sau %(minutes)s phút.",
        "Đăng nhập tạm khóa do nhập sai nhiều lần. Vui lòng thử lại sau %(minutes)s phút.",
        minutes,
    ) % {"minutes": minutes}
    return {"detail": detail, "retry_after": seconds}

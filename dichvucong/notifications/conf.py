"""Notification settings with their defaults.

Every value is read when it is needed (so `override_settings` works in tests), in this order: a Django
setting defined in config/settings.py or by a test, then an environment variable of the same name, then the
default below. Names and meanings are listed in the module docstring of each provider and in
docs (see the app README in this folder).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings

from dichvucong.core.modes import demo_mode

T = TypeVar("T")

# Retry after 1 min, 5 min, 30 min, 2 h: five attempts in all.
DEFAULT_RETRY_DELAYS = (60, 300, 1800, 7200)
# Per recipient and channel: (window in seconds, most messages in that window).
DEFAULT_RATE_LIMITS: dict[str, list[tuple[int, int]]] = {
    "sms": [(15 * 60, 5), (24 * 3600, 20)],
    "zalo": [(15 * 60, 5), (24 * 3600, 20)],
    "email": [(15 * 60, 10), (24 * 3600, 50)],
}


def _as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


def _as_int(value: Any) -> int:
    return int(value)


def _as_str(value: Any) -> str:
    return "" if value is None else str(value)


def value(name: str, default: T, cast: Callable[[Any], T] = _as_str) -> T:  # type: ignore[assignment]
    """A setting: the Django setting if the project or a test set it, else the environment, else `default`."""
    if settings.is_overridden(name) and getattr(settings, name) is not None:
        return cast(getattr(settings, name))
    if name in os.environ:
        return cast(os.environ[name])
    current = getattr(settings, name, None)
    return cast(default if current is None else current)


def flag(name: str, default: bool = False) -> bool:
    return value(name, default, _as_bool)


def number(name: str, default: int) -> int:
    return value(name, default, _as_int)


def text(name: str, default: str = "") -> str:
    return value(name, default, _as_str)


# --- channels and providers ---------------------------------------------------------------------------


# Outside demo mode: e-mail goes by SMTP, SMS must be chosen (the portal refuses to start without it),
# Zalo is off until configured. In demo mode every channel defaults to its offline demo provider.
PRODUCTION_DEFAULTS = {"email": "smtp", "sms": "", "zalo": ""}
OFF = {"", "none", "off", "0", "false", "no"}


def provider_name(channel: str) -> str:
    """DVC_EMAIL_PROVIDER (smtp | demo), DVC_SMS_PROVIDER (esms | demo), DVC_ZALO_PROVIDER (zns | demo |
    none): the provider a channel uses, "" when the channel is off. Demo providers are refused outside
    demo mode (registry.provider_get)."""
    default = "demo" if demo_mode() else PRODUCTION_DEFAULTS.get(channel, "")
    name = text(f"DVC_{channel.upper()}_PROVIDER", default).strip().lower()
    return "" if name in OFF else name


def dev_mode() -> bool:
    """A developer machine: DEBUG or DVC_DEV=1. Sensitive bodies (OTPs) may be shown on the outbox page."""
    return bool(settings.DEBUG) or flag("DVC_DEV", False)


# --- delivery -----------------------------------------------------------------------------------------


def retry_delays() -> tuple[int, ...]:
    """`DVC_NOTIFY_RETRY_DELAYS`: seconds to wait before each retry, e.g. "60,300,1800,7200"."""
    raw = value("DVC_NOTIFY_RETRY_DELAYS", DEFAULT_RETRY_DELAYS, lambda v: v)
    if isinstance(raw, str):
        raw = [part for part in raw.split(",") if part.strip()]
    return tuple(int(part) for part in raw)


def max_attempts() -> int:
    """`DVC_NOTIFY_MAX_ATTEMPTS`: defaults to one first attempt plus one per retry delay."""
    return number("DVC_NOTIFY_MAX_ATTEMPTS", len(retry_delays()) + 1)


def lease_seconds() -> int:
    """`DVC_NOTIFY_LEASE_SECONDS`: seconds a worker owns a message it is sending (> any timeout)."""
    return number("DVC_NOTIFY_LEASE_SECONDS", 120)


def sweep_batch_size() -> int:
    return number("DVC_NOTIFY_SWEEP_BATCH", 500)


def rate_limits(channel: str) -> list[tuple[int, int]]:
    """`DVC_NOTIFY_RATE_LIMITS`: {"sms": [[900, 5], [86400, 20]], …}; JSON in the environment."""
    raw = value("DVC_NOTIFY_RATE_LIMITS", DEFAULT_RATE_LIMITS, lambda v: v)
    if isinstance(raw, str):
        raw = json.loads(raw)
    return [(int(window), int(limit)) for window, limit in raw.get(channel, [])]


def combine_seconds() -> int:
    """`DVC_NOTIFY_COMBINE_SECONDS`: a service SMS or e-mail waits this long so that news arriving within
    it for the same address goes out as one message (0: no wait, still combined with what is pending)."""
    return max(0, number("DVC_NOTIFY_COMBINE_SECONDS", 60))


def sms_max_segments() -> int:
    """`DVC_NOTIFY_SMS_MAX_SEGMENTS`: the most parts a combined SMS may have (153 GSM-7 or 67 Unicode
    characters each); what does not fit goes in the next SMS."""
    return max(1, number("DVC_NOTIFY_SMS_MAX_SEGMENTS", 3))


def email_max_combined() -> int:
    """`DVC_NOTIFY_EMAIL_MAX_COMBINED`: the most notices combined into one e-mail."""
    return max(1, number("DVC_NOTIFY_EMAIL_MAX_COMBINED", 10))


# --- e-mail (SMTP) ------------------------------------------------------------------------------------


def email_from() -> str:
    return text("DEFAULT_FROM_EMAIL", "Dịch vụ công <no-reply@localhost>")


def smtp_options() -> dict[str, Any]:
    """Django's own EMAIL_* names; set in settings or, when settings leave them at Django's defaults, env."""
    return {
        "backend": text("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"),
        "host": text("EMAIL_HOST", "localhost"),
        "port": number("EMAIL_PORT", 25),
        "username": text("EMAIL_HOST_USER", ""),
        "password": text("EMAIL_HOST_PASSWORD", ""),
        "use_tls": flag("EMAIL_USE_TLS", False),
        "use_ssl": flag("EMAIL_USE_SSL", False),
        "timeout": number("EMAIL_TIMEOUT", 15),
    }


# --- eSMS ---------------------------------------------------------------------------------------------


def esms_options() -> dict[str, Any]:
    return {
        "api_key": text("DVC_ESMS_API_KEY"),
        "secret_key": text("DVC_ESMS_SECRET_KEY"),
        "brandname": text("DVC_ESMS_BRANDNAME"),
        "base_url": text("DVC_ESMS_BASE_URL", "https://rest.esms.vn/MainService.svc/json/"),
        "sms_type": text("DVC_ESMS_SMS_TYPE", "2"),
        "unicode": flag("DVC_ESMS_UNICODE", False),
        "sandbox": flag("DVC_ESMS_SANDBOX", False),
        "callback_url": text("DVC_ESMS_CALLBACK_URL"),
        "timeout": float(text("DVC_ESMS_TIMEOUT", "10")),
    }


def demo_sms_unicode() -> bool:
    """`DVC_DEMO_SMS_UNICODE`: the demo SMS provider keeps diacritics only if on (as eSMS)."""
    return flag("DVC_DEMO_SMS_UNICODE", False)


# --- Zalo ZNS -----------------------------------------------------------------------------------------


def zns_options() -> dict[str, Any]:
    return {
        "access_token": text("DVC_ZALO_ACCESS_TOKEN"),
        "base_url": text("DVC_ZALO_BASE_URL", "https://business.openapi.zalo.me"),
        "development": flag("DVC_ZALO_DEVELOPMENT_MODE", False),
        "timeout": float(text("DVC_ZALO_TIMEOUT", "10")),
        "templates": zns_templates(),
    }


def zns_templates() -> dict[str, str]:
    """`DVC_ZALO_TEMPLATES`: approved ZNS template id per event, {"otp.login": "123456"} or
    "otp.login=123456,otp.register=123457" in the environment."""
    raw = value("DVC_ZALO_TEMPLATES", {}, lambda v: v)
    if isinstance(raw, str):
        pairs = (item.split("=", 1) for item in raw.split(",") if "=" in item)
        raw = {event.strip(): template.strip() for event, template in pairs}
    return {str(event): str(template) for event, template in raw.items()}

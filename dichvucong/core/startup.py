"""What the portal checks before it serves anyone: outside demo mode, no offline demo provider is configured
and every channel production needs has a real one. ``CoreConfig.ready()`` runs ``configuration_check()``, so
the web server, the task worker and every management command refuse to start on such a configuration and say
why (one line per setting, in Vietnamese and English).

Demo providers (the fake bank, the SMS/e-mail/Zalo outbox, the demo post office, the demo identity provider
and national portal) move no money and reach nobody: configured in production they would mark fees paid
without payment and swallow citizens' messages. They exist only in demo mode (``DVC_DEMO=1``, on by default
on a developer machine); each registry also refuses them at run time.

The registries are asked for the names in use (each applies its own defaults), imported when checked so
that this module does not tie core to them at import time.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from dichvucong.core.modes import demo_mode

DEMO_ONLY = "chỉ dùng ở chế độ trình diễn / demo providers work only in demo mode (DVC_DEMO=1)"


def _names(setting: str, default: str) -> list[str]:
    """A comma list from the Django setting if defined, else the environment, else ``default``."""
    raw = getattr(settings, setting, None)
    if raw is None:
        raw = os.environ.get(setting, default)
    if isinstance(raw, str):
        raw = raw.split(",")
    return [str(name).strip().lower() for name in raw if str(name).strip()]


def _reason(setting: str, what: tuple[str, str], names: list[str]) -> str:
    """``what``: the kind of provider in Vietnamese and in English."""
    quoted = ", ".join(repr(name) for name in names)
    return f"{setting} chọn {what[0]} thử nghiệm {quoted} / names the demo {what[1]} {quoted}: {DEMO_ONLY}"


def _payment_reasons() -> list[str]:
    from dichvucong.payments.gateways.registry import demo_names_configured

    names = demo_names_configured()
    return [_reason("DVC_PAYMENT_GATEWAYS", ("cổng thanh toán", "payment gateway"), names)] if names else []


def _notification_reasons() -> list[str]:
    from dichvucong.notifications import conf, registry

    reasons = []
    for channel, what in (
        ("email", ("nhà cung cấp e-mail", "e-mail provider")),
        ("sms", ("nhà cung cấp SMS", "SMS provider")),
        ("zalo", ("nhà cung cấp Zalo", "Zalo provider")),
    ):
        setting = f"DVC_{channel.upper()}_PROVIDER"
        name = conf.provider_name(channel)
        if name and registry.provider_is_demo(channel, name):
            reasons.append(_reason(setting, what, [name]))
    sms = conf.provider_name("sms")
    if not sms:
        reasons.append(
            "DVC_SMS_PROVIDER chưa đặt: mã OTP và thông báo cần một nhà cung cấp SMS thật / is not set: "
            "one-time codes and notices need a real SMS provider: set DVC_SMS_PROVIDER=esms with "
            "DVC_ESMS_API_KEY, DVC_ESMS_SECRET_KEY and DVC_ESMS_BRANDNAME"
        )
    elif sms == "esms":
        options = conf.esms_options()
        missing = [
            f"DVC_ESMS_{key.upper()}" for key in ("api_key", "secret_key", "brandname") if not options[key]
        ]
        if missing:
            reasons.append(
                f"DVC_SMS_PROVIDER=esms thiếu {', '.join(missing)} / DVC_SMS_PROVIDER=esms lacks "
                f"{', '.join(missing)}: no SMS could be sent"
            )
    return reasons


def _carrier_reasons() -> list[str]:
    from dichvucong.delivery import conf
    from dichvucong.delivery.carriers.registry import carrier_is_demo

    name = conf.carrier_name()
    if name and carrier_is_demo(name):
        return [_reason("DVC_DELIVERY_CARRIER", ("đơn vị bưu chính", "postal carrier"), [name])]
    return []


def _identity_reasons() -> list[str]:
    """Identity providers, the national portal and the key that signs results: any name "demo" is the
    offline stand-in (a generated key signs nothing anyone should trust)."""
    reasons = []
    for setting, what in (
        ("DVC_IDENTITY_PROVIDERS", ("nhà cung cấp định danh", "identity provider")),
        ("DVC_NATIONAL_PORTAL", ("Cổng Dịch vụ công quốc gia", "national portal")),
        ("DVC_ESIGN_PROVIDER", ("khóa ký số kết quả", "result-signing key")),
    ):
        names = [name for name in _names(setting, "demo" if demo_mode() else "") if name == "demo"]
        if names:
            reasons.append(_reason(setting, what, names))
    discovery = str(getattr(settings, "DVC_VNEID_DISCOVERY_URL", "") or "")
    if "vneid" in _names("DVC_IDENTITY_PROVIDERS", "") and not discovery.startswith("https://"):
        reasons.append(
            "DVC_VNEID_DISCOVERY_URL phải là địa chỉ https của VNeID (nhà cung cấp cục bộ chỉ dùng thử) / "
            f"must be the https discovery URL of VNeID (a local provider is for demos only): {discovery!r}"
        )
    return reasons


def demo_providers_configured() -> list[str]:
    """One reason per setting that names a demo provider, or that production needs and lacks (SMS).
    Meaningful outside demo mode (in demo mode the defaults are the demo providers themselves)."""
    return [
        *_payment_reasons(),
        *_notification_reasons(),
        *_carrier_reasons(),
        *_identity_reasons(),
    ]


def configuration_check() -> None:
    """Outside demo mode, refuse to start with a demo provider configured (every reason listed)."""
    if demo_mode():
        return
    reasons = demo_providers_configured()
    if reasons:
        lines = "\n".join(f"  - {reason}" for reason in reasons)
        raise ImproperlyConfigured(
            "Cổng dịch vụ công không khởi động: cấu hình chưa dùng được cho vận hành thật / "
            f"the portal refuses to start: this configuration is not fit for production:\n{lines}\n"
            "Đặt nhà cung cấp thật, hoặc DVC_DEMO=1 cho bản trình diễn / Configure real providers, "
            "or set DVC_DEMO=1 for a demo installation."
        )

"""Gateways by name. Enabled ones come from ``DVC_PAYMENT_GATEWAYS`` (comma list; default: the demo gateway
in demo mode, none otherwise). Outside demo mode a demo gateway (``is_demo``) is never handed out, whatever
the setting says, and the portal refuses to start with one configured (core.startup).
"""

from __future__ import annotations

import importlib
import os

from django.conf import settings

from dichvucong.core.modes import demo_mode
from dichvucong.payments.gateways.base import Gateway

_gateways: dict[str, type[Gateway]] = {}
BUILT_IN = ("demo", "vnpay")
_loaded = False


def register(cls: type[Gateway]) -> type[Gateway]:
    """Class decorator: make a gateway available under ``cls.name`` (plugins call it on import)."""
    _gateways[cls.name] = cls
    return cls


def unregister(cls: type[Gateway]) -> None:
    _gateways.pop(cls.name, None)


def _ensure_loaded() -> None:
    global _loaded
    if not _loaded:
        for module in BUILT_IN:
            importlib.import_module(f"dichvucong.payments.gateways.{module}")
        for path in getattr(settings, "DVC_PAYMENT_GATEWAY_PLUGINS", ()):  # extra modules that register()
            importlib.import_module(path)
        _loaded = True


def configured_names() -> list[str]:
    """The names ``DVC_PAYMENT_GATEWAYS`` lists (the Django setting, else the environment), as written."""
    configured = getattr(settings, "DVC_PAYMENT_GATEWAYS", None)
    if configured is None:
        configured = os.environ.get("DVC_PAYMENT_GATEWAYS", "demo" if demo_mode() else "")
    if isinstance(configured, str):
        configured = [name.strip() for name in configured.split(",")]
    return [name for name in configured if name]


def enabled_names() -> list[str]:
    """The configured gateways that may be used here (outside demo mode, no demo gateway)."""
    return [name for name in configured_names() if demo_mode() or not gateway_is_demo(name)]


def gateway_is_demo(name: str) -> bool:
    try:
        return gateway_class(name).is_demo
    except LookupError:
        return False


def demo_names_configured() -> list[str]:
    """The demo gateways ``DVC_PAYMENT_GATEWAYS`` names (the startup check refuses them outside demo mode)."""
    return [name for name in configured_names() if gateway_is_demo(name)]


def gateway_class(name: str) -> type[Gateway]:
    _ensure_loaded()
    try:
        return _gateways[name]
    except KeyError:
        raise LookupError(f"No payment gateway named {name!r}") from None


def gateway_label(name: str) -> str:
    """The name people read for a gateway ("demo" -> its label); cash and unknown names as they are."""
    if name == "cash":
        return "Tiền mặt"
    try:
        return str(gateway_class(name).label)
    except LookupError:
        return name


def gateway_get(name: str, *, enabled_only: bool = True) -> Gateway:
    """A gateway to use. ``enabled_only=False`` also gives a configured-out one (refunds of old payments),
    but a demo gateway is never given outside demo mode: it moves no money and its fake bank is off."""
    if enabled_only and name not in enabled_names():
        raise LookupError(f"Payment gateway {name!r} is not enabled")
    cls = gateway_class(name)
    if cls.is_demo and not demo_mode():
        raise LookupError(f"Payment gateway {name!r} is a demo gateway: only in demo mode (DVC_DEMO=1)")
    return cls()


def enabled_gateways() -> list[Gateway]:
    out = []
    for name in enabled_names():
        try:
            out.append(gateway_get(name))
        except LookupError:
            continue
    return out

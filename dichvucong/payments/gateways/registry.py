"""Gateways by name. Enabled ones come from ``DVC_PAYMENT_GATEWAYS`` (default: the demo gateway only)."""

from __future__ import annotations

import importlib
import os

from django.conf import settings

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


def enabled_names() -> list[str]:
    configured = getattr(settings, "DVC_PAYMENT_GATEWAYS", None)
    if configured is None:
        configured = os.environ.get("DVC_PAYMENT_GATEWAYS", "demo")
    if isinstance(configured, str):
        configured = [name.strip() for name in configured.split(",")]
    return [name for name in configured if name]


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
    if enabled_only and name not in enabled_names():
        raise LookupError(f"Payment gateway {name!r} is not enabled")
    return gateway_class(name)()


def enabled_gateways() -> list[Gateway]:
    out = []
    for name in enabled_names():
        try:
            out.append(gateway_get(name))
        except LookupError:
            continue
    return out

"""Providers by channel and name. The provider in use for a channel comes from conf.provider_name()."""

from __future__ import annotations

import importlib

from dichvucong.core.modes import demo_mode
from dichvucong.notifications import conf
from dichvucong.notifications.providers.base import Provider

_providers: dict[tuple[str, str], type[Provider]] = {}


def register(cls: type[Provider]) -> type[Provider]:
    """Class decorator: make a provider available under (cls.channel, cls.name)."""
    _providers[(cls.channel, cls.name)] = cls
    return cls


def unregister(cls: type[Provider]) -> None:
    _providers.pop((cls.channel, cls.name), None)


BUILT_IN = ("demo", "smtp", "esms", "zns")
_loaded = False


def _ensure_loaded() -> None:
    """Import the built-in provider modules once; each registers its classes."""
    global _loaded
    if not _loaded:
        for module in BUILT_IN:
            importlib.import_module(f"dichvucong.notifications.providers.{module}")
        _loaded = True


def provider_class(channel: str, name: str) -> type[Provider]:
    _ensure_loaded()
    try:
        return _providers[(channel, name)]
    except KeyError:
        raise LookupError(f"No {channel} provider named {name!r}") from None


def provider_get(channel: str, name: str) -> Provider:
    """A provider to send with. A demo provider (``is_demo``) only in demo mode (DVC_DEMO=1): elsewhere it
    would swallow real citizens' messages."""
    cls = provider_class(channel, name)
    if cls.is_demo and not demo_mode():
        raise LookupError(
            f"The {channel} provider {name!r} is a demo provider: only in demo mode (DVC_DEMO=1)"
        )
    return cls()


def provider_for_channel(channel: str) -> Provider:
    """The configured provider: DVC_EMAIL_PROVIDER, DVC_SMS_PROVIDER, DVC_ZALO_PROVIDER."""
    name = conf.provider_name(channel)
    if not name:
        raise LookupError(f"No {channel} provider configured (DVC_{channel.upper()}_PROVIDER)")
    return provider_get(channel, name)


def channel_enabled(channel: str) -> bool:
    """Whether messages may be queued on this channel: a provider is configured (Zalo may be off)."""
    return bool(conf.provider_name(channel))


def provider_is_demo(channel: str, name: str) -> bool:
    try:
        return provider_class(channel, name).is_demo
    except LookupError:
        return False


def provider_names(channel: str) -> list[str]:
    _ensure_loaded()
    return sorted(name for (kind, name) in _providers if kind == channel)

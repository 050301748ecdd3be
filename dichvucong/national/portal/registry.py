"""National-portal adapters by name; the one in use comes from DVC_NATIONAL_PORTAL. A demo adapter
(``is_demo``) is used only in demo mode (DVC_DEMO=1): ``portal_get`` refuses it elsewhere, and
``core.startup`` refuses to start with it configured."""

from __future__ import annotations

import importlib

from dichvucong.core.modes import demo_mode
from dichvucong.national import conf
from dichvucong.national.portal.base import NationalPortal

_portals: dict[str, type[NationalPortal]] = {}
BUILT_IN = ("demo", "dvcqg")
_loaded = False


def register(cls: type[NationalPortal]) -> type[NationalPortal]:
    """Class decorator: make an adapter available under ``cls.name``."""
    _portals[cls.name] = cls
    return cls


def _ensure_loaded() -> None:
    global _loaded
    if not _loaded:
        for module in BUILT_IN:
            importlib.import_module(f"dichvucong.national.portal.{module}")
        _loaded = True


def portal_class(name: str) -> type[NationalPortal]:
    _ensure_loaded()
    try:
        return _portals[name]
    except KeyError:
        raise LookupError(f"No national-portal adapter named {name!r}") from None


def portal_get(name: str) -> NationalPortal:
    cls = portal_class(name)
    if cls.is_demo and not demo_mode():
        raise LookupError(f"The national-portal adapter {name!r} is a demo: only in demo mode (DVC_DEMO=1)")
    return cls()


def portal_is_demo(name: str) -> bool:
    try:
        return portal_class(name).is_demo
    except LookupError:
        return False


def portal_default() -> NationalPortal | None:
    """The configured adapter, or None when sync is off. Raises LookupError for an unknown or refused one."""
    name = conf.portal_name()
    return portal_get(name) if name else None

"""Carriers by name; the one used for new orders comes from DVC_DELIVERY_CARRIER. A demo carrier
(``is_demo``) is used only in demo mode (DVC_DEMO=1); elsewhere ``carrier_get`` refuses it, while its label
is still shown for old orders (``carrier_label``)."""

from __future__ import annotations

import importlib

from dichvucong.core.modes import demo_mode
from dichvucong.delivery import conf
from dichvucong.delivery.carriers.base import Carrier

_carriers: dict[str, type[Carrier]] = {}
BUILT_IN = ("demo", "vnpost")
_loaded = False


def register(cls: type[Carrier]) -> type[Carrier]:
    """Class decorator: make a carrier available under ``cls.name``."""
    _carriers[cls.name] = cls
    return cls


def unregister(cls: type[Carrier]) -> None:
    _carriers.pop(cls.name, None)


def _ensure_loaded() -> None:
    global _loaded
    if not _loaded:
        for module in BUILT_IN:
            importlib.import_module(f"dichvucong.delivery.carriers.{module}")
        _loaded = True


def carrier_class(name: str) -> type[Carrier]:
    _ensure_loaded()
    try:
        return _carriers[name]
    except KeyError:
        raise LookupError(f"No carrier named {name!r}") from None


def carrier_get(name: str) -> Carrier:
    """A carrier to send orders to; a demo carrier only in demo mode."""
    cls = carrier_class(name)
    if cls.is_demo and not demo_mode():
        raise LookupError(f"The carrier {name!r} is a demo carrier: only in demo mode (DVC_DEMO=1)")
    return cls()


def carrier_label(name: str) -> str:
    """The carrier's name for people (any carrier, for display); an unknown name as it is."""
    try:
        return str(carrier_class(name).label)
    except LookupError:
        return name


def carrier_is_demo(name: str) -> bool:
    try:
        return carrier_class(name).is_demo
    except LookupError:
        return False


def carrier_default() -> Carrier:
    return carrier_get(conf.carrier_name())


def carrier_names() -> list[str]:
    _ensure_loaded()
    return sorted(_carriers)

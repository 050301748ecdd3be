"""Carriers by name; the one used for new orders comes from DVC_DELIVERY_CARRIER."""

from __future__ import annotations

import importlib

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


def carrier_get(name: str) -> Carrier:
    _ensure_loaded()
    try:
        return _carriers[name]()
    except KeyError:
        raise LookupError(f"No carrier named {name!r}") from None


def carrier_default() -> Carrier:
    return carrier_get(conf.carrier_name())


def carrier_names() -> list[str]:
    _ensure_loaded()
    return sorted(_carriers)

"""Carriers by name; the one used for new orders comes from DVC_DELIVERY_CARRIER. A demo carrier
(``is_demo``) is used only in demo mode (DVC_DEMO=1); elsewhere ``carrier_get`` refuses it, while its label
is still shown for old orders (``carrier_label``)."""

from __future__ import annotations

from dichvucong.core.registry import Registry
from dichvucong.delivery import conf
from dichvucong.delivery.carriers.base import Carrier

_carriers: Registry[Carrier] = Registry(
    package="dichvucong.delivery.carriers", built_in=("demo", "vnpost"), what="carrier"
)
register = _carriers.register
unregister = _carriers.unregister
carrier_class = _carriers.get_class
carrier_get = _carriers.get  # a carrier to send orders to; a demo carrier only in demo mode
carrier_is_demo = _carriers.is_demo
carrier_names = _carriers.names


def carrier_label(name: str) -> str:
    """The carrier's name for people (any carrier, for display); an unknown name as it is."""
    try:
        return str(carrier_class(name).label)
    except LookupError:
        return name


def carrier_default() -> Carrier:
    return carrier_get(conf.carrier_name())

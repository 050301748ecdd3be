"""National-portal adapters by name; the one in use comes from DVC_NATIONAL_PORTAL. A demo adapter
(``is_demo``) is used only in demo mode (DVC_DEMO=1): ``portal_get`` refuses it elsewhere, and
``core.startup`` refuses to start with it configured."""

from __future__ import annotations

from dichvucong.core.registry import Registry
from dichvucong.national import conf
from dichvucong.national.portal.base import NationalPortal

_portals: Registry[NationalPortal] = Registry(
    package="dichvucong.national.portal", built_in=("demo", "dvcqg"), what="national-portal adapter"
)
register = _portals.register
portal_class = _portals.get_class
portal_get = _portals.get
portal_is_demo = _portals.is_demo


def portal_default() -> NationalPortal | None:
    """The configured adapter, or None when sync is off. Raises LookupError for an unknown or refused one."""
    name = conf.portal_name()
    return portal_get(name) if name else None

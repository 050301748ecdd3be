"""Which kind of installation this is: a developer machine, a demo, or production.

- ``dev_mode()``: DEBUG or DVC_DEV=1 (a developer machine: readable one-time codes, no TLS redirect).
- ``demo_mode()``: DVC_DEMO=1, on by default on a developer machine. Only in demo mode may an offline demo
  provider (payment gateway, SMS/e-mail outbox, postal carrier, identity provider, national portal) be
  configured or used; registries refuse them otherwise, and the portal refuses to start with one configured.

Both are read when asked (tests change them with ``settings``).
"""

from __future__ import annotations

from django.conf import settings


def dev_mode() -> bool:
    return bool(settings.DEBUG) or bool(getattr(settings, "DVC_DEV", False))


def demo_mode() -> bool:
    return bool(getattr(settings, "DVC_DEMO_MODE", False))

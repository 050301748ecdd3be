"""Delivery settings. Each is a Django setting if config/settings.py (or a test) sets it, otherwise the
environment variable of the same name, otherwise the default here (the notifications app's reader).

| name | default | meaning |
|---|---|---|
| DVC_DELIVERY_CARRIER | demo (demo mode), none | carrier for new orders: vnpost, none, demo (demo only) |
| DVC_DELIVERY_RETRY_DELAYS | 60,300,1800,7200,21600 | seconds before each new try of a failed order call |
| DVC_DELIVERY_POLL_SECONDS | 1800 | poll a shipment's status at most this often (carriers that allow it) |
| DVC_DELIVERY_LEASE_SECONDS | 120 | how long one worker owns an order call (> the carrier timeout) |
| DVC_DELIVERY_WEBHOOK_MAX_BYTES | 65536 | larger webhook bodies are refused (413) |
| DVC_VNPOST_* | see carriers/vnpost.py | the national postal carrier's API |
"""

from __future__ import annotations

from dichvucong.core.modes import demo_mode
from dichvucong.notifications.conf import OFF, dev_mode, flag, number, text, value

__all__ = ["demo_mode", "dev_mode", "flag", "number", "text", "value"]


def carrier_name() -> str:
    """The carrier for new orders; "" when none is configured (outside demo mode by default)."""
    name = text("DVC_DELIVERY_CARRIER", "demo" if demo_mode() else "").strip().lower()
    return "" if name in OFF else name


def retry_delays() -> tuple[int, ...]:
    raw = value("DVC_DELIVERY_RETRY_DELAYS", (60, 300, 1800, 7200, 21600), lambda v: v)
    if isinstance(raw, str):
        raw = [part for part in raw.split(",") if part.strip()]
    return tuple(int(part) for part in raw)


def poll_seconds() -> int:
    return number("DVC_DELIVERY_POLL_SECONDS", 1800)


def lease_seconds() -> int:
    return number("DVC_DELIVERY_LEASE_SECONDS", 120)


def webhook_max_bytes() -> int:
    return number("DVC_DELIVERY_WEBHOOK_MAX_BYTES", 65536)

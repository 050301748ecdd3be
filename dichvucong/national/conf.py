"""National-portal sync settings. Each is a Django setting if config/settings.py (or a test) sets it,
otherwise the environment variable of the same name, otherwise the default here (the notifications app's
reader).

| name | default | meaning |
|---|---|---|
| DVC_NATIONAL_PORTAL | demo (demo mode), none | adapter: dvcqg, none, demo (demo mode only) |
| DVC_NATIONAL_RETRY_DELAYS | 30,60,300,900,1800,3600 | seconds before each new try; the last repeats |
| DVC_NATIONAL_MAX_ATTEMPTS | 30 | failed tries in a row before the sync is dead (about a day) |
| DVC_NATIONAL_LEASE_SECONDS | 120 | how long one worker owns a dossier's push (> the portal timeout) |
| DVC_NATIONAL_SWEEP_BATCH | 500 | dossiers the sweeper enqueues per run |
| DVC_NATIONAL_RECONCILE_HOURS | 48 | how far back the sweeper looks for changes missing from the outbox |
| DVC_NATIONAL_* | see portal/dvcqg.py | the national portal's API |
| DVC_NATIONAL_INBOUND_SECRET | (empty: inbound off) | shared secret of the signed inbound dossier endpoint |
| DVC_NATIONAL_INBOUND_SKEW | 300 | seconds a signed request's timestamp may differ from our clock |
| DVC_NATIONAL_INBOUND_MAX_BYTES | 52428800 | largest inbound request body (files in base64 included) |
"""

from __future__ import annotations

from dichvucong.core.modes import demo_mode
from dichvucong.notifications.conf import OFF, number, text, value

__all__ = ["number", "text", "value"]


def portal_name() -> str:
    """The adapter the sync pushes through; "" when sync is off (outside demo mode by default)."""
    name = text("DVC_NATIONAL_PORTAL", "demo" if demo_mode() else "").strip().lower()
    return "" if name in OFF else name


def retry_delays() -> tuple[int, ...]:
    raw = value("DVC_NATIONAL_RETRY_DELAYS", (30, 60, 300, 900, 1800, 3600), lambda v: v)
    if isinstance(raw, str):
        raw = [part for part in raw.split(",") if part.strip()]
    return tuple(int(part) for part in raw) or (60,)


def retry_delay(attempt: int) -> int:
    """Seconds to wait after failed try number ``attempt`` (1-based); the last delay repeats."""
    delays = retry_delays()
    return delays[min(max(attempt, 1) - 1, len(delays) - 1)]


def max_attempts() -> int:
    return max(1, number("DVC_NATIONAL_MAX_ATTEMPTS", 30))


def lease_seconds() -> int:
    return number("DVC_NATIONAL_LEASE_SECONDS", 120)


def sweep_batch() -> int:
    return number("DVC_NATIONAL_SWEEP_BATCH", 500)


def reconcile_hours() -> int:
    return number("DVC_NATIONAL_RECONCILE_HOURS", 48)


def inbound_secret() -> str:
    """The secret the national portal signs inbound dossiers with; "" when inbound is off."""
    return text("DVC_NATIONAL_INBOUND_SECRET", "").strip()


def inbound_skew() -> int:
    return max(1, number("DVC_NATIONAL_INBOUND_SKEW", 300))


def inbound_max_bytes() -> int:
    return number("DVC_NATIONAL_INBOUND_MAX_BYTES", 50 * 1024 * 1024)

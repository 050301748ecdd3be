"""Settings of the ratings app, each with a default (override in config/settings.py or the environment)."""

from __future__ import annotations

from django.conf import settings


def code_days() -> int:
    """How long a counter rating code stays valid after it is issued."""
    return int(getattr(settings, "DVC_RATING_CODE_DAYS", 30))


def kiosk_per_ip() -> tuple[int, int]:
    """Attempts at the kiosk code step per client address: (limit, window seconds). A tablet at the counter
    is one address serving many people, so the limit is generous; per dossier code it is strict."""
    return int(getattr(settings, "DVC_RATING_KIOSK_PER_IP", 30)), 600


def kiosk_per_dossier() -> tuple[int, int]:
    return int(getattr(settings, "DVC_RATING_KIOSK_PER_DOSSIER", 5)), 3600


# A verified kiosk step stays open this long for the rating form (a shared tablet).
KIOSK_SESSION_SECONDS = 15 * 60

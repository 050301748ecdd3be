"""Where a person rates a dossier (for messages, slips and QR codes). No model imports: other apps may
call this from their notifications without importing the ratings app's models."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse


def _absolute(path: str) -> str:
    return settings.DVC_PUBLIC_URL.rstrip("/") + path


def rating_url(dossier) -> str:
    """The owner's rating page when the dossier has an account behind it; otherwise the kiosk page with
    the dossier code filled in (the one-time code is on the slip handed over with the result)."""
    if dossier.applicant_id:
        return _absolute(reverse("ratings:rate", kwargs={"public_id": dossier.public_id}))
    return kiosk_url(dossier_code=dossier.code or "")


def kiosk_url(*, dossier_code: str, code: str = "") -> str:
    query = {"ho-so": dossier_code, **({"ma": code} if code else {})}
    return _absolute(reverse("ratings:kiosk") + "?" + urlencode(query))

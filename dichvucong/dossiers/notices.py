"""What the applicant is told about their dossier, and the public address they follow it at."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from dichvucong.dossiers.models import Dossier
from dichvucong.notifications.services import notify


def tracking_url(dossier: Dossier) -> str:
    """The public tracking page for the dossier (SMS, e-mail, the QR code on Mẫu 01)."""
    return settings.DVC_PUBLIC_URL.rstrip("/") + reverse("dossiers:track") + f"?ma={dossier.code}"


def notify_applicant(dossier: Dossier, event: str, **context) -> None:
    """Tell the applicant (in-app, SMS, e-mail as their settings say) about ``event`` on their dossier."""
    notify(
        event=event,
        user=dossier.applicant,
        phone=dossier.applicant_phone,
        email=dossier.applicant_email,
        context={
            "full_name": dossier.applicant_name,
            "code": dossier.code or "",
            "procedure": dossier.procedure.name,
            "tracking_url": tracking_url(dossier),
            **context,
        },
    )

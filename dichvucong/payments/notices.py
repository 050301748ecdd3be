"""Messages to the person who owes or paid a fee (events registered in ``payments.events``)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from dichvucong.core.formatting import format_vnd
from dichvucong.dossiers.notices import notify_applicant
from dichvucong.payments.models import PaymentRequest


def transactions_url() -> str:
    return settings.DVC_PUBLIC_URL.rstrip("/") + reverse("payments:mine")


def notify_payer(request: PaymentRequest, event: str, *, amount: int | None = None, **context) -> None:
    """Tell the dossier's applicant about ``request`` (``amount`` defaults to the request's); the link goes
    to their list of transactions instead of the tracking page."""
    notify_applicant(
        request.dossier,
        event,
        amount=format_vnd(request.amount if amount is None else amount),
        tracking_url=transactions_url(),
        **context,
    )

"""Fees follow the dossier (after-commit subscriptions to ``dossiers.workflow``, registered in
``PaymentsConfig.ready()``).

- **Accepted** (``accept``, tiếp nhận): the catalogue fee of an online dossier is billed now.
  NĐ 118/2025/NĐ-CP makes fees due for dossiers *received*; a dossier that was only submitted may still be
  refused, so by default nothing is billed before acceptance (``DVC_BILL_AT_SUBMISSION=1`` bills at
  submission instead, as agencies that collect "thu trước" do; ``DVC_BILL_AT_ACCEPTANCE=0`` leaves every
  fee to staff; see docs/architecture.md, "Payments and post").
- **Refused, withdrawn or stopped** (``refuse``, ``approve_withdrawal``, ``stop``): every open request is
  cancelled (nobody can pay it any more: pay page, API, gateway return, IPN, demo bank); money already taken
  is refunded through the gateway that took it, or flagged for the cashier (cash, or a gateway that cannot
  or did not refund). The citizen is told each time.

Handlers are idempotent: a request already cancelled, or a payment that already has a refund, is skipped.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from dichvucong.dossiers.models import Dossier, Status
from dichvucong.dossiers.workflow import Transitioned, subscribe
from dichvucong.payments.gateways.registry import gateway_get
from dichvucong.payments.models import PaymentRequest, Refund, Transaction
from dichvucong.payments.notices import notify_payer
from dichvucong.payments.refunds import refund_execute

logger = logging.getLogger("dichvucong.payments")

# Transition → why the fee is no longer due (shown to the citizen and kept in the request's note).
CLOSING_ACTIONS = {
    "refuse": "hồ sơ không được tiếp nhận",
    "approve_withdrawal": "hồ sơ đã được rút theo yêu cầu",
    "stop": "hồ sơ bị dừng giải quyết",
}


def payment_requests_close(*, dossier_id: int, reason: str) -> list[Refund]:
    """Cancel the dossier's open payment requests and refund (or flag for the cashier) the paid ones.
    Returns the refunds created; gateway refunds are sent after commit."""
    created: list[Refund] = []
    with transaction.atomic():
        requests = list(
            PaymentRequest.objects.select_for_update(of=("self",))
            .select_related("dossier__procedure")
            .filter(dossier_id=dossier_id)
            .order_by("pk")
        )
        for request in requests:
            if request.is_open:
                _cancel(request, reason=reason)
            elif request.state == PaymentRequest.State.PAID:
                refund = _refund_paid(request, reason=reason)
                if refund is not None:
                    created.append(refund)
    for refund in created:
        if refund.state == Refund.State.REQUESTED:
            transaction.on_commit(lambda pk=refund.pk: refund_execute(refund_id=pk), robust=True)
    return created


def _cancel(request: PaymentRequest, *, reason: str) -> None:
    request.state = PaymentRequest.State.CANCELLED
    request.cancelled_at = timezone.now()
    request.note = (request.note + f"\nHủy tự động: {reason}").strip()[:2000]
    request.save(update_fields=["state", "cancelled_at", "note"])
    logger.info("payment request %s cancelled: %s", request.public_id, reason)
    notify_payer(request, "payment.cancelled", reason=reason)


def _refund_paid(request: PaymentRequest, *, reason: str) -> Refund | None:
    """Money taken for a dossier that will not be processed goes back the way it came when possible. None
    when that payment already has its refund (a second run). A duplicate payment's own refund (made when it
    arrived) does not count."""
    txn = None
    if request.paid_via != "cash":  # the payment that paid the request (its time is the request's)
        txn = (
            Transaction.objects.select_for_update()
            .filter(
                payment_request=request,
                state__in=[Transaction.State.SUCCEEDED, Transaction.State.REFUNDED],
                paid_at=request.paid_at,
            )
            .order_by("pk")
            .first()
        )
    already = txn.refunds.exists() if txn is not None else request.refunds.filter(transaction=None).exists()
    if already:
        return None
    by_gateway = txn is not None and txn.state == Transaction.State.SUCCEEDED and _can_refund(txn.gateway)
    refund = Refund.objects.create(
        payment_request=request,
        transaction=txn,
        amount=request.amount,
        reason=f"Hoàn phí, lệ phí: {reason}"[:500],
        state=Refund.State.REQUESTED if by_gateway else Refund.State.CASHIER,
    )
    if not by_gateway:
        notify_payer(request, "payment.refund_pending", reason=reason)
    logger.info("refund %s for request %s (%s): %s", refund.pk, request.public_id, request.paid_via, reason)
    return refund


def _can_refund(gateway_name: str) -> bool:
    try:
        return gateway_get(gateway_name, enabled_only=False).supports_refund
    except LookupError:
        return False


def on_dossier_closed(change: Transitioned) -> None:
    payment_requests_close(dossier_id=change.dossier_id, reason=CLOSING_ACTIONS[change.action])


def on_dossier_accepted(change: Transitioned) -> None:
    """Bill the catalogue fee of an online dossier once it is received (no-op if already billed)."""
    from dichvucong.payments.services import payment_request_for_submission

    if not getattr(settings, "DVC_BILL_AT_ACCEPTANCE", True):
        return
    dossier = Dossier.objects.select_related("offering", "version", "procedure").get(pk=change.dossier_id)
    if dossier.status not in (Status.ACCEPTED, Status.PROCESSING):  # refused/withdrawn meanwhile
        return
    payment_request_for_submission(dossier=dossier)


def connect() -> None:
    """Called from ``PaymentsConfig.ready()``."""
    subscribe(on_dossier_closed, actions=set(CLOSING_ACTIONS))
    subscribe(on_dossier_accepted, actions={"accept"})

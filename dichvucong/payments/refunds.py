"""Refunds: money going back to whoever paid a fee.

- ``refund_create``: staff refund (part of) an online payment.
- ``refund_execute``: ask the gateway to reverse a requested refund (run after commit for the automatic
  refunds of ``payments.closing`` and of a payment that arrived for a cancelled request). A gateway that
  cannot refund, or refuses, leaves the refund ``failed``: it then waits for the cashier.
- ``refund_cashier_done``: the cashier (receptionist or agency administrator) records that the money was
  handed back (cash collected at the counter or the post office, or a failed gateway refund).

The payer is told when the money is on its way back and when it is back.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from dichvucong.accounts.models import AgencyMembership, StaffRole, User
from dichvucong.payments.fees import PaymentError
from dichvucong.payments.gateways.registry import gateway_get
from dichvucong.payments.models import PaymentRequest, Refund, Transaction
from dichvucong.payments.notices import notify_payer

logger = logging.getLogger("dichvucong.payments")

REFUND_ROLES = frozenset({StaffRole.RECEPTIONIST, StaffRole.AGENCY_ADMIN})


def _may_refund(user: User, request: PaymentRequest) -> bool:
    agencies = {request.agency_id, request.dossier.agency_id, request.dossier.intake_agency_id} - {None}
    return AgencyMembership.objects.filter(
        user=user, is_active=True, agency_id__in=agencies, role__in=REFUND_ROLES
    ).exists()


def _refunded_total(txn: Transaction) -> int:
    return txn.refunds.filter(state=Refund.State.DONE).aggregate(total=Sum("amount"))["total"] or 0


def _finish(refund: Refund, *, ok: bool, response: dict | None = None) -> None:
    """With the refund (and its transaction) locked: record the outcome and tell the payer."""
    refund.state = Refund.State.DONE if ok else Refund.State.FAILED
    refund.finished_at = timezone.now() if ok else None
    if response is not None:
        refund.gateway_response = response
    refund.save()
    txn = refund.transaction
    if ok and txn is not None and _refunded_total(txn) >= txn.amount:
        txn.state = Transaction.State.REFUNDED
        txn.needs_refund = False
        txn.save(update_fields=["state", "needs_refund"])
    request = refund.payment_request or (txn.payment_request if txn else None)
    if request is not None:
        event = "payment.refunded" if ok else "payment.refund_pending"
        notify_payer(request, event, amount=refund.amount)


def refund_create(
    *, transaction_id: int, officer: User, amount: int, reason: str, client_ip: str = ""
) -> Refund:
    """Record a refund (and ask the gateway for it when it supports refunds)."""
    reason = reason.strip()
    if not reason:
        raise PaymentError("Hãy ghi lý do hoàn tiền.", field="reason", code="reason")
    with transaction.atomic():
        txn = (
            Transaction.objects.select_for_update(of=("self",))
            .select_related("payment_request__dossier")
            .get(pk=transaction_id)
        )
        if not _may_refund(officer, txn.payment_request):
            raise PermissionDenied
        if txn.state != Transaction.State.SUCCEEDED:
            raise PaymentError("Chỉ hoàn tiền cho giao dịch thành công.", code="state")
        done = _refunded_total(txn)
        if (
            isinstance(amount, bool)
            or not isinstance(amount, int)
            or amount <= 0
            or amount + done > txn.amount
        ):
            raise PaymentError("Số tiền hoàn không hợp lệ.", field="amount", code="amount")
        refund = txn.refunds.filter(
            state=Refund.State.REQUESTED, amount=amount
        ).first() or Refund.objects.create(
            transaction=txn,
            payment_request=txn.payment_request,
            amount=amount,
            reason=reason[:500],
            created_by=officer,
        )
        refund.created_by = refund.created_by or officer
        try:
            gateway = gateway_get(txn.gateway, enabled_only=False)
        except LookupError:  # a gateway no longer installed, or the demo gateway outside demo mode
            gateway = None
        if gateway is not None and gateway.supports_refund:
            result = gateway.refund(refund=refund, client_ip=client_ip, actor_name=officer.username)
            _finish(
                refund,
                ok=result.ok,
                response={"ok": result.ok, "code": result.code, "message": result.message},
            )
        else:
            refund.save()
    logger.info("refund %s of %s: %s", refund.pk, txn.reference, refund.state)
    return refund


def refund_execute(*, refund_id: int, client_ip: str = "") -> Refund:
    """Ask the gateway to reverse a ``requested`` refund (idempotent: any other state is left alone). The
    refund row is locked during the call so two workers never send it twice."""
    with transaction.atomic():
        refund = (
            Refund.objects.select_for_update(of=("self",))
            .select_related("transaction", "payment_request__dossier__procedure")
            .get(pk=refund_id)
        )
        txn = refund.transaction
        if refund.state != Refund.State.REQUESTED or txn is None:
            return refund
        txn = (
            Transaction.objects.select_for_update(of=("self",))
            .select_related("payment_request")
            .get(pk=txn.pk)
        )
        refund.transaction = txn
        if refund.payment_request is None:
            refund.payment_request = txn.payment_request
        try:
            gateway = gateway_get(txn.gateway, enabled_only=False)
            if not gateway.supports_refund:
                raise LookupError(f"{gateway.name} cannot refund")
            result = gateway.refund(refund=refund, client_ip=client_ip, actor_name="he-thong")
            response = {"ok": result.ok, "code": result.code, "message": result.message}
            ok = result.ok
        except Exception as error:  # noqa: BLE001 - a gateway failure leaves the refund to the cashier
            logger.exception("refund %s through %s failed", refund.pk, txn.gateway)
            response, ok = (
                {"ok": False, "code": "error", "message": f"{type(error).__name__}: {error}"},
                False,
            )
        _finish(refund, ok=ok, response=response)
    logger.info("refund %s of %s executed: %s", refund.pk, txn.reference, refund.state)
    return refund


def refund_cashier_done(*, refund_id: int, officer: User, note: str) -> Refund:
    """The cashier handed the money back (in cash or by bank transfer) for a refund waiting for them."""
    note = (note or "").strip()
    if not note:
        raise PaymentError(
            "Hãy ghi cách hoàn trả (ví dụ: trả tiền mặt tại quầy, chuyển khoản số …).",
            field="note",
            code="note",
        )
    with transaction.atomic():
        refund = (
            Refund.objects.select_for_update(of=("self",))
            .select_related("transaction", "payment_request__dossier__procedure")
            .get(pk=refund_id)
        )
        request = refund.payment_request or refund.transaction.payment_request
        if not _may_refund(officer, request):
            raise PermissionDenied
        if not refund.awaits_cashier:
            raise PaymentError("Khoản hoàn tiền này không chờ thủ quỹ xử lý.", code="state")
        if refund.transaction_id:
            refund.transaction = Transaction.objects.select_for_update().get(pk=refund.transaction_id)
        refund.handled_by = officer
        refund.handling_note = note[:500]
        _finish(refund, ok=True)
    logger.info("refund %s handed back by %s", refund.pk, officer.pk)
    return refund

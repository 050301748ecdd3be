"""Writes on fees and payments: payment requests, online transactions and their callbacks, cash, refunds.

Every write runs in one database transaction and locks the rows it changes (request, then transaction,
then - through ``dossiers.workflow.transition`` - the dossier). Dossier status changes only through the
state machine: ``request_payment`` (status 6, the clock pauses) and ``payment_received`` (back to the
interrupted status; the due date moves by the paused working time).
"""

from __future__ import annotations

import datetime
import logging
import secrets
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from dichvucong.accounts.models import AgencyMembership, StaffRole, User
from dichvucong.dossiers.models import Dossier, Status
from dichvucong.dossiers.workflow import TransitionRefused, transition
from dichvucong.payments.fees import FeeQuote, PaymentError, fee_quote
from dichvucong.payments.gateways.base import Callback, Outcome
from dichvucong.payments.gateways.registry import gateway_get
from dichvucong.payments.models import (
    MAX_AMOUNT,
    CallbackLog,
    PaymentRequest,
    Refund,
    Transaction,
)
from dichvucong.payments.notices import notify_payer as _notify
from dichvucong.payments.notices import transactions_url  # noqa: F401 (re-exported)
from dichvucong.payments.refunds import refund_create, refund_execute  # noqa: F401 (re-exported)
from dichvucong.worktime import schedule

logger = logging.getLogger("dichvucong.payments")

REQUEST_ROLES = (StaffRole.RECEPTIONIST, StaffRole.SPECIALIST)


def _setting(name: str, default):
    return getattr(settings, name, default)


def _roles(user: User, dossier: Dossier) -> set[str]:
    agencies = {dossier.agency_id, dossier.intake_agency_id} - {None}
    return set(
        AgencyMembership.objects.filter(user=user, is_active=True, agency_id__in=agencies).values_list(
            "role", flat=True
        )
    )


# --- payment requests ----------------------------------------------------------------------------------


def _new_request(
    *,
    dossier: Dossier,
    quote: FeeQuote,
    deadline: datetime.date | None,
    officer: User | None,
    note: str,
    pauses: bool,
) -> PaymentRequest:
    if quote.amount <= 0:
        raise PaymentError("Không có khoản nào phải nộp (miễn phí hoặc được miễn).", code="nothing_due")
    if quote.amount > MAX_AMOUNT:
        raise PaymentError("Số tiền vượt mức cho phép.", code="too_large")
    if deadline is not None and deadline < timezone.localdate():
        raise PaymentError("Hạn nộp không được trước ngày hôm nay.", field="deadline", code="deadline")
    if PaymentRequest.objects.filter(
        dossier=dossier, state__in=[PaymentRequest.State.UNPAID, PaymentRequest.State.PENDING]
    ).exists():
        raise PaymentError("Hồ sơ đang có một yêu cầu thanh toán chưa hoàn tất.", code="open_request")
    return PaymentRequest.objects.create(
        dossier=dossier,
        agency=dossier.agency,
        items=[line.as_dict() for line in quote.lines],
        gross_amount=quote.gross_amount,
        reduction=quote.reduction,
        reduction_reason=quote.reduction_reason,
        amount=quote.amount,
        deadline=deadline,
        pauses_dossier=pauses,
        note=note[:2000],
        requested_by=officer,
    )


def payment_request_create(
    *,
    dossier_id: int,
    officer: User,
    quote: FeeQuote,
    deadline: datetime.date | None,
    note: str = "",
) -> PaymentRequest:
    """A receptionist or specialist asks for fees. On an accepted or processing dossier this is status 6
    ("Yêu cầu thực hiện nghĩa vụ tài chính") and the clock pauses; on a dossier not yet accepted the request
    is attached without a status change (the fee may be paid before acceptance)."""
    dossier = Dossier.objects.select_related("procedure").get(pk=dossier_id)
    if not _roles(officer, dossier) & set(REQUEST_ROLES):
        raise PermissionDenied
    created: list[PaymentRequest] = []

    if dossier.status == Status.SUBMITTED:
        with transaction.atomic():
            Dossier.objects.select_for_update().get(pk=dossier.pk)
            request = _new_request(
                dossier=dossier, quote=quote, deadline=deadline, officer=officer, note=note, pauses=False
            )
            _notify(request, "payment.requested", deadline=_date(deadline))
        return request

    def effect(locked: Dossier) -> dict:
        request = _new_request(
            dossier=locked, quote=quote, deadline=deadline, officer=officer, note=note, pauses=True
        )
        locked.paused_at = timezone.now()
        created.append(request)
        request.dossier = locked
        _notify(request, "payment.requested", deadline=_date(deadline))
        return {"payment_request": str(request.public_id), "amount": request.amount}

    transition(dossier_id=dossier.pk, action="request_payment", actor=officer, note=note, effect=effect)
    return created[0]


def _date(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "không quy định"


def payment_request_for_submission(*, dossier: Dossier) -> PaymentRequest | None:
    """Bill the catalogue fee of an online dossier when it is unambiguous (one rate per kind, every amount
    stated): on acceptance by default (``payments.closing``), at submission with ``DVC_BILL_AT_SUBMISSION``.
    The dossier is not paused. Idempotent: a dossier that already has a request gets no second one."""
    if dossier.payment_requests.exists():
        return dossier.payment_requests.first()
    quote = fee_quote(dossier=dossier)
    if quote.amount <= 0 or quote.ambiguous or quote.unpriced:
        return None
    deadline = timezone.localdate() + datetime.timedelta(days=_setting("DVC_PAYMENT_DEADLINE_DAYS", 7))
    with transaction.atomic():
        Dossier.objects.select_for_update().get(pk=dossier.pk)
        if dossier.payment_requests.exists():
            return dossier.payment_requests.first()
        request = _new_request(
            dossier=dossier, quote=quote, deadline=deadline, officer=None, note="", pauses=False
        )
        _notify(request, "payment.requested", deadline=_date(deadline))
    return request


def payment_request_cancel(*, request_id: int, officer: User, reason: str) -> PaymentRequest:
    """Withdraw a request nobody has paid. A request that put the dossier in status 6 cannot be withdrawn
    here (the state machine has no transition for it yet): the dossier would stay paused."""
    reason = reason.strip()
    if not reason:
        raise PaymentError("Hãy ghi lý do hủy yêu cầu thanh toán.", field="reason", code="reason")
    with transaction.atomic():
        request = PaymentRequest.objects.select_for_update().select_related("dossier").get(pk=request_id)
        if not _roles(officer, request.dossier) & set(REQUEST_ROLES):
            raise PermissionDenied
        if not request.is_open:
            raise PaymentError("Yêu cầu thanh toán đã hoàn tất, không hủy được.", code="closed")
        if request.pauses_dossier and request.dossier.status == Status.PAYMENT_REQUESTED:
            raise PaymentError(
                "Hồ sơ đang chờ nghĩa vụ tài chính theo yêu cầu này; không hủy được.", code="pausing"
            )
        request.state = PaymentRequest.State.CANCELLED
        request.cancelled_at = timezone.now()
        request.note = (request.note + f"\nHủy: {reason}").strip()[:2000]
        request.save(update_fields=["state", "cancelled_at", "note"])
        logger.info("payment request %s cancelled by %s", request.public_id, officer.pk)
    return request


def _receipt_number(request: PaymentRequest, when: datetime.datetime) -> str:
    return f"BLDT{timezone.localtime(when):%y}-{request.pk:07d}"


def _mark_paid(
    *,
    request: PaymentRequest,
    via: str,
    online: int,
    when: datetime.datetime,
    actor: User | None,
    receipt: str,
) -> None:
    """Inside a transaction with ``request`` locked and open."""
    request.state = PaymentRequest.State.PAID
    request.paid_at = when
    request.paid_via = via
    request.online_payment = online
    request.receipt_number = receipt
    request.save(update_fields=["state", "paid_at", "paid_via", "online_payment", "receipt_number"])
    dossier = request.dossier
    if request.pauses_dossier and dossier.status == Status.PAYMENT_REQUESTED:

        def effect(locked: Dossier) -> dict:
            now = timezone.now()
            if locked.paused_at and locked.due_at and locked.resume_status != Status.SUBMITTED:
                locked.due_at = schedule.resume_due_at(
                    old_due_at=locked.due_at, paused_at=locked.paused_at, resumed_at=now, agency=locked.agency
                )
            locked.paused_at = None
            return {
                "payment_request": str(request.public_id),
                "amount": request.amount,
                "via": via,
                "receipt_number": receipt,
                "due_at": locked.due_at.isoformat() if locked.due_at else None,
            }

        try:
            request.dossier = transition(
                dossier_id=dossier.pk, action="payment_received", actor=actor, effect=effect
            )
        except TransitionRefused as refused:  # the dossier moved on meanwhile: the money is still recorded
            logger.warning("payment %s recorded, dossier not resumed: %s", request.public_id, refused.message)
    _notify(request, "payment.paid", receipt_number=receipt)
    _notify(request, "payment.receipt", receipt_number=receipt)


# --- online payment ----------------------------------------------------------------------------------


def new_reference() -> str:
    """vnp_TxnRef: alphanumeric, unique (the column is unique; 40 random bits per day prefix)."""
    return f"DVC{timezone.localtime():%y%m%d}{secrets.token_hex(5).upper()}"


def payment_start(
    *,
    request: PaymentRequest,
    payer: User,
    gateway_name: str,
    client_ip: str,
    site_url: str,
    bank_code: str = "",
) -> tuple[Transaction, str]:
    """Create the transaction (before the redirect) and return it with the signed gateway URL."""
    try:
        gateway = gateway_get(gateway_name)
    except LookupError:
        raise PaymentError("Cổng thanh toán không hợp lệ.", field="gateway", code="gateway") from None
    if bank_code and not bank_code.isalnum():
        raise PaymentError("Mã ngân hàng không hợp lệ.", field="bank_code", code="bank_code")
    with transaction.atomic():
        locked = (
            PaymentRequest.objects.select_for_update().select_related("dossier__procedure").get(pk=request.pk)
        )
        if locked.dossier.applicant_id != payer.pk:
            raise PermissionDenied
        if locked.state == PaymentRequest.State.PAID:
            raise PaymentError("Khoản phí này đã được thanh toán.", code="already_paid")
        if locked.state == PaymentRequest.State.CANCELLED:
            raise PaymentError("Yêu cầu thanh toán đã bị hủy.", code="cancelled")
        if locked.deadline and locked.deadline < timezone.localdate():
            raise PaymentError(
                "Đã quá hạn nộp phí trực tuyến. Vui lòng liên hệ Bộ phận một cửa.", code="past_deadline"
            )
        txn = Transaction.objects.create(
            reference=new_reference(),
            payment_request=locked,
            payer=payer,
            gateway=gateway.name,
            amount=locked.amount,
            currency=locked.currency,
            order_info=f"Thanh toan phi ho so {locked.dossier.code or locked.dossier.pk}",
            client_ip=client_ip[:45],
            bank_code=bank_code[:20],
        )
        if locked.state == PaymentRequest.State.UNPAID:
            locked.state = PaymentRequest.State.PENDING
            locked.save(update_fields=["state"])
        minutes = _setting("DVC_PAYMENT_EXPIRE_MINUTES", 15)
        url = gateway.payment_url(
            transaction=txn,
            return_url=site_url.rstrip("/") + reverse("payments:return", args=[gateway.name]),
            client_ip=client_ip,
            site_url=site_url,
            bank_code=bank_code,
            expire_at=txn.created_at + datetime.timedelta(minutes=minutes),
        )
    logger.info(
        "payment %s started: request %s, %s đ via %s",
        txn.reference,
        locked.public_id,
        txn.amount,
        gateway.name,
    )
    return txn, url


def _log(
    *,
    gateway: str,
    kind: str,
    params: Mapping[str, str],
    callback: Callback | None,
    txn,
    outcome: str,
    detail: str = "",
    remote_addr: str = "",
    response_code: str = "",
) -> CallbackLog:
    log = CallbackLog.objects.create(
        gateway=gateway[:30],
        kind=kind,
        transaction=txn,
        reference=(callback.reference if callback else str(params.get("vnp_TxnRef", "")))[:100],
        params={str(k)[:64]: str(v)[:500] for k, v in list(params.items())[:60]},
        signature_valid=bool(callback and callback.signature_valid),
        outcome=outcome,
        response_code=response_code,
        detail=detail[:500],
        remote_addr=remote_addr[:45],
    )
    level = logging.INFO if outcome in ("applied", "return_verified", "duplicate") else logging.WARNING
    logger.log(level, "payment callback %s %s %s: %s %s", gateway, kind, log.reference, outcome, detail)
    return log


def callback_process(
    *, gateway_name: str, params: Mapping[str, str], kind: str, remote_addr: str = ""
) -> tuple[Outcome, Transaction | None]:
    """Verify and apply one return or IPN. Checks, in the order of VNPAY's own IPN sample: signature,
    reference, amount, then whether the transaction is still open. Only a verified IPN (or, with
    ``DVC_PAYMENTS_TRUST_RETURN``, a verified return) changes anything; repeats and late or contradicting
    callbacks are logged and change nothing. Every callback is logged with its outcome."""
    params = {str(k): str(v) for k, v in params.items()}
    reply_code = ""
    try:
        gateway = gateway_get(gateway_name)
    except LookupError:
        _log(
            gateway=gateway_name,
            kind=kind,
            params=params,
            callback=None,
            txn=None,
            outcome="unknown_gateway",
            remote_addr=remote_addr,
        )
        return Outcome.NOT_FOUND, None
    try:
        with transaction.atomic():
            outcome, txn, note, detail = _apply(gateway, params, kind)
            if kind == CallbackLog.Kind.IPN:
                reply_code = gateway.ipn_reply(outcome).get("RspCode", "")
            _log(
                gateway=gateway.name,
                kind=kind,
                params=params,
                callback=gateway.parse_callback(params),
                txn=txn,
                outcome=note,
                detail=detail,
                remote_addr=remote_addr,
                response_code=reply_code,
            )
            return outcome, txn
    except Exception as error:  # noqa: BLE001 - answer 99 and keep the evidence
        logger.exception("payment callback failed")
        _log(
            gateway=gateway.name,
            kind=kind,
            params=params,
            callback=None,
            txn=None,
            outcome="error",
            detail=f"{type(error).__name__}: {error}",
            remote_addr=remote_addr,
            response_code="99",
        )
        return Outcome.ERROR, None


def _apply(gateway, params: dict, kind: str) -> tuple[Outcome, Transaction | None, str, str]:
    callback = gateway.parse_callback(params)
    if not callback.signature_valid:
        return Outcome.INVALID_SIGNATURE, None, "bad_signature", ""
    txn = (
        Transaction.objects.select_for_update()
        .select_related("payment_request")
        .filter(reference=callback.reference, gateway=gateway.name)
        .first()
    )
    if txn is None:
        return Outcome.NOT_FOUND, None, "unknown_reference", ""
    if callback.amount is None or callback.amount != txn.amount:
        return Outcome.INVALID_AMOUNT, txn, "amount_mismatch", f"ours {txn.amount}, theirs {callback.amount}"
    if (
        txn.state == Transaction.State.INITIATED
        and txn.payment_request.state == PaymentRequest.State.CANCELLED
    ):
        return _apply_to_cancelled(gateway, txn, callback, kind)
    if txn.state != Transaction.State.INITIATED:
        same = (txn.state == Transaction.State.SUCCEEDED) == callback.succeeded
        note = (
            "duplicate"
            if same
            else ("success_after_failure" if callback.succeeded else "failure_after_success")
        )
        return Outcome.ALREADY_CONFIRMED, txn, note, f"state {txn.state}, response {callback.response_code}"
    if kind == CallbackLog.Kind.RETURN and not _setting("DVC_PAYMENTS_TRUST_RETURN", False):
        return Outcome.CONFIRMED, txn, "return_verified", "waiting for the IPN"

    now = timezone.now()
    txn.response_code = callback.response_code
    txn.transaction_status = callback.transaction_status
    txn.gateway_transaction_no = callback.gateway_transaction_no
    txn.bank_code = callback.bank_code or txn.bank_code
    txn.card_type = callback.card_type
    txn.finished_at = now
    request = (
        PaymentRequest.objects.select_for_update()
        .select_related("dossier__procedure")
        .get(pk=txn.payment_request_id)
    )
    if request.state == PaymentRequest.State.CANCELLED:  # cancelled while this callback was on its way
        return _apply_to_cancelled(gateway, txn, callback, kind)
    if callback.succeeded:
        txn.state = Transaction.State.SUCCEEDED
        txn.paid_at = callback.paid_at or now
        if request.is_open:
            txn.save()
            _mark_paid(
                request=request,
                via=gateway.name,
                online=gateway.online_payment,
                when=txn.paid_at,
                actor=None,
                receipt=_receipt_number(request, txn.paid_at),
            )
            return Outcome.CONFIRMED, txn, "applied", "paid"
        # Paid twice, or paid after the request was cancelled: keep the money on record and refund it.
        txn.needs_refund = True
        txn.save()
        Refund.objects.create(
            transaction=txn,
            payment_request=request,
            amount=txn.amount,
            reason=f"Thanh toán khi yêu cầu đã {request.get_state_display().lower()}",
        )
        return Outcome.CONFIRMED, txn, "applied", "needs_refund"
    txn.state = Transaction.State.FAILED
    txn.save()
    if (
        request.state == PaymentRequest.State.PENDING
        and not request.transactions.filter(state=Transaction.State.INITIATED).exists()
    ):
        request.state = PaymentRequest.State.UNPAID
        request.save(update_fields=["state"])
    return Outcome.CONFIRMED, txn, "applied", f"failed {callback.response_code}"


def _apply_to_cancelled(gateway, txn: Transaction, callback: Callback, kind: str):
    """A result for a payment started before its request was cancelled (the dossier was refused, withdrawn
    or stopped meanwhile). The request stays cancelled, no receipt is issued and the dossier is not touched;
    the answer is the one for an order no longer waiting (VNPAY: 02). Money the bank took anyway is kept on
    record and sent back through the gateway after commit (or left to the cashier if that fails)."""
    detail = f"request cancelled, response {callback.response_code}"
    if kind == CallbackLog.Kind.RETURN and not _setting("DVC_PAYMENTS_TRUST_RETURN", False):
        return Outcome.ALREADY_CONFIRMED, txn, "request_cancelled", detail
    request = PaymentRequest.objects.select_for_update().get(pk=txn.payment_request_id)
    txn.response_code = callback.response_code
    txn.transaction_status = callback.transaction_status
    txn.gateway_transaction_no = callback.gateway_transaction_no
    txn.bank_code = callback.bank_code or txn.bank_code
    txn.card_type = callback.card_type
    txn.finished_at = timezone.now()
    if not callback.succeeded:
        txn.state = Transaction.State.FAILED
        txn.save()
        return Outcome.ALREADY_CONFIRMED, txn, "request_cancelled", detail
    txn.state = Transaction.State.SUCCEEDED
    txn.paid_at = callback.paid_at or txn.finished_at
    txn.needs_refund = True
    txn.save()
    refund = Refund.objects.create(
        transaction=txn,
        payment_request=request,
        amount=txn.amount,
        reason="Thanh toán sau khi yêu cầu nộp phí đã hủy",
    )
    transaction.on_commit(lambda: refund_execute(refund_id=refund.pk), robust=True)
    return Outcome.ALREADY_CONFIRMED, txn, "request_cancelled", detail + ", refunding"

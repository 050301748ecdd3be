"""Cash: postal staff (or the counter) record cash collected for a payment request, with the paper receipt;
agency administrators reconcile what the post office remitted for a period."""

from __future__ import annotations

import datetime
import logging

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from dichvucong.accounts.models import StaffRole, User
from dichvucong.accounts.selectors import agencies_administered_by
from dichvucong.agencies.models import Agency
from dichvucong.core.formatting import format_vnd
from dichvucong.dossiers.workflow import OWN_DOSSIER_MESSAGE, is_own_dossier
from dichvucong.payments.fees import PaymentError
from dichvucong.payments.models import (
    MAX_AMOUNT,
    CashCollection,
    OnlinePayment,
    PaymentRequest,
    Reconciliation,
)
from dichvucong.payments.services import _mark_paid, _roles

logger = logging.getLogger("dichvucong.payments")

CASH_ROLES = (StaffRole.POSTAL, StaffRole.RECEPTIONIST)


# --- cash at the post office ---------------------------------------------------------------------------


def cash_record(
    *,
    request_id: int,
    collector: User,
    amount: int,
    receipt_number: str,
    payer_name: str,
    collected_at: datetime.datetime | None = None,
) -> CashCollection:
    """Postal staff (or the counter) record cash collected for a payment request, with the paper receipt."""
    receipt_number = (receipt_number or "").strip().upper()
    payer_name = (payer_name or "").strip()
    now = timezone.now()
    collected_at = collected_at or now
    if (
        not receipt_number
        or len(receipt_number) > 40
        or not all(c.isalnum() or c in "-/." for c in receipt_number)
    ):
        raise PaymentError("Số biên lai không hợp lệ.", field="receipt_number", code="receipt_number")
    if not payer_name:
        raise PaymentError("Hãy ghi tên người nộp tiền.", field="payer_name", code="payer_name")
    if collected_at > now + datetime.timedelta(minutes=5):
        raise PaymentError("Thời điểm thu tiền không được ở tương lai.", field="collected_at", code="future")
    try:
        with transaction.atomic():
            request = (
                PaymentRequest.objects.select_for_update()
                .select_related("dossier__procedure")
                .get(pk=request_id)
            )
            if not _roles(collector, request.dossier) & set(CASH_ROLES):
                raise PermissionDenied
            if is_own_dossier(dossier=request.dossier, user=collector):  # segregation of duties
                raise PaymentError(OWN_DOSSIER_MESSAGE, code="own_dossier")
            if not request.is_open:
                raise PaymentError("Khoản phí này không còn chờ thanh toán.", code="closed")
            if isinstance(amount, bool) or not isinstance(amount, int) or amount != request.amount:
                raise PaymentError(
                    f"Số tiền thu phải đúng {format_vnd(request.amount)}.", field="amount", code="amount"
                )
            if collected_at < request.created_at - datetime.timedelta(minutes=5):
                raise PaymentError(
                    "Thời điểm thu tiền trước khi có yêu cầu.", field="collected_at", code="early"
                )
            collection = CashCollection.objects.create(
                payment_request=request,
                dossier=request.dossier,
                agency=request.agency,
                collected_by=collector,
                amount=amount,
                receipt_number=receipt_number,
                payer_name=payer_name[:300],
                collected_at=collected_at,
            )
            _mark_paid(
                request=request,
                via="cash",
                online=OnlinePayment.NOT_ONLINE,
                when=collected_at,
                actor=collector,
                receipt=receipt_number,
            )
    except IntegrityError:
        raise PaymentError(
            "Số biên lai đã được dùng.", field="receipt_number", code="duplicate_receipt"
        ) from None
    logger.info("cash %s đ for request %s recorded by %s", amount, request.public_id, collector.pk)
    return collection


def cash_reconcile(
    *,
    admin: User,
    agency: Agency,
    start: datetime.date,
    end: datetime.date,
    remitted_total: int,
    note: str = "",
) -> Reconciliation:
    """The agency checks what the post office remitted for a period against the cash recorded in it. Each
    collection is reconciled once; a difference is recorded with the per-collector totals."""
    if not agencies_administered_by(user=admin).filter(pk=agency.pk).exists():
        raise PermissionDenied
    if end < start or end > timezone.localdate():
        raise PaymentError("Khoảng thời gian không hợp lệ.", field="end", code="period")
    if (
        isinstance(remitted_total, bool)
        or not isinstance(remitted_total, int)
        or not 0 <= remitted_total <= 10 * MAX_AMOUNT
    ):
        raise PaymentError("Số tiền đã nộp về không hợp lệ.", field="remitted_total", code="amount")
    with transaction.atomic():
        collections = list(
            CashCollection.objects.select_for_update()
            .filter(
                agency=agency,
                reconciliation__isnull=True,
                collected_at__date__gte=start,
                collected_at__date__lte=end,
            )
            .select_related("collected_by")
            .order_by("collected_at")
        )
        if not collections:
            raise PaymentError("Không có khoản thu tiền mặt nào chưa đối soát trong kỳ.", code="empty")
        total = sum(c.amount for c in collections)
        mismatches = []
        if total != remitted_total:
            by_collector: dict[str, int] = {}
            for c in collections:
                by_collector[c.collected_by.full_name] = (
                    by_collector.get(c.collected_by.full_name, 0) + c.amount
                )
            mismatches.append(
                {
                    "kind": "total",
                    "reference": "",
                    "ours": total,
                    "theirs": remitted_total,
                    "by_collector": by_collector,
                }
            )
        reconciliation = Reconciliation.objects.create(
            kind=Reconciliation.Kind.CASH,
            agency=agency,
            period_start=start,
            period_end=end,
            ledger_count=len(collections),
            ledger_total=total,
            counterpart_count=len(collections),
            counterpart_total=remitted_total,
            mismatches=mismatches,
            note=note[:2000],
            created_by=admin,
        )
        CashCollection.objects.filter(pk__in=[c.pk for c in collections]).update(
            reconciliation=reconciliation
        )
    logger.info(
        "cash reconciliation %s for %s: %s vs %s", reconciliation.pk, agency.code, total, remitted_total
    )
    return reconciliation

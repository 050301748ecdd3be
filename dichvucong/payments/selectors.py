"""Reads of fees and payments, always given the asking user (what someone may not see is a 404)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from dichvucong.accounts.models import StaffRole, User
from dichvucong.accounts.selectors import agencies_administered_by, agencies_for_user
from dichvucong.core.formatting import format_vnd
from dichvucong.dossiers.models import Dossier
from dichvucong.paperwork.data import FeeCharge
from dichvucong.payments.models import CashCollection, PaymentRequest, Reconciliation, Refund, Transaction

STAFF_VIEW_ROLES = [
    StaffRole.RECEPTIONIST,
    StaffRole.SPECIALIST,
    StaffRole.HEAD_OF_UNIT,
    StaffRole.LEADER,
    StaffRole.AGENCY_ADMIN,
    StaffRole.POSTAL,
]


def _requests() -> QuerySet[PaymentRequest]:
    return PaymentRequest.objects.select_related("dossier__procedure", "agency").prefetch_related(
        Prefetch("transactions", queryset=Transaction.objects.order_by("-created_at")), "refunds"
    )


def payment_requests_for_applicant(*, user: User) -> QuerySet[PaymentRequest]:
    """Danh sách giao dịch: the citizen's payment requests with their transactions, newest first."""
    if not user.is_authenticated:
        return PaymentRequest.objects.none()
    return _requests().filter(dossier__applicant=user).order_by("-created_at", "-id")


def payment_request_access(*, user: User, public_id, for_staff: bool = False) -> PaymentRequest:
    if not user.is_authenticated:
        raise Http404
    queryset = _requests().filter(public_id=public_id)
    if for_staff:
        queryset = queryset.filter(agency__in=agencies_for_user(user=user, roles=STAFF_VIEW_ROLES))
    else:
        queryset = queryset.filter(dossier__applicant=user)
    request = queryset.first()
    if request is None:
        raise Http404("Không tìm thấy yêu cầu thanh toán")
    return request


def transaction_access(*, user: User, public_id) -> Transaction:
    if not user.is_authenticated:
        raise Http404
    txn = (
        Transaction.objects.select_related("payment_request__dossier__procedure")
        .filter(public_id=public_id, payment_request__dossier__applicant=user)
        .first()
    )
    if txn is None:
        raise Http404("Không tìm thấy giao dịch")
    return txn


def transaction_by_reference(*, user: User, reference: str) -> Transaction | None:
    return (
        Transaction.objects.select_related("payment_request__dossier")
        .filter(reference=reference, payment_request__dossier__applicant=user)
        .first()
    )


def dossier_for_staff(*, user: User, public_id) -> Dossier:
    dossier = (
        Dossier.objects.select_related("procedure", "agency", "offering", "version")
        .filter(public_id=public_id, agency__in=agencies_for_user(user=user, roles=STAFF_VIEW_ROLES))
        .first()
    )
    if dossier is None:
        raise Http404("Không tìm thấy hồ sơ")
    return dossier


def payment_requests_for_staff(*, user: User, state: str = "") -> QuerySet[PaymentRequest]:
    queryset = _requests().filter(agency__in=agencies_for_user(user=user, roles=STAFF_VIEW_ROLES))
    if state:
        queryset = queryset.filter(state=state)
    return queryset.order_by("-created_at", "-id")


def open_request_by_dossier_code(*, user: User, code: str) -> PaymentRequest | None:
    """For postal staff: the open request of a dossier of an agency where they work."""
    code = (code or "").strip().upper()
    if not code:
        return None
    agencies = agencies_for_user(user=user, roles=[StaffRole.POSTAL, StaffRole.RECEPTIONIST])
    return (
        _requests()
        .filter(
            dossier__code=code,
            agency__in=agencies,
            state__in=[PaymentRequest.State.UNPAID, PaymentRequest.State.PENDING],
        )
        .first()
    )


def cash_collections_for_admin(*, user: User, agency_id: int | None = None) -> QuerySet[CashCollection]:
    agencies = agencies_administered_by(user=user)
    if agency_id:
        agencies = agencies.filter(pk=agency_id)
    return CashCollection.objects.select_related("collected_by", "dossier", "reconciliation").filter(
        agency__in=agencies
    )


def reconciliations_for_admin(*, user: User) -> QuerySet[Reconciliation]:
    return Reconciliation.objects.select_related("agency", "created_by").filter(
        agency__in=agencies_administered_by(user=user)
    )


def cash_collected_by(*, user: User) -> QuerySet[CashCollection]:
    return CashCollection.objects.select_related("dossier", "agency").filter(collected_by=user)


REFUND_VIEW_ROLES = [StaffRole.RECEPTIONIST, StaffRole.AGENCY_ADMIN]


def refunds_for_staff(*, user: User, waiting: bool) -> QuerySet[Refund]:
    """Refunds of the user's agencies: those waiting for the cashier (oldest first), or those done."""
    agencies = agencies_for_user(user=user, roles=REFUND_VIEW_ROLES)
    queryset = Refund.objects.select_related(
        "payment_request__dossier__procedure", "transaction", "handled_by"
    ).filter(payment_request__agency__in=agencies)
    if waiting:
        return queryset.filter(state__in=[Refund.State.CASHIER, Refund.State.FAILED]).order_by(
            "created_at", "id"
        )
    return queryset.filter(state=Refund.State.DONE).order_by("-finished_at", "-id")


def refund_for_staff(*, user: User, pk: int) -> Refund:
    refund = refunds_for_staff(user=user, waiting=True).filter(pk=pk).first()
    if refund is None:
        raise Http404("Không tìm thấy khoản hoàn tiền")
    return refund


# --- a dossier's fees, for other apps' pages and forms (the dossier's access is checked by the caller) ----

STATE_LABELS = {
    PaymentRequest.State.UNPAID: "Chưa thanh toán",
    PaymentRequest.State.PENDING: "Đang chờ ngân hàng xác nhận",
    PaymentRequest.State.PAID: "Đã thanh toán",
    PaymentRequest.State.CANCELLED: "Đã hủy, không phải nộp",
}


@dataclass(frozen=True)
class FeeStatus:
    """One payment request as the citizen's dossier page shows it."""

    request: PaymentRequest
    description: str
    amount_text: str  # "7.500 đ"
    state_label: str
    payable: bool  # the pay button is shown
    past_deadline: bool
    refund_label: str  # "" when nothing is being or was refunded
    refunded: bool


def _refund_state(request: PaymentRequest) -> tuple[str, bool]:
    refunds = list(request.refunds.all())
    done = sum(r.amount for r in refunds if r.state == Refund.State.DONE)
    if refunds and done >= request.amount:
        return f"Đã hoàn trả {format_vnd(done)}", True
    if any(r.awaits_cashier for r in refunds):
        return "Sẽ được hoàn trả tại Bộ phận một cửa", False
    if any(r.state == Refund.State.REQUESTED for r in refunds):
        return "Đang hoàn tiền qua cổng thanh toán", False
    return "", False


def dossier_fees(*, dossier: Dossier) -> list[FeeStatus]:
    """The dossier's payment requests, oldest first, with what the citizen can do about each (2 queries)."""
    today = timezone.localdate()
    rows = []
    for request in (
        PaymentRequest.objects.filter(dossier=dossier)
        .prefetch_related("refunds")
        .order_by("created_at", "id")
    ):
        refund_label, refunded = _refund_state(request)
        past = bool(request.deadline and request.deadline < today)
        names = [str(line.get("name", "")) for line in request.items if line.get("name")]
        rows.append(
            FeeStatus(
                request=request,
                description="; ".join(names),
                amount_text=format_vnd(request.amount),
                state_label=STATE_LABELS[request.state],
                payable=request.is_open and not past,
                past_deadline=request.is_open and past,
                refund_label=refund_label,
                refunded=refunded,
            )
        )
    return rows


def dossier_fee_charges(*, dossier: Dossier) -> tuple[FeeCharge, ...]:
    """The fees billed for the dossier (cancelled requests left out), for Mẫu 01: the same amounts, dates
    and receipt numbers as the e-receipt."""
    return tuple(
        FeeCharge(
            amount=row.request.amount,
            description=row.description,
            paid=row.request.state == PaymentRequest.State.PAID,
            paid_at=row.request.paid_at,
            receipt_number=row.request.receipt_number or "",
            paid_in_cash=row.request.paid_via == "cash",
            refunded=row.refunded,
        )
        for row in dossier_fees(dossier=dossier)
        if row.request.state != PaymentRequest.State.CANCELLED
    )


def payment_request_state_label(request: PaymentRequest) -> str:
    """The request's state in words, a refund first: "Đã hoàn trả" once the money went back in full,
    "Đang chờ hoàn trả" while a refund waits (the gateway or the cashier), else the state's label."""
    refunds = list(request.refunds.all())
    if refunds:
        done = sum(r.amount for r in refunds if r.state == Refund.State.DONE)
        if done >= request.amount:
            return "Đã hoàn trả"
        if any(r.state != Refund.State.DONE for r in refunds):
            return "Đang chờ hoàn trả"
    return request.get_state_display()


def transaction_state_label(txn: Transaction, request: PaymentRequest | None = None) -> str:
    """An attempt in words. One never finished is "Chưa hoàn tất"; once the request was paid otherwise or
    cancelled it will never be used: "Đã hủy / Không dùng" (display only, the row keeps its state)."""
    if txn.state != Transaction.State.INITIATED:
        return txn.get_state_display()
    request = request or txn.payment_request
    if request.state in (PaymentRequest.State.PAID, PaymentRequest.State.CANCELLED):
        return "Đã hủy / Không dùng"
    return "Chưa hoàn tất"

"""Reads of fees and payments, always given the asking user (what someone may not see is a 404)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from dichvucong.accounts.models import StaffRole, User
from dichvucong.accounts.selectors import agencies_administered_by, agencies_for_user
from dichvucong.dossiers.models import Dossier
from dichvucong.payments.models import CashCollection, PaymentRequest, Reconciliation, Transaction

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
        Prefetch("transactions", queryset=Transaction.objects.order_by("-created_at"))
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

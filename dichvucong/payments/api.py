"""Payments over the API: a citizen's payment requests and transactions, starting a payment (the answer
holds the gateway URL to send the browser to), e-receipts; staff asking for fees and recording cash.

Authentication: ``token_or_session`` everywhere. Staff routes also need the second factor (a session
verified by django-otp, or a bearer token, which is issued to staff only after the authenticator code).

Errors: what the caller may not see is 404 (never 403, nothing is enumerable); a staff route without the
second factor or a staff role is 403; a refused action (already paid, an open request exists, a status the
state machine refuses) is 409 with a Vietnamese message and a code; bad input is 422 ``{detail, field}``;
too many payment starts is 429. Gateway callbacks (IPN, return) are not API routes: see /thanh-toan/ipn/.
"""

from __future__ import annotations

import datetime
import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field as SchemaField
from ninja import Router, Schema, Status

from dichvucong.accounts.api import Message, has_second_factor, token_or_session
from dichvucong.accounts.models import StaffRole
from dichvucong.accounts.selectors import agencies_for_user
from dichvucong.core.ratelimit import client_ip, hit
from dichvucong.dossiers.workflow import TransitionRefused
from dichvucong.payments import cash, selectors, services
from dichvucong.payments.fees import FeeError, fee_quote
from dichvucong.payments.gateways.registry import enabled_gateways
from dichvucong.payments.models import MAX_AMOUNT, PaymentRequest
from dichvucong.payments.receipts import receipt_pdf_bytes

router = Router(tags=["Thanh toán"], auth=token_or_session)

NOT_FOUND = "Không tìm thấy."
STAFF_ONLY = "Chức năng dành cho cán bộ đã xác thực hai lớp."


class PaymentFieldError(Schema):
    detail: str
    field: str | None = None
    code: str = ""


class PaymentConflict(Schema):
    detail: str
    code: str = SchemaField(
        description="already_paid, cancelled, past_deadline, open_request, nothing_due, closed, illegal…"
    )


class LineOut(Schema):
    name: str
    kind: str = SchemaField(description="le_phi (lệ phí) hoặc phi (phí)")
    per: str
    unit_amount: int
    quantity: int
    amount: int


class TransactionOut(Schema):
    id: uuid.UUID = SchemaField(alias="public_id")
    reference: str = SchemaField(description="vnp_TxnRef")
    gateway: str
    amount: int
    currency: str
    state: str = SchemaField(
        description="initiated (khoi-tao), succeeded (thanh-cong), failed (that-bai), refunded"
    )
    bank_code: str
    gateway_transaction_no: str
    response_code: str
    created_at: datetime.datetime
    paid_at: datetime.datetime | None


class RefundOut(Schema):
    amount: int
    state: str = SchemaField(
        description="requested (đang hoàn qua cổng), done (đã hoàn trả), "
        "failed / cashier (chờ thủ quỹ hoàn trả)"
    )
    reason: str
    created_at: datetime.datetime
    finished_at: datetime.datetime | None


class PaymentRequestOut(Schema):
    id: uuid.UUID = SchemaField(alias="public_id")
    dossier_id: uuid.UUID = SchemaField(alias="dossier.public_id")
    dossier_code: str | None = SchemaField(alias="dossier.code")
    procedure_name: str = SchemaField(alias="dossier.procedure.name")
    items: list[LineOut]
    gross_amount: int
    reduction: int
    reduction_reason: str
    amount: int
    currency: str
    deadline: datetime.date | None
    state: str = SchemaField(
        description="unpaid (chưa thanh toán), pending (chờ thanh toán), paid, cancelled"
    )
    paid_at: datetime.datetime | None
    paid_via: str
    online_payment: int | None = SchemaField(
        description="DuocThanhToanTrucTuyen: 1 trên DVCQG, 2 qua cổng của tỉnh, 3 không trực tuyến"
    )
    receipt_number: str | None
    cancelled_at: datetime.datetime | None = SchemaField(
        description="hủy khi hồ sơ bị từ chối, rút hoặc dừng giải quyết (hoặc do cán bộ hủy)"
    )
    transactions: list[TransactionOut]
    refunds: list[RefundOut]

    @staticmethod
    def resolve_transactions(obj) -> list:
        return list(obj.transactions.all())

    @staticmethod
    def resolve_refunds(obj) -> list:
        return list(obj.refunds.all())


class GatewayOut(Schema):
    name: str
    label: str
    is_demo: bool


class PaymentStartIn(Schema):
    gateway: str = "demo"
    bank_code: str = SchemaField("", max_length=20, description="NCB, VNPAYQR…; trống: chọn trên trang cổng")


class StartOut(Schema):
    transaction: TransactionOut
    redirect_url: str = SchemaField(description="Chuyển trình duyệt của công dân tới địa chỉ này")


class QuoteOut(Schema):
    lines: list[LineOut]
    gross_amount: int
    reduction: int
    amount: int
    ambiguous: bool = SchemaField(description="Có nhiều mức thu cùng loại: cán bộ cần chọn khoản áp dụng")
    unpriced: list[str]


class RequestIn(Schema):
    item_ids: list[int] | None = SchemaField(None, description="Khoản phí áp dụng (mặc định: tất cả)")
    quantities: dict[int, int] = SchemaField(default_factory=dict, description="Số bản/số trang theo khoản")
    reduction: int = SchemaField(0, ge=0, le=MAX_AMOUNT)
    reduction_reason: str = SchemaField("", max_length=500)
    exempt: bool = False
    deadline_days: int = SchemaField(7, ge=1, le=90)
    note: str = SchemaField("", max_length=2000)


class CashIn(Schema):
    amount: int = SchemaField(..., gt=0, le=MAX_AMOUNT)
    receipt_number: str = SchemaField(..., min_length=1, max_length=40)
    payer_name: str = SchemaField(..., min_length=1, max_length=300)
    collected_at: datetime.datetime | None = None


class CashOut(Schema):
    receipt_number: str
    amount: int
    collected_at: datetime.datetime
    payment_request: PaymentRequestOut


def _refused(error: FeeError) -> Status:
    if error.field:
        return Status(422, {"detail": error.message, "field": error.field, "code": error.code})
    return Status(409, {"detail": error.message, "code": error.code})


def _staff_guard(request: HttpRequest, roles: list[str]) -> Status | None:
    if not has_second_factor(request) or not agencies_for_user(user=request.auth, roles=roles).exists():
        return Status(403, {"detail": STAFF_ONLY})
    return None


# --- citizen -----------------------------------------------------------------------------------------


@router.get("/payments/gateways", response=list[GatewayOut], summary="Các cổng thanh toán đang mở")
def gateways(request: HttpRequest):
    return [{"name": g.name, "label": g.label, "is_demo": g.is_demo} for g in enabled_gateways()]


@router.get("/payments/requests", response=list[PaymentRequestOut], summary="Khoản phí, lệ phí của tôi")
def my_requests(request: HttpRequest):
    return list(selectors.payment_requests_for_applicant(user=request.auth)[:200])


@router.get(
    "/payments/requests/{request_id}",
    response={200: PaymentRequestOut, 404: Message},
    summary="Một yêu cầu thanh toán của tôi",
)
def my_request(request: HttpRequest, request_id: uuid.UUID):
    try:
        return selectors.payment_request_access(user=request.auth, public_id=request_id)
    except Http404:
        return Status(404, {"detail": NOT_FOUND})


@router.post(
    "/payments/requests/{request_id}/start",
    response={200: StartOut, 404: Message, 409: PaymentConflict, 422: PaymentFieldError, 429: Message},
    summary="Bắt đầu thanh toán trực tuyến (trả về địa chỉ cổng thanh toán)",
)
def start(request: HttpRequest, request_id: uuid.UUID, payload: PaymentStartIn):
    try:
        payment_request = selectors.payment_request_access(user=request.auth, public_id=request_id)
    except Http404:
        return Status(404, {"detail": NOT_FOUND})
    if not hit(f"pay:{request.auth.pk}", limit=10, window_seconds=600):
        return Status(429, {"detail": "Quá nhiều lần thanh toán. Vui lòng thử lại sau ít phút."})
    try:
        txn, url = services.payment_start(
            request=payment_request,
            payer=request.auth,
            gateway_name=payload.gateway,
            client_ip=client_ip(request),
            site_url=request.build_absolute_uri("/").rstrip("/"),
            bank_code=payload.bank_code,
        )
    except FeeError as error:
        return _refused(error)
    except PermissionDenied:
        return Status(404, {"detail": NOT_FOUND})
    return {"transaction": txn, "redirect_url": url}


@router.get(
    "/payments/transactions/{transaction_id}",
    response={200: TransactionOut, 404: Message},
    summary="Một giao dịch của tôi",
)
def my_transaction(request: HttpRequest, transaction_id: uuid.UUID):
    try:
        return selectors.transaction_access(user=request.auth, public_id=transaction_id)
    except Http404:
        return Status(404, {"detail": NOT_FOUND})


@router.get(
    "/payments/requests/{request_id}/receipt.pdf",
    response={200: None, 404: Message},
    summary="Biên lai điện tử (PDF)",
    openapi_extra={"responses": {"200": {"description": "PDF", "content": {"application/pdf": {}}}}},
)
def my_receipt(request: HttpRequest, request_id: uuid.UUID):
    try:
        payment_request = selectors.payment_request_access(user=request.auth, public_id=request_id)
        body = receipt_pdf_bytes(payment_request)
    except Http404:
        return Status(404, {"detail": NOT_FOUND})
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bien-lai-{payment_request.receipt_number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- staff -------------------------------------------------------------------------------------------

REQUEST_ROLES = [StaffRole.RECEPTIONIST, StaffRole.SPECIALIST]


@router.get(
    "/payments/staff/dossiers/{dossier_id}/quote",
    response={200: QuoteOut, 403: Message, 404: Message, 422: PaymentFieldError},
    summary="Số tiền phải nộp theo biểu phí",
)
def staff_quote(request: HttpRequest, dossier_id: uuid.UUID):
    refused = _staff_guard(request, selectors.STAFF_VIEW_ROLES)
    if refused is not None:
        return refused
    try:
        dossier = selectors.dossier_for_staff(user=request.auth, public_id=dossier_id)
        quote = fee_quote(dossier=dossier)
    except Http404:
        return Status(404, {"detail": NOT_FOUND})
    except FeeError as error:
        return _refused(error)
    return {
        "lines": [line.as_dict() for line in quote.lines],
        "gross_amount": quote.gross_amount,
        "reduction": quote.reduction,
        "amount": quote.amount,
        "ambiguous": quote.ambiguous,
        "unpriced": quote.unpriced,
    }


@router.post(
    "/payments/staff/dossiers/{dossier_id}/requests",
    response={
        201: PaymentRequestOut,
        403: Message,
        404: Message,
        409: PaymentConflict,
        422: PaymentFieldError,
    },
    summary="Yêu cầu thực hiện nghĩa vụ tài chính (trạng thái 6 nếu hồ sơ đã tiếp nhận)",
)
def staff_request(request: HttpRequest, dossier_id: uuid.UUID, payload: RequestIn):
    refused = _staff_guard(request, REQUEST_ROLES)
    if refused is not None:
        return refused
    try:
        dossier = selectors.dossier_for_staff(user=request.auth, public_id=dossier_id)
        quote = fee_quote(
            dossier=dossier,
            item_ids=payload.item_ids,
            quantities=payload.quantities,
            reduction=payload.reduction,
            reduction_reason=payload.reduction_reason,
            exempt=payload.exempt,
        )
        created = services.payment_request_create(
            dossier_id=dossier.pk,
            officer=request.auth,
            quote=quote,
            deadline=datetime.date.today() + datetime.timedelta(days=payload.deadline_days),
            note=payload.note,
        )
    except Http404:
        return Status(404, {"detail": NOT_FOUND})
    except PermissionDenied:
        return Status(403, {"detail": STAFF_ONLY})
    except FeeError as error:
        return _refused(error)
    except TransitionRefused as error:
        return Status(409, {"detail": error.message, "code": error.code})
    return Status(
        201, selectors.payment_request_access(user=request.auth, public_id=created.public_id, for_staff=True)
    )


@router.post(
    "/payments/staff/requests/{request_id}/cash",
    response={201: CashOut, 403: Message, 404: Message, 409: PaymentConflict, 422: PaymentFieldError},
    summary="Bưu điện ghi nhận đã thu tiền mặt",
)
def staff_cash(request: HttpRequest, request_id: uuid.UUID, payload: CashIn):
    refused = _staff_guard(request, [StaffRole.POSTAL, StaffRole.RECEPTIONIST])
    if refused is not None:
        return refused
    try:
        payment_request = selectors.payment_request_access(
            user=request.auth, public_id=request_id, for_staff=True
        )
        collection = cash.cash_record(
            request_id=payment_request.pk,
            collector=request.auth,
            amount=payload.amount,
            receipt_number=payload.receipt_number,
            payer_name=payload.payer_name,
            collected_at=payload.collected_at,
        )
    except (Http404, PermissionDenied):
        return Status(404, {"detail": NOT_FOUND})
    except FeeError as error:
        return _refused(error)
    return Status(
        201,
        {
            "receipt_number": collection.receipt_number,
            "amount": collection.amount,
            "collected_at": collection.collected_at,
            "payment_request": PaymentRequest.objects.select_related("dossier__procedure")
            .prefetch_related("transactions")
            .get(pk=payment_request.pk),
        },
    )

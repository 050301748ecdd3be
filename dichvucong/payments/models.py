"""Fees and payments: what a dossier owes (PaymentRequest), each attempt to pay it online (Transaction) with
every gateway callback (CallbackLog), refunds, cash collected by postal staff, and reconciliations.

Amounts are whole đồng (VND has no minor unit); a gateway's own unit (VNPAY: VND × 100) never reaches the
models. Rows that record money are never deleted: ``on_delete=PROTECT`` everywhere money points.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dichvucong.agencies.models import Agency
from dichvucong.dossiers.models import Dossier

# The sanity ceiling for one payment request (the catalogue caps one fee item at 1 billion đồng).
MAX_AMOUNT = 1_000_000_000


class OnlinePayment(models.IntegerChoices):
    """DuocThanhToanTrucTuyen in the national sync (KPI 3.6)."""

    NATIONAL = 1, _("Thanh toán trên Cổng Dịch vụ công quốc gia")
    PROVINCE = 2, _("Thanh toán qua cổng thanh toán của tỉnh")
    NOT_ONLINE = 3, _("Không thanh toán trực tuyến")


class PaymentRequest(models.Model):
    """Yêu cầu thanh toán phí, lệ phí: lines (snapshotted from the catalogue), the total and a deadline."""

    class State(models.TextChoices):
        UNPAID = "unpaid", _("Chưa thanh toán")
        PENDING = "pending", _("Chờ thanh toán")
        PAID = "paid", _("Đã thanh toán")
        CANCELLED = "cancelled", _("Đã hủy")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="payment_requests")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    # [{"name", "kind", "per", "unit_amount", "quantity", "amount", "fee_item_id"}]
    items = models.JSONField(default=list)
    gross_amount = models.PositiveBigIntegerField(_("số tiền theo biểu phí"))
    reduction = models.PositiveBigIntegerField(_("miễn, giảm"), default=0)
    reduction_reason = models.CharField(_("lý do miễn, giảm"), max_length=500, blank=True)
    amount = models.PositiveBigIntegerField(_("số tiền phải nộp"))
    currency = models.CharField(max_length=3, default="VND")
    deadline = models.DateField(_("hạn nộp"), null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.UNPAID)
    # Did the request pause the dossier (status 6)? Then paying it resumes the dossier.
    pauses_dossier = models.BooleanField(default=False)
    note = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_via = models.CharField(_("hình thức"), max_length=20, blank=True)  # gateway name or "cash"
    online_payment = models.PositiveSmallIntegerField(choices=OnlinePayment.choices, null=True, blank=True)
    receipt_number = models.CharField(_("số biên lai"), max_length=40, unique=True, null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["dossier", "state"]), models.Index(fields=["agency", "paid_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__lte=MAX_AMOUNT) & models.Q(gross_amount__lte=MAX_AMOUNT),
                name="payment_request_amount_sane",
            ),
            models.CheckConstraint(
                condition=models.Q(reduction__lte=models.F("gross_amount")),
                name="payment_request_reduction_le_gross",
            ),
        ]
        verbose_name = _("yêu cầu thanh toán")
        verbose_name_plural = _("yêu cầu thanh toán")

    def __str__(self) -> str:
        return f"{self.dossier} · {self.amount} {self.currency}"

    @property
    def is_open(self) -> bool:
        return self.state in (self.State.UNPAID, self.State.PENDING)


class Transaction(models.Model):
    """One attempt to pay a request online (giao dịch): created before the redirect, with a unique
    reference (vnp_TxnRef); its state changes only from a verified gateway callback."""

    class State(models.TextChoices):
        INITIATED = "initiated", _("Khởi tạo")
        SUCCEEDED = "succeeded", _("Thành công")
        FAILED = "failed", _("Thất bại")
        REFUNDED = "refunded", _("Đã hoàn tiền")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("mã tham chiếu"), max_length=64, unique=True)
    payment_request = models.ForeignKey(PaymentRequest, on_delete=models.PROTECT, related_name="transactions")
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    gateway = models.CharField(max_length=30)
    amount = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3, default="VND")
    state = models.CharField(max_length=10, choices=State.choices, default=State.INITIATED)
    order_info = models.CharField(max_length=255)
    client_ip = models.CharField(max_length=45, blank=True)
    bank_code = models.CharField(max_length=20, blank=True)
    gateway_transaction_no = models.CharField(max_length=40, blank=True)
    response_code = models.CharField(max_length=4, blank=True)
    transaction_status = models.CharField(max_length=4, blank=True)
    card_type = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # A success for a request already paid or cancelled: the money must go back (see Refund).
    needs_refund = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["gateway", "state", "paid_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0) & models.Q(amount__lte=MAX_AMOUNT),
                name="transaction_amount_sane",
            )
        ]
        verbose_name = _("giao dịch")
        verbose_name_plural = _("giao dịch")

    def __str__(self) -> str:
        return self.reference


class CallbackLog(models.Model):
    """Every return or IPN that reached us, verified or not, with what we did about it (append-only)."""

    class Kind(models.TextChoices):
        IPN = "ipn", "IPN"
        RETURN = "return", _("Trả về (trình duyệt)")

    gateway = models.CharField(max_length=30)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    transaction = models.ForeignKey(
        Transaction, null=True, blank=True, on_delete=models.PROTECT, related_name="callbacks"
    )
    reference = models.CharField(max_length=100, blank=True)
    params = models.JSONField(default=dict)
    signature_valid = models.BooleanField(default=False)
    outcome = models.CharField(max_length=30)  # applied, duplicate, bad_signature, unknown_reference, …
    response_code = models.CharField(max_length=4, blank=True)  # our RspCode for an IPN
    detail = models.CharField(max_length=500, blank=True)
    remote_addr = models.CharField(max_length=45, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["reference", "received_at"])]

    def __str__(self) -> str:
        return f"{self.gateway} {self.kind} {self.reference} {self.outcome}"


class Refund(models.Model):
    """Money going back to the payer: through the gateway of the online transaction, or handed back by the
    cashier (cash collected, or a gateway refund that failed). Created by staff, by a payment that arrived
    for a closed request, or when a paid dossier is refused, withdrawn or stopped (``payments.closing``)."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Chờ hoàn tiền")
        DONE = "done", _("Đã hoàn tiền")
        FAILED = "failed", _("Hoàn tiền qua cổng không thành công, chờ thủ quỹ")
        CASHIER = "cashier", _("Chờ thủ quỹ hoàn trả")

    payment_request = models.ForeignKey(
        PaymentRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="refunds"
    )
    # The online payment to reverse; None for cash.
    transaction = models.ForeignKey(
        Transaction, null=True, blank=True, on_delete=models.PROTECT, related_name="refunds"
    )
    amount = models.PositiveBigIntegerField()
    reason = models.CharField(max_length=500)
    state = models.CharField(max_length=10, choices=State.choices, default=State.REQUESTED)
    gateway_response = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The cashier who handed the money back (state CASHIER or FAILED → DONE), and how.
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handling_note = models.CharField(_("cách hoàn trả"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="refund_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.transaction or self.payment_request} -{self.amount}"

    @property
    def awaits_cashier(self) -> bool:
        return self.state in (self.State.CASHIER, self.State.FAILED)


class Reconciliation(models.Model):
    """Đối soát: our ledger against a gateway's report, or postal cash against what was remitted."""

    class Kind(models.TextChoices):
        GATEWAY = "gateway", _("Đối soát cổng thanh toán")
        CASH = "cash", _("Đối soát tiền mặt thu qua bưu điện")

    kind = models.CharField(max_length=8, choices=Kind.choices)
    gateway = models.CharField(max_length=30, blank=True)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField()
    period_end = models.DateField()
    ledger_count = models.PositiveIntegerField(default=0)
    ledger_total = models.PositiveBigIntegerField(default=0)
    counterpart_count = models.PositiveIntegerField(default=0)
    counterpart_total = models.PositiveBigIntegerField(default=0)
    mismatches = models.JSONField(default=list, blank=True)  # [{"kind", "reference", "ours", "theirs"}]
    source_name = models.CharField(max_length=255, blank=True)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_start}–{self.period_end}"

    @property
    def difference(self) -> int:
        return int(self.counterpart_total) - int(self.ledger_total)


class CashCollection(models.Model):
    """Cash a postal worker collected for a dossier's payment request, with the paper receipt number."""

    payment_request = models.OneToOneField(
        PaymentRequest, on_delete=models.PROTECT, related_name="cash_collection"
    )
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    collected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    amount = models.PositiveBigIntegerField()
    receipt_number = models.CharField(_("số biên lai"), max_length=40, unique=True)
    payer_name = models.CharField(_("người nộp tiền"), max_length=300)
    collected_at = models.DateTimeField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    reconciliation = models.ForeignKey(
        Reconciliation, null=True, blank=True, on_delete=models.PROTECT, related_name="cash_collections"
    )

    class Meta:
        ordering = ["-collected_at"]
        indexes = [models.Index(fields=["agency", "collected_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0) & models.Q(amount__lte=MAX_AMOUNT), name="cash_amount_sane"
            )
        ]

    def __str__(self) -> str:
        return self.receipt_number

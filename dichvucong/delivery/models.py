"""Postal pickups and deliveries (bưu chính công ích, BCCI) for dossiers, their history and carrier calls.

``Shipment`` is one order with a carrier: the post office collects a citizen's paper originals at home
(pickup) or brings the result to the citizen (delivery). ``ShipmentEvent`` is its append-only history, one
row per report from the carrier (webhook, polling) or from postal staff. ``WebhookLog`` keeps every call to
the webhook endpoint, verified or not, with what was done about it.

States move only through ``delivery.services`` (rule in ``delivery.states``); dossier statuses only through
``dossiers.workflow``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dichvucong.delivery.states import BLOCKING, Kind, State


class Shipment(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="shipments")
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    carrier = models.CharField(_("đơn vị vận chuyển"), max_length=30)
    # Our reference sent to the carrier with the order (saleOrderCode): one per shipment, never reused.
    reference = models.CharField(_("mã tham chiếu"), max_length=40, unique=True)
    waybill = models.CharField(_("mã vận đơn"), max_length=40, blank=True)
    state = models.CharField(_("trạng thái"), max_length=20, choices=State.choices, default=State.CREATED)
    state_at = models.DateTimeField(_("thời điểm trạng thái"), null=True, blank=True)
    carrier_status = models.CharField(_("mã trạng thái của bưu điện"), max_length=40, blank=True)

    sender_name = models.CharField(max_length=300)
    sender_phone = models.CharField(max_length=40, blank=True)
    sender_address = models.CharField(max_length=500)
    recipient_name = models.CharField(_("người nhận"), max_length=300)
    recipient_phone = models.CharField(_("điện thoại người nhận"), max_length=40, blank=True)
    recipient_address = models.CharField(_("địa chỉ nhận"), max_length=500)
    cod_amount = models.PositiveBigIntegerField(_("tiền thu hộ (đồng)"), default=0)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    # Proof of delivery (or of collection, for a pickup).
    delivered_to = models.CharField(_("người ký nhận"), max_length=300, blank=True)
    delivered_at = models.DateTimeField(_("thời điểm phát"), null=True, blank=True)
    id_checked = models.BooleanField(_("đã kiểm tra giấy tờ tùy thân"), default=False)
    proof_document = models.ForeignKey(
        "documents.StoredDocument", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    failure_reason = models.CharField(_("lý do không thành công"), max_length=500, blank=True)
    delivery_attempts = models.PositiveSmallIntegerField(_("số lần phát"), default=0)

    # Calls to the carrier's order API (create), retried with back-off by the sweeper.
    request_attempts = models.PositiveSmallIntegerField(default=0)
    next_request_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=1000, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "kind"],
                condition=Q(state__in=sorted(BLOCKING)),
                name="one_open_shipment_per_dossier_kind",
            ),
            models.UniqueConstraint(
                fields=["carrier", "waybill"], condition=~Q(waybill=""), name="unique_carrier_waybill"
            ),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="shipment_kind_valid"),
            models.CheckConstraint(condition=Q(state__in=State.values), name="shipment_state_valid"),
        ]
        indexes = [
            models.Index(fields=["state", "kind"], name="shipment_state_kind"),
            models.Index(fields=["carrier", "waybill"], name="shipment_waybill"),
        ]
        verbose_name = _("bưu gửi")
        verbose_name_plural = _("bưu gửi")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.waybill or self.reference}"


class ShipmentEvent(models.Model):
    """Append-only: one report about a shipment, whether or not it moved the state."""

    class Source(models.TextChoices):
        SYSTEM = "system", _("Hệ thống")
        CARRIER = "carrier", _("Trả lời của bưu điện")
        WEBHOOK = "webhook", _("Thông báo từ bưu điện")
        POLL = "poll", _("Tra cứu trạng thái")
        STAFF = "staff", _("Nhân viên bưu điện")
        DEMO = "demo", _("Mô phỏng")

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    state = models.CharField(max_length=20, choices=State.choices)
    applied = models.BooleanField(default=True, help_text="False: kept for the record, state unchanged")
    carrier_status = models.CharField(max_length=40, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    # Identifies a carrier report so a replay is recognised (the carrier's event id, or a digest).
    dedup_key = models.CharField(max_length=128, blank=True)
    occurred_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shipment", "dedup_key"], condition=~Q(dedup_key=""), name="unique_shipment_report"
            )
        ]

    def __str__(self) -> str:
        return f"{self.shipment_id} {self.state}"


class WebhookLog(models.Model):
    """Every call to a carrier webhook, kept whatever its outcome (the body is cut to 8 KB)."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", _("Đã cập nhật")
        DUPLICATE = "duplicate", _("Trùng, đã xử lý trước đó")
        STALE = "stale", _("Cũ hơn trạng thái hiện tại, không đổi")
        UNKNOWN_WAYBILL = "unknown_waybill", _("Không có vận đơn này, bỏ qua")
        BAD_SIGNATURE = "bad_signature", _("Sai chữ ký, từ chối")
        INVALID = "invalid", _("Dữ liệu không hợp lệ, từ chối")
        UNKNOWN_CARRIER = "unknown_carrier", _("Không nhận thông báo từ đơn vị này")
        TOO_LARGE = "too_large", _("Quá lớn, từ chối")
        ERROR = "error", _("Lỗi khi xử lý")

    carrier = models.CharField(max_length=30)
    received_at = models.DateTimeField(auto_now_add=True)
    remote_addr = models.CharField(max_length=64, blank=True)
    verified = models.BooleanField(default=False)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    http_status = models.PositiveSmallIntegerField()
    waybill = models.CharField(max_length=40, blank=True)
    shipment = models.ForeignKey(
        Shipment, null=True, blank=True, on_delete=models.SET_NULL, related_name="webhook_logs"
    )
    detail = models.CharField(max_length=500, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    body = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["carrier", "-received_at"], name="webhook_log_recent")]

    def __str__(self) -> str:
        return f"{self.carrier} {self.outcome} {self.received_at:%d/%m/%Y %H:%M}"

"""The outbox: one row per message, written in the same transaction as the event that caused it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dichvucong.notifications.events import EVENTS, GENERAL, KINDS


def new_idempotency_key() -> str:
    # 32 letters and digits: fits eSMS RequestId and Zalo's advice for tracking_id (≤48, no special chars).
    return uuid.uuid4().hex


class MessageChannel(models.TextChoices):
    EMAIL = "email", _("Thư điện tử")
    SMS = "sms", _("Tin nhắn SMS")
    ZALO = "zalo", _("Zalo")


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENDING = "sending", _("Đang gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi lỗi")
    # Over a per-recipient limit and delayed until the window allows (sent then, never dropped).
    DELAYED = "delayed", _("Tạm hoãn do giới hạn gửi")
    # Went out inside another message to the same address (combined_into), never on its own.
    COMBINED = "combined", _("Đã gộp vào tin khác")
    # A security message (OTP) over the limit: refused, never sent.
    RATE_LIMITED = "rate_limited", _("Vượt giới hạn gửi")
    CANCELLED = "cancelled", _("Đã hủy")


class Message(models.Model):
    Channel = MessageChannel
    Status = MessageStatus

    FINAL_STATUSES = (Status.SENT, Status.FAILED, Status.RATE_LIMITED, Status.CANCELLED, Status.COMBINED)
    # Waiting for their time (next_attempt_at): a first send, a retry or the end of a limit window.
    WAITING_STATUSES = (Status.PENDING, Status.DELAYED)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # No `choices`: adding an event (events.py) must not need a migration.
    event = models.CharField(_("sự kiện"), max_length=64)
    # The event's kind when the row was written (events.py): security, service or general.
    kind = models.CharField(_("loại"), max_length=16, default=GENERAL)
    channel = models.CharField(_("kênh"), max_length=8, choices=MessageChannel.choices)
    provider = models.CharField(_("nhà cung cấp"), max_length=32)
    recipient = models.CharField(_("người nhận"), max_length=254)  # +84xxxxxxxxx or an e-mail address
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notification_messages",
        verbose_name=_("tài khoản"),
    )
    subject = models.CharField(_("tiêu đề"), max_length=300, blank=True)
    body = models.TextField(_("nội dung"))
    # Template parameters for providers that send pre-approved templates (Zalo ZNS template_data).
    data = models.JSONField(default=dict, blank=True)
    sensitive = models.BooleanField(_("nội dung nhạy cảm"), default=False)
    # Outside demo mode a sensitive message stores a redacted subject/body/data; what the provider gets is
    # kept here encrypted (sealing.py) for retries, and wiped once the message is final.
    sealed = models.TextField(blank=True, default="", editable=False)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    next_attempt_at = models.DateTimeField(_("gửi lại lúc"), default=timezone.now)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    idempotency_key = models.CharField(
        max_length=48, unique=True, default=new_idempotency_key, editable=False
    )
    provider_message_id = models.CharField(_("mã tin của nhà cung cấp"), max_length=128, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    combined_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="combined_messages",
        verbose_name=_("gộp vào tin"),
    )

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The sweeper: due pending rows and sending rows whose lease ran out.
            models.Index(fields=["status", "next_attempt_at"], name="notif_msg_due"),
            models.Index(fields=["status", "locked_until"], name="notif_msg_lease"),
            # Rate limits and the recipient search.
            models.Index(fields=["channel", "recipient", "created_at"], name="notif_msg_recipient"),
            # The outbox page filtered by status or channel, newest first.
            models.Index(fields=["status", "-created_at"], name="notif_msg_status_new"),
            models.Index(fields=["channel", "-created_at"], name="notif_msg_channel_new"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=MessageStatus.values),
                name="notif_msg_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(channel__in=MessageChannel.values),
                name="notif_msg_channel_valid",
            ),
            models.CheckConstraint(condition=models.Q(kind__in=KINDS), name="notif_msg_kind_valid"),
            # A combined row points at the message it went out in, and only a combined row does.
            models.CheckConstraint(
                condition=models.Q(status="combined", combined_into__isnull=False)
                | (~models.Q(status="combined") & models.Q(combined_into__isnull=True)),
                name="notif_msg_combined_has_target",
            ),
            # A message the provider accepted is sent, whatever else happens.
            models.CheckConstraint(
                condition=models.Q(provider_message_id="") | models.Q(status="sent"),
                name="notif_msg_accepted_is_sent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.channel}:{self.recipient} ({self.status})"

    @property
    def event_label(self) -> str:
        definition = EVENTS.get(self.event)
        return definition.label if definition else self.event

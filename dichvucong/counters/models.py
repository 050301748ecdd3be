"""Counters (quầy) at one-stop centres, appointments (lịch hẹn) and queue numbers (số thứ tự).

A centre is an ``Agency`` (usually a Trung tâm Phục vụ hành chính công) with a ``CentreSettings`` row. Its
counters serve fields (lĩnh vực); a booking takes one seat of one counter in one slot, so the capacity of a
slot for a procedure is the free seats of the counters serving its field. Queue numbers come from one
sequence per centre, day and series, incremented atomically in the database (like dossier codes).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dichvucong.agencies.models import Agency
from dichvucong.catalogue.models import AgencyProcedure, Field


class CentreSettings(models.Model):
    """How a centre takes appointments and queue numbers; the centre's working hours come from worktime."""

    centre = models.OneToOneField(
        Agency, on_delete=models.CASCADE, related_name="counter_settings", verbose_name=_("trung tâm")
    )
    served_agencies = models.ManyToManyField(
        Agency,
        blank=True,
        related_name="+",
        verbose_name=_("cơ quan được tiếp nhận hồ sơ"),
        help_text=_(
            "Thủ tục của các cơ quan này được đặt lịch tại trung tâm (ngoài thủ tục của chính trung tâm)."
        ),
    )
    slot_minutes = models.PositiveSmallIntegerField(_("độ dài khung giờ (phút)"), default=30)
    seats_per_counter = models.PositiveSmallIntegerField(_("số lượt hẹn mỗi quầy mỗi khung giờ"), default=2)
    days_ahead = models.PositiveSmallIntegerField(_("đặt trước tối đa (ngày)"), default=14)
    min_notice_minutes = models.PositiveSmallIntegerField(_("đặt trước tối thiểu (phút)"), default=30)
    booking_enabled = models.BooleanField(_("nhận đặt lịch hẹn"), default=True)
    kiosk_enabled = models.BooleanField(_("cấp số thứ tự"), default=True)

    class Meta:
        verbose_name = _("cấu hình trung tâm")
        verbose_name_plural = _("cấu hình trung tâm")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(slot_minutes__gte=5, slot_minutes__lte=240),
                name="centre_slot_minutes_sane",
            ),
        ]

    def __str__(self) -> str:
        return str(self.centre)


class Counter(models.Model):
    """Quầy: one desk at a centre. No fields means it serves every field."""

    centre = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="counters")
    number = models.PositiveSmallIntegerField(_("số quầy"))
    name = models.CharField(_("tên quầy"), max_length=200, blank=True)
    fields = models.ManyToManyField(Field, blank=True, related_name="+", verbose_name=_("lĩnh vực phục vụ"))
    seats_per_slot = models.PositiveSmallIntegerField(
        _("số lượt hẹn mỗi khung giờ"),
        null=True,
        blank=True,
        help_text=_("Để trống: theo cấu hình của trung tâm. 0: quầy không nhận lịch hẹn."),
    )
    is_active = models.BooleanField(_("đang mở"), default=True)

    class Meta:
        ordering = ["centre", "number"]
        constraints = [models.UniqueConstraint(fields=["centre", "number"], name="unique_counter_number")]
        verbose_name = _("quầy")
        verbose_name_plural = _("quầy")

    def __str__(self) -> str:
        return f"Quầy {self.number}" + (f" – {self.name}" if self.name else "")


class Booking(models.Model):
    """Lịch hẹn: one seat at one counter in one slot for one procedure. Changes are kept in BookingEvent."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("Đã đặt")
        CANCELLED = "cancelled", _("Đã hủy")
        ATTENDED = "attended", _("Đã đến")
        NO_SHOW = "no_show", _("Không đến")

    code = models.CharField(_("mã lịch hẹn"), max_length=16, unique=True)
    citizen = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings")
    centre = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="bookings")
    offering = models.ForeignKey(AgencyProcedure, on_delete=models.PROTECT, related_name="bookings")
    counter = models.ForeignKey(Counter, on_delete=models.PROTECT, related_name="bookings")
    day = models.DateField(_("ngày hẹn"))
    slot_start = models.DateTimeField(_("giờ hẹn"))
    slot_end = models.DateTimeField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.BOOKED)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["slot_start", "id"]
        constraints = [
            # One live booking per person, procedure and day (the service says so first, with a message).
            models.UniqueConstraint(
                fields=["citizen", "offering", "day"],
                condition=models.Q(status="booked"),
                name="unique_live_booking_per_day",
            ),
        ]
        indexes = [
            models.Index(fields=["counter", "slot_start", "status"]),
            models.Index(fields=["centre", "day", "status"]),
            models.Index(fields=["status", "slot_start"]),
            models.Index(fields=["citizen", "-slot_start"]),
        ]
        verbose_name = _("lịch hẹn")
        verbose_name_plural = _("lịch hẹn")

    def __str__(self) -> str:
        return self.code


class BookingEvent(models.Model):
    """Append-only history of a booking: created, rescheduled (old and new slot), cancelled, checked in…"""

    class Action(models.TextChoices):
        CREATED = "created", _("Đặt lịch")
        RESCHEDULED = "rescheduled", _("Đổi lịch")
        CANCELLED = "cancelled", _("Hủy lịch")
        CHECKED_IN = "checked_in", _("Đến lấy số")
        REMINDED = "reminded", _("Nhắc lịch")
        NO_SHOW = "no_show", _("Không đến")

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.booking_id} {self.action}"


class QueueTicket(models.Model):
    """Số thứ tự: taken at the kiosk (walk-in) or by checking in a booking (series "H", called first)."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Đang chờ")
        CALLED = "called", _("Đang phục vụ")
        SERVED = "served", _("Đã phục vụ")
        SKIPPED = "skipped", _("Vắng mặt")

    WALK_IN = ""
    APPOINTMENT = "H"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    centre = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="queue_tickets")
    day = models.DateField()
    series = models.CharField(max_length=2, blank=True)
    number = models.PositiveIntegerField()
    field = models.ForeignKey(Field, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    booking = models.OneToOneField(
        Booking, null=True, blank=True, on_delete=models.SET_NULL, related_name="ticket"
    )
    priority = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    issued_at = models.DateTimeField()
    counter = models.ForeignKey(
        Counter, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    called_at = models.DateTimeField(null=True, blank=True)
    recalls = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["day", "-priority", "issued_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "day", "series", "number"], name="unique_queue_number"),
        ]
        indexes = [
            models.Index(fields=["centre", "day", "status"]),
            models.Index(fields=["counter", "status"]),
        ]
        verbose_name = _("số thứ tự")
        verbose_name_plural = _("số thứ tự")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.series}{self.number:03d}"


class TicketSequence(models.Model):
    """Per-centre daily sequence of queue numbers, one per series, incremented in one statement."""

    centre = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    series = models.CharField(max_length=2, blank=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["centre", "day", "series"], name="unique_ticket_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.centre_id} {self.day} {self.series}{self.last_number}"

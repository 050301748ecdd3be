"""Notification events of appointments; templates in templates/notifications/booking.*/.

Context: full_name, code (mã lịch hẹn), procedure, due_at (the appointment time), tracking_url (the
booking's page); e-mails also print ``centre`` and ``address`` when given.
"""

from __future__ import annotations

from dichvucong.notifications.events import EMAIL, SERVICE, SMS, ZALO, Event

KEYS = ("full_name", "code", "procedure", "due_at", "tracking_url")

EVENTS = (
    Event("booking.confirmed", "Đã đặt lịch hẹn tại trung tâm", (SMS, EMAIL, ZALO), KEYS, kind=SERVICE),
    Event("booking.reminder", "Nhắc lịch hẹn tại trung tâm", (SMS, EMAIL, ZALO), KEYS, kind=SERVICE),
    Event("booking.rescheduled", "Đã đổi lịch hẹn", (SMS, EMAIL, ZALO), KEYS, kind=SERVICE),
    Event("booking.cancelled", "Đã hủy lịch hẹn", (SMS, EMAIL, ZALO), KEYS, kind=SERVICE),
)

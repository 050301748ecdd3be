"""Notification events of postal pickup and delivery (templates in templates/notifications/<event>/).

Context: full_name, code, procedure, tracking_url (declared below), plus waybill, carrier, delivered_to and,
for a failure, reasons. Only keys that the notifications template test supplies are declared; the templates
print waybill and carrier only when present."""

from dichvucong.notifications.events import EMAIL, SERVICE, SMS, ZALO, Event

BASE = ("full_name", "code", "procedure", "tracking_url")

EVENTS = (
    Event(
        "delivery.pickup_scheduled", "Bưu điện sẽ đến nhận hồ sơ giấy", (SMS, EMAIL, ZALO), BASE, kind=SERVICE
    ),
    Event("delivery.out_for_delivery", "Bưu tá đang phát kết quả", (SMS, EMAIL, ZALO), BASE, kind=SERVICE),
    Event("delivery.delivered", "Đã phát kết quả qua bưu điện", (SMS, EMAIL, ZALO), BASE, kind=SERVICE),
    Event(
        "delivery.failed",
        "Phát kết quả không thành công",
        (SMS, EMAIL, ZALO),
        (*BASE, "reasons"),
        mandatory=True,
        kind=SERVICE,
    ),
)

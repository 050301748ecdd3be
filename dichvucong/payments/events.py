"""Notification events of the payments app, registered from PaymentsConfig.ready().

Besides the declared context keys the templates use ``amount`` (for example "7.500 đ") and
``receipt_number``."""

from dichvucong.notifications.events import EMAIL, SMS, ZALO, Event

EVENTS = (
    Event(
        "payment.requested",
        "Yêu cầu nộp phí, lệ phí",
        (SMS, EMAIL, ZALO),
        ("full_name", "code", "procedure", "tracking_url", "deadline"),
        mandatory=True,
    ),
    Event(
        "payment.paid",
        "Đã nhận tiền phí, lệ phí",
        (SMS, ZALO),
        ("code", "tracking_url"),
    ),
    Event(
        "payment.receipt",
        "Biên lai điện tử thu phí, lệ phí",
        (EMAIL,),
        ("full_name", "code", "procedure", "tracking_url"),
    ),
)

"""Notification events of the payments app, registered from PaymentsConfig.ready().

Besides the declared context keys the templates use ``amount`` (for example "7.500 đ") and
``receipt_number``; ``reason`` says why a fee is no longer due (the dossier was refused, withdrawn or
stopped)."""

from dichvucong.notifications.events import EMAIL, SERVICE, SMS, ZALO, Event

EVENTS = (
    Event(
        "payment.requested",
        "Yêu cầu nộp phí, lệ phí",
        (SMS, EMAIL, ZALO),
        ("full_name", "code", "procedure", "tracking_url", "deadline"),
        mandatory=True,
        kind=SERVICE,
    ),
    Event(
        "payment.paid",
        "Đã nhận tiền phí, lệ phí",
        (SMS, ZALO),
        ("code", "tracking_url"),
        kind=SERVICE,
    ),
    Event(
        "payment.receipt",
        "Biên lai điện tử thu phí, lệ phí",
        (EMAIL,),
        ("full_name", "code", "procedure", "tracking_url"),
        kind=SERVICE,
    ),
    Event(
        "payment.cancelled",
        "Hủy yêu cầu nộp phí, lệ phí",
        (SMS, EMAIL, ZALO),
        ("full_name", "code", "procedure", "tracking_url", "reason"),
        kind=SERVICE,
    ),
    Event(
        "payment.refund_pending",
        "Phí, lệ phí sẽ được hoàn trả tại Bộ phận một cửa",
        (SMS, EMAIL, ZALO),
        ("full_name", "code", "procedure", "tracking_url"),
        kind=SERVICE,
    ),
    Event(
        "payment.refunded",
        "Đã hoàn trả phí, lệ phí",
        (SMS, EMAIL, ZALO),
        ("full_name", "code", "procedure", "tracking_url"),
        kind=SERVICE,
    ),
)

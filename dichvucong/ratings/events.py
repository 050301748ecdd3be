"""Notification events of the ratings app (registered from ``RatingsConfig.ready``)."""

from __future__ import annotations

from dichvucong.notifications.events import EMAIL, SERVICE, SMS, ZALO, Event

EVENTS = (
    # After an online download or a postal delivery (a counter return's own message carries the link).
    Event(
        "dossier.rating_invite",
        "Mời đánh giá mức độ hài lòng",
        (SMS, EMAIL, ZALO),
        ("full_name", "code", "procedure", "tracking_url"),
        kind=SERVICE,
    ),
)

"""The events that send notifications, with their channels and rules.

Each (event, channel) pair has a template in templates/notifications/<event>/<channel>.txt (plus
subject.txt for e-mail). Context keys used by the templates are listed per event.
"""

from __future__ import annotations

from dataclasses import dataclass

EMAIL = "email"
SMS = "sms"
ZALO = "zalo"
CHANNELS = (EMAIL, SMS, ZALO)


@dataclass(frozen=True)
class Event:
    code: str
    label: str
    channels: tuple[str, ...]
    context_keys: tuple[str, ...]
    # Sent whatever the person's channel preferences say (OTPs, security notices).
    mandatory: bool = False
    # The body holds a secret (an OTP or a link with a token): masked on the outbox page outside demo mode.
    sensitive: bool = False


EVENTS: dict[str, Event] = {
    event.code: event
    for event in (
        Event(
            "otp.register",
            "Mã OTP đăng ký tài khoản",
            (SMS, ZALO, EMAIL),
            ("otp", "minutes"),
            mandatory=True,
            sensitive=True,
        ),
        Event(
            "otp.login",
            "Mã OTP đăng nhập",
            (SMS, ZALO, EMAIL),
            ("otp", "minutes"),
            mandatory=True,
            sensitive=True,
        ),
        Event(
            "otp.password_reset",
            "Mã OTP đặt lại mật khẩu",
            (SMS, ZALO, EMAIL),
            ("otp", "minutes"),
            mandatory=True,
            sensitive=True,
        ),
        Event(
            "account.email_confirm",
            "Xác nhận địa chỉ thư điện tử",
            (EMAIL,),
            ("full_name", "confirm_url", "hours"),
            mandatory=True,
            sensitive=True,
        ),
        Event(
            "account.password_reset_link",
            "Đường dẫn đặt lại mật khẩu",
            (EMAIL,),
            ("full_name", "reset_url", "hours"),
            mandatory=True,
            sensitive=True,
        ),
        Event(
            "account.duplicate_registration",
            "Cảnh báo đăng ký trùng số giấy tờ",
            (SMS, EMAIL),
            ("full_name", "reset_url"),
            mandatory=True,
        ),
        Event(
            "dossier.submitted",
            "Đã nộp hồ sơ",
            (SMS, EMAIL, ZALO),
            ("full_name", "code", "procedure", "tracking_url"),
        ),
        Event(
            "dossier.accepted",
            "Hồ sơ được tiếp nhận, ngày hẹn trả",
            (SMS, EMAIL, ZALO),
            ("full_name", "code", "procedure", "tracking_url", "due_at"),
        ),
        Event(
            "dossier.supplement_requested",
            "Yêu cầu bổ sung hồ sơ",
            (SMS, EMAIL, ZALO),
            ("full_name", "code", "procedure", "tracking_url", "items", "deadline"),
            mandatory=True,
        ),
        Event(
            "dossier.refused",
            "Hồ sơ không được tiếp nhận",
            (SMS, EMAIL, ZALO),
            ("full_name", "code", "procedure", "tracking_url", "reasons"),
            mandatory=True,
        ),
        Event(
            "account.welcome",
            "Chào mừng tài khoản mới",
            (EMAIL, SMS, ZALO),
            ("full_name", "site_url"),
        ),
        Event(
            "account.password_changed",
            "Thông báo đổi mật khẩu",
            (EMAIL, SMS),
            ("full_name", "changed_at"),
            mandatory=True,
        ),
    )
}


def register(*events: Event) -> None:
    """Other apps add their events from ``AppConfig.ready()``; their templates live in the app's own
    ``templates/notifications/<event>/``. Registering the same code twice with another definition is a bug."""
    for event in events:
        existing = EVENTS.get(event.code)
        if existing is not None and existing != event:
            raise ValueError(f"Notification event {event.code!r} registered twice")
        EVENTS[event.code] = event


def event_get(code: str) -> Event:
    try:
        return EVENTS[code]
    except KeyError:
        raise ValueError(f"Unknown notification event {code!r}") from None

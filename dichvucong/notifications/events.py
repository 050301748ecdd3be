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

# What an event is about decides how limits and preferences apply (README.md, "Kinds of events").
# security: one-time codes, sign-in and password notices. Counted against the per-recipient limits, and a
#   message over the limit is refused (an OTP flood is abuse); sent on the channels asked, whatever the
#   person's preferences.
# service: the state of the person's own dossier, appointment, payment or delivery (and a staff member's own
#   work queue). Never limited and never dropped: several within a minute to one address are combined into
#   one message. Sent on the channels the person chose.
# general: anything else (a welcome). Limited, but a message over the limit is delayed until the window
#   allows, never dropped. Sent on the channels the person chose.
SECURITY = "security"
SERVICE = "service"
GENERAL = "general"
KINDS = (SECURITY, SERVICE, GENERAL)


@dataclass(frozen=True)
class Event:
    code: str
    label: str
    channels: tuple[str, ...]
    context_keys: tuple[str, ...]
    # Must reach the person: when their preferences leave none of the event's channels, it goes by SMS or
    # e-mail anyway (never by Zalo unless chosen). Security events are always sent on the channels asked.
    mandatory: bool = False
    # The body holds a secret (an OTP or a link with a token): masked on the outbox page outside demo mode.
    sensitive: bool = False
    kind: str = GENERAL

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Notification event {self.code!r}: unknown kind {self.kind!r}")


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
            kind=SECURITY,
        ),
        Event(
            "otp.login",
            "Mã OTP đăng nhập",
            (SMS, ZALO, EMAIL),
            ("otp", "minutes"),
            mandatory=True,
            sensitive=True,
            kind=SECURITY,
        ),
        Event(
            "otp.password_reset",
            "Mã OTP đặt lại mật khẩu",
            (SMS, ZALO, EMAIL),
            ("otp", "minutes"),
            mandatory=True,
            sensitive=True,
            kind=SECURITY,
        ),
        Event(
            "account.email_confirm",
            "Xác nhận địa chỉ thư điện tử",
            (EMAIL,),
            ("full_name", "confirm_url", "hours"),
            mandatory=True,
            sensitive=True,
            kind=SECURITY,
        ),
        Event(
            "account.password_reset_link",
            "Đường dẫn đặt lại mật khẩu",
            (EMAIL,),
            ("full_name", "reset_url", "hours"),
            mandatory=True,
            sensitive=True,
            kind=SECURITY,
        ),
        Event(
            "account.duplicate_registration",
            "Cảnh báo đăng ký trùng số giấy tờ",
            (SMS, EMAIL),
            ("full_name", "reset_url"),
            mandatory=True,
            kind=SECURITY,
        ),
        Event(
            "dossier.submitted",
            "Đã nộp hồ sơ",
            (SMS, EMAIL, ZALO),
            ("full_name", "code", "procedure", "tracking_url"),
            kind=SERVICE,
        ),
        Event(
            "dossier.accepted",
            "Hồ sơ được tiếp nhận, ngày hẹn trả",
            (SMS, EMAIL, ZALO),
            ("full_name", "code", "procedure", "tracking_url", "due_at"),
            kind=SERVICE,
        ),
        Event(
            "dossier.supplement_requested",
            "Yêu cầu bổ sung hồ sơ",
            (SMS, EMAIL, ZALO),
            ("full_name", "code", "procedure", "tracking_url", "items", "deadline"),
            mandatory=True,
            kind=SERVICE,
        ),
        Event(
            "dossier.refused",
            "Hồ sơ không được tiếp nhận",
            (SMS, EMAIL, ZALO),
            ("full_name", "code", "procedure", "tracking_url", "reasons"),
            mandatory=True,
            kind=SERVICE,
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
            kind=SECURITY,
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

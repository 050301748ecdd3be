"""Notification events of the accounts app, registered from AccountsConfig.ready().

Besides ``full_name`` the identity templates use ``masked_number`` (the ID number with all but its last four
digits hidden), ``method`` (how the number was proven, as words) and, for a displaced account, ``username``
(the name it now signs in with). Both go only to the account's own verified phone / e-mail
(accounts/verification.py)."""

from dichvucong.notifications.events import EMAIL, SECURITY, SMS, Event

EVENTS = (
    Event(
        "account.identity_verified",
        "Danh tính tài khoản đã được xác minh",
        (SMS, EMAIL),
        ("full_name",),
        mandatory=True,
        kind=SECURITY,
    ),
    Event(
        "account.identity_displaced",
        "Số giấy tờ bị gỡ khỏi tài khoản vì người chủ đã xác minh",
        (SMS, EMAIL),
        ("full_name",),
        mandatory=True,
        kind=SECURITY,
    ),
)

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from dichvucong.notifications.models import Message
from dichvucong.notifications.services import notify
from dichvucong.notifications.tests.factories import make_user

pytestmark = pytest.mark.django_db

OTP = {"otp": "482913", "minutes": 5}


def test_notify_writes_a_pending_row_and_sends_it_after_commit(
    sms_provider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        (message,) = notify(event="otp.register", phone="0912 345 678", context=OTP)

        assert message.status == Message.Status.PENDING
        assert message.recipient == "+84912345678"
        assert message.provider == "recording"
        assert sms_provider.calls == []  # nothing leaves before the transaction commits

    for callback in callbacks:
        callback()

    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.attempts == 1
    assert message.provider_message_id == f"rec-{message.idempotency_key}"
    assert message.sent_at is not None
    assert sms_provider.calls == [(message.pk, "+84912345678", message.body, message.idempotency_key)]


def test_notify_inside_a_rolled_back_transaction_leaves_no_row_and_sends_nothing(
    sms_provider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        notify(event="otp.register", phone="0912345678", context=OTP)
        raise RuntimeError("the caller's event failed")

    assert Message.objects.count() == 0
    assert sms_provider.calls == []


def test_notify_on_the_database_task_backend_enqueues_one_task_after_commit(
    settings, sms_provider, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["notifications"]}}

    with django_capture_on_commit_callbacks(execute=True):
        (message,) = notify(event="otp.login", phone="0912345678", context=OTP)
        assert DBTaskResult.objects.count() == 0

    task = DBTaskResult.objects.get()
    assert task.queue_name == "notifications"
    assert task.args_kwargs["args"] == [message.pk]
    assert sms_provider.calls == []  # the worker sends it, not the request


def test_sms_body_is_rendered_in_vietnamese_and_stripped_of_diacritics_for_gsm7(sms_provider):
    (message,) = notify(event="otp.login", phone="0912345678", context=OTP)

    assert message.body == (
        "482913 la ma OTP dang nhap Dich vu cong, hieu luc 5 phut. "
        "Khong cung cap ma nay cho bat ky ai, ke ca can bo."
    )
    assert message.body.isascii() and len(message.body) <= 160
    assert message.sensitive is True


def test_sms_keeps_diacritics_when_the_provider_sends_unicode(settings):
    settings.DVC_DEMO_SMS_UNICODE = True

    (message,) = notify(event="otp.login", phone="0912345678", context=OTP)

    assert message.body.startswith("482913 là mã OTP đăng nhập Dịch vụ công")


def test_notify_uses_every_channel_of_the_event_the_person_has_an_address_for():
    user = make_user(phone="+84912000001", email="an@Example.VN", notify_zalo=True)

    messages = notify(
        event="account.welcome", user=user, context={"full_name": user.full_name, "site_url": "x"}
    )

    assert sorted((m.channel, m.recipient) for m in messages) == [
        ("email", "an@example.vn"),
        ("sms", "+84912000001"),
        ("zalo", "+84912000001"),
    ]
    email = next(m for m in messages if m.channel == "email")
    assert email.subject == "Chào mừng bạn đến với Dịch vụ công"
    assert "Kính gửi “Nguyễn Thị Thử Nghiệm”," in email.body
    assert all(m.user == user and m.sensitive is False for m in messages)


def test_notify_respects_the_persons_channel_preferences(sms_provider):
    user = make_user(notify_sms=False, notify_email=True, notify_zalo=False)

    messages = notify(event="account.welcome", user=user, context={"full_name": "An", "site_url": "x"})

    assert [m.channel for m in messages] == ["email"]
    assert not Message.objects.filter(channel__in=["sms", "zalo"]).exists()
    assert sms_provider.calls == []


def test_mandatory_otp_is_sent_even_when_the_person_turned_the_channel_off(sms_provider, committed):
    user = make_user(notify_sms=False)

    with committed():
        (message,) = notify(event="otp.password_reset", user=user, context=OTP, channels=["sms"])

    message.refresh_from_db()
    assert message.channel == "sms" and message.status == Message.Status.SENT
    assert len(sms_provider.calls) == 1


def test_explicit_channels_limit_the_delivery():
    user = make_user()

    messages = notify(event="otp.login", user=user, context=OTP, channels=["email"])

    assert [m.channel for m in messages] == ["email"]
    assert messages[0].subject == "Mã OTP đăng nhập Dịch vụ công"
    assert "482913" in messages[0].body


def test_an_unknown_event_or_channel_is_refused_and_writes_nothing():
    with pytest.raises(ValueError):
        notify(event="otp.nonexistent", phone="0912345678", context=OTP)
    with pytest.raises(ValueError):
        notify(event="otp.login", phone="0912345678", context=OTP, channels=["fax"])

    assert Message.objects.count() == 0


def test_an_invalid_phone_is_recorded_as_failed_and_not_sent(sms_provider):
    (message,) = notify(event="otp.register", phone="12345", context=OTP)

    assert message.status == Message.Status.FAILED
    assert "không hợp lệ" in message.last_error
    assert sms_provider.calls == []


def test_rate_limit_stores_the_extra_message_as_rate_limited_and_does_not_send_it(
    settings, sms_provider, committed
):
    settings.DVC_NOTIFY_RATE_LIMITS = {"sms": [(900, 2), (86400, 20)]}

    with committed():
        first = notify(event="otp.login", phone="0912345678", context=OTP)[0]
        second = notify(event="otp.login", phone="+84912345678", context=OTP)[0]
        third = notify(event="otp.login", phone="84912345678", context=OTP)[0]
        other_person = notify(event="otp.login", phone="0987654321", context=OTP)[0]

    for message in (first, second, third, other_person):
        message.refresh_from_db()
    assert [first.status, second.status] == [Message.Status.SENT, Message.Status.SENT]
    assert third.status == Message.Status.RATE_LIMITED
    assert third.attempts == 0 and third.provider_message_id == ""
    assert "Vượt giới hạn 2 tin trong 15 phút" in third.last_error
    assert other_person.status == Message.Status.SENT
    assert [call[0] for call in sms_provider.calls] == [first.pk, second.pk, other_person.pk]


def test_rate_limited_messages_do_not_count_towards_the_limit(settings, sms_provider, committed):
    settings.DVC_NOTIFY_RATE_LIMITS = {"sms": [(900, 1)]}
    notify(event="otp.login", phone="0912345678", context=OTP)
    for _ in range(3):
        notify(event="otp.login", phone="0912345678", context=OTP)

    assert Message.objects.filter(status=Message.Status.RATE_LIMITED).count() == 3
    Message.objects.exclude(status=Message.Status.RATE_LIMITED).update(
        created_at=timezone.now() - datetime.timedelta(minutes=16)
    )

    with committed():
        (later,) = notify(event="otp.login", phone="0912345678", context=OTP)

    later.refresh_from_db()
    assert later.status == Message.Status.SENT


def test_dossier_news_never_uses_up_the_allowance_for_sign_in_codes(db, settings):
    from dichvucong.notifications.models import Message
    from dichvucong.notifications.services import notify

    settings.DVC_NOTIFY_RATE_LIMITS = {"sms": [[900, 2]]}
    context = {"full_name": "An", "code": "X-1", "procedure": "Khai sinh", "tracking_url": "http://x/"}
    for _ in range(3):
        notify(event="dossier.submitted", phone="0912345678", channels=["sms"], context=context)

    (otp,) = notify(
        event="otp.login", phone="0912345678", channels=["sms"], context={"otp": "123456", "minutes": 5}
    )

    assert otp.status != "rate_limited"
    # News about the person's own dossier is never limited (it is combined instead: test_service_messages).
    assert Message.objects.filter(event="dossier.submitted", status="pending").count() == 3


def test_an_account_address_nobody_proved_gets_no_official_message():
    """Issue 11, finding 3: an address typed into an account but never confirmed may be someone else's."""
    unproven = make_user(phone_verified_at=None, email_verified_at=None)
    proven_phone = make_user(email_verified_at=None)

    context = {"full_name": "An", "site_url": "x"}
    none_sent = notify(event="account.welcome", user=unproven, context=context)
    sms_only = notify(event="account.welcome", user=proven_phone, context=context)

    assert none_sent == []
    assert Message.objects.filter(user=unproven).count() == 0
    assert [m.channel for m in sms_only] == ["sms"]


def test_staff_addresses_set_by_their_administrator_are_used():
    officer = make_user(kind="staff", phone_verified_at=None, email_verified_at=None)

    messages = notify(event="account.welcome", user=officer, context={"full_name": "An", "site_url": "x"})

    assert {m.channel for m in messages} == {"sms", "email"}

import email
from email import policy

import pytest

from dichvucong.notifications.models import Message
from dichvucong.notifications.services import message_deliver, notify
from dichvucong.notifications.tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_email_reaches_a_real_smtp_server_with_vietnamese_subject_and_body_intact(smtp_server, committed):
    user = make_user(full_name="Trần Thị Ánh Dương", email="duong@example.vn")

    with committed():
        (message,) = notify(
            event="account.welcome",
            user=user,
            context={"full_name": user.full_name, "site_url": "https://dichvucong.example.vn/"},
            channels=["email"],
        )

    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    (envelope,) = smtp_server.envelopes
    assert envelope.mail_from == "no-reply@dichvucong.example.vn"
    assert envelope.rcpt_tos == ["duong@example.vn"]
    arrived = email.message_from_bytes(envelope.original_content, policy=policy.default)
    # Django folds long encoded headers onto a continuation line; unfolding leaves the leading space.
    assert arrived["Subject"].strip() == "Chào mừng bạn đến với Dịch vụ công"
    assert arrived["From"] == "Dịch vụ công <no-reply@dichvucong.example.vn>"
    assert arrived["Message-ID"] == f"<{message.idempotency_key}@dichvucong.example.vn>"
    assert arrived.get_content_charset() == "utf-8"
    body = arrived.get_content()
    assert "Kính gửi “Trần Thị Ánh Dương”," in body  # a citizen's name is quoted (rendering.citizen_text)
    assert "tra cứu thủ tục hành chính, nộp hồ sơ trực tuyến" in body
    assert message.provider_message_id == arrived["Message-ID"]


def test_a_mailbox_the_server_refuses_is_a_permanent_failure(smtp_server):
    smtp_server.refuse.add("khong-ton-tai@example.vn")
    (message,) = notify(
        event="otp.login", email="khong-ton-tai@example.vn", context={"otp": "111222", "minutes": 5}
    )

    message_deliver(message_id=message.pk)

    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert "550" in message.last_error
    assert smtp_server.envelopes == []


def test_an_unreachable_smtp_server_is_retried(settings, smtp_server):
    from dichvucong.notifications.tests.conftest import free_port

    settings.EMAIL_PORT = free_port()  # nothing listens there
    (message,) = notify(event="otp.login", email="an@example.vn", context={"otp": "111222", "minutes": 5})

    message_deliver(message_id=message.pk)

    message.refresh_from_db()
    assert message.status == Message.Status.PENDING
    assert message.attempts == 1 and message.last_error.startswith("SMTP: ConnectionRefusedError")

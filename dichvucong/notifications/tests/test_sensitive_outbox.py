"""Outside demo mode the outbox never keeps a readable OTP or token link: the row stores a redacted text,
the text to send is sealed for its retries and wiped once the message is final (issue 11, finding 12)."""

import email
import json
from email import policy

import pytest

from dichvucong.notifications import sealing
from dichvucong.notifications.models import Message
from dichvucong.notifications.services import message_cancel, message_deliver, notify

pytestmark = pytest.mark.django_db

CODE = "482913"


@pytest.fixture
def production(settings):
    settings.DVC_DEMO_MODE = False


@pytest.fixture
def esms(esms, production):
    return esms


@pytest.fixture
def zns(zns, production):
    return zns


def _stored(message: Message) -> str:
    """Every column of the row as the database holds it."""
    return json.dumps(list(Message.objects.filter(pk=message.pk).values()), default=str, ensure_ascii=False)


def _otp_sms() -> Message:
    (message,) = notify(event="otp.login", phone="0912345678", context={"otp": CODE, "minutes": 5})
    return message


def test_the_code_reaches_the_sms_server_but_is_never_readable_in_the_outbox(esms):
    esms.reply({"CodeResult": "100", "SMSID": "SMS-1"})

    message = _otp_sms()
    assert CODE not in _stored(message) and "******" in message.body and message.sealed
    message_deliver(message_id=message.pk)

    (request,) = esms.requests
    assert request.json()["Content"].startswith(f"{CODE} la ma OTP dang nhap")
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.body == request.json()["Content"].replace(CODE, "******")
    assert message.sealed == "" and CODE not in _stored(message)


def test_a_retry_sends_the_same_code_and_the_seal_is_wiped_after_success(esms):
    esms.reply("<html>Service Unavailable</html>", status=503)
    esms.reply({"CodeResult": "100", "SMSID": "SMS-2"})
    message = _otp_sms()

    message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == Message.Status.PENDING and message.sealed and CODE not in _stored(message)

    Message.objects.filter(pk=message.pk).update(next_attempt_at=message.created_at)
    message_deliver(message_id=message.pk)

    message.refresh_from_db()
    assert message.status == Message.Status.SENT and message.sealed == ""
    assert [CODE in r.json()["Content"] for r in esms.requests] == [True, True]
    assert len({r.json()["RequestId"] for r in esms.requests}) == 1
    assert CODE not in _stored(message)


@pytest.mark.parametrize("ending", ["permanent", "cancelled", "attempts"])
def test_the_seal_is_wiped_when_the_message_ends_without_being_sent(esms, settings, ending):
    message = _otp_sms()
    if ending == "permanent":
        esms.reply({"CodeResult": "104", "ErrorMessage": "Brand name code is not exist"})
        message_deliver(message_id=message.pk)
    elif ending == "cancelled":
        message_cancel(message_id=message.pk)
    else:
        Message.objects.filter(pk=message.pk).update(attempts=5)
        message_deliver(message_id=message.pk)

    message.refresh_from_db()
    assert message.status in (Message.Status.FAILED, Message.Status.CANCELLED)
    assert message.sealed == "" and CODE not in _stored(message)


def test_a_tampered_seal_fails_the_message_and_sends_nothing(esms):
    message = _otp_sms()
    token = message.sealed
    Message.objects.filter(pk=message.pk).update(
        sealed=token[:-4] + ("AAAA" if token[-4:] != "AAAA" else "BBBB")
    )

    message_deliver(message_id=message.pk)

    message.refresh_from_db()
    assert esms.requests == []
    assert message.status == Message.Status.FAILED and message.sealed == ""
    assert "mã hóa" in message.last_error


def test_zalo_template_data_keeps_the_code_sealed_too(zns):
    zns.reply({"error": 0, "message": "Success", "data": {"msg_id": "z-1"}})
    (message,) = notify(event="otp.login", zalo_phone="0912345678", context={"otp": CODE, "minutes": 5})
    assert message.data["otp"] == "******" and CODE not in _stored(message)

    message_deliver(message_id=message.pk)

    (request,) = zns.requests
    assert request.json()["template_data"]["otp"] == CODE
    message.refresh_from_db()
    assert message.status == Message.Status.SENT and CODE not in _stored(message)


def test_a_password_reset_link_is_hidden_as_well(production, smtp_server):
    link = "https://dvc.example.vn/quen-mat-khau/MQ/token-abc123/"
    (message,) = notify(
        event="account.password_reset_link",
        email="an@example.vn",
        context={"full_name": "An", "reset_url": link, "hours": 1},
    )
    assert "token-abc123" not in _stored(message) and "[đường dẫn đã ẩn]" in message.body

    message_deliver(message_id=message.pk)

    (envelope,) = smtp_server.envelopes
    arrived = email.message_from_bytes(envelope.original_content, policy=policy.default)
    assert link in arrived.get_content()
    message.refresh_from_db()
    assert message.status == Message.Status.SENT and "token-abc123" not in _stored(message)


def test_in_demo_mode_the_outbox_keeps_the_readable_code(settings):
    settings.DVC_DEMO_MODE = True

    message = _otp_sms()

    assert CODE in message.body and message.sealed == ""


def test_a_message_without_secrets_is_not_sealed(esms):
    (message,) = notify(
        event="account.password_changed",
        phone="0912345678",
        context={"full_name": "An", "changed_at": "14:05 09/03/2026"},
    )

    assert message.sealed == "" and "14:05 09/03/2026" in message.body


def test_seal_round_trip_tamper_and_key_rotation(settings):
    token = sealing.seal({"body": f"Mã {CODE}", "data": {"otp": CODE}})
    assert CODE not in token and token.startswith("v2.")
    assert sealing.unseal(token) == {"body": f"Mã {CODE}", "data": {"otp": CODE}}
    assert sealing.seal({"a": 1}) != sealing.seal({"a": 1})  # a fresh nonce each time

    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-key-" + "x" * 50
    with pytest.raises(sealing.SealBroken):
        sealing.unseal(token)
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert sealing.unseal(token)["data"] == {"otp": CODE}
    with pytest.raises(sealing.SealBroken):
        sealing.unseal("v2.AAAA")

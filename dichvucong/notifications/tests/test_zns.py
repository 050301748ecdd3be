import pytest

from dichvucong.notifications.models import Message
from dichvucong.notifications.providers.zns import ZnsConfig, build_send_request, parse_send_response
from dichvucong.notifications.services import message_deliver, notify
from dichvucong.notifications.tests.factories import make_user

pytestmark = pytest.mark.django_db


def _otp_message() -> Message:
    (message,) = notify(event="otp.login", zalo_phone="0912345678", context={"otp": "482913", "minutes": 5})
    return message


def test_request_has_the_access_token_header_and_84_phone():
    config = ZnsConfig(access_token="tok", development=True)

    headers, body = build_send_request(
        config=config, phone="+84912345678", template_id="224466", template_data={"otp": 1}, tracking_id="t1"
    )

    assert headers == {"access_token": "tok"}
    assert body == {
        "phone": "84912345678",
        "template_id": "224466",
        "template_data": {"otp": "1"},
        "tracking_id": "t1",
        "mode": "development",
    }


@pytest.mark.parametrize(
    ("data", "accepted", "retryable"),
    [
        ({"error": 0, "message": "Success", "data": {"msg_id": "m1"}}, True, False),
        ({"error": -108, "message": "Phone number is invalid"}, False, False),
        ({"error": -109, "message": "Template ID is invalid"}, False, False),
        ({"error": -111, "message": "Template data is empty"}, False, False),
        ({"error": -114, "message": "User is inactive"}, False, False),
        ({"error": -124, "message": "Access token is invalid"}, False, True),
        ({"error": -100, "message": "Unknown error"}, False, True),
        ({"unexpected": True}, False, True),
    ],
)
def test_zalo_error_codes(data, accepted, retryable):
    result = parse_send_response(status=200, data=data)

    assert (result.accepted, result.retryable) == (accepted, retryable)


def test_accepted_against_a_local_fake_zalo_server(zns):
    zns.reply({"error": 0, "message": "Success", "data": {"msg_id": "zmsg-9", "sent_time": "1700000000000"}})
    message = _otp_message()

    message_deliver(message_id=message.pk)

    (request,) = zns.requests
    assert request.path == "/message/template"
    assert request.headers["access_token"] == "oa-token-1"
    assert "authorization" not in request.headers
    assert request.json() == {
        "phone": "84912345678",
        "template_id": "224466",
        "template_data": {"otp": "482913", "minutes": "5"},
        "tracking_id": message.idempotency_key,
    }
    message.refresh_from_db()
    assert message.status == Message.Status.SENT and message.provider_message_id == "zmsg-9"
    assert message.body.startswith("Mã OTP đăng nhập Dịch vụ công của bạn là 482913")


def test_expired_access_token_is_retried_and_invalid_phone_is_not(zns):
    zns.reply({"error": -124, "message": "Access token is invalid"})
    zns.reply({"error": -108, "message": "Phone number is invalid"})
    retried, refused = _otp_message(), _otp_message()

    message_deliver(message_id=retried.pk)
    message_deliver(message_id=refused.pk)

    retried.refresh_from_db()
    refused.refresh_from_db()
    assert retried.status == Message.Status.PENDING and retried.last_error.startswith("Zalo -124")
    assert refused.status == Message.Status.FAILED and refused.last_error.startswith("Zalo -108")


def test_network_timeout_is_retried(zns):
    zns.reply({"error": 0}, delay=1.5)
    message = _otp_message()

    message_deliver(message_id=message.pk)

    message.refresh_from_db()
    assert message.status == Message.Status.PENDING
    assert message.last_error.startswith("Zalo: ")


def test_an_event_without_an_approved_template_fails_without_calling_zalo(zns):
    user = make_user(phone="+84912345678", email="", notify_sms=False, notify_zalo=True)
    (message,) = notify(event="account.welcome", user=user, context={"full_name": "An", "site_url": "x"})

    message_deliver(message_id=message.pk)

    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert message.last_error == "Chưa cấu hình template ZNS cho sự kiện account.welcome"
    assert zns.requests == []

import pytest

from dichvucong.notifications.models import Message
from dichvucong.notifications.providers.base import ProviderResult
from dichvucong.notifications.providers.esms import (
    EsmsConfig,
    EsmsProvider,
    build_send_request,
    parse_send_response,
    send_url,
)
from dichvucong.notifications.services import message_deliver, notify

pytestmark = pytest.mark.django_db

CONFIG = EsmsConfig(api_key="KEY-1", secret_key="SECRET-1", brandname="DVC_TEST")


def _otp_message() -> Message:
    (message,) = notify(event="otp.login", phone="0912345678", context={"otp": "482913", "minutes": 5})
    return message


def test_request_body_is_exactly_the_esms_json():
    body = build_send_request(config=CONFIG, phone="+84912345678", content="Ma OTP 1", request_id="abc123")

    assert body == {
        "ApiKey": "KEY-1",
        "SecretKey": "SECRET-1",
        "Phone": "0912345678",
        "Content": "Ma OTP 1",
        "Brandname": "DVC_TEST",
        "SmsType": "2",
        "IsUnicode": "0",
        "Sandbox": "0",
        "RequestId": "abc123",
    }
    assert send_url(CONFIG) == "https://rest.esms.vn/MainService.svc/json/SendMultipleMessage_V4_post_json/"


def test_request_body_carries_unicode_sandbox_and_callback_when_configured():
    config = EsmsConfig(
        api_key="k", secret_key="s", brandname="b", unicode=True, sandbox=True, callback_url="https://x.vn/cb"
    )

    body = build_send_request(config=config, phone="0912345678", content="Mã", request_id="r")

    assert (body["IsUnicode"], body["Sandbox"], body["CallbackUrl"]) == ("1", "1", "https://x.vn/cb")


@pytest.mark.parametrize(
    ("status", "data", "expected"),
    [
        (200, {"CodeResult": "100", "CountRegenerate": 0, "SMSID": "d5334"}, ProviderResult.ok("d5334")),
        (
            200,
            {"CodeResult": "124", "ErrorMessage": "Request exist 1", "SendStatus": "5"},
            ProviderResult.ok("RequestId:r1"),
        ),
        (200, {"error": "Invalid request"}, "permanent"),
        (200, {"CodeResult": "101", "ErrorMessage": "Authorize Failed"}, "permanent"),
        (200, {"CodeResult": "104", "ErrorMessage": "Brand name code is not exist"}, "permanent"),
        (200, {"CodeResult": "108"}, "permanent"),
        (
            200,
            {"CodeResult": "146", "ErrorMessage": "Sai template Brandname CSKH", "SMSID": "3f5e"},
            "permanent",
        ),
        (200, {"CodeResult": "103", "ErrorMessage": "Balance not enough"}, "retry"),
        (502, None, "retry"),
        (200, None, "retry"),
    ],
)
def test_response_codes_map_to_accepted_permanent_or_retryable(status, data, expected):
    result = parse_send_response(status=status, data=data, request_id="r1")

    if isinstance(expected, ProviderResult):
        assert result == expected
    else:
        assert not result.accepted
        assert result.retryable is (expected == "retry")


def test_accepted_against_a_local_fake_esms_server(esms):
    esms.reply({"CodeResult": "100", "CountRegenerate": 0, "SMSID": "SMS-42"})
    message = _otp_message()

    message_deliver(message_id=message.pk)

    (request,) = esms.requests
    assert request.path == "/MainService.svc/json/SendMultipleMessage_V4_post_json/"
    assert request.headers["content-type"].startswith("application/json")
    assert request.json() == {
        "ApiKey": "KEY-1",
        "SecretKey": "SECRET-1",
        "Phone": "0912345678",
        "Content": message.body,
        "Brandname": "DVC_TEST",
        "SmsType": "2",
        "IsUnicode": "0",
        "Sandbox": "0",
        "RequestId": message.idempotency_key,
    }
    message.refresh_from_db()
    assert message.status == Message.Status.SENT and message.provider_message_id == "SMS-42"


def test_duplicate_request_id_after_a_lost_answer_counts_as_sent_without_a_second_sms(esms):
    esms.reply({}, status=200, delay=1.5)  # eSMS took the first request but the answer timed out
    esms.reply({"CodeResult": "124", "CountRegenerate": 0, "ErrorMessage": "Request exist 1"})
    message = _otp_message()

    message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == Message.Status.PENDING
    assert "timed out" in message.last_error.lower()

    Message.objects.filter(pk=message.pk).update(next_attempt_at=message.created_at)
    message_deliver(message_id=message.pk)

    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.provider_message_id == f"RequestId:{message.idempotency_key}"
    assert [r.json()["RequestId"] for r in esms.requests] == [message.idempotency_key] * 2


def test_permanent_error_from_the_fake_server_fails_the_message(esms):
    esms.reply({"CodeResult": "104", "CountRegenerate": 0, "ErrorMessage": "Brand name code is not exist"})
    message = _otp_message()

    message_deliver(message_id=message.pk)

    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert message.last_error.startswith("eSMS 104: brandname không tồn tại")


def test_server_error_is_retried(esms):
    esms.reply("<html>Service Unavailable</html>", status=503)
    message = _otp_message()

    message_deliver(message_id=message.pk)

    message.refresh_from_db()
    assert message.status == Message.Status.PENDING and message.last_error == "eSMS HTTP 503"


def test_missing_credentials_fail_without_calling_out(settings, esms):
    settings.DVC_ESMS_SECRET_KEY = ""
    message = _otp_message()

    result = EsmsProvider().send(message)

    assert not result.accepted and not result.retryable
    assert esms.requests == []

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dichvucong.accounts.tests.conftest import CCCD, PASSWORD, latest_code
from dichvucong.notifications.models import Message

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Hoa-Mai#2027tim"


def request_reset(client, identifier=CCCD, channel="sms"):
    page = client.get(reverse("accounts:password_reset")).content.decode()
    token = re.search(r'name="captcha_token" value="([^"]+)"', page).group(1)
    return client.post(
        reverse("accounts:password_reset"),
        {"identifier": identifier, "channel": channel, "captcha_answer": "5", "captcha_token": token},
    )


def test_reset_by_phone_code_sets_the_password_and_ends_other_sessions(client, citizen, settings):
    settings.DVC_CITIZEN_SMS_2FA = False
    other_device = Client()
    other_device.post(reverse("accounts:login"), {"identifier": CCCD, "password": PASSWORD})
    request_reset(client)

    response = client.post(
        reverse("accounts:password_reset_code"),
        {"code": latest_code("otp.password_reset"), "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    citizen.refresh_from_db()
    assert response.status_code == 302 and citizen.check_password(NEW_PASSWORD)
    assert other_device.get(reverse("accounts:profile")).status_code == 302
    assert Message.objects.filter(event="account.password_changed", user=citizen).exists()


def test_reset_answers_the_same_for_unknown_ids(client, citizen):
    known = request_reset(client)
    unknown = request_reset(Client(), identifier="001099012345")

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert Message.objects.filter(event="otp.password_reset").count() == 1


def test_reset_with_a_wrong_code_changes_nothing(client, citizen):
    request_reset(client)

    response = client.post(
        reverse("accounts:password_reset_code"),
        {
            "code": "000000" if latest_code("otp.password_reset") != "000000" else "111111",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )

    citizen.refresh_from_db()
    assert "không đúng" in response.content.decode()
    assert citizen.check_password(PASSWORD)


def test_reset_link_by_email_works_once(client, citizen):
    citizen.email_verified_at = timezone.now()
    citizen.save()
    request_reset(client, channel="email")
    body = Message.objects.get(event="account.password_reset_link").body
    path = re.search(r"https?://[^/\s]+(/quen-mat-khau/thu/[^\s]+/)", body).group(1)

    first = client.post(path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    again = client.post(path, {"password1": "Khac#Mat-khau99", "password2": "Khac#Mat-khau99"})

    citizen.refresh_from_db()
    assert first.status_code == 302 and again.status_code == 400
    assert citizen.check_password(NEW_PASSWORD)


def test_weak_new_password_is_refused(client, citizen):
    request_reset(client)

    response = client.post(
        reverse("accounts:password_reset_code"),
        {"code": latest_code("otp.password_reset"), "password1": "12345678", "password2": "12345678"},
    )

    citizen.refresh_from_db()
    assert "Có lỗi cần sửa" in response.content.decode()
    assert citizen.check_password(PASSWORD)

"""Defect 10: the registration limits count successes, per address and per phone; failures only bring the
captcha, and a hard block comes far above what a ward office's shared Wi-Fi produces."""

import re

import pytest
from django.urls import reverse

from dichvucong.accounts.tests.conftest import CCCD, PASSWORD
from dichvucong.accounts.tests.test_registration import register_form
from dichvucong.notifications.models import Message

pytestmark = pytest.mark.django_db

QUESTION = "Hai cộng ba bằng mấy?"


def failed_attempt(client, n):
    """A person who mistypes their ID number (the same office address for everyone)."""
    return register_form(client, id_number=f"03809001234{n % 10}x", phone=f"09123456{n:02d}")


def test_fifteen_failures_from_one_address_never_block_a_correct_sixteenth(client):
    pages = [failed_attempt(client, n) for n in range(15)]

    assert all(page.status_code == 200 for page in pages)
    assert QUESTION not in pages[0].content.decode()  # the first tries have no captcha
    assert QUESTION in pages[-1].content.decode()  # later ones ask the question instead of blocking
    assert 'value="Nguyễn Văn An"' in pages[-1].content.decode()  # and keep what was typed

    sixteenth = register_form(client)  # answers the captcha as a person would

    assert sixteenth.status_code == 302 and sixteenth["Location"] == reverse("accounts:register_verify")
    assert Message.objects.filter(event="otp.register", recipient="+84912345678").count() == 1


def test_the_captcha_joins_the_form_after_a_few_attempts_keeping_the_answers_and_errors(client, settings):
    settings.DVC_REGISTRATION_CAPTCHA_AFTER = 2
    failed_attempt(client, 1)
    failed_attempt(client, 2)

    crossing = failed_attempt(client, 3).content.decode()  # the attempt that reaches the limit

    assert QUESTION in crossing and 'name="captcha_token" value="' in crossing
    assert "Câu trả lời kiểm tra chưa đúng" not in crossing  # not blamed for a question it never saw
    assert 'value="0912345603"' in crossing
    wrong = register_form(client, captcha_answer="9").content.decode()
    assert "Câu trả lời kiểm tra chưa đúng" in wrong
    assert not Message.objects.filter(event="otp.register").exists()


def test_successful_sign_ups_from_one_address_are_limited(client, settings):
    settings.DVC_REGISTRATIONS_PER_IP_HOUR = 3
    for n in range(3):
        assert register_form(client, phone=f"091234567{n}").status_code == 302
    for n in range(4):  # failures in between do not count against the address
        failed_attempt(client, n)

    refused = register_form(client, phone="0912345679")

    assert refused.status_code == 429
    assert Message.objects.filter(event="otp.register").count() == 3  # no fourth code sent


def test_codes_per_phone_are_limited_and_the_form_says_so(client, settings):
    settings.DVC_REGISTRATION_CODES_PER_PHONE_HOUR = 2
    register_form(client)
    register_form(client)

    refused = register_form(client)

    page = refused.content.decode()
    assert refused.status_code == 200
    assert "Số điện thoại này đã nhận 2 mã đăng ký trong một giờ qua" in page
    assert 'value="0912 345 678"' in page and f'value="{CCCD}"' in page
    assert Message.objects.filter(event="otp.register").count() == 2
    other_phone = register_form(client, phone="0987654321")
    assert other_phone.status_code == 302


def test_resending_the_code_counts_against_the_phone(client, settings, monkeypatch):
    from dichvucong.accounts import services

    settings.DVC_REGISTRATION_CODES_PER_PHONE_HOUR = 1
    monkeypatch.setattr(services, "OTP_RESEND_SECONDS", 0)
    register_form(client)

    resend = client.post(reverse("accounts:register_verify"), {"resend": "1"})

    assert "Số điện thoại này đã nhận 1 mã đăng ký" in resend.content.decode()
    assert Message.objects.filter(event="otp.register").count() == 1


def test_hard_block_only_far_above_office_use_and_after_the_captcha(client, settings):
    settings.DVC_REGISTRATION_ATTEMPTS_PER_IP_HOUR = 20  # 300 by default
    pages = [failed_attempt(client, n) for n in range(20)]
    assert all(page.status_code == 200 for page in pages)
    assert QUESTION in pages[-1].content.decode()

    blocked = register_form(client)

    assert blocked.status_code == 429
    assert not Message.objects.filter(event="otp.register").exists()


def test_the_api_asks_for_the_captcha_only_after_several_attempts(client, settings):
    settings.DVC_REGISTRATION_CAPTCHA_AFTER = 1
    payload = {
        "id_number": CCCD,
        "full_name": "Nguyễn Văn An",
        "date_of_birth": "1990-05-15",
        "gender": "male",
        "phone": "0912345678",
        "password": PASSWORD,
    }
    first = client.post("/api/v1/accounts/register", payload, content_type="application/json")
    assert first.status_code == 202  # no captcha needed
    client.post("/api/v1/accounts/register", {**payload, "id_number": "1"}, content_type="application/json")

    third = client.post("/api/v1/accounts/register", payload, content_type="application/json")

    assert third.status_code == 422 and "captcha_answer" in third.json()["errors"]
    token = client.get("/api/v1/captcha").json()["token"]
    answered = client.post(
        "/api/v1/accounts/register",
        {**payload, "captcha_token": token, "captcha_answer": "5"},
        content_type="application/json",
    )
    assert answered.status_code == 202
    assert re.fullmatch(r"091\*+678", answered.json()["masked_phone"])

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from dichvucong.accounts.models import LoginEvent
from dichvucong.accounts.tests.conftest import CCCD, PASSWORD, latest_code

pytestmark = pytest.mark.django_db
User = get_user_model()


def sign_in(client, identifier=CCCD, password=PASSWORD, data_extra=None):
    data = {"identifier": identifier, "password": password, **(data_extra or {})}
    return client.post(reverse("accounts:login"), data)


def test_citizen_signs_in_with_password_then_sms_code(client, citizen):
    response = sign_in(client)
    assert response["Location"] == reverse("accounts:login_otp")
    assert "_auth_user_id" not in client.session  # not signed in before the second factor

    response = client.post(reverse("accounts:login_otp"), {"code": latest_code("otp.login", citizen.phone)})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(citizen.pk)
    assert LoginEvent.objects.filter(user=citizen, outcome="success", method="sms_otp").exists()


def test_sign_in_with_verified_email_too(client, citizen, settings):
    settings.DVC_CITIZEN_SMS_2FA = False
    from django.utils import timezone

    citizen.email_verified_at = timezone.now()
    citizen.save()

    response = sign_in(client, identifier="AN@example.vn")

    assert response.status_code == 302 and client.session["_auth_user_id"] == str(citizen.pk)


def test_session_key_changes_at_sign_in(client, citizen, settings):
    settings.DVC_CITIZEN_SMS_2FA = False
    client.get(reverse("accounts:login"))
    client.session.save()
    before = client.session.session_key

    sign_in(client)

    assert client.session.session_key != before


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client, citizen):
    wrong_password = sign_in(client, password="Sai#Mat-khau1")
    unknown_id = sign_in(client, identifier="001099012345")

    for response in (wrong_password, unknown_id):
        assert response.status_code == 200
        assert "hoặc mật khẩu không đúng" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert LoginEvent.objects.filter(user=citizen, outcome="wrong_password").count() == 1


def test_captcha_appears_after_repeated_failures(client, citizen):
    for _ in range(3):
        sign_in(client, password="Sai#Mat-khau1")

    page = client.get(reverse("accounts:login")).content.decode()

    assert "Hai cộng ba bằng mấy?" in page


def test_lockout_after_five_failures_cools_off_and_spares_other_addresses(citizen, settings):
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    owner = Client(REMOTE_ADDR="198.51.100.20")
    settings.DVC_CITIZEN_SMS_2FA = False
    for _ in range(5):
        page = attacker.get(reverse("accounts:login")).content.decode()
        token = re.search(r'name="captcha_token" value="([^"]+)"', page)
        attacker.post(
            reverse("accounts:login"),
            {
                "identifier": CCCD,
                "password": "Sai#Mat-khau1",
                "captcha_answer": "5",
                "captcha_token": token.group(1) if token else "",
            },
        )

    page = attacker.get(reverse("accounts:login")).content.decode()
    token = re.search(r'name="captcha_token" value="([^"]+)"', page).group(1)
    locked = sign_in(attacker, data_extra={"captcha_answer": "5", "captcha_token": token})
    elsewhere = sign_in(owner)

    assert locked.status_code == 429 and "15 phút" in locked.content.decode()
    assert elsewhere.status_code == 302 and owner.session["_auth_user_id"] == str(citizen.pk)

    from axes.models import AccessAttempt
    from django.utils import timezone

    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME * 2)
    page = attacker.get(reverse("accounts:login")).content.decode()
    token = re.search(r'name="captcha_token" value="([^"]+)"', page).group(1)
    after_cool_off = sign_in(attacker, data_extra={"captcha_answer": "5", "captcha_token": token})
    assert after_cool_off.status_code == 302


def test_sms_code_brute_force_and_replay_are_refused(client, citizen):
    sign_in(client)
    code = latest_code("otp.login")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        client.post(reverse("accounts:login_otp"), {"code": wrong})

    response = client.post(reverse("accounts:login_otp"), {"code": code})

    assert "quá nhiều lần" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.fixture
def staff(db):
    return User.objects.create_user(
        username="canbo.hacthanh",
        password=PASSWORD,
        kind="staff",
        full_name="Trần Thị Bình",
        phone="+84987654321",
    )


def test_staff_must_enrol_an_authenticator_then_sign_in_with_it(client, staff):
    response = sign_in(client, identifier="canbo.hacthanh")
    assert response["Location"] == reverse("accounts:totp_setup")

    setup = client.get(reverse("accounts:totp_setup"))
    assert "<svg" in setup.content.decode()
    device = TOTPDevice.objects.get(user=staff)
    done = client.post(reverse("accounts:totp_setup"), {"code": f"{totp(device.bin_key):06d}"})

    assert done.status_code == 200 and "mã dự phòng" in done.content.decode().lower()
    assert client.session["_auth_user_id"] == str(staff.pk)
    device.refresh_from_db()
    assert device.confirmed


def test_staff_with_wrong_authenticator_code_is_not_signed_in(client, staff):
    TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    sign_in(client, identifier="canbo.hacthanh")

    response = client.post(reverse("accounts:login_totp"), {"code": "000000"})

    assert "không đúng" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_app_code_box_offers_a_full_keyboard_for_backup_codes(client, staff):
    # Backup codes have letters ("adcmnwr4"): a numeric keypad would not let a phone type them.
    TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    sign_in(client, identifier="canbo.hacthanh")

    page = client.get(reverse("accounts:login_totp")).content.decode()

    assert 'inputmode="text"' in page and 'inputmode="numeric"' not in page


def test_sign_out_everywhere_ends_other_sessions(citizen, settings):
    settings.DVC_CITIZEN_SMS_2FA = False
    phone, laptop = Client(), Client()
    sign_in(phone)
    sign_in(laptop)
    assert laptop.get(reverse("accounts:profile")).status_code == 200

    phone.post(reverse("accounts:logout_all"))

    assert laptop.get(reverse("accounts:profile")).status_code == 302
    assert phone.get(reverse("accounts:profile")).status_code == 302


def test_idle_session_expires(client, citizen, settings):
    assert settings.SESSION_SAVE_EVERY_REQUEST and settings.SESSION_COOKIE_AGE == 30 * 60

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from dichvucong.accounts.tests.conftest import CAPTCHA_ANSWER, CCCD, PASSWORD, latest_code
from dichvucong.notifications.models import Message

pytestmark = pytest.mark.django_db
User = get_user_model()


def _answer(html: str) -> str:
    """Solve the accessible captcha the way a person would: read the question."""
    assert "Hai cộng ba bằng mấy?" in html
    return CAPTCHA_ANSWER


def register_form(client, **overrides):
    """Fill the form as a person would; the captcha only when the page asks it (after several attempts)."""
    page = client.get(reverse("accounts:register")).content.decode()
    data = {
        "kind": "citizen",
        "id_number": CCCD,
        "full_name": "Nguyễn Văn An",
        "date_of_birth": "15/05/1990",
        "gender": "male",
        "phone": "0912 345 678",
        "email": "an@example.vn",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    if token := re.search(r'name="captcha_token" value="([^"]+)"', page):
        data.update(captcha_token=token.group(1), captcha_answer=_answer(page))
    data.update(overrides)
    return client.post(reverse("accounts:register"), data)


def test_citizen_registers_confirms_phone_and_is_signed_in(client):
    response = register_form(client)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:register_verify")
    assert not User.objects.exists()  # nothing until the phone is proven

    code = latest_code("otp.register", "+84912345678")
    response = client.post(reverse("accounts:register_verify"), {"code": code})

    user = User.objects.get(username=CCCD)
    assert response.status_code == 302
    assert user.phone == "+84912345678" and user.phone_verified_at is not None
    assert user.password.startswith("argon2")
    assert user.email_verified_at is None
    assert Message.objects.filter(event="account.email_confirm", recipient="an@example.vn").exists()
    assert client.get(reverse("accounts:profile")).status_code == 200


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("id_number", "999090012345", "Mã tỉnh"),  # unknown province code
        ("id_number", "03809001234", "12"),  # 11 digits
        ("id_number", "03809001234a", ""),
        ("date_of_birth", "15/05/1985", "khớp"),  # CCCD says 1990
        ("phone", "+1 415 555 0100", "di động Việt Nam"),
        ("phone", "024 3825 1234", "di động Việt Nam"),  # a Hà Nội landline
        ("password1", "password", ""),
        ("password1", "Nguyen@An2026", ""),  # contains the name
        ("password1", "Abc@038090012345", ""),  # contains the ID number
    ],
)
def test_bad_registration_input_is_refused_keeps_what_was_typed_and_creates_nothing(
    client, field, value, message
):
    overrides = {field: value}
    if field == "password1":
        overrides["password2"] = value
    response = register_form(client, **overrides)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Có lỗi cần sửa" in html
    assert message in html
    assert 'value="Nguyễn Văn An"' in html  # the form keeps what was typed
    assert not User.objects.exists()
    assert not Message.objects.filter(event="otp.register").exists()


def test_wrong_captcha_is_refused(client, settings):
    settings.DVC_REGISTRATION_CAPTCHA_AFTER = 0  # the captcha from the first attempt
    client.post(reverse("accounts:register"), {})
    response = register_form(client, captcha_answer="khong biet")

    assert "Câu trả lời kiểm tra chưa đúng" in response.content.decode()
    assert not Message.objects.exists()


def test_otp_brute_force_voids_the_code(client):
    register_form(client)
    code = latest_code("otp.register")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    for _ in range(5):
        client.post(reverse("accounts:register_verify"), {"code": wrong})
    response = client.post(reverse("accounts:register_verify"), {"code": code})

    assert "quá nhiều lần" in response.content.decode()
    assert not User.objects.exists()


def test_otp_cannot_be_replayed(client):
    register_form(client)
    code = latest_code("otp.register")
    client.post(reverse("accounts:register_verify"), {"code": code})
    client.post(reverse("accounts:logout"))

    response = client.post(reverse("accounts:register_verify"), {"code": code})

    assert response.status_code == 302 and response["Location"] == reverse("accounts:register")
    assert User.objects.count() == 1


def test_a_proven_id_gets_the_same_answer_and_tells_the_real_owner(client, citizen):
    # Only a number its holder proved blocks a sign-up (a declared one doesn't: test_registration_squatting).
    User.objects.filter(pk=citizen.pk).update(
        identity_verified_at=timezone.now(), identity_verified_by="counter"
    )
    response = register_form(client, phone="0987654321", email="")

    assert response.status_code == 302 and response["Location"] == reverse("accounts:register_verify")
    assert not Message.objects.filter(event="otp.register").exists()  # no code to the newcomer's phone
    owner_notice = Message.objects.filter(event="account.duplicate_registration", user=citizen)
    assert owner_notice.exists()
    page = client.get(reverse("accounts:register_verify")).content.decode()
    assert "Quên mật khẩu" in page
    assert User.objects.count() == 1


def test_registrations_from_one_address_are_rate_limited(client, settings):
    settings.DVC_REGISTRATIONS_PER_IP_HOUR = 3
    for n in range(3):
        register_form(client, phone=f"091234567{n}")

    response = register_form(client, phone="0912345679")

    assert response.status_code == 429
    assert Message.objects.filter(event="otp.register").count() == 3


def test_email_link_confirms_once(client):
    register_form(client)
    client.post(reverse("accounts:register_verify"), {"code": latest_code("otp.register")})
    body = Message.objects.get(event="account.email_confirm").body
    path = re.search(r"https?://[^/\s]+(/xac-nhan-thu/[^\s]+/)", body).group(1)

    page = client.get(path)
    confirmed = client.post(path)
    reused = client.post(path)

    assert "Xác nhận" in page.content.decode() and User.objects.get().email_verified_at is not None
    assert confirmed.status_code == 200 and "Đã xác nhận" in confirmed.content.decode()
    assert reused.status_code == 400


def test_expired_or_tampered_email_link_is_refused(client, citizen, settings):
    from dichvucong.accounts import services

    token = services.email_confirmation_token(user=citizen)
    settings.DVC_DEV = True

    tampered = client.post(reverse("accounts:email_confirm", args=[token[:-2] + "xx"]))
    from unittest import mock

    with mock.patch.object(services, "EMAIL_CONFIRM_MAX_AGE", -1):
        expired = client.post(reverse("accounts:email_confirm", args=[token]))

    assert tampered.status_code == 400 and expired.status_code == 400
    citizen.refresh_from_db()
    assert citizen.email_verified_at is None

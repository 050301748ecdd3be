import pytest
from django.contrib.auth import get_user_model

from dichvucong.accounts.tests.conftest import CCCD, PASSWORD, latest_code

pytestmark = pytest.mark.django_db
User = get_user_model()


def captcha(client):
    body = client.get("/api/v1/captcha").json()
    assert body["question"] == "Hai cộng ba bằng mấy?"
    return {"captcha_token": body["token"], "captcha_answer": "5"}


def register_payload(client, **overrides):
    payload = {
        "kind": "citizen",
        "id_number": CCCD,
        "full_name": "Nguyễn Văn An",
        "date_of_birth": "15/05/1990",
        "gender": "male",
        "phone": "0912345678",
        "email": "",
        "password": PASSWORD,
        **captcha(client),
    }
    payload.update(overrides)
    return payload


def test_register_verify_and_use_the_token(client):
    started = client.post(
        "/api/v1/accounts/register", register_payload(client), content_type="application/json"
    )
    assert started.status_code == 202 and started.json()["masked_phone"] == "091****678"

    verified = client.post(
        "/api/v1/accounts/register/verify",
        {"registration_id": started.json()["registration_id"], "code": latest_code("otp.register")},
        content_type="application/json",
    )
    token = verified.json()["token"]
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert verified.status_code == 201
    assert me.status_code == 200 and me.json()["id_number"] == CCCD and me.json()["phone_verified"] is True


def test_register_with_bad_input_answers_422_in_vietnamese_and_creates_nothing(client):
    response = client.post(
        "/api/v1/accounts/register",
        register_payload(client, id_number="038085012345", phone="+14155550100"),
        content_type="application/json",
    )

    errors = response.json()["errors"]
    assert response.status_code == 422
    assert "id_number" in errors and "phone" in errors
    assert not User.objects.exists()


def test_token_needs_the_sms_code_for_citizens(client, citizen):
    first = client.post(
        "/api/v1/auth/token", {"identifier": CCCD, "password": PASSWORD}, content_type="application/json"
    )
    wrong = client.post(
        "/api/v1/auth/token",
        {"identifier": CCCD, "password": PASSWORD, "code": "12345x"},
        content_type="application/json",
    )
    code = latest_code("otp.login")
    second = client.post(
        "/api/v1/auth/token",
        {"identifier": CCCD, "password": PASSWORD, "code": code},
        content_type="application/json",
    )

    assert first.status_code == 202 and first.json()["second_factor"] == "sms"
    assert wrong.status_code == 401
    assert second.status_code == 200 and second.json()["token"]


def test_wrong_password_gets_401_and_no_token(client, citizen):
    response = client.post(
        "/api/v1/auth/token",
        {"identifier": CCCD, "password": "Sai#Mat-khau1"},
        content_type="application/json",
    )

    assert response.status_code == 401
    assert not citizen.api_tokens.exists()


def test_profile_and_preferences_through_the_api(client, citizen, settings):
    from dichvucong.accounts.services import api_token_create

    _token, key = api_token_create(user=citizen)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    bad = client.patch("/api/v1/me", {"email": "khong-phai-email"}, content_type="application/json", **auth)
    changed = client.patch("/api/v1/me", {"address": "12 Lê Lợi"}, content_type="application/json", **auth)
    prefs = client.put(
        "/api/v1/me/preferences",
        {"sms": False, "email": True, "zalo": True},
        content_type="application/json",
        **auth,
    )

    citizen.refresh_from_db()
    assert bad.status_code == 422 and citizen.email == "an@example.vn"
    assert changed.status_code == 200 and changed.json()["address"] == "12 Lê Lợi"
    assert prefs.json() == {"sms": False, "email": True, "zalo": True}
    assert not citizen.notify_sms and citizen.notify_zalo


def test_logout_all_revokes_tokens(client, citizen):
    from dichvucong.accounts.services import api_token_create

    _token, key = api_token_create(user=citizen)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    client.post("/api/v1/auth/logout-all", **auth)

    assert client.get("/api/v1/me", **auth).status_code == 401


def test_api_without_credentials_is_refused(client):
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer not-a-token").status_code == 401

"""Issue 11, findings 11 and 9: sign-in failures are limited per network address on the API and the web
form without relying on the captcha, and every 429 of POST /api/v1/auth/token is the documented JSON."""

import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from dichvucong.accounts import api as accounts_api
from dichvucong.accounts import limits
from dichvucong.accounts import views as accounts_views
from dichvucong.accounts.models import ApiToken, LoginEvent
from dichvucong.accounts.tests.conftest import CCCD, PASSWORD
from dichvucong.core import ratelimit

pytestmark = pytest.mark.django_db
User = get_user_model()
NOW = 1_800_000_000.0  # 900 divides it: a window starts here
ATTACKER = "203.0.113.7"
NEIGHBOUR = "198.51.100.20"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr(ratelimit, "_now", lambda: NOW + 60)
    monkeypatch.setattr(limits, "ratelimit_now", lambda: NOW + 60)


WRONG = "Sai#Mat-khau1"


def token(client, identifier, password=WRONG):  # noqa: S107 (a test's wrong password)
    payload = {"identifier": identifier, "password": password}
    return client.post("/api/v1/auth/token", payload, content_type="application/json")


def records():
    return (
        LoginEvent.objects.count(),
        AccessAttempt.objects.count(),
        AccessFailureLog.objects.count(),
        ApiToken.objects.count(),
    )


def test_api_answers_429_after_the_addresss_failures_whatever_the_identifiers(citizen, settings, monkeypatch):
    settings.DVC_LOGIN_FAILURES_PER_IP_WINDOW = 5
    settings.DVC_CITIZEN_SMS_2FA = False
    attacker = Client(REMOTE_ADDR=ATTACKER)
    first = [token(attacker, f"03809001{n:04d}").status_code for n in range(5)]
    before = records()
    monkeypatch.setattr(accounts_api, "authenticate", lambda *a, **kw: pytest.fail("password checked"))

    blocked = [token(attacker, f"03809002{n:04d}") for n in range(3)]
    right_password = token(attacker, CCCD, PASSWORD)

    assert first == [401] * 5
    for response in [*blocked, right_password]:
        assert response.status_code == 429
        assert response["Content-Type"].startswith("application/json")
        body = response.json()
        assert set(body) == {"detail", "retry_after"}
        assert "địa chỉ mạng" in body["detail"] and "14 phút" in body["detail"]
        assert body["retry_after"] == 840 and response["Retry-After"] == "840"
    assert records() == before


def test_another_address_still_signs_in_while_one_is_throttled(citizen, settings):
    settings.DVC_LOGIN_FAILURES_PER_IP_WINDOW = 3
    settings.DVC_CITIZEN_SMS_2FA = False
    attacker, neighbour = Client(REMOTE_ADDR=ATTACKER), Client(REMOTE_ADDR=NEIGHBOUR)
    for n in range(3):
        token(attacker, f"03809001{n:04d}")

    assert token(attacker, CCCD, PASSWORD).status_code == 429
    assert token(neighbour, CCCD, PASSWORD).status_code == 200


def test_the_default_limit_spares_a_busy_ward_office_then_stops_a_script(db, settings):
    """The issue's probe (8 identifiers x 1 failure) is a ward office's morning; 30 failures are not."""
    office = Client(REMOTE_ADDR=ATTACKER)

    answers = [token(office, f"03809001{n:04d}").status_code for n in range(30)]

    assert answers == [401] * 30
    assert token(office, "038090019999").status_code == 429


def test_the_window_ends_and_the_address_may_try_again(db, settings, monkeypatch):
    settings.DVC_LOGIN_FAILURES_PER_IP_WINDOW = 2
    attacker = Client(REMOTE_ADDR=ATTACKER)
    token(attacker, "038090010001")
    token(attacker, "038090010002")
    assert token(attacker, "038090010003").status_code == 429

    monkeypatch.setattr(ratelimit, "_now", lambda: NOW + 901)
    monkeypatch.setattr(limits, "ratelimit_now", lambda: NOW + 901)

    assert token(attacker, "038090010003").status_code == 401


def login_page_token(client) -> dict:
    page = client.get(reverse("accounts:login")).content.decode()
    found = re.search(r'name="captcha_token" value="([^"]+)"', page)
    return {"captcha_token": found.group(1), "captcha_answer": "5"} if found else {}


def test_web_form_answers_429_even_with_the_captcha_solved(citizen, settings, monkeypatch):
    settings.DVC_LOGIN_FAILURES_PER_IP_WINDOW = 4
    settings.DVC_CITIZEN_SMS_2FA = False
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for n in range(4):
        attacker.post(
            reverse("accounts:login"),
            {"identifier": f"03809001{n:04d}", "password": "Sai#Mat-khau1", **login_page_token(attacker)},
        )
    before = records()
    solved = login_page_token(attacker)
    assert solved  # the captcha is on (3 failures), and a script answers it
    monkeypatch.setattr("django.contrib.auth.authenticate", lambda *a, **kw: pytest.fail("password checked"))

    response = attacker.post(reverse("accounts:login"), {"identifier": CCCD, "password": PASSWORD, **solved})

    assert response.status_code == 429 and response["Retry-After"] == "840"
    assert "Có quá nhiều lần đăng nhập sai từ địa chỉ mạng của bạn" in response.content.decode()
    assert "_auth_user_id" not in attacker.session
    assert records() == before


def test_api_lockout_of_one_identifier_is_json(citizen, settings):
    """django-axes' lockout (5 failures of one identifier from one address) used to answer the HTML page."""
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        token(attacker, CCCD)
    before = records()

    locked = token(attacker, CCCD, PASSWORD)

    assert locked.status_code == 429
    assert locked["Content-Type"].startswith("application/json")
    assert locked.json() == {
        "detail": "Đăng nhập tạm khóa do nhập sai nhiều lần. Vui lòng thử lại sau 15 phút.",
        "retry_after": 900,
    }
    assert locked["Retry-After"] == "900"
    assert ApiToken.objects.count() == before[3]
    assert not LoginEvent.objects.filter(outcome="success").exists()


def test_lockout_callable_answers_json_under_api_and_html_elsewhere(rf):
    api = accounts_views.lockout_response(rf.post("/api/v1/auth/token"))
    page = accounts_views.lockout_response(rf.post(reverse("accounts:login")))

    assert api.status_code == page.status_code == 429
    assert api["Content-Type"] == "application/json"
    assert page["Content-Type"].startswith("text/html") and "15 phút" in page.content.decode()


def test_openapi_documents_429_for_the_token_operation(client):
    schema = client.get("/api/v1/openapi.json").json()

    too_many = schema["paths"]["/api/v1/auth/token"]["post"]["responses"]["429"]
    ref = too_many["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    properties = schema["components"]["schemas"][ref]["properties"]
    assert set(properties) == {"detail", "retry_after"}

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from dichvucong.accounts.tests.oidc_peer import oidc_peer, vneid  # noqa: F401 (fixtures: a real OIDC peer)

PASSWORD = "Hoa-Sen#2026xanh"
CCCD = "038090012345"  # 038 Thanh Hóa, 0 = male born 1900s, 90 = 1990


def latest_code(event: str, recipient: str | None = None) -> str:
    from dichvucong.notifications.models import Message

    messages = Message.objects.filter(event=event).exclude(status="rate_limited")
    if recipient:
        messages = messages.filter(recipient=recipient)
    body = messages.latest("created_at").body
    return re.search(r"\b(\d{6})\b", body).group(1)


@pytest.fixture
def citizen(db):
    return get_user_model().objects.create_user(
        username=CCCD,
        password=PASSWORD,
        kind="citizen",
        id_type="cccd",
        id_number=CCCD,
        full_name="Nguyễn Văn An",
        phone="+84912345678",
        email="an@example.vn",
    )


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


@pytest.fixture(autouse=True)
def _no_demo_sms_2fa_surprises(settings):
    settings.DVC_CITIZEN_SMS_2FA = True
    settings.AXES_ENABLED = True


CAPTCHA_ANSWER = "5"


@pytest.fixture(autouse=True)
def known_captcha(monkeypatch):
    """Every challenge asks the same question, so a test can answer it like a person would."""
    from dichvucong.accounts import captcha

    monkeypatch.setattr(
        captcha, "new_challenge", lambda **kw: captcha.issue_challenge("Hai cộng ba bằng mấy?", "5")
    )

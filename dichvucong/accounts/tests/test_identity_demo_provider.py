"""The demo e-ID provider vouches only for the number the signed-in account declared; the personal page shows
the login name when it is not the ID number, and why a displaced account holds no number."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from dichvucong.accounts import identity_providers as idp
from dichvucong.accounts import verification
from dichvucong.accounts.models import AuditEvent, ExternalIdentity, StaffRole, User
from dichvucong.accounts.tests.conftest import latest_code
from dichvucong.accounts.tests.factories import CitizenFactory, MembershipFactory
from dichvucong.accounts.tests.test_registration import register_form
from dichvucong.notifications.models import Message

pytestmark = pytest.mark.django_db
DEMO = "038090012345"  # the printed demo citizen
OTHER = "001099012345"


@pytest.fixture
def demo_citizen():
    return CitizenFactory(id_number=DEMO, phone="+84912345678")


def _state():
    return (
        sorted(User.objects.values_list("pk", "username", "id_number", "identity_verified_at")),
        AuditEvent.objects.count(),
        Message.objects.count(),
        ExternalIdentity.objects.count(),
    )


def _start(client):
    """POST the e-ID button; returns the response (the redirect to the provider, or back to the profile)."""
    return client.post(reverse("accounts:identity_vneid_start"))


def _code_in(location: str) -> str:
    return parse_qs(urlsplit(location).query).get("code", [""])[0]


# --- 1. the demo provider hands out no number --------------------------------------------------------------


def test_account_without_a_number_cannot_verify_with_the_demo_provider(client, demo_citizen):
    nobody = CitizenFactory(id_number="", id_type=User.IdType.NONE, username="khong-so", phone="+84987000001")
    client.force_login(nobody)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Xác minh bằng tài khoản định danh điện tử VNeID" not in page
    assert "Số giấy tờ bạn khai khi đăng ký chưa được xác minh" not in page
    before = _state()

    response = _start(client)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:profile")
    # the callback with a forged code, or none, changes nothing either
    for code in ("", DEMO):
        session = client.session
        session["accounts:identity_claim"] = {"state": "s", "nonce": "n", "provider": "demo"}
        session.save()
        query = {"state": "s", "code": code} if code else {"state": "s"}
        page = client.get(reverse("accounts:identity_vneid_callback"), query, follow=True).content.decode()
        assert "Định danh dùng thử chỉ xác nhận số giấy tờ" in page

    assert _state() == before
    demo_citizen.refresh_from_db()
    nobody.refresh_from_db()
    assert demo_citizen.id_number == DEMO and demo_citizen.username == DEMO
    assert nobody.id_number == "" and nobody.identity_verified_at is None


def test_account_with_another_number_cannot_take_the_demo_citizens_number(client, demo_citizen):
    other = CitizenFactory(id_number=OTHER, phone="+84987000002")
    client.force_login(other)
    before = _state()

    response = _start(client)
    assert _code_in(response["Location"]) == OTHER  # the provider is handed the account's own number
    state = client.session["accounts:identity_claim"]["state"]
    page = client.get(
        reverse("accounts:identity_vneid_callback"), {"state": state, "code": DEMO}, follow=True
    ).content.decode()

    assert "khác số giấy tờ của tài khoản này" in page
    assert _state() == before
    demo_citizen.refresh_from_db()
    assert demo_citizen.id_number == DEMO and demo_citizen.username == DEMO


def test_account_verifies_its_own_declared_number_with_the_demo_provider(client, demo_citizen):
    other = CitizenFactory(id_number=OTHER, phone="+84987000002")
    client.force_login(other)

    response = client.post(reverse("accounts:identity_vneid_start"), follow=True)

    other.refresh_from_db()
    demo_citizen.refresh_from_db()
    assert "Đã xác minh qua VNeID" in response.content.decode()
    assert other.identity_verified_by == "vneid" and other.id_number == OTHER
    assert demo_citizen.id_number == DEMO and demo_citizen.identity_verified_at is None


def test_demo_provider_never_makes_a_number_up():
    provider = idp.get("demo")
    assert "code=" not in provider.authorization_url(redirect_uri="http://x/cb", state="s", nonce="n")
    for code in ("", "12 34", "０３８", "038-090"):
        with pytest.raises(verification.IdentityError):
            provider.claims_from_callback(code=code, redirect_uri="http://x/cb", nonce="n")
    assert provider.claims_from_callback(code=OTHER, redirect_uri="http://x/cb", nonce="n").id_number == OTHER


def test_claim_through_the_demo_provider_needs_a_declared_number(demo_citizen):
    nobody = CitizenFactory(id_number="", id_type=User.IdType.NONE, username="khong-so", phone="+84987000001")
    claims = idp.get("demo").claims_from_callback(code=DEMO, redirect_uri="http://x/cb", nonce="n")
    before = _state()

    with pytest.raises(verification.IdentityError) as refused:
        idp.external_identity_claim(user=nobody, provider="demo", claims=claims)

    assert refused.value.code == "no_number" and _state() == before


# --- 2. the login name is shown when it is not the ID number ------------------------------------------------


def test_second_account_on_a_number_is_told_its_login_name(client, demo_citizen):
    register_form(client)
    response = client.post(
        reverse("accounts:register_verify"),
        {"code": latest_code("otp.register", "+84912345678")},
        follow=True,
    )
    page = response.content.decode()
    assert f"Tên đăng nhập của bạn là {DEMO}.2" in page

    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Tên đăng nhập" in page and f"{DEMO}.2" in page


def test_profile_hides_the_login_name_row_when_it_is_the_number(client, demo_citizen):
    client.force_login(demo_citizen)
    assert "Tên đăng nhập" not in client.get(reverse("accounts:profile")).content.decode()


# --- 3. a displaced account is told why its number is gone --------------------------------------------------


def test_displaced_account_sees_why_its_number_was_removed(client, demo_citizen):
    owner = CitizenFactory(id_number=DEMO, username=f"{DEMO}.2", phone="+84987000003")
    counter = MembershipFactory(role=StaffRole.RECEPTIONIST)
    verification.identity_verify_at_counter(
        staff=counter.user, user=owner, agency=counter.agency, id_number=DEMO, card_checked=True
    )
    demo_citizen.refresh_from_db()
    assert demo_citizen.id_number == "" and demo_citizen.username.startswith("taikhoan-")

    client.force_login(demo_citizen)
    page = client.get(reverse("accounts:profile")).content.decode()

    assert "Số giấy tờ đã được gỡ khỏi tài khoản này" in page
    assert "***2345" in page and "tại bộ phận một cửa" in page
    assert demo_citizen.username in page and "Tên đăng nhập" in page
    assert "Số giấy tờ bạn khai khi đăng ký chưa được xác minh" not in page
    assert "Xác minh bằng tài khoản định danh điện tử VNeID" not in page


def test_displacement_is_none_for_accounts_holding_a_number(demo_citizen):
    assert verification.identity_displacement(user=demo_citizen) is None

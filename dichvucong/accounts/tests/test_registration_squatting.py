"""Finding 2 of issue 11, at registration: a number somebody else typed never blocks the real holder; a number
its holder proved is refused, with nothing created and no more said than before."""

import pytest
from django.urls import reverse

from dichvucong.accounts import verification
from dichvucong.accounts.backends import IdentifierBackend
from dichvucong.accounts.models import AuditEvent, StaffRole, User
from dichvucong.accounts.tests.conftest import CCCD, PASSWORD, latest_code
from dichvucong.accounts.tests.factories import CitizenFactory, MembershipFactory
from dichvucong.accounts.tests.test_api import register_payload
from dichvucong.accounts.tests.test_registration import register_form
from dichvucong.notifications.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def squatter():
    """Registered the owner's number with their own phone: the number is only declared (same password as
    the owner's in these tests unless a test changes it)."""
    return CitizenFactory(
        id_number=CCCD, full_name="Kẻ Chiếm Số", phone="+84987000001", email="chiem@example.vn"
    )


@pytest.fixture
def proven_holder():
    holder = CitizenFactory(id_number=CCCD, phone="+84987000009", email="chu@example.vn")
    counter = MembershipFactory(role=StaffRole.RECEPTIONIST)
    verification.identity_verify_at_counter(
        staff=counter.user, user=holder, agency=counter.agency, id_number=CCCD, card_checked=True
    )
    Message.objects.all().delete()
    return holder


def test_owner_registers_on_the_web_with_a_number_a_squatter_declared(client, squatter):
    response = register_form(client)
    assert response["Location"] == reverse("accounts:register_verify")

    response = client.post(
        reverse("accounts:register_verify"), {"code": latest_code("otp.register", "+84912345678")}
    )

    owner = User.objects.get(phone="+84912345678")
    assert response.status_code == 302
    assert owner.id_number == squatter.id_number == CCCD and owner.username == f"{CCCD}.2"
    assert owner.identity_verified_at is None and squatter.identity_verified_at is None
    assert not Message.objects.filter(event="account.duplicate_registration").exists()
    # each signs in with the number and their own password
    backend = IdentifierBackend()
    squatter.set_password("Mat-Khau#Khac2026")
    squatter.save()
    assert backend.authenticate(None, username=CCCD, password=PASSWORD) == owner
    assert backend.authenticate(None, username=CCCD, password="Mat-Khau#Khac2026") == squatter


def test_owner_registers_through_the_api_then_proves_the_number_and_the_squatter_loses_it(client, squatter):
    started = client.post(
        "/api/v1/accounts/register", register_payload(client), content_type="application/json"
    )
    assert started.status_code == 202
    verified = client.post(
        "/api/v1/accounts/register/verify",
        {
            "registration_id": started.json()["registration_id"],
            "code": latest_code("otp.register", "+84912345678"),
        },
        content_type="application/json",
    )
    assert verified.status_code == 201
    token = verified.json()["token"]
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert me["id_number"] == CCCD and me["identity_verified"] is False and me["identity_verified_by"] == ""

    owner = User.objects.get(phone="+84912345678")
    counter = MembershipFactory(role=StaffRole.RECEPTIONIST)
    verification.identity_verify_at_counter(
        staff=counter.user, user=owner, agency=counter.agency, id_number=CCCD, card_checked=True
    )

    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    squatter.refresh_from_db()
    assert (
        me["identity_verified"] is True and me["identity_verified_by"] == "counter" and me["username"] == CCCD
    )
    assert squatter.id_number == ""
    assert Message.objects.filter(
        event="account.identity_displaced", user=squatter, recipient="+84987000001"
    ).exists()
    assert Message.objects.filter(
        event="account.identity_verified", user=owner, recipient="+84912345678"
    ).exists()
    assert AuditEvent.objects.filter(action="identity.displace", target_user=squatter).exists()


def test_web_registration_with_a_proven_number_creates_nothing_and_answers_as_before(client, proven_holder):
    users = User.objects.count()
    response = register_form(client, phone="0987654321", email="")

    assert response["Location"] == reverse("accounts:register_verify")  # the same answer as a free number
    assert not Message.objects.filter(event="otp.register").exists()  # no code to the newcomer's phone
    assert Message.objects.filter(event="account.duplicate_registration", user=proven_holder).exists()
    page = client.get(reverse("accounts:register_verify")).content.decode()
    assert "Quên mật khẩu" in page and "bộ phận một cửa" in page
    response = client.post(reverse("accounts:register_verify"), {"code": "123456"})
    assert "Mã xác thực không đúng" in response.content.decode()
    assert User.objects.count() == users


def test_api_registration_with_a_proven_number_creates_nothing(client, proven_holder):
    users = User.objects.count()
    started = client.post(
        "/api/v1/accounts/register",
        register_payload(client, phone="0987654321"),
        content_type="application/json",
    )
    assert started.status_code == 202
    verified = client.post(
        "/api/v1/accounts/register/verify",
        {"registration_id": started.json()["registration_id"], "code": "123456"},
        content_type="application/json",
    )

    assert verified.status_code == 400
    assert User.objects.count() == users
    assert not Message.objects.filter(event="otp.register").exists()


def test_a_number_proven_while_the_code_was_pending_is_refused_with_the_ways_to_recover(client, squatter):
    register_form(client)
    code = latest_code("otp.register", "+84912345678")
    counter = MembershipFactory(role=StaffRole.RECEPTIONIST)
    verification.identity_verify_at_counter(
        staff=counter.user, user=squatter, agency=counter.agency, id_number=CCCD, card_checked=True
    )
    users = User.objects.count()

    response = client.post(reverse("accounts:register_verify"), {"code": code})

    html = response.content.decode()
    assert "Quên mật khẩu" in html and "bộ phận một cửa" in html and "VNeID" in html
    assert User.objects.count() == users

"""Staff land on their work queue after signing in (not on their personal page), unless ``next`` was asked."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from dichvucong.accounts.models import AgencyMembership
from dichvucong.accounts.tests.conftest import CCCD, PASSWORD
from dichvucong.agencies.models import Agency

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def agency(db):
    return Agency.objects.create(
        code="000.00.31.H56", name="UBND phường Hạc Thành", kind="commune_committee", level="xa"
    )


def staff_with(agency, *roles, username="canbo.hacthanh"):
    user = User.objects.create_user(
        username=username, password=PASSWORD, kind="staff", full_name="Trần Thị Bình"
    )
    for role in roles:
        AgencyMembership.objects.create(user=user, agency=agency, role=role)
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return user


def sign_in_with_authenticator(client, user, next_url=""):
    login_url = reverse("accounts:login") + (f"?next={next_url}" if next_url else "")
    first = client.post(login_url, {"identifier": user.username, "password": PASSWORD, "next": next_url})
    assert first["Location"] == reverse("accounts:login_totp")
    device = TOTPDevice.objects.get(user=user)
    return client.post(reverse("accounts:login_totp"), {"code": f"{totp(device.bin_key):06d}"})


@pytest.mark.parametrize(
    ("roles", "landing"),
    [
        (["receptionist"], "dossiers:queue"),
        (["specialist"], "processing:inbox"),
        (["head_of_unit"], "processing:inbox"),
        (["leader"], "processing:inbox"),
        (["clerk"], "processing:inbox"),
        (["postal"], "delivery:orders"),
        (["agency_admin"], "accounts:staff_list"),
        (["system_admin"], "accounts:staff_list"),
        (["agency_admin", "receptionist"], "dossiers:queue"),  # the queue before administration
    ],
)
def test_staff_land_on_the_first_work_page_of_their_role(client, agency, roles, landing):
    user = staff_with(agency, *roles)

    response = sign_in_with_authenticator(client, user)

    assert response.status_code == 302 and response["Location"] == reverse(landing)
    assert client.get(response["Location"]).status_code == 200  # and they may open it


def test_next_wins_over_the_work_queue(client, agency):
    user = staff_with(agency, "receptionist")

    response = sign_in_with_authenticator(client, user, next_url=reverse("dossiers:ledger"))

    assert response["Location"] == reverse("dossiers:ledger")


def test_staff_without_an_active_role_and_citizens_land_on_their_personal_page(
    client, agency, citizen, settings
):
    user = staff_with(agency, "receptionist")
    AgencyMembership.objects.filter(user=user).update(is_active=False)
    assert sign_in_with_authenticator(client, user)["Location"] == reverse("accounts:profile")

    settings.DVC_CITIZEN_SMS_2FA = False
    client.post(reverse("accounts:logout"))
    citizen_response = client.post(reverse("accounts:login"), {"identifier": CCCD, "password": PASSWORD})
    assert citizen_response["Location"] == reverse("accounts:profile")


def test_the_sign_in_page_sends_signed_in_staff_to_their_queue(client, agency):
    user = staff_with(agency, "specialist")
    sign_in_with_authenticator(client, user)

    assert client.get(reverse("accounts:login"))["Location"] == reverse("processing:inbox")

"""The counter identity check page (staff) and the identity status / VNeID check on the personal page."""

import pytest
from django.urls import reverse

from conftest import login_with_second_factor
from dichvucong.accounts.models import AuditEvent, StaffRole, User
from dichvucong.accounts.tests.factories import CitizenFactory, MembershipFactory
from dichvucong.accounts.tests.html_checks import describedby_problems
from dichvucong.notifications.models import Message

pytestmark = pytest.mark.django_db
X = "038090012345"


@pytest.fixture
def squatter():
    return CitizenFactory(id_number=X, full_name="Kẻ Chiếm Số", phone="+84987000001")


@pytest.fixture
def owner(squatter):
    return CitizenFactory(id_number=X, username=f"{X}.2", full_name="Nguyễn Văn An", phone="+84912345678")


@pytest.fixture
def receptionist():
    return MembershipFactory(role=StaffRole.RECEPTIONIST)


def _state():
    return (
        sorted(User.objects.values_list("pk", "id_number", "identity_verified_at")),
        AuditEvent.objects.count(),
        Message.objects.count(),
    )


def test_receptionist_finds_the_account_checks_the_card_and_confirms(client, squatter, owner, receptionist):
    login_with_second_factor(client, receptionist.user)

    found = client.get(reverse("accounts:identity_counter"), {"q": "0380 9001 2345"}).content.decode()
    assert "Nguyễn Văn An" in found and "Kẻ Chiếm Số" in found and "Chưa xác minh" in found
    assert "+84912345678" not in found and "091****678" in found  # phone numbers masked
    by_phone = client.get(reverse("accounts:identity_counter"), {"q": "0912 345 678"}).content.decode()
    assert "Nguyễn Văn An" in by_phone and "Kẻ Chiếm Số" not in by_phone

    url = reverse("accounts:identity_counter_confirm", args=[owner.pk])
    page = client.get(url).content.decode()
    assert "Có 1 tài khoản khác cũng khai số giấy tờ này" in page
    assert describedby_problems(page) == [] and describedby_problems(found) == []

    before = _state()
    refused = client.post(url, {"agency": receptionist.agency.pk, "id_number": X})  # card not confirmed
    assert refused.status_code == 200 and _state() == before
    assert describedby_problems(refused.content.decode()) == []
    mismatch = client.post(
        url, {"agency": receptionist.agency.pk, "id_number": "001099012345", "card_checked": "on"}
    )
    assert "không khớp" in mismatch.content.decode() and _state() == before

    done = client.post(url, {"agency": receptionist.agency.pk, "id_number": X, "card_checked": "on"})

    assert done.status_code == 302 and done["Location"] == reverse("accounts:identity_counter")
    owner.refresh_from_db()
    squatter.refresh_from_db()
    assert owner.identity_verified_by == "counter" and owner.identity_verified_actor == receptionist.user
    assert squatter.id_number == ""
    audit = AuditEvent.objects.get(action="identity.verify")
    assert audit.actor == receptionist.user and audit.agency == receptionist.agency and audit.ip_address
    assert Message.objects.filter(event="account.identity_displaced", user=squatter).exists()


@pytest.mark.parametrize("role", [StaffRole.SPECIALIST, StaffRole.AGENCY_ADMIN])
def test_staff_without_the_reception_role_cannot_check_identities(client, owner, role):
    membership = MembershipFactory(role=role)
    login_with_second_factor(client, membership.user)
    before = _state()

    assert client.get(reverse("accounts:identity_counter"), {"q": X}).status_code == 403
    response = client.post(
        reverse("accounts:identity_counter_confirm", args=[owner.pk]),
        {"agency": "1", "id_number": X, "card_checked": "on"},
    )

    assert response.status_code == 403
    assert _state() == before


def test_citizens_and_sessions_without_the_second_factor_cannot_reach_the_counter_page(
    client, owner, receptionist
):
    login_with_second_factor(client, owner)
    assert client.get(reverse("accounts:identity_counter")).status_code == 403
    client.logout()
    client.force_login(receptionist.user)  # password only, no authenticator code
    response = client.get(reverse("accounts:identity_counter"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_profile_says_whether_the_identity_is_verified_and_how_to_verify(client, owner, receptionist):
    client.force_login(owner)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Chưa xác minh" in page and "bộ phận một cửa" in page
    assert "Xác minh bằng tài khoản định danh điện tử VNeID" in page  # demo mode: the demo provider

    from dichvucong.accounts.verification import identity_verify_at_counter

    identity_verify_at_counter(
        staff=receptionist.user, user=owner, agency=receptionist.agency, id_number=X, card_checked=True
    )
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Đã xác minh tại quầy" in page and "Chưa xác minh" not in page


def test_citizen_proves_the_number_with_the_e_id_from_the_profile_page(client, squatter, owner):
    client.force_login(owner)

    response = client.post(reverse("accounts:identity_vneid_start"), follow=True)

    owner.refresh_from_db()
    squatter.refresh_from_db()
    assert response.redirect_chain[-1][0] == reverse("accounts:profile")
    assert "Đã xác minh qua VNeID" in response.content.decode()
    assert owner.identity_verified_by == "vneid" and squatter.id_number == ""


def test_e_id_callback_without_the_pending_state_changes_nothing(client, squatter, owner):
    client.force_login(owner)
    before = _state()

    response = client.get(reverse("accounts:identity_vneid_callback"), {"state": "gia-mao", "code": X})

    assert response.status_code == 302 and _state() == before


def test_no_e_id_button_when_no_provider_is_enabled(client, owner, settings):
    settings.DVC_IDENTITY_PROVIDERS = ""
    client.force_login(owner)

    assert "VNeID" not in client.get(reverse("accounts:profile")).content.decode()
    assert client.post(reverse("accounts:identity_vneid_start")).status_code == 404

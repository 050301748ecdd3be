"""Issue 11, finding 5: an agency administrator acts at their agency; only a system administrator locks."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from conftest import login_with_second_factor
from dichvucong.accounts import staff_admin
from dichvucong.accounts.models import AgencyMembership, AuditEvent
from dichvucong.accounts.services import AccountError
from dichvucong.accounts.tests.test_staff_admin import make_agency, make_staff

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def shared_clerk(db):
    """A specialist who works at two wards, and the administrator of the first."""
    a = make_agency("000.00.31.H56", "UBND phường Hạc Thành")
    b = make_agency("000.00.32.H56", "UBND phường Sầm Sơn")
    clerk = make_staff("chuyenvien.chung", a, "specialist")
    AgencyMembership.objects.create(user=clerk, agency=a, role="receptionist")
    AgencyMembership.objects.create(user=clerk, agency=b, role="specialist")
    return {"a": a, "b": b, "clerk": clerk, "admin_a": make_staff("quantri.a", a, "agency_admin")}


def snapshot(user):
    user.refresh_from_db()
    return (
        user.is_active,
        user.session_salt,
        sorted(AgencyMembership.objects.filter(user=user).values_list("agency__code", "role", "is_active")),
        AuditEvent.objects.count(),
    )


def test_agency_admin_removes_roles_at_their_agency_only(client, shared_clerk):
    clerk, a, b = shared_clerk["clerk"], shared_clerk["a"], shared_clerk["b"]
    login_with_second_factor(client, shared_clerk["admin_a"])

    response = client.post(
        reverse("accounts:staff_detail", args=[clerk.pk]), {"action": "remove_agency", "agency": a.code}
    )

    clerk.refresh_from_db()
    assert response.status_code == 302
    assert clerk.is_active
    assert not clerk.memberships.filter(agency=a, is_active=True).exists()
    assert list(clerk.memberships.filter(agency=b, is_active=True).values_list("role", flat=True)) == [
        "specialist"
    ]
    event = AuditEvent.objects.get()
    assert event.action == "staff.remove_from_agency" and event.agency == a and event.target_user == clerk
    assert event.changes == {"roles": [["receptionist", "specialist"], []]}


def test_agency_admin_cannot_lock_an_account_and_nothing_changes(client, shared_clerk):
    clerk = shared_clerk["clerk"]
    login_with_second_factor(client, shared_clerk["admin_a"])
    before = snapshot(clerk)

    response = client.post(
        reverse("accounts:staff_detail", args=[clerk.pk]),
        {"action": "deactivate", "agency": shared_clerk["a"].code},
    )

    assert response.status_code == 403
    assert "Chỉ quản trị hệ thống" in response.content.decode()
    assert snapshot(clerk) == before


def test_the_service_refuses_an_agency_admin_too(shared_clerk):
    clerk = shared_clerk["clerk"]
    before = snapshot(clerk)

    with pytest.raises(AccountError) as refused:
        staff_admin.staff_set_active(actor=shared_clerk["admin_a"], user=clerk, active=False)

    assert refused.value.code == "forbidden"
    assert snapshot(clerk) == before


@pytest.mark.parametrize("kind", ["superuser", "system_admin"])
def test_a_system_administrator_locks_the_account_everywhere(client, shared_clerk, kind):
    clerk = shared_clerk["clerk"]
    if kind == "superuser":
        admin = User.objects.create_superuser(username="root", password="Hoa-Sen#2026xanh", kind="staff")
    else:
        admin = make_staff("quantri.heThong", shared_clerk["b"], "system_admin")
    login_with_second_factor(client, admin)
    salt = clerk.session_salt

    response = client.post(reverse("accounts:staff_detail", args=[clerk.pk]), {"action": "deactivate"})

    clerk.refresh_from_db()
    assert response.status_code == 302
    assert not clerk.is_active and clerk.session_salt != salt
    event = AuditEvent.objects.get()
    assert event.action == "staff.deactivate" and event.agency is None and event.actor == admin
    assert event.changes == {"is_active": [True, False], "agencies": ["000.00.31.H56", "000.00.32.H56"]}


def test_staff_page_offers_removal_to_an_agency_admin_and_locking_only_to_a_system_admin(
    client, shared_clerk
):
    clerk = shared_clerk["clerk"]
    login_with_second_factor(client, shared_clerk["admin_a"])
    for_agency_admin = client.get(reverse("accounts:staff_detail", args=[clerk.pk])).content.decode()
    root = User.objects.create_superuser(username="root", password="Hoa-Sen#2026xanh", kind="staff")
    login_with_second_factor(client, root)
    for_system_admin = client.get(reverse("accounts:staff_detail", args=[clerk.pk])).content.decode()

    assert "Gỡ mọi vai trò tại UBND phường Hạc Thành" in for_agency_admin
    assert "Sầm Sơn" not in for_agency_admin
    assert 'value="deactivate"' not in for_agency_admin
    assert 'value="deactivate"' in for_system_admin
    assert "Gỡ mọi vai trò tại UBND phường Sầm Sơn" in for_system_admin


def test_an_admin_cannot_remove_themself(client, shared_clerk):
    admin = shared_clerk["admin_a"]
    login_with_second_factor(client, admin)
    before = snapshot(admin)

    client.post(
        reverse("accounts:staff_detail", args=[admin.pk]),
        {"action": "remove_agency", "agency": shared_clerk["a"].code},
    )

    assert snapshot(admin) == before

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from conftest import login_with_second_factor
from dichvucong.accounts.models import AgencyMembership, AuditEvent
from dichvucong.accounts.selectors import agencies_for_user, staff_list_for_admin
from dichvucong.agencies.models import Agency

pytestmark = pytest.mark.django_db
User = get_user_model()


def make_agency(code, name):
    return Agency.objects.create(code=code, name=name, kind="commune_committee", level="xa")


def make_staff(username, agency, role):
    user = User.objects.create_user(
        username=username, password="Hoa-Sen#2026xanh", kind="staff", full_name=username
    )
    AgencyMembership.objects.create(user=user, agency=agency, role=role)
    return user


@pytest.fixture
def two_communes(db):
    a = make_agency("000.00.31.H56", "UBND phường Hạc Thành")
    b = make_agency("000.00.32.H56", "UBND phường Sầm Sơn")
    return {
        "a": a,
        "b": b,
        "admin_a": make_staff("quantri.a", a, "agency_admin"),
        "clerk_a": make_staff("tiepnhan.a", a, "receptionist"),
        "admin_b": make_staff("quantri.b", b, "agency_admin"),
        "clerk_b": make_staff("tiepnhan.b", b, "receptionist"),
    }


def signed_in_verified(client, user):
    return login_with_second_factor(client, user)


def test_roles_follow_agency(two_communes):
    receptionist_a = two_communes["clerk_a"]

    assert list(agencies_for_user(user=receptionist_a, roles=["receptionist"])) == [two_communes["a"]]
    assert not agencies_for_user(user=receptionist_a, roles=["leader"]).exists()


def test_agency_admin_sees_only_their_agency_staff(client, two_communes):
    signed_in_verified(client, two_communes["admin_a"])

    html = client.get(reverse("accounts:staff_list")).content.decode()
    other = client.get(reverse("accounts:staff_detail", args=[two_communes["clerk_b"].pk]))

    assert "tiepnhan.a" in html and "tiepnhan.b" not in html and "quantri.b" not in html
    assert other.status_code == 404
    assert set(staff_list_for_admin(user=two_communes["admin_b"]).values_list("username", flat=True)) == {
        "quantri.b",
        "tiepnhan.b",
    }


def test_admin_cannot_change_another_agency_staff_and_nothing_changes(client, two_communes):
    signed_in_verified(client, two_communes["admin_a"])
    clerk_b = two_communes["clerk_b"]

    client.post(
        reverse("accounts:staff_detail", args=[clerk_b.pk]),
        {"action": "deactivate", "agency": "000.00.32.H56"},
    )
    client.post(
        reverse("accounts:staff_detail", args=[two_communes["clerk_a"].pk]),
        {"action": "grant", "agency": "000.00.32.H56", "role": "leader"},
    )

    clerk_b.refresh_from_db()
    assert clerk_b.is_active
    assert not AgencyMembership.objects.filter(agency=two_communes["b"], role="leader").exists()
    assert not AuditEvent.objects.exists()


def test_admin_creates_staff_grants_and_revokes_roles_and_every_step_is_audited(client, two_communes):
    signed_in_verified(client, two_communes["admin_a"])

    created = client.post(
        reverse("accounts:staff_create"),
        {
            "agency": "000.00.31.H56",
            "role": "specialist",
            "username": "chuyenvien.a",
            "full_name": "Lê Văn Chính",
            "email": "chinh@hacthanh.example.vn",
            "phone": "0905123456",
            "password": "Tre-Xanh#2026la",
        },
    )
    person = User.objects.get(username="chuyenvien.a")
    client.post(
        reverse("accounts:staff_detail", args=[person.pk]),
        {"action": "grant", "agency": "000.00.31.H56", "role": "head_of_unit"},
    )
    membership = person.memberships.get(role="specialist")
    client.post(
        reverse("accounts:staff_detail", args=[person.pk]), {"action": "revoke", "membership": membership.pk}
    )
    active_after_revoke = set(person.memberships.filter(is_active=True).values_list("role", flat=True))
    client.post(
        reverse("accounts:staff_detail", args=[person.pk]),
        {"action": "remove_agency", "agency": "000.00.31.H56"},
    )

    person.refresh_from_db()
    assert created.status_code == 302
    assert person.kind == "staff" and person.phone == "+84905123456" and person.is_active
    assert active_after_revoke == {"head_of_unit"}
    assert not person.memberships.filter(is_active=True).exists()
    actions = list(AuditEvent.objects.order_by("created_at").values_list("action", flat=True))
    assert actions == ["staff.create", "staff.grant_role", "staff.revoke_role", "staff.remove_from_agency"]
    assert AuditEvent.objects.filter(actor=two_communes["admin_a"]).count() == 4


def test_receptionist_cannot_reach_staff_administration(client, two_communes):
    signed_in_verified(client, two_communes["clerk_a"])

    response = client.get(reverse("accounts:staff_list"))

    assert response.status_code == 403


def test_staff_pages_require_the_second_factor(client, two_communes):
    client.force_login(two_communes["admin_a"])

    response = client.get(reverse("accounts:staff_list"))

    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_staff_list_query_count_does_not_grow_with_staff(client, two_communes):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    signed_in_verified(client, two_communes["admin_a"])
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("accounts:staff_list"))
    for n in range(8):
        make_staff(f"them.{n}", two_communes["a"], "specialist")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("accounts:staff_list"))

    assert len(many) == len(few) <= 14

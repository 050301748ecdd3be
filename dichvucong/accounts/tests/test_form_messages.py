"""QA walk at 360 px: errors say what to do, re-displayed passwords are explained, and the staff page offers
only the roles the acting administrator may grant."""

import pytest
from django.urls import reverse

from dichvucong.accounts import staff_admin
from dichvucong.accounts.forms import GrantRoleForm, LoginWithCaptchaForm, RegistrationWithCaptchaForm
from dichvucong.accounts.models import AgencyMembership, AuditEvent
from dichvucong.accounts.services import AccountError
from dichvucong.accounts.tests.conftest import PASSWORD
from dichvucong.accounts.tests.test_registration_limits import failed_attempt
from dichvucong.accounts.tests.test_staff_admin import signed_in_verified, two_communes  # noqa: F401
from dichvucong.accounts.verification_forms import CounterCheckForm
from dichvucong.agencies.models import Agency

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("form_class", [LoginWithCaptchaForm, RegistrationWithCaptchaForm])
def test_an_unanswered_captcha_says_what_to_do(form_class):
    form = form_class({"identifier": "x", "password": "y", "captcha_answer": ""})

    assert not form.is_valid()
    assert form.errors["captcha_answer"] == ["Hãy trả lời câu hỏi kiểm tra."]


def test_an_unticked_counter_confirmation_says_what_to_do():
    form = CounterCheckForm({"id_number": "038090012345"}, agencies=Agency.objects.none())

    assert not form.is_valid()
    assert form.errors["card_checked"] == ["Hãy xác nhận đã đối chiếu giấy tờ gốc."]


def test_when_the_captcha_joins_the_form_the_page_asks_for_the_passwords_again(client, settings):
    settings.DVC_REGISTRATION_CAPTCHA_AFTER = 2
    failed_attempt(client, 1)
    failed_attempt(client, 2)

    crossing = failed_attempt(client, 3).content.decode()

    assert "Vì lý do an toàn, hãy nhập lại mật khẩu." in crossing
    assert 'href="#id_password1"' in crossing  # the summary links to the emptied field
    assert PASSWORD not in crossing  # the typed password never comes back in the page


def test_agency_admin_is_not_offered_the_system_admin_role_and_the_service_still_refuses_it(
    client,
    two_communes,  # noqa: F811
):
    admin, clerk = two_communes["admin_a"], two_communes["clerk_a"]
    signed_in_verified(client, admin)

    page = client.get(reverse("accounts:staff_detail", args=[clerk.pk])).content.decode()
    create_page = client.get(reverse("accounts:staff_create")).content.decode()
    memberships, events = AgencyMembership.objects.count(), AuditEvent.objects.count()
    with pytest.raises(AccountError) as refused:
        staff_admin.staff_grant_role(actor=admin, user=clerk, agency=two_communes["a"], role="system_admin")
    posted = client.post(
        reverse("accounts:staff_detail", args=[clerk.pk]),
        {"action": "grant", "agency": "000.00.31.H56", "role": "system_admin"},
    )

    assert 'value="system_admin"' not in page and "Quản trị hệ thống" not in page
    assert 'value="system_admin"' not in create_page
    assert 'value="leader"' in page  # the roles an agency admin may give are still there
    assert refused.value.code == "role"
    assert posted.status_code == 200 and "system_admin" in posted.context["form"].errors["role"][0]
    assert AgencyMembership.objects.count() == memberships and AuditEvent.objects.count() == events


def test_a_superuser_is_offered_every_role_the_service_accepts(two_communes):  # noqa: F811
    admin = two_communes["admin_a"]
    admin.is_superuser = True

    offered = [
        value
        for value, _label in GrantRoleForm(agencies=Agency.objects.all(), actor=admin).fields["role"].choices
    ]

    assert offered == staff_admin.grantable_roles(actor=admin)
    assert "system_admin" in offered

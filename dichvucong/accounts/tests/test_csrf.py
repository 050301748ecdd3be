import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

FORMS = [
    "accounts:register",
    "accounts:login",
    "accounts:password_reset",
    "accounts:logout",
]


@pytest.mark.parametrize("name", FORMS)
def test_every_public_form_refuses_a_post_without_csrf_token(csrf_client, name):
    from dichvucong.notifications.models import Message

    response = csrf_client.post(reverse(name), {"identifier": "038090012345", "password": "x"})

    assert response.status_code == 403
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    "name",
    [
        "accounts:profile_edit",
        "accounts:security",
        "accounts:logout_all",
        "accounts:email_confirm_resend",
        "accounts:staff_create",
    ],
)
def test_signed_in_forms_refuse_a_post_without_csrf_token(csrf_client, citizen, name):
    csrf_client.force_login(citizen)

    response = csrf_client.post(reverse(name), {"address": "x"})

    citizen.refresh_from_db()
    assert response.status_code == 403
    assert citizen.address == ""

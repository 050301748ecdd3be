"""The page after submitting names where news of the dossier goes (the API answer's notices_to), or says
there is no verified contact and links to the profile to confirm one (QA walk at 360 px)."""

import pytest
from django.urls import reverse

from dichvucong.dossiers import services

pytestmark = pytest.mark.django_db


def submitted_page(client, dossier, citizen):
    services.dossier_submit(dossier_id=dossier.pk, applicant=citizen)
    client.force_login(citizen)
    return client.get(reverse("dossiers:submitted", args=[dossier.public_id])).content.decode()


def test_the_page_names_the_masked_verified_phone_and_email(client, ready_draft, setup):
    page = submitted_page(client, ready_draft, setup["citizen"])

    assert "+84912***678" in page and "a***@example.vn" in page
    assert "+84912345678" not in page.split("Nơi bạn nhận thông báo")[1]  # masked, as in the API answer
    assert reverse("accounts:profile") not in page.split("Nơi bạn nhận thông báo")[1]


def test_without_a_verified_contact_the_page_says_so_and_links_to_the_profile(client, ready_draft, setup):
    citizen = setup["citizen"]
    citizen.phone_verified_at = citizen.email_verified_at = None
    citizen.save(update_fields=["phone_verified_at", "email_verified_at"])

    page = submitted_page(client, ready_draft, citizen)

    section = page.split("Nơi bạn nhận thông báo")[1]
    assert "không nhận tin" in section
    assert f'href="{reverse("accounts:profile")}"' in section
    assert "***" not in section

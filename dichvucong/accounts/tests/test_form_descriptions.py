"""Defect 9: every hint and error message of a form is linked to its field through aria-describedby.

A generic HTML check (tests/html_checks.py) over the pages people fill in, blank and after a failed submit:
every id an ``aria-describedby`` names exists, ids are unique, and every hint or error inside a form is named
by some field (or fieldset). The captcha question is the captcha field's hint, so it is checked too.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import login_with_second_factor
from dichvucong.accounts.models import AgencyMembership
from dichvucong.accounts.tests.conftest import CCCD
from dichvucong.accounts.tests.html_checks import describedby_problems
from dichvucong.agencies.models import Agency

pytestmark = pytest.mark.django_db


def assert_described(response, *, has_descriptions=True):
    html = response.content.decode()
    assert response.status_code == 200, response.status_code
    assert ("aria-describedby" in html) is has_descriptions
    problems = describedby_problems(html)
    assert problems == [], "\n".join(problems)
    return html


def test_checker_reports_a_hint_no_field_names():
    page = (
        '<form><p class="hint" id="id_a-hint">Ví dụ</p><input id="id_a" aria-describedby="id_a_helptext">'
        '<p class="error-message">Sai</p></form>'
    )
    problems = describedby_problems(page)
    assert any("id_a_helptext" in problem for problem in problems)
    assert any("Ví dụ" in problem for problem in problems) and any("Sai" in problem for problem in problems)


def test_registration_blank_and_with_errors_links_hints_and_errors(client):
    assert_described(client.get(reverse("accounts:register")))
    html = assert_described(
        client.post(
            reverse("accounts:register"),
            {"kind": "citizen", "id_number": "123", "date_of_birth": "31/02/1995", "password1": "abc"},
        )
    )
    # the hint and the error of the date field are both named by the input itself
    described = re.search(r'<input[^>]*id="id_date_of_birth"[^>]*>', html).group(0)
    assert 'aria-describedby="id_date_of_birth_helptext id_date_of_birth_error"' in described


def test_login_with_the_captcha_reads_the_question(client, citizen):
    assert_described(client.get(reverse("accounts:login")), has_descriptions=False)  # no hints yet
    for _ in range(3):
        client.post(reverse("accounts:login"), {"identifier": CCCD, "password": "Sai#Mat1khau"})
    html = assert_described(client.get(reverse("accounts:login")))
    question = re.search(r'<p class="hint" id="([^"]+)">Hai cộng ba bằng mấy\?</p>', html)
    assert question, "the captcha question is a hint with an id"
    answer = re.search(r'<input[^>]*name="captcha_answer"[^>]*>', html).group(0)
    assert question.group(1) in answer
    assert_described(
        client.post(reverse("accounts:login"), {"identifier": CCCD, "password": "x", "captcha_answer": "9"})
    )


def test_password_reset_pages(client, citizen):
    assert_described(client.get(reverse("accounts:password_reset")))
    assert_described(client.post(reverse("accounts:password_reset"), {"identifier": "", "channel": "fax"}))
    session = client.session
    session["accounts:reset_identifier"] = CCCD
    session.save()
    assert_described(
        client.post(
            reverse("accounts:password_reset_code"), {"code": "x", "password1": "a", "password2": "b"}
        )
    )


def test_profile_edit_and_password_change(client, citizen):
    client.force_login(citizen)
    assert_described(client.get(reverse("accounts:profile_edit")))
    assert_described(client.post(reverse("accounts:profile_edit"), {"email": "not-an-address"}))
    assert_described(
        client.post(reverse("accounts:security"), {"current": "x", "password1": "a", "password2": "b"})
    )


def test_staff_account_form(client):
    agency = Agency.objects.create(
        code="000.00.31.H56", name="UBND phường Hạc Thành", kind="commune_committee", level="xa"
    )
    user = get_user_model().objects.create_user(
        username="quantri.a", password="Hoa-Sen#2026xanh", kind="staff", full_name="Quản Trị"
    )
    AgencyMembership.objects.create(user=user, agency=agency, role="agency_admin")
    login_with_second_factor(client, user)
    assert_described(client.get(reverse("accounts:staff_create")))
    assert_described(client.post(reverse("accounts:staff_create"), {"username": "X Y", "password": "a"}))


def test_document_upload_form(client, citizen, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(citizen)
    assert_described(client.get(reverse("documents:upload")))
    bad = SimpleUploadedFile("a.exe", b"MZ", content_type="application/octet-stream")
    assert_described(client.post(reverse("documents:upload"), {"title": "", "file": bad}))


def test_dossier_e_form_step(client, settings, tmp_path):
    from dichvucong.dossiers import services
    from dichvucong.dossiers.tests.conftest import build_setup, pdf
    from dichvucong.dossiers.tests.test_views import SCHEMA

    settings.MEDIA_ROOT = tmp_path
    setup = build_setup()
    draft = services.dossier_create_draft(applicant=setup["citizen"], offering=setup["offering"])
    for component in services.components_for(draft)[:2]:
        services.dossier_attach(dossier=draft, applicant=setup["citizen"], component=component, upload=pdf())
    draft.version.form_schema = SCHEMA
    draft.version.save()
    client.force_login(setup["citizen"])
    url = reverse("dossiers:edit", args=[draft.public_id])
    assert_described(client.get(url))
    assert_described(
        client.post(url, {"applicant_name": "", "applicant_phone": "12", "f_child_birth_date": "31/02/2026"})
    )

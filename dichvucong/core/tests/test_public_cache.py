"""Anonymous catalogue pages can be kept by a reverse proxy (issue 15): public with a short max-age, Vary:
Cookie, an ETag and 304 on a repeat; never for a signed-in person, never with a CSRF token or a cookie."""

import pytest

from dichvucong.catalogue.tests.factories import make_procedure

pytestmark = pytest.mark.django_db


@pytest.fixture
def procedure(db):
    return make_procedure(name="Đăng ký khai sinh")


def _detail(procedure) -> str:
    return f"/thu-tuc/{procedure.code}/"


@pytest.mark.parametrize("path", ["/thu-tuc/", "/thu-tuc/?q=khai+sinh", "/linh-vuc/", "/su-kien-cuoc-song/"])
def test_anonymous_catalogue_pages_are_public_for_a_few_minutes(client, procedure, path):
    response = client.get(path)

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=300"
    assert "Cookie" in response["Vary"] and response["ETag"].startswith('"')
    assert not response.cookies  # no csrftoken, no session: nothing personal to share
    assert b"csrfmiddlewaretoken" not in response.content


def test_a_repeat_with_the_etag_is_304_without_a_body_and_a_changed_page_is_not(client, procedure):
    first = client.get(_detail(procedure))
    assert first.status_code == 200 and "Đăng ký khai sinh" in first.content.decode()

    repeat = client.get(_detail(procedure), HTTP_IF_NONE_MATCH=first["ETag"])
    assert repeat.status_code == 304 and repeat.content == b""

    english = client.get(
        _detail(procedure), HTTP_IF_NONE_MATCH=first["ETag"], HTTP_COOKIE="django_language=en"
    )
    assert english.status_code == 200 and english["ETag"] != first["ETag"]  # another language, another page


def test_signed_in_people_get_private_no_store_pages(client, procedure, django_user_model):
    user = django_user_model.objects.create_user(username="nguoidan", password="x", kind="citizen")
    client.force_login(user)

    response = client.get(_detail(procedure))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    assert not response.has_header("ETag")


def test_a_missing_procedure_is_not_marked_public(client):
    response = client.get("/thu-tuc/0.000000/")
    assert response.status_code == 404 and "public" not in response.get("Cache-Control", "")


def test_the_setting_turns_the_marking_off(client, procedure, settings):
    settings.DVC_PUBLIC_PAGE_SECONDS = 0
    response = client.get(_detail(procedure))
    assert response.status_code == 200 and not response.has_header("ETag")
    assert "public" not in response.get("Cache-Control", "")


def test_the_language_switch_works_without_a_csrf_token(client, procedure):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/i18n/setlang/", {"language": "en", "next": _detail(procedure)})

    assert response.status_code == 302 and response["Location"] == _detail(procedure)
    assert response.cookies["django_language"].value == "en"
    refused = strict.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
    assert refused["Location"] == "/"  # Django's own check of the next address still holds

"""Finding 8 of issue 11: an unknown form name and deleting an attached document answer 404/409, not 500."""

import pytest
from django.urls import reverse

from conftest import login_with_second_factor
from dichvucong.documents.models import StoredDocument
from dichvucong.documents.services import document_store
from dichvucong.dossiers import reception, services
from dichvucong.dossiers.models import DossierFile
from dichvucong.dossiers.tests.conftest import PDF, pdf

pytestmark = pytest.mark.django_db


def _files_on_disk(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.fixture
def accepted(ready_draft, setup):
    services.dossier_submit(dossier_id=ready_draft.pk, applicant=setup["citizen"])
    return reception.dossier_accept(dossier_id=ready_draft.pk, officer=setup["receptionist"])


@pytest.mark.parametrize("form_name", ["mau-99", "mau-01x", "FORMS", "mau-02"])
def test_unknown_form_is_404_for_the_owner(client, accepted, setup, form_name):
    client.force_login(setup["citizen"])

    response = client.get(reverse("dossiers:form_pdf", args=[accepted.public_id, form_name]))

    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


@pytest.mark.parametrize("form_name", ["mau-99", "mau-01x", "FORMS", "mau-02"])
def test_unknown_form_is_404_for_staff(client, accepted, setup, form_name):
    login_with_second_factor(client, setup["receptionist"])

    response = client.get(reverse("dossiers:staff_form_pdf", args=[accepted.public_id, form_name]))

    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()
    known = client.get(reverse("dossiers:staff_form_pdf", args=[accepted.public_id, "mau-01"]))
    assert known.status_code == 200


def test_deleting_an_attached_document_on_the_web_is_refused_and_keeps_row_and_file(
    client, accepted, setup, settings, django_capture_on_commit_callbacks
):
    document = DossierFile.objects.filter(dossier=accepted).first().document
    on_disk = _files_on_disk(settings.MEDIA_ROOT)
    client.force_login(setup["citizen"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("documents:delete", args=[document.public_id]), follow=True)

    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("documents:list"), 302)]
    assert "đang được dùng trong hồ sơ đã nộp" in response.content.decode()
    assert StoredDocument.objects.filter(pk=document.pk).exists()
    assert DossierFile.objects.filter(document=document).exists()
    assert _files_on_disk(settings.MEDIA_ROOT) == on_disk
    assert document.file.name in on_disk


def test_deleting_an_attached_document_through_the_api_is_409(
    client, accepted, setup, settings, django_capture_on_commit_callbacks
):
    document = DossierFile.objects.filter(dossier=accepted).first().document
    on_disk = _files_on_disk(settings.MEDIA_ROOT)
    client.force_login(setup["citizen"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.delete(f"/api/v1/documents/{document.public_id}")

    assert response.status_code == 409
    body = response.json()
    assert body["field"] == "document"
    assert body["code"] == "in_use"
    assert "không xóa được" in body["message"]
    assert StoredDocument.objects.filter(pk=document.pk).exists()
    assert _files_on_disk(settings.MEDIA_ROOT) == on_disk


def test_an_unattached_document_is_still_deleted_and_the_api_documents_404_and_409(client, setup, settings):
    document, _ = document_store(owner=setup["citizen"], upload=pdf(content=PDF + b"lone"), title="Lẻ")
    client.force_login(setup["citizen"])

    response = client.delete(f"/api/v1/documents/{document.public_id}")
    again = client.delete(f"/api/v1/documents/{document.public_id}")

    assert response.status_code == 204
    assert again.status_code == 404
    assert again.json() == {"detail": "Không tìm thấy giấy tờ."}
    schema = client.get("/api/v1/openapi.json").json()
    documented = schema["paths"]["/api/v1/documents/{public_id}"]["delete"]["responses"]
    assert {"204", "404", "409"} <= set(documented)

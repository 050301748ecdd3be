import pytest
from django.test import Client

from dichvucong.documents.models import StoredDocument
from dichvucong.documents.tests import files
from dichvucong.documents.tests.factories import make_document

pytestmark = [pytest.mark.django_db, pytest.mark.urls("dichvucong.documents.tests.api_urls")]

DOCUMENTS = "/api/documents"


@pytest.fixture
def signed_in(client, citizen):
    client.force_login(citizen)
    return client


def test_list_returns_my_documents_by_public_id(signed_in, citizen, other_citizen, media):
    mine = make_document(citizen)
    make_document(other_citizen, title="Của B")

    response = signed_in.get(DOCUMENTS)

    assert response.status_code == 200
    body = response.json()
    assert [item["id"] for item in body] == [str(mine.public_id)]
    assert body[0]["title"] == "Căn cước công dân mặt trước"
    assert body[0]["content_type"] == "application/pdf"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", DOCUMENTS),
        ("post", DOCUMENTS),
        ("get", f"{DOCUMENTS}/00000000-0000-4000-8000-000000000000/download"),
    ],
)
def test_anonymous_caller_is_refused(client, media, method, path):
    response = getattr(client, method)(path)

    assert response.status_code == 401
    assert StoredDocument.objects.count() == 0


def test_upload_creates_then_reuses(signed_in, citizen, media):
    data = {"title": "Bằng đại học", "kind": "degree", "file": files.upload(files.PDF)}
    first = signed_in.post(DOCUMENTS, data)
    second = signed_in.post(DOCUMENTS, {"title": "Lần hai", "file": files.upload(files.PDF, "khac.pdf")})

    assert first.status_code == 201
    assert first.json()["created"] is True
    assert second.status_code == 200
    assert second.json()["created"] is False
    assert second.json()["document"]["id"] == first.json()["document"]["id"]
    assert StoredDocument.objects.filter(owner=citizen).count() == 1
    assert len(files.stored_files(media)) == 1


def test_refused_upload_explains_and_changes_nothing(signed_in, media):
    svg = files.upload(files.SVG, "anh.png", "image/png")
    response = signed_in.post(DOCUMENTS, {"title": "Ảnh", "file": svg})

    assert response.status_code == 400
    assert response.json() == {
        "field": "file",
        "code": "wrong_type",
        "message": "Tệp “anh.png” không phải là tệp PDF hoặc ảnh thật (nội dung không khớp đuôi tệp).",
    }
    assert StoredDocument.objects.count() == 0
    assert files.stored_files(media) == []


def test_session_writes_need_the_csrf_token(citizen, media):
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)

    response = client.post(DOCUMENTS, {"title": "Tờ khai", "file": files.upload(files.PDF)})

    assert response.status_code == 403
    assert StoredDocument.objects.count() == 0
    assert files.stored_files(media) == []


def test_download_has_the_private_headers(signed_in, citizen, media):
    document = make_document(citizen, content=files.JPEG, name="anh.jpg")

    response = signed_in.get(f"{DOCUMENTS}/{document.public_id}/download")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "script-src 'none'" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == files.JPEG


@pytest.mark.parametrize(("method", "suffix"), [("get", "/download"), ("delete", "")])
def test_someone_elses_document_is_not_found_and_left_alone(signed_in, other_citizen, media, method, suffix):
    theirs = make_document(other_citizen)

    response = getattr(signed_in, method)(f"{DOCUMENTS}/{theirs.public_id}{suffix}")

    assert response.status_code == 404
    assert StoredDocument.objects.filter(pk=theirs.pk).exists()
    assert files.stored_files(media) == [theirs.file.name]


def test_delete_removes_row_and_file(signed_in, citizen, media, django_capture_on_commit_callbacks):
    document = make_document(citizen)

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.delete(f"{DOCUMENTS}/{document.public_id}")

    assert response.status_code == 204
    assert not StoredDocument.objects.exists()
    assert files.stored_files(media) == []


def test_openapi_describes_a_multipart_upload_behind_session_auth():
    from dichvucong.documents.tests.api_urls import api

    schema = api.get_openapi_schema()

    upload = schema["paths"]["/api/documents"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert upload["tags"] == ["Kho giấy tờ"]
    assert upload["security"] == [{"SessionAuth": []}]

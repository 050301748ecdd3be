"""Per-account upload limits (issue 11, finding 12): a storage quota and a daily number of uploads. A refused
upload stores nothing: no row, no file."""

import pytest
from django.contrib.auth import get_user_model

from dichvucong.documents import services
from dichvucong.documents.models import StoredDocument
from dichvucong.documents.tests import files

pytestmark = [pytest.mark.django_db, pytest.mark.urls("dichvucong.documents.tests.api_urls")]

DOCUMENTS = "/api/documents"


def _pdf(n: int, padding: int = 0) -> bytes:
    return files.PDF + f"%{n}".encode() + b"0" * padding


@pytest.fixture
def signed_in(client, citizen):
    client.force_login(citizen)
    return client


def test_over_quota_through_the_api_is_413_and_stores_nothing(signed_in, citizen, media, settings):
    settings.DVC_UPLOAD_QUOTA_BYTES = 2 * len(_pdf(1)) + 10
    for n in (1, 2):
        assert (
            signed_in.post(DOCUMENTS, {"title": f"Tệp {n}", "file": files.upload(_pdf(n))}).status_code == 201
        )
    on_disk = files.stored_files(media)

    response = signed_in.post(DOCUMENTS, {"title": "Tệp 3", "file": files.upload(_pdf(3))})

    assert response.status_code == 413
    body = response.json()
    assert body["field"] == "file" and body["code"] == "quota"
    assert body["message"].startswith("Kho giấy tờ của bạn đã dùng ")
    assert "Hãy xóa những giấy tờ không còn cần" in body["message"]
    assert StoredDocument.objects.filter(owner=citizen).count() == 2
    assert files.stored_files(media) == on_disk
    # The same content again is re-used, not counted.
    again = signed_in.post(DOCUMENTS, {"title": "Lại tệp 1", "file": files.upload(_pdf(1))})
    assert again.status_code == 200 and again.json()["created"] is False


def test_over_quota_on_the_upload_page_explains_and_stores_nothing(client, citizen, media, settings):
    from django.test import override_settings

    settings.DVC_UPLOAD_QUOTA_BYTES = len(_pdf(1, padding=100)) - 1
    client.force_login(citizen)
    with override_settings(ROOT_URLCONF="config.urls"):
        response = client.post(
            "/ca-nhan/giay-to/tai-len/", {"title": "Bằng", "file": files.upload(_pdf(1, padding=100))}
        )

    assert response.status_code == 200
    assert "Kho giấy tờ của bạn đã dùng 0 B trên" in response.content.decode()
    assert StoredDocument.objects.count() == 0
    assert files.stored_files(media) == []


def test_the_daily_number_of_uploads_is_limited_with_429(signed_in, citizen, media, settings):
    settings.DVC_UPLOADS_PER_DAY = 2
    for n in (1, 2):
        assert (
            signed_in.post(DOCUMENTS, {"title": f"Tệp {n}", "file": files.upload(_pdf(n))}).status_code == 201
        )
    on_disk = files.stored_files(media)

    response = signed_in.post(DOCUMENTS, {"title": "Tệp 3", "file": files.upload(_pdf(3))})

    assert response.status_code == 429
    assert response.json() == {
        "field": "file",
        "code": "rate_limited",
        "message": "Bạn đã tải lên 2 tệp trong một ngày, mức tối đa cho mỗi tài khoản. "
        "Hãy thử lại vào ngày mai.",
    }
    assert StoredDocument.objects.filter(owner=citizen).count() == 2
    assert files.stored_files(media) == on_disk


def test_dossier_papers_count_but_results_issued_by_the_agency_are_never_refused(citizen, media, settings):
    settings.DVC_UPLOAD_QUOTA_BYTES = len(_pdf(1)) + 5
    services.document_store(owner=citizen, upload=files.upload(_pdf(1)), title="Tờ khai", source="dossier")

    with pytest.raises(services.UploadLimitReached) as refused:
        services.document_store(
            owner=citizen, upload=files.upload(_pdf(2)), title="Chứng sinh", source="dossier"
        )
    result, created = services.document_store(
        owner=citizen,
        upload=files.upload(_pdf(3)),
        title="Giấy khai sinh",
        source=StoredDocument.Source.RESULT,
    )

    assert refused.value.code == "quota"
    assert created and result.source == "result"
    assert services.document_usage_bytes(owner=citizen) == len(_pdf(1))
    assert StoredDocument.objects.filter(owner=citizen).count() == 2
    assert len(files.stored_files(media)) == 2


def test_staff_accounts_are_not_limited(media, settings):
    settings.DVC_UPLOAD_QUOTA_BYTES = 1
    settings.DVC_UPLOADS_PER_DAY = 1
    staff = get_user_model().objects.create_user(
        username="buudien.a", password=None, kind="staff", full_name="A"
    )

    for n in (1, 2):
        _document, created = services.document_store(
            owner=staff, upload=files.upload(_pdf(n)), title="Bằng chứng"
        )
        assert created

    assert StoredDocument.objects.filter(owner=staff).count() == 2


def test_the_quota_is_checked_again_under_the_owner_lock(citizen, media, settings, monkeypatch):
    """Two uploads at once: the second passes the early check, then the locked re-check refuses it."""
    settings.DVC_UPLOAD_QUOTA_BYTES = len(_pdf(1)) + 5
    real = services.document_usage_bytes
    calls = []

    def usage(*, owner):
        calls.append(1)
        if len(calls) == 1:  # the early check ran before the other upload committed
            return 0
        return real(owner=owner)

    services.document_store(owner=citizen, upload=files.upload(_pdf(1)), title="Một")
    on_disk = files.stored_files(media)
    monkeypatch.setattr(services, "document_usage_bytes", usage)

    with pytest.raises(services.UploadLimitReached):
        services.document_store(owner=citizen, upload=files.upload(_pdf(2)), title="Hai")

    assert len(calls) == 2
    assert StoredDocument.objects.filter(owner=citizen).count() == 1
    assert files.stored_files(media) == on_disk


def test_the_api_documents_413_and_429():
    from dichvucong.documents.tests.api_urls import api

    responses = api.get_openapi_schema()["paths"]["/api/documents"]["post"]["responses"]

    assert {201, 200, 400, 413, 429} <= {int(code) for code in responses}

"""A damaged or active PDF, or a picture that does not decode, is refused through the page and the API with
the file named and the reason given, and nothing is kept: no row, no file (issue 12). In "sanitise" mode what
is kept is the rewritten file, and its size and hash are of those bytes."""

import hashlib

import pytest

from dichvucong.documents import pdf_content
from dichvucong.documents.models import StoredDocument
from dichvucong.documents.services import DocumentRefused, document_store
from dichvucong.documents.tests import files

pytestmark = pytest.mark.django_db

UPLOAD = "/ca-nhan/giay-to/tai-len/"
API_DOCUMENTS = "/api/documents"
API_URLS = "dichvucong.documents.tests.api_urls"


@pytest.fixture
def signed_in(client, citizen):
    client.force_login(citizen)
    return client


@pytest.mark.parametrize(
    ("content", "name", "reason"),
    [
        (files.truncated_pdf(), "giay-khai-sinh.pdf", "Tệp PDF bị hỏng hoặc không đọc được."),
        (files.pdf_with_open_action_js(), "to-khai.pdf", "Tệp PDF có nội dung không an toàn (mã JavaScript"),
        (files.bomb_png(), "anh-the.png", "Ảnh quá lớn (400.000.000 điểm ảnh; tối đa 50.000.000)."),
        (files.truncated_jpeg(), "cccd.jpg", "Ảnh bị hỏng hoặc không đọc được."),
    ],
)
def test_the_upload_page_names_the_file_and_the_reason_and_keeps_the_rest(
    signed_in, media, content, name, reason
):
    response = signed_in.post(
        UPLOAD, {"title": "Giấy tờ <của con>", "kind": "birth", "file": files.upload(content, name)}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in html
    assert f'<a href="#id_file">“{name}”: {reason}' in html
    assert 'value="Giấy tờ &lt;của con&gt;"' in html
    assert '<option value="birth" selected>' in html
    assert StoredDocument.objects.count() == 0
    assert files.stored_files(media) == []


@pytest.mark.urls(API_URLS)
@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (files.broken_xref_pdf(), "hong.pdf", "pdf_unreadable"),
        (files.pdf_with_embedded_file(), "dinh-kem.pdf", "pdf_active_content"),
        (files.pdf_with_page_aa(), "trang.pdf", "pdf_active_content"),
        (files.bomb_png(), "bom.png", "image_too_large"),
        (files.JPEG_HEADER_ONLY, "anh.jpg", "image_unreadable"),
    ],
)
def test_the_api_refuses_with_400_naming_the_file_and_keeps_nothing(signed_in, media, content, name, code):
    response = signed_in.post(API_DOCUMENTS, {"title": "Giấy tờ", "file": files.upload(content, name)})

    assert response.status_code == 400
    body = response.json()
    assert (body["field"], body["code"]) == ("file", code)
    assert body["message"].startswith(f"“{name}”: ")
    assert StoredDocument.objects.count() == 0
    assert files.stored_files(media) == []


def test_sanitise_mode_stores_the_rewritten_pdf_with_its_own_size_and_hash(citizen, media, settings):
    settings.DVC_PDF_ACTIVE_CONTENT = "sanitise"
    original = files.pdf_with_open_action_js()

    document, created = document_store(
        owner=citizen, upload=files.upload(original, "to-khai.pdf"), title="Tờ khai"
    )

    stored = (media / document.file.name).read_bytes()
    assert created
    assert stored != original
    assert document.size == len(stored)
    assert document.sha256 == hashlib.sha256(stored).hexdigest()
    assert document.original_name == "to-khai.pdf"
    findings = pdf_content.pdf_inspect(stored)
    assert findings.active == frozenset() and findings.pages == 1
    assert files.stored_files(media) == [document.file.name]


def test_sanitise_mode_reuses_the_document_when_the_same_file_comes_again(citizen, media, settings):
    settings.DVC_PDF_ACTIVE_CONTENT = "sanitise"
    original = files.pdf_with_embedded_file()

    first, _ = document_store(owner=citizen, upload=files.upload(original, "a.pdf"), title="Lần một")
    second, created = document_store(owner=citizen, upload=files.upload(original, "b.pdf"), title="Lần hai")

    assert not created and second.pk == first.pk
    assert len(files.stored_files(media)) == 1


def test_the_service_refusal_carries_the_field_code_and_message(citizen, media):
    with pytest.raises(DocumentRefused) as refused:
        document_store(owner=citizen, upload=files.upload(files.pdf_with_launch_link(), "x.pdf"), title="X")

    assert (refused.value.field, refused.value.code) == ("file", "pdf_active_content")
    assert "lệnh mở chương trình khác" in refused.value.message
    assert StoredDocument.objects.count() == 0
    assert files.stored_files(media) == []

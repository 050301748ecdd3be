import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dichvucong.documents.models import StoredDocument
from dichvucong.documents.responses import DOWNLOAD_CSP, PREVIEW_CSP
from dichvucong.documents.tests import files
from dichvucong.documents.tests.factories import make_document

pytestmark = pytest.mark.django_db

LIST = "/ca-nhan/giay-to/"
UPLOAD = "/ca-nhan/giay-to/tai-len/"


def _url(name, document):
    return reverse(f"documents:{name}", args=[document.public_id])


def _body(response) -> str:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def signed_in(client, citizen):
    client.force_login(citizen)
    return client


def test_upload_page_is_a_multipart_form_with_csrf(signed_in):
    response = signed_in.get(UPLOAD)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in html
    assert "csrfmiddlewaretoken" in html
    assert "PDF, JPG, PNG, DOC, DOCX, XLSX, tối đa 10 MB" in html


def test_upload_stores_the_document_and_redirects_to_the_list(signed_in, citizen, media):
    response = signed_in.post(
        UPLOAD,
        {"title": "Giấy khai sinh của con", "kind": "birth", "file": files.upload(files.PNG, "ks.png")},
    )

    assert response.status_code == 302
    assert response.url == LIST
    document = StoredDocument.objects.get(owner=citizen)
    assert (document.title, document.kind, document.content_type) == (
        "Giấy khai sinh của con",
        "birth",
        "image/png",
    )
    page = signed_in.get(LIST).content.decode()
    assert "Đã thêm “Giấy khai sinh của con” vào kho giấy tờ." in page
    assert "Giấy khai sinh của con" in page


def test_exe_renamed_pdf_is_refused_with_the_error_summary_and_the_typed_title_kept(signed_in, media):
    # when
    response = signed_in.post(
        UPLOAD,
        {"title": "Căn cước <mặt trước>", "kind": "identity", "file": files.upload(files.EXE, "cccd.pdf")},
    )

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Lỗi: Tải lên giấy tờ" in html
    assert 'class="error-summary"' in html
    refused = "Tệp “cccd.pdf” không phải là tệp PDF hoặc ảnh thật (nội dung không khớp đuôi tệp)."
    assert f'<a href="#id_file">{refused}</a>' in html
    assert 'value="Căn cước &lt;mặt trước&gt;"' in html
    assert '<option value="identity" selected>' in html
    assert StoredDocument.objects.count() == 0
    assert files.stored_files(media) == []


def test_missing_title_keeps_the_choice_and_asks_to_choose_the_file_again(signed_in, media):
    response = signed_in.post(UPLOAD, {"title": "", "kind": "degree", "file": files.upload(files.PDF)})

    html = response.content.decode()
    assert '<a href="#id_title">Nhập tên giấy tờ, ví dụ: Căn cước công dân mặt trước</a>' in html
    assert '<option value="degree" selected>' in html
    assert "hãy chọn lại tệp" in html
    assert StoredDocument.objects.count() == 0
    assert files.stored_files(media) == []


def test_over_size_upload_is_refused_with_a_clear_message(signed_in, media, settings):
    settings.DVC_DOCUMENT_MAX_BYTES = 50

    response = signed_in.post(
        UPLOAD, {"title": "Ảnh", "file": files.upload(files.JPEG, "anh.jpg", "image/jpeg")}
    )

    html = response.content.decode()
    assert "Tệp quá lớn:" in html
    assert "Dung lượng tối đa là 50 B." in html
    assert StoredDocument.objects.count() == 0
    assert files.stored_files(media) == []


def test_missing_file_is_refused(signed_in, media):
    response = signed_in.post(UPLOAD, {"title": "Tờ khai"})

    assert '<a href="#id_file">Chọn tệp giấy tờ cần tải lên</a>' in response.content.decode()
    assert StoredDocument.objects.count() == 0


def test_double_submission_creates_one_document(signed_in, citizen, media):
    data = {"title": "Bằng tốt nghiệp", "kind": "degree"}

    first = signed_in.post(UPLOAD, {**data, "file": files.upload(files.DOCX, "bang.docx")})
    second = signed_in.post(UPLOAD, {**data, "file": files.upload(files.DOCX, "bang.docx")})

    assert first.status_code == second.status_code == 302
    assert StoredDocument.objects.filter(owner=citizen).count() == 1
    assert len(files.stored_files(media)) == 1
    assert "Giấy tờ này đã có trong kho" in signed_in.get(LIST).content.decode()


def test_list_shows_each_document_with_size_type_and_date(signed_in, citizen, media):
    document = make_document(citizen, content=files.PDF + b"0" * 1_258_200)
    document.created_at = document.created_at.replace(year=2025, month=3, day=7, hour=5)
    document.save()

    html = signed_in.get(LIST).content.decode()

    assert "Căn cước công dân mặt trước" in html
    assert "Giấy tờ tùy thân" in html
    assert '<td data-label="Định dạng">PDF</td>' in html
    assert "1,2 MB" in html
    assert "07/03/2025" in html
    for name in ("preview", "download", "rename", "delete"):
        assert _url(name, document) in html
    assert f"/{document.pk}/" not in html.replace(str(document.public_id), "")


def test_list_shows_only_my_documents(signed_in, other_citizen, media):
    make_document(other_citizen, title="Hộ chiếu của B")

    html = signed_in.get(LIST).content.decode()

    assert "Hộ chiếu của B" not in html
    assert "Kho giấy tờ chưa có giấy tờ nào." in html


def test_list_page_query_count_is_pinned(signed_in, citizen, media):
    # given one document, then six
    make_document(citizen, title="Giấy tờ 0")
    with CaptureQueriesContext(connection) as one:
        signed_in.get(LIST)
    for index, content in enumerate([files.PNG, files.JPEG, files.DOCX, files.XLSX, files.DOC], start=1):
        make_document(citizen, content=content, title=f"Giấy tờ {index}")

    # when
    with CaptureQueriesContext(connection) as six:
        response = signed_in.get(LIST)

    # then: one query for the documents, the rest is the session and the user (accounts middleware)
    assert response.content.decode().count("<tr>") == 7
    assert len(six) == len(one) <= 7  # + the roles behind the header's work links
    assert sum("documents_storeddocument" in query["sql"] for query in six.captured_queries) == 1


def test_download_sends_an_attachment_with_safe_headers(signed_in, citizen, media):
    document = make_document(citizen, name="Căn cước.exe")

    response = signed_in.get(_url("download", document))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''C%C4%83n%20c%C6%B0%E1%BB%9Bc.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Security-Policy"] == DOWNLOAD_CSP
    assert _body(response) == files.PDF


def test_preview_shows_pdf_and_images_inline_in_a_sandbox(signed_in, citizen, media):
    document = make_document(citizen, content=files.PNG, name="anh.png")

    response = signed_in.get(_url("preview", document))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Content-Security-Policy"] == PREVIEW_CSP
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert _body(response) == files.PNG


def test_a_pdf_preview_may_not_run_scripts(signed_in, citizen, media):
    document = make_document(citizen, name="to-khai.pdf")

    response = signed_in.get(_url("preview", document))

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    policy = [part.strip() for part in response["Content-Security-Policy"].split(";")]
    assert "sandbox" in policy  # no scripts, no forms, a unique origin without the site's cookies
    assert "script-src 'none'" in policy
    assert "object-src 'none'" in policy
    assert "default-src 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert _body(response) == files.PDF


def test_preview_of_an_office_file_is_a_download(signed_in, citizen, media):
    document = make_document(citizen, content=files.XLSX, name="bang-ke.xlsx")

    response = signed_in.get(_url("preview", document))

    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("preview", "get"),
        ("download", "get"),
        ("delete", "get"),
        ("delete", "post"),
        ("rename", "get"),
        ("rename", "post"),
    ],
)
def test_someone_elses_document_is_not_found_and_left_alone(signed_in, other_citizen, media, name, method):
    # given a document of another person
    theirs = make_document(other_citizen, title="Hộ chiếu của B")

    # when
    response = getattr(signed_in, method)(
        _url(name, theirs), {"title": "Của tôi"} if method == "post" else None
    )

    # then
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "Hộ chiếu của B"
    assert files.stored_files(media) == [theirs.file.name]


def test_unknown_document_is_not_found(signed_in, media):
    response = signed_in.get("/ca-nhan/giay-to/00000000-0000-4000-8000-000000000000/tai-ve/")

    assert response.status_code == 404


@pytest.mark.parametrize("name", ["list", "upload"])
def test_anonymous_visitor_is_sent_to_sign_in(client, name):
    response = client.get(reverse(f"documents:{name}"))

    assert response.status_code == 302
    assert response.url.startswith(resolve_url(django_settings.LOGIN_URL))
    assert "next=" in response.url


@pytest.mark.parametrize(("name", "method"), [("preview", "get"), ("download", "get"), ("delete", "post")])
def test_anonymous_visitor_cannot_touch_a_document(client, citizen, media, name, method):
    document = make_document(citizen)

    response = getattr(client, method)(_url(name, document))

    assert response.status_code == 302
    assert response.url.startswith(resolve_url(django_settings.LOGIN_URL))
    assert files.stored_files(media) == [document.file.name]


def test_anonymous_upload_stores_nothing(client, media):
    client.post(UPLOAD, {"title": "Tờ khai", "file": files.upload(files.PDF)})

    assert StoredDocument.objects.count() == 0
    assert files.stored_files(media) == []


def test_delete_asks_for_confirmation_then_removes_row_and_file(
    signed_in, citizen, media, django_capture_on_commit_callbacks
):
    document = make_document(citizen)

    confirm = signed_in.get(_url("delete", document))
    assert "Xóa “Căn cước công dân mặt trước” khỏi kho giấy tờ?" in confirm.content.decode()
    assert StoredDocument.objects.count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(_url("delete", document))

    assert response.status_code == 302
    assert not StoredDocument.objects.exists()
    assert files.stored_files(media) == []
    assert "Đã xóa “Căn cước công dân mặt trước”" in signed_in.get(LIST).content.decode()


def test_rename_saves_the_new_title(signed_in, citizen, media):
    document = make_document(citizen)

    response = signed_in.post(
        _url("rename", document), {"title": "CCCD mặt trước (2025)", "kind": "identity"}
    )

    assert response.status_code == 302
    document.refresh_from_db()
    assert document.title == "CCCD mặt trước (2025)"


def test_rename_with_a_too_long_title_keeps_what_was_typed(signed_in, citizen, media):
    document = make_document(citizen)
    typed = "Giấy tờ " * 30

    response = signed_in.post(_url("rename", document), {"title": typed, "kind": "identity"})

    html = response.content.decode()
    assert '<a href="#id_title">Tên giấy tờ không quá 200 ký tự</a>' in html
    assert typed.strip() in html
    document.refresh_from_db()
    assert document.title == "Căn cước công dân mặt trước"

"""PDFs are opened with pypdf and pictures decoded with Pillow before they are kept (issue 12)."""

import hashlib
import io

import pytest
from pypdf import PdfReader, PdfWriter

from dichvucong.documents import pdf_content, validation
from dichvucong.documents.testing import minimal_jpeg_bytes, minimal_pdf_bytes, minimal_png_bytes
from dichvucong.documents.tests import files

UNREADABLE_PDF = (
    "“{name}”: Tệp PDF bị hỏng hoặc không đọc được. Hãy mở tệp trên máy, lưu (hoặc xuất) lại thành PDF "
    "rồi tải lên lại."
)
ACTIVE = (
    "“{name}”: Tệp PDF có nội dung không an toàn ({reasons}) nên không được nhận, "
    "để bảo đảm an toàn cho người xem. Hãy in (hoặc xuất) lại thành tệp PDF thông thường rồi tải lên lại."
)


def _refused(content: bytes, name: str, content_type: str = "application/pdf") -> validation.FileRejected:
    with pytest.raises(validation.FileRejected) as refused:
        validation.inspect_upload(files.upload(content, name, content_type))
    return refused.value


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (minimal_pdf_bytes(), "don.pdf", "pdf"),
        (minimal_pdf_bytes("tag", pages=3) + b"\n", "ba-trang.pdf", "pdf"),  # bytes after %%EOF are fine
        (files.repairable_xref_pdf(), "xref-lech.pdf", "pdf"),  # repaired by pypdf, as viewers do
        (files.pdf_opening_at_page_one(), "mo-trang-1.pdf", "pdf"),  # /OpenAction as a destination
        (minimal_png_bytes(), "anh.png", "png"),
        (minimal_jpeg_bytes(), "anh.jpg", "jpeg"),
        (files.PNG, "mot-diem.png", "png"),
    ],
)
def test_clean_pdfs_and_pictures_pass_unchanged(content, name, code):
    facts = validation.inspect_upload(files.upload(content, name))

    assert facts.file_type.code == code
    assert facts.content is None and facts.removed == frozenset()
    assert facts.sha256 == hashlib.sha256(content).hexdigest()


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (files.truncated_pdf(), "cat-doi.pdf"),
        (files.broken_xref_pdf(), "xref-hong.pdf"),
        (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n", "rong.pdf"),
        (b"%PDF-1.7\n" + b"\x00" * 4000, "toan-so-0.pdf"),
    ],
)
def test_a_pdf_that_does_not_open_is_refused_naming_the_file(content, name):
    refused = _refused(content, name)

    assert refused.code == "pdf_unreadable"
    assert refused.message == UNREADABLE_PDF.format(name=name)


def test_a_pdf_without_pages_is_refused():
    buffer = io.BytesIO()
    PdfWriter().write(buffer)  # a catalog and an empty page tree

    assert _refused(buffer.getvalue(), "khong-trang.pdf").code == "pdf_unreadable"


def test_a_pdf_with_too_many_pages_is_refused_before_being_walked(settings):
    settings.DVC_PDF_MAX_PAGES = 2

    refused = _refused(minimal_pdf_bytes("dai", pages=3), "dai.pdf")

    assert refused.code == "pdf_too_many_pages"
    assert refused.message == (
        "“dai.pdf”: Tệp PDF có quá nhiều trang (tối đa 2 trang). Hãy chia thành các tệp nhỏ hơn."
    )


def test_a_pdf_too_complex_to_walk_is_refused(settings):
    settings.DVC_PDF_MAX_OBJECTS = 2

    assert _refused(minimal_pdf_bytes(), "phuc-tap.pdf").code == "pdf_too_complex"


def test_a_password_protected_pdf_is_refused_but_restrictions_only_pass():
    def encrypted(user_password: str) -> bytes:
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(minimal_pdf_bytes())))
        writer.encrypt(user_password=user_password, owner_password="chu-so-huu", algorithm="AES-128")
        buffer = io.BytesIO()
        writer.write(buffer)
        return buffer.getvalue()

    refused = _refused(encrypted("mat-khau"), "bi-mat.pdf")
    assert refused.code == "pdf_encrypted"
    assert refused.message.startswith("“bi-mat.pdf”: Tệp PDF được đặt mật khẩu")
    assert validation.inspect_upload(files.upload(encrypted(""), "han-che.pdf")).file_type.code == "pdf"


@pytest.mark.parametrize(
    ("build", "name", "reasons"),
    [
        (files.pdf_with_open_action_js, "to-khai.pdf", "mã JavaScript, lệnh tự chạy khi mở tệp"),
        (files.pdf_with_document_js, "in-ngay.pdf", "mã JavaScript"),
        (files.pdf_with_embedded_file, "hoa-don.pdf", "tệp đính kèm bên trong"),
        (
            files.pdf_with_page_aa,
            "trang-mo.pdf",
            "mã JavaScript, lệnh tự chạy theo thao tác của người xem",
        ),
        (files.pdf_with_launch_link, "lien-ket.pdf", "lệnh mở chương trình khác"),
        (files.pdf_with_xfa, "bieu-mau.pdf", "biểu mẫu XFA"),
    ],
)
def test_a_pdf_with_active_content_is_refused_by_default_saying_what_it_carries(build, name, reasons):
    refused = _refused(build(), name)

    assert refused.code == "pdf_active_content"
    assert refused.message == ACTIVE.format(name=name, reasons=reasons)


@pytest.mark.parametrize(
    "build",
    [
        files.pdf_with_open_action_js,
        files.pdf_with_document_js,
        files.pdf_with_embedded_file,
        files.pdf_with_page_aa,
        files.pdf_with_launch_link,
        files.pdf_with_xfa,
    ],
)
def test_sanitise_mode_keeps_a_rewritten_pdf_that_checks_clean(settings, build):
    settings.DVC_PDF_ACTIVE_CONTENT = "sanitise"
    original = build()

    facts = validation.inspect_upload(files.upload(original, "co-ma.pdf"))

    assert facts.file_type.code == "pdf"
    assert facts.removed
    assert facts.content is not None and facts.content != original
    assert facts.size == len(facts.content)
    assert facts.sha256 == hashlib.sha256(facts.content).hexdigest()
    again = pdf_content.pdf_inspect(facts.content)
    assert again.active == frozenset() and again.pages == 1
    settings.DVC_PDF_ACTIVE_CONTENT = "refuse"
    assert validation.inspect_upload(files.upload(facts.content, "sach.pdf")).content is None


def test_sanitise_mode_still_refuses_a_signed_pdf_with_active_content(settings, monkeypatch):
    settings.DVC_PDF_ACTIVE_CONTENT = "sanitise"
    signed = pdf_content.PdfFindings(pages=1, active=frozenset({pdf_content.JAVASCRIPT}), signed=True)
    monkeypatch.setattr(pdf_content, "pdf_inspect", lambda data: signed)

    refused = _refused(files.pdf_with_document_js(), "da-ky.pdf")

    assert refused.code == "pdf_active_content"
    assert refused.message.endswith(
        "Tệp có chữ ký số nên hệ thống không tự gỡ các nội dung này (sẽ làm mất chữ ký)."
    )


def test_an_unknown_policy_value_means_refuse(settings):
    settings.DVC_PDF_ACTIVE_CONTENT = "sanitize-please"

    assert _refused(files.pdf_with_document_js(), "x.pdf").code == "pdf_active_content"


def test_a_decompression_bomb_png_is_refused_not_decoded():
    bomb = files.bomb_png(20_000, 20_000)
    assert len(bomb) < 100

    refused = _refused(bomb, "anh-to.png", "image/png")

    assert refused.code == "image_too_large"
    assert refused.message == (
        "“anh-to.png”: Ảnh quá lớn (400.000.000 điểm ảnh; tối đa 50.000.000). "
        "Hãy thu nhỏ ảnh rồi tải lên lại."
    )


def test_the_pixel_limit_is_a_setting_below_pillows_own(settings):
    settings.DVC_IMAGE_MAX_PIXELS = 1_000

    refused = _refused(minimal_png_bytes(size=(40, 40)), "anh.png", "image/png")

    assert refused.code == "image_too_large"
    assert "(1.600 điểm ảnh; tối đa 1.000)" in refused.message


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (files.truncated_jpeg(), "cat-doi.jpg"),
        (files.JPEG_HEADER_ONLY, "chi-co-dau.jpg"),
        (files.png_with_bad_crc(), "sai-crc.png"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "rong.png"),
    ],
)
def test_a_picture_that_does_not_decode_is_refused_naming_the_file(content, name):
    refused = _refused(content, name, "image/jpeg")

    assert refused.code == "image_unreadable"
    assert refused.message == (
        f"“{name}”: Ảnh bị hỏng hoặc không đọc được. Hãy chụp hoặc lưu lại ảnh rồi tải lên lại."
    )


def test_a_file_whose_name_shows_nothing_gets_the_reason_alone():
    with pytest.raises(validation.FileRejected) as refused:
        validation.inspect_upload(files.upload(files.truncated_pdf(), "\x1b\x07"))

    assert refused.value.message.startswith("Tệp PDF bị hỏng hoặc không đọc được.")


@pytest.mark.parametrize("content", [files.DOCX, files.XLSX, files.DOC])
def test_office_files_keep_their_own_checks(content):
    assert validation.inspect_upload(files.upload(content, "tep")).content is None

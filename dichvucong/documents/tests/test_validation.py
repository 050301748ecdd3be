import hashlib

import pytest

from dichvucong.documents import validation
from dichvucong.documents.tests import files

WRONG_TYPE = "Tệp không đúng định dạng cho phép (PDF, JPG, PNG, DOC, DOCX, XLSX)"


@pytest.mark.parametrize(
    ("content", "code", "content_type"),
    [
        (files.PDF, "pdf", "application/pdf"),
        (files.JPEG, "jpeg", "image/jpeg"),
        (files.PNG, "png", "image/png"),
        (files.DOCX, "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (files.XLSX, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (files.DOC, "doc", "application/msword"),
    ],
)
def test_each_allowed_type_is_recognised_by_its_content(content, code, content_type):
    # given a file whose name and browser type say nothing useful
    upload = files.upload(content, name="tep-khong-duoi", content_type="application/octet-stream")

    # when
    facts = validation.inspect_upload(upload)

    # then
    assert facts.file_type.code == code
    assert facts.file_type.content_type == content_type
    assert facts.size == len(content)
    assert facts.sha256 == hashlib.sha256(content).hexdigest()


@pytest.mark.parametrize(
    ("content", "name", "content_type"),
    [
        (files.EXE, "cccd.pdf", "application/pdf"),  # an executable renamed .pdf
        (files.HTML, "to-khai.pdf", "application/pdf"),
        (files.SVG, "anh.png", "image/png"),
        (files.PLAIN_ZIP, "ho-so.docx", "application/zip"),
        (files.DOCM, "mau-don.docx", "application/msword"),  # macro-enabled Word file
        (b"%PD", "cut.pdf", "application/pdf"),
        (b"#!/bin/sh\nrm -rf /\n", "script.jpg", "image/jpeg"),
    ],
)
def test_anything_else_is_refused_whatever_its_name(content, name, content_type):
    with pytest.raises(validation.FileRejected) as refused:
        validation.inspect_upload(files.upload(content, name, content_type))

    assert refused.value.code == "wrong_type"
    if name.endswith(".docx"):
        expected = f"Tệp “{name}” không phải là tệp DOCX thật (nội dung không khớp đuôi tệp)."
    else:
        expected = f"Tệp “{name}” không phải là tệp PDF hoặc ảnh thật (nội dung không khớp đuôi tệp)."
    assert refused.value.message == expected  # the name promised a type the content is not


@pytest.mark.parametrize("name", ["chuong-trinh.exe", "tep-khong-duoi", "trang.html"])
def test_a_name_of_a_type_not_accepted_gets_the_list_of_accepted_types(name):
    with pytest.raises(validation.FileRejected) as refused:
        validation.inspect_upload(files.upload(files.EXE, name, "application/octet-stream"))

    assert refused.value.code == "wrong_type"
    assert refused.value.message == WRONG_TYPE


def test_the_named_file_is_shown_without_its_path_or_control_characters_and_kept_short():
    long_name = "C:\\Users\\an\\" + "a" * 200 + "\x1b[31m.pdf"

    with pytest.raises(validation.FileRejected) as refused:
        validation.inspect_upload(files.upload(files.EXE, long_name, "application/pdf"))

    shown = refused.value.message.split("“")[1].split("”")[0]
    assert "Users" not in shown and "\x1b" not in shown and len(shown) == validation.SHOWN_NAME_MAX


def test_allowed_types_can_be_narrowed_and_the_message_says_which():
    with pytest.raises(validation.FileRejected) as refused:
        validation.inspect_upload(files.upload(files.DOCX, "don.docx"), allowed_types={"pdf", "jpeg"})

    assert refused.value.message == "Tệp không đúng định dạng cho phép (PDF, JPG)"
    assert (
        validation.inspect_upload(files.upload(files.PDF), allowed_types={"pdf", "jpeg"}).file_type.code
        == "pdf"
    )


def test_empty_file_is_refused():
    with pytest.raises(validation.FileRejected) as refused:
        validation.inspect_upload(files.upload(b"", "rong.pdf"))

    assert refused.value.code == "empty"
    assert refused.value.message == "“rong.pdf”: Tệp đã chọn không có nội dung."


def test_over_size_file_is_refused_with_both_sizes_in_the_message(settings):
    # given a 10 MB limit and a 40.2 MB photo (only its declared size matters: nothing is read)
    settings.DVC_DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
    upload = files.upload(files.JPEG, "anh.jpg", "image/jpeg")
    upload.size = int(40.2 * 1024 * 1024)

    with pytest.raises(validation.FileRejected) as refused:
        validation.inspect_upload(upload)

    assert refused.value.code == "too_large"
    assert refused.value.message == "“anh.jpg”: Tệp quá lớn: 40,2 MB. Dung lượng tối đa là 10 MB."


def test_size_is_counted_while_streaming_not_trusted_from_the_declared_size(settings):
    settings.DVC_DOCUMENT_MAX_BYTES = 100
    upload = files.upload(files.PDF + b"0" * 200)
    upload.size = 10  # a lying size

    with pytest.raises(validation.FileRejected) as refused:
        validation.inspect_upload(upload)

    assert refused.value.code == "too_large"


def test_zip_bomb_docx_is_refused_without_unpacking_it():
    bomb = files.zip_bomb_docx()
    assert len(bomb) < 100 * 1024

    with pytest.raises(validation.FileRejected) as refused:
        validation.inspect_upload(files.upload(bomb, "bao-cao.docx"))

    assert refused.value.code == "zip_bomb"


@pytest.mark.parametrize(
    ("size", "label"),
    [
        (900, "900 B"),
        (1536, "1,5 KB"),
        (1_258_291, "1,2 MB"),
        (10 * 1024 * 1024, "10 MB"),
        (3 * 1024**3, "3 GB"),
    ],
)
def test_sizes_are_shown_the_vietnamese_way(size, label):
    assert validation.format_size(size) == label

import datetime
import hashlib
import os
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError

from dichvucong.documents import services
from dichvucong.documents.models import StoredDocument
from dichvucong.documents.services import DocumentRefused, document_delete, document_rename, document_store
from dichvucong.documents.tests import files
from dichvucong.documents.tests.factories import make_document

pytestmark = pytest.mark.django_db


def test_store_keeps_the_file_under_a_random_name_with_its_facts(citizen, media):
    # given
    upload = files.upload(files.PDF, name="../../etc/Căn cước <mặt trước>.pdf")

    # when
    document, created = document_store(
        owner=citizen, upload=upload, title="  Căn cước   công dân  ", kind="identity"
    )

    # then
    assert created
    document.refresh_from_db()
    assert document.title == "Căn cước công dân"
    assert document.kind == "identity"
    assert document.original_name == "Căn cước mặt trước.pdf"
    assert document.content_type == "application/pdf"
    assert document.size == len(files.PDF)
    assert document.sha256 == hashlib.sha256(files.PDF).hexdigest()
    assert document.source == "upload"
    assert re.fullmatch(r"documents/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", document.file.name)
    assert "cuoc" not in document.file.name
    assert (media / document.file.name).read_bytes() == files.PDF
    assert files.stored_files(media) == [document.file.name]


def test_same_file_twice_is_reused_not_duplicated(citizen, media):
    first = make_document(citizen, title="CCCD")

    again, created = document_store(
        owner=citizen, upload=files.upload(files.PDF, "ban-sao.pdf"), title="Bản sao", kind=""
    )

    assert not created
    assert again.pk == first.pk
    assert again.title == "CCCD"
    assert StoredDocument.objects.count() == 1
    assert files.stored_files(media) == [first.file.name]


def test_same_file_for_two_people_is_two_documents(citizen, other_citizen, media):
    mine = make_document(citizen)

    theirs, created = document_store(owner=other_citizen, upload=files.upload(files.PDF), title="Của B")

    assert created
    assert theirs.pk != mine.pk
    assert len(files.stored_files(media)) == 2


@pytest.mark.parametrize(
    ("content", "title", "kind", "field", "code"),
    [
        (files.EXE, "Tờ khai", "", "file", "wrong_type"),
        (files.HTML, "Tờ khai", "", "file", "wrong_type"),
        (files.SVG, "Ảnh", "", "file", "wrong_type"),
        (b"", "Tờ khai", "", "file", "empty"),
        (files.zip_bomb_docx(), "Báo cáo", "", "file", "zip_bomb"),
        (files.PDF, "   ", "", "title", "required"),
        (files.PDF, "x" * 201, "", "title", "too_long"),
        (files.PDF, "Tờ khai", "passport-of-mars", "kind", "invalid"),
    ],
)
def test_refused_upload_changes_nothing(citizen, media, content, title, kind, field, code):
    with pytest.raises(DocumentRefused) as refused:
        document_store(owner=citizen, upload=files.upload(content, "cccd.pdf"), title=title, kind=kind)

    assert (refused.value.field, refused.value.code) == (field, code)
    assert StoredDocument.objects.count() == 0
    assert files.stored_files(media) == []


def test_over_size_upload_changes_nothing(citizen, media, settings):
    settings.DVC_DOCUMENT_MAX_BYTES = 50

    with pytest.raises(DocumentRefused) as refused:
        document_store(owner=citizen, upload=files.upload(files.PDF), title="Tờ khai")

    assert (
        refused.value.message == f"“giay-to.pdf”: Tệp quá lớn: {len(files.PDF)} B. Dung lượng tối đa là 50 B."
    )
    assert StoredDocument.objects.count() == 0
    assert files.stored_files(media) == []


def test_database_failure_after_the_file_is_written_leaves_no_orphan_file(citizen, media, monkeypatch):
    # given a database that fails on the insert, after the file reached storage
    written = []
    real_save = StoredDocument.save

    def failing_save(self, *args, **kwargs):
        written.extend(files.stored_files(media))
        raise DatabaseError("disk full")

    monkeypatch.setattr(StoredDocument, "save", failing_save)

    # when
    with pytest.raises(DatabaseError):
        document_store(owner=citizen, upload=files.upload(files.PDF), title="Tờ khai")

    # then the file had been written, and is gone again
    monkeypatch.setattr(StoredDocument, "save", real_save)
    assert len(written) == 1
    assert files.stored_files(media) == []
    assert StoredDocument.objects.count() == 0


def test_lost_race_on_the_same_file_keeps_the_winner_and_removes_the_loser_file(citizen, media, monkeypatch):
    # given another request stores the same file between our duplicate check and our insert (double click)
    winner = {}
    real_filter = StoredDocument.objects.filter

    def racing_filter(*args, **kwargs):
        result = real_filter(*args, **kwargs)
        if "sha256" in kwargs and not winner:
            monkeypatch.setattr(StoredDocument.objects, "filter", real_filter)
            winner["doc"] = make_document(citizen, title="Bấm lần một")
            return real_filter(pk=-1)  # our check saw nothing
        return result

    monkeypatch.setattr(StoredDocument.objects, "filter", racing_filter)

    # when
    document, created = document_store(owner=citizen, upload=files.upload(files.PDF), title="Bấm lần hai")

    # then
    assert not created
    assert document.pk == winner["doc"].pk
    assert StoredDocument.objects.count() == 1
    assert files.stored_files(media) == [winner["doc"].file.name]


def test_delete_removes_the_row_and_the_file_after_commit(citizen, media, django_capture_on_commit_callbacks):
    document = make_document(citizen)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert document_delete(owner=citizen, document=document)
        assert files.stored_files(media) == [document.file.name]  # not before commit
    for callback in callbacks:
        callback()

    assert not StoredDocument.objects.exists()
    assert files.stored_files(media) == []


def test_delete_twice_is_harmless(citizen, media, django_capture_on_commit_callbacks):
    document = make_document(citizen)
    with django_capture_on_commit_callbacks(execute=True):
        document_delete(owner=citizen, document=document)

    assert document_delete(owner=citizen, document=document) is False


def test_someone_else_cannot_delete_or_rename(citizen, other_citizen, media):
    document = make_document(citizen)

    with pytest.raises(PermissionDenied):
        document_delete(owner=other_citizen, document=document)
    with pytest.raises(PermissionDenied):
        document_rename(owner=other_citizen, document=document, title="Của tôi")

    document.refresh_from_db()
    assert document.title == "Căn cước công dân mặt trước"
    assert files.stored_files(media) == [document.file.name]


def test_rename_changes_title_and_kind(citizen, media):
    document = make_document(citizen)

    renamed = document_rename(owner=citizen, document=document, title=" CCCD  mặt sau ", kind="other")

    renamed.refresh_from_db()
    assert (renamed.title, renamed.kind) == ("CCCD mặt sau", "other")


def test_rename_refuses_an_empty_title_and_changes_nothing(citizen, media):
    document = make_document(citizen)

    with pytest.raises(DocumentRefused):
        document_rename(owner=citizen, document=document, title="  ")

    document.refresh_from_db()
    assert document.title == "Căn cước công dân mặt trước"


def test_orphan_sweep_removes_old_unreferenced_files_only(citizen, media):
    kept = make_document(citizen)
    orphan = media / "documents" / "2024" / "01" / "0123456789abcdef0123456789abcdef.pdf"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(files.PDF)
    recent_orphan = media / "documents" / "2024" / "01" / "fedcba9876543210fedcba9876543210.pdf"
    recent_orphan.write_bytes(files.PDF)
    old = (datetime.datetime.now() - datetime.timedelta(days=2)).timestamp()
    os.utime(orphan, (old, old))
    os.utime(media / kept.file.name, (old, old))

    removed = services.document_orphan_files_remove(older_than=datetime.timedelta(hours=6))

    assert removed == ["documents/2024/01/0123456789abcdef0123456789abcdef.pdf"]
    assert sorted(files.stored_files(media)) == sorted(
        [kept.file.name, "documents/2024/01/fedcba9876543210fedcba9876543210.pdf"]
    )

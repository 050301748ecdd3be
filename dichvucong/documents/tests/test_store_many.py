"""Several uploads stored at once (the one-request submission, issue 15): the same checks and outcomes as
``document_store`` one by one, in a fixed handful of statements, and nothing left behind when refused."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from dichvucong.documents import services
from dichvucong.documents.models import StoredDocument
from dichvucong.documents.services import StoreItem, documents_store_many
from dichvucong.documents.tests import files

pytestmark = pytest.mark.django_db


def _pdf(n: int, padding: int = 0) -> bytes:
    return files.PDF + f"%{n}".encode() + b"0" * padding


def _items(*contents: bytes) -> list[StoreItem]:
    return [StoreItem(upload=files.upload(c), title=f"Giấy tờ {n}") for n, c in enumerate(contents, 1)]


def _statements(queries) -> list[str]:
    return [
        q["sql"].split()[0].upper()
        for q in queries
        if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE"))
    ]


def test_two_new_files_cost_the_same_few_statements_as_one(citizen, media):
    with CaptureQueriesContext(connection) as one:
        documents_store_many(owner=citizen, items=_items(_pdf(1)), source="dossier")
    with CaptureQueriesContext(connection) as two:
        items = documents_store_many(owner=citizen, items=_items(_pdf(2), _pdf(3)), source="dossier")

    # The contents already stored, the quota, the daily count (one upsert of the database counter here; one
    # Redis command with the Redis cache), the owner's lock, the quota again, one insert for every row.
    assert _statements(two.captured_queries) == _statements(one.captured_queries)
    assert _statements(two.captured_queries) == ["SELECT", "SELECT", "INSERT", "SELECT", "SELECT", "INSERT"]
    assert [item.created for item in items] == [True, True] and all(i.refused is None for i in items)
    assert StoredDocument.objects.filter(owner=citizen).count() == 3
    assert len(files.stored_files(media)) == 3
    stored = StoredDocument.objects.get(pk=items[1].document.pk)
    assert stored.sha256 == items[1].document.sha256 and stored.title == "Giấy tờ 2"
    assert stored.file.read() == _pdf(3)


def test_the_same_content_twice_or_again_is_the_row_already_there(citizen, media):
    (first,) = documents_store_many(owner=citizen, items=_items(_pdf(1)))
    again, twin_a, twin_b = documents_store_many(owner=citizen, items=_items(_pdf(1), _pdf(2), _pdf(2)))

    assert again.document.pk == first.document.pk and not again.created
    assert twin_a.document.pk == twin_b.document.pk and twin_a.created and not twin_b.created
    assert StoredDocument.objects.filter(owner=citizen).count() == 2
    assert len(files.stored_files(media)) == 2


def test_a_refused_file_does_not_stop_the_others_and_stores_nothing_for_itself(citizen, media):
    exe = files.upload(b"MZ\x90\x00" + b"\x00" * 200, name="giay-to.pdf")
    items = [StoreItem(upload=exe, title="Giả PDF"), *_items(_pdf(1))]

    documents_store_many(owner=citizen, items=items)

    assert items[0].refused is not None and items[0].document is None and items[0].refused.field == "file"
    assert items[1].created and StoredDocument.objects.filter(owner=citizen).count() == 1
    assert len(files.stored_files(media)) == 1


def test_over_the_quota_the_file_that_does_not_fit_is_refused_and_its_file_not_kept(citizen, media, settings):
    settings.DVC_UPLOAD_QUOTA_BYTES = len(_pdf(1)) + 10
    first, second = documents_store_many(owner=citizen, items=_items(_pdf(1), _pdf(2)), source="dossier")

    assert first.created and first.refused is None
    assert isinstance(second.refused, services.UploadLimitReached) and second.refused.code == "quota"
    assert second.document is None
    assert list(StoredDocument.objects.values_list("pk", flat=True)) == [first.document.pk]
    assert files.stored_files(media) == [first.document.file.name]


def test_the_callers_rollback_leaves_files_the_caller_removes(citizen, media):
    """As with document_store: the rows go with the caller's transaction; the caller removes the files of
    the items it created (document_files_remove), so nothing is left."""
    items = _items(_pdf(1), _pdf(2))
    with pytest.raises(RuntimeError), transaction.atomic():
        documents_store_many(owner=citizen, items=items, source="dossier")
        raise RuntimeError("the dossier could not be saved")
    services.document_files_remove(documents=[item.document for item in items if item.created])

    assert not StoredDocument.objects.exists()
    assert files.stored_files(media) == []


def test_past_the_daily_number_of_uploads_the_extra_files_are_refused(citizen, media, settings):
    settings.DVC_UPLOADS_PER_DAY = 3
    documents_store_many(owner=citizen, items=_items(_pdf(1)), source="dossier")
    items = documents_store_many(owner=citizen, items=_items(_pdf(2), _pdf(3), _pdf(4)), source="dossier")

    assert [item.created for item in items] == [True, True, False]
    assert items[2].refused.code == "rate_limited" and "3 tệp trong một ngày" in items[2].refused.message
    assert StoredDocument.objects.filter(owner=citizen).count() == 3
    assert len(files.stored_files(media)) == 3

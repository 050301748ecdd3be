"""Writes to the personal document store. Files and rows go together: no half-written rows or orphan files."""

from __future__ import annotations

import datetime
import logging
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from dichvucong.core import ratelimit
from dichvucong.core.text import nfc
from dichvucong.documents import validation
from dichvucong.documents.models import StoredDocument

if TYPE_CHECKING:
    from dichvucong.accounts.models import User

logger = logging.getLogger(__name__)

TITLE_MAX = 200
ORIGINAL_NAME_MAX = 255
_UNSAFE_NAME_CHARS = re.compile(r'[<>:"/\\|?*]')

# Per-account limits on what a person uploads into their own store (issue 11, finding 12). They apply to
# citizen, business and organisation accounts, to files they upload themselves (the store, a dossier's
# papers, a supplement): results an agency issues into a citizen's store are never refused and not counted,
# and staff accounts (delivery proofs, draft results: work, in their own store) are not limited.
DEFAULT_UPLOAD_QUOTA_BYTES = 500 * 1024 * 1024  # the account's stored uploads, in total
DEFAULT_UPLOADS_PER_DAY = 200  # new files stored per account and day (a re-used identical file is free)
COUNTED_SOURCES = (StoredDocument.Source.UPLOAD, StoredDocument.Source.DOSSIER)


class DocumentRefused(ValueError):
    """Input we refuse; `field` names the form field, `message` is shown to the person as is."""

    def __init__(self, field: str, code: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.code = code
        self.message = message


class UploadLimitReached(DocumentRefused):
    """The account's storage quota (code ``quota``) or its daily number of uploads (``rate_limited``)."""


def upload_quota_bytes() -> int:
    return int(getattr(settings, "DVC_UPLOAD_QUOTA_BYTES", DEFAULT_UPLOAD_QUOTA_BYTES))


def uploads_per_day() -> int:
    return int(getattr(settings, "DVC_UPLOADS_PER_DAY", DEFAULT_UPLOADS_PER_DAY))


def _limited(owner: User, source: str) -> bool:
    return source in COUNTED_SOURCES and bool(getattr(owner, "is_citizen_like", False))


def document_usage_bytes(*, owner: User) -> int:
    """What counts against the owner's quota: the files they uploaded themselves, in bytes."""
    total = StoredDocument.objects.filter(owner=owner, source__in=COUNTED_SOURCES).aggregate(
        total=Sum("size")
    )
    return int(total["total"] or 0)


def _check_quota(*, owner: User, size: int, used: int | None = None) -> None:
    quota = upload_quota_bytes()
    used = document_usage_bytes(owner=owner) if used is None else used
    if used + size > quota:
        raise UploadLimitReached(
            "file",
            "quota",
            _(
                "Kho giấy tờ của bạn đã dùng %(used)s trên %(quota)s cho phép; tệp này (%(size)s) vượt quá "
                "dung lượng còn lại. Hãy xóa những giấy tờ không còn cần trong Kho giấy tờ rồi tải lên lại."
            )
            % {
                "used": validation.format_size(used),
                "quota": validation.format_size(quota),
                "size": validation.format_size(size),
            },
        )


def _count_upload(*, owner: User) -> None:
    if not ratelimit.hit(f"documents:upload:{owner.pk}", limit=uploads_per_day(), window_seconds=24 * 3600):
        raise _daily_limit_reached()


def _uploads_left(*, owner: User, counting: int) -> int:
    """Count ``counting`` new uploads at once; how many of them fit under the daily limit."""
    total = ratelimit.count(f"documents:upload:{owner.pk}", window_seconds=24 * 3600, amount=counting)
    return max(0, min(counting, uploads_per_day() - (total - counting)))


def _daily_limit_reached() -> UploadLimitReached:
    limit = uploads_per_day()
    return UploadLimitReached(
        "file",
        "rate_limited",
        _(
            "Bạn đã tải lên %(limit)d tệp trong một ngày, mức tối đa cho mỗi tài khoản. "
            "Hãy thử lại vào ngày mai."
        )
        % {"limit": limit},
    )


class DocumentInUse(DocumentRefused):
    """The document is part of a dossier (or a result): it stays, with its file, as long as that does."""

    def __init__(self, title: str) -> None:
        super().__init__(
            "document",
            "in_use",
            _("“%(title)s” đang được dùng trong hồ sơ đã nộp hoặc kết quả giải quyết nên không xóa được.")
            % {"title": title},
        )


def clean_title(title: str | None) -> str:
    value = nfc(title)
    if not value:
        raise DocumentRefused("title", "required", _("Nhập tên giấy tờ, ví dụ: Căn cước công dân mặt trước"))
    if len(value) > TITLE_MAX:
        raise DocumentRefused(
            "title", "too_long", _("Tên giấy tờ không quá %(max)d ký tự") % {"max": TITLE_MAX}
        )
    return value


def clean_kind(kind: str | None) -> str:
    value = (kind or "").strip()
    if value and value not in StoredDocument.Kind.values:
        raise DocumentRefused("kind", "invalid", _("Chọn loại giấy tờ trong danh sách"))
    return value


def safe_original_name(name: str | None) -> str:
    """The last path part, NFC, without control or reserved characters, at most 255 characters."""
    base = re.split(r"[/\\]", name or "")[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = nfc(_UNSAFE_NAME_CHARS.sub("", base)).strip(" .")
    if len(base) > ORIGINAL_NAME_MAX:
        stem, dot, extension = base.rpartition(".")
        extension = extension[:10] if dot else ""
        keep = ORIGINAL_NAME_MAX - len(extension) - (1 if extension else 0)
        base = f"{(stem if dot else base)[:keep]}{'.' if extension else ''}{extension}"
    return base or "giay-to"


def _remove_file(storage: Storage, name: str) -> None:
    if not name:
        return
    try:
        storage.delete(name)
    except Exception:  # the row is what matters; a leftover file is caught by the orphan sweep
        logger.exception("documents: could not remove file %s", name)


def document_store(
    *,
    owner: User,
    upload: UploadedFile,
    title: str,
    kind: str = "",
    allowed_types: frozenset[str] | set[str] | None = None,
    source: str = StoredDocument.Source.UPLOAD,
) -> tuple[StoredDocument, bool]:
    """Keep an uploaded file in the owner's store; (document, created). The same content twice is reused.

    Everything is checked before anything is written, the account's limits included (``UploadLimitReached``:
    the storage quota and the daily number of uploads, for what a citizen uploads). The file is written,
    then the row inserted in its own transaction; if the insert fails the file is removed at once. (When the
    caller holds an outer transaction that later rolls back, `document_orphan_files_remove` cleans up what
    it left.) A PDF with active content is refused, or, with ``DVC_PDF_ACTIVE_CONTENT = "sanitise"``, kept as
    the rewritten file validation returns (its size and hash are those of the stored bytes).
    """
    clean = clean_title(title)
    clean_kind_value = clean_kind(kind)
    try:
        facts = validation.inspect_upload(upload, allowed_types=allowed_types)
    except validation.FileRejected as exc:
        raise DocumentRefused("file", exc.code, exc.message) from exc

    existing = StoredDocument.objects.filter(owner=owner, sha256=facts.sha256).first()
    if existing is not None:
        return existing, False

    limited = _limited(owner, source)
    if limited:  # refused before anything is written; checked again under the owner's lock below
        _check_quota(owner=owner, size=facts.size)
        _count_upload(owner=owner)

    document = StoredDocument(
        owner=owner,
        title=clean,
        kind=clean_kind_value,
        original_name=safe_original_name(upload.name),
        content_type=facts.file_type.content_type,
        size=facts.size,
        sha256=facts.sha256,
        source=source,
    )
    if facts.content is not None:  # a PDF rewritten without its active content: that is what we keep
        removed = ", ".join(sorted(facts.removed))
        logger.info("documents: stored a sanitised PDF for user %s (removed: %s)", owner.pk, removed)
    content = upload if facts.content is None else ContentFile(facts.content)
    storage = document.file.storage
    try:
        document.file.save(facts.file_type.extension, content, save=False)  # name comes from upload_to
        with transaction.atomic():
            if limited:  # two uploads at once must not both fit in the last megabytes
                get_user_model().objects.select_for_update().filter(pk=owner.pk).first()
                _check_quota(owner=owner, size=facts.size)
            document.save()
    except IntegrityError:
        # The same file arrived twice at once (double click): the other request won; keep its row.
        _remove_file(storage, document.file.name)
        existing = StoredDocument.objects.filter(owner=owner, sha256=facts.sha256).first()
        if existing is None:
            raise
        return existing, False
    except BaseException:
        _remove_file(storage, document.file.name)
        raise
    return document, True


@dataclass
class StoreItem:
    """One upload for ``documents_store_many``; afterwards ``document`` and ``created``, or ``refused``."""

    upload: UploadedFile
    title: str
    allowed_types: frozenset[str] | set[str] | None = None
    document: StoredDocument | None = None
    created: bool = False
    refused: DocumentRefused | None = None


def documents_store_many(
    *, owner: User, items: list[StoreItem], source: str = StoredDocument.Source.UPLOAD
) -> list[StoreItem]:
    """``document_store`` for several uploads at once (a one-request submission): the same checks and the
    same outcome per item, in a handful of statements instead of seven per file: one look-up of the
    contents already stored, one quota sum, and, inside the caller's transaction, one lock of the owner's row,
    one quota sum again and one bulk insert. An item that fails its checks gets ``refused`` and the others go
    on; the caller decides whether that stops everything. Files written for rows that end up not inserted
    are removed; if the caller's transaction rolls back, the caller removes the files of ``created`` items
    (``document_files_remove``), as with ``document_store``."""
    checked: list[tuple[StoreItem, validation.FileFacts, str]] = []
    for item in items:
        try:
            title = clean_title(item.title)
            facts = validation.inspect_upload(item.upload, allowed_types=item.allowed_types)
        except DocumentRefused as refused:
            item.refused = refused
            continue
        except validation.FileRejected as exc:
            item.refused = DocumentRefused("file", exc.code, exc.message)
            continue
        checked.append((item, facts, title))
    if not checked:
        return items
    existing = {
        doc.sha256: doc
        for doc in StoredDocument.objects.filter(owner=owner, sha256__in={f.sha256 for _i, f, _t in checked})
    }
    limited = _limited(owner, source)
    used = document_usage_bytes(owner=owner) if limited else 0
    new: dict[str, StoredDocument] = {}
    fresh = len({f.sha256 for _i, f, _t in checked} - set(existing))
    # The daily number of uploads: all new files counted in one step; those past the limit are refused.
    allowance = _uploads_left(owner=owner, counting=fresh) if limited and fresh else fresh
    for item, facts, title in checked:
        same = existing.get(facts.sha256) or new.get(facts.sha256)
        if same is not None:  # the same content again: the row already there (or made in this call)
            item.document, item.created = same, False
            continue
        try:
            if limited:
                _check_quota(owner=owner, size=facts.size, used=used)
                if allowance < 1:
                    raise _daily_limit_reached()
                allowance -= 1
        except UploadLimitReached as refused:
            item.refused = refused
            continue
        used += facts.size
        document = StoredDocument(
            owner=owner,
            title=title,
            original_name=safe_original_name(item.upload.name),
            content_type=facts.file_type.content_type,
            size=facts.size,
            sha256=facts.sha256,
            source=source,
        )
        content = item.upload if facts.content is None else ContentFile(facts.content)
        try:
            document.file.save(facts.file_type.extension, content, save=False)
        except BaseException:
            _remove_written(list(new.values()))
            raise
        new[facts.sha256] = document
        item.document, item.created = document, True
    rows = list(new.values())
    if not rows:
        return items
    stored = [item for item, _facts, _title in checked if item.refused is None]
    try:
        with transaction.atomic():
            if limited:  # two submissions at once must not both fit in the last megabytes
                get_user_model().objects.select_for_update().filter(pk=owner.pk).first()
                _check_quota(owner=owner, size=sum(d.size for d in rows))
            StoredDocument.objects.bulk_create(rows)
    except IntegrityError:
        # The same file arrived twice at once (a double click without an idempotency key): store them one
        # by one, which reuses the other request's row.
        _remove_written(rows)
        for item in stored:
            item.upload.seek(0)
            try:
                item.document, item.created = document_store(
                    owner=owner, upload=item.upload, title=item.title, allowed_types=item.allowed_types,
                    source=source,
                )  # fmt: skip
            except DocumentRefused as refused:
                item.document, item.created, item.refused = None, False, refused
    except UploadLimitReached as refused:
        _remove_written(rows)
        for item in stored:
            item.document, item.created, item.refused = None, False, refused
    except BaseException:
        _remove_written(rows)
        raise
    return items


def _remove_written(documents: list[StoredDocument]) -> None:
    for document in documents:
        _remove_file(document.file.storage, document.file.name)


def document_files_remove(*, documents: list[StoredDocument]) -> None:
    """Remove the files of documents whose rows were rolled back (the caller's transaction failed)."""
    for document in documents:
        if document.file.name:
            _remove_file(document.file.storage, document.file.name)


def _check_owner(*, owner: User, document: StoredDocument) -> None:
    if document.owner_id != owner.pk:
        raise PermissionDenied("not the owner of this document")


def document_delete(*, owner: User, document: StoredDocument) -> bool:
    """Delete the row now and its file after commit; False when it was already gone (a second click).

    A document a dossier or a result refers to is kept, row and file: ``DocumentInUse``."""
    _check_owner(owner=owner, document=document)
    with transaction.atomic():
        locked = StoredDocument.objects.select_for_update().filter(pk=document.pk, owner=owner).first()
        if locked is None:
            return False
        storage, name = locked.file.storage, locked.file.name
        try:
            with transaction.atomic():  # a savepoint: the refusal leaves the outer transaction usable
                locked.delete()
        except ProtectedError as exc:
            raise DocumentInUse(locked.title) from exc
        transaction.on_commit(lambda: _remove_file(storage, name), robust=True)
    return True


def document_rename(
    *, owner: User, document: StoredDocument, title: str, kind: str | None = None
) -> StoredDocument:
    """Change what the person calls the document (and, when given, its kind)."""
    _check_owner(owner=owner, document=document)
    new_title = clean_title(title)
    new_kind = None if kind is None else clean_kind(kind)
    with transaction.atomic():
        locked = StoredDocument.objects.select_for_update().get(pk=document.pk, owner=owner)
        changed = []
        if locked.title != new_title:
            locked.title = new_title
            changed.append("title")
        if new_kind is not None and locked.kind != new_kind:
            locked.kind = new_kind
            changed.append("kind")
        if changed:
            locked.save(update_fields=[*changed, "updated_at"])
    return locked


def document_orphan_files_remove(
    *, older_than: datetime.timedelta = datetime.timedelta(hours=6), storage: Storage | None = None
) -> list[str]:
    """Remove files under documents/ that no row refers to and that are older than `older_than`.

    Catches what an outer transaction rolled back after `document_store` wrote the file, or a crash between
    the file write and the insert. Recent files are left alone: their row may not be committed yet.
    """
    storage = storage or StoredDocument._meta.get_field("file").storage
    cutoff = timezone.now() - older_than
    removed: list[str] = []

    def walk(path: str):
        try:
            directories, files = storage.listdir(path)
        except FileNotFoundError:
            return
        for name in files:
            yield f"{path}/{name}"
        for directory in directories:
            yield from walk(f"{path}/{directory}")

    candidates = [name for name in walk("documents") if storage.get_modified_time(name) < cutoff]
    for start in range(0, len(candidates), 500):
        batch = candidates[start : start + 500]
        known = set(StoredDocument.objects.filter(file__in=batch).values_list("file", flat=True))
        for name in batch:
            if name not in known:
                _remove_file(storage, name)
                removed.append(name)
    return removed

"""Checks on an uploaded file, by its content only (never its name or the type the browser claims; the name
only words the message when the content does not match it).

Pure: reads the file object it is given, touches no database and no storage.
"""

from __future__ import annotations

import hashlib
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO, Protocol

from django.conf import settings
from django.utils.translation import gettext as _

PDF = "pdf"
JPEG = "jpeg"
PNG = "png"
DOC = "doc"
DOCX = "docx"
XLSX = "xlsx"


@dataclass(frozen=True)
class FileType:
    code: str
    label: str  # shown to people: "PDF", "JPG"…
    content_type: str
    extension: str
    previewable: bool  # shown inline by the browser (PDF, images); everything else is downloaded


_DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILE_TYPES: dict[str, FileType] = {
    t.code: t
    for t in (
        FileType(PDF, "PDF", "application/pdf", ".pdf", True),
        FileType(JPEG, "JPG", "image/jpeg", ".jpg", True),
        FileType(PNG, "PNG", "image/png", ".png", True),
        FileType(DOC, "DOC", "application/msword", ".doc", False),
        FileType(DOCX, "DOCX", _DOCX_MIME, ".docx", False),
        FileType(XLSX, "XLSX", _XLSX_MIME, ".xlsx", False),
    )
}
ALL_TYPES: frozenset[str] = frozenset(FILE_TYPES)
BY_CONTENT_TYPE: dict[str, FileType] = {t.content_type: t for t in FILE_TYPES.values()}

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
CHUNK_SIZE = 64 * 1024

# Office files are ZIP archives: refuse archives whose declared content would blow up when opened.
ZIP_MAX_ENTRIES = 2000
ZIP_MAX_TOTAL_UNCOMPRESSED = 100 * 1024 * 1024
ZIP_MAX_RATIO = 200  # uncompressed / compressed, per entry (ordinary XML compresses 5–20×)
ZIP_RATIO_MIN_SIZE = 1024 * 1024  # small entries may compress very well without harm
MACRO_MARKERS = ("vbaproject.bin", "macroenabled")

_PDF_MAGIC = b"%PDF-"
_JPEG_MAGIC = b"\xff\xd8\xff"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"


class FileRejected(ValueError):
    """A file we will not keep; `message` is shown to the person as is."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class Upload(Protocol):
    size: int | None

    def chunks(self, chunk_size: int | None = None): ...
    def seek(self, offset: int, whence: int = 0) -> int: ...
    def read(self, size: int = -1) -> bytes: ...


@dataclass(frozen=True)
class FileFacts:
    file_type: FileType
    size: int
    sha256: str


def max_upload_bytes() -> int:
    return int(getattr(settings, "DVC_DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def format_size(size: int) -> str:
    """1258291 -> "1,2 MB"; 10485760 -> "10 MB"; 900 -> "900 B" (binary units, Vietnamese decimal comma)."""
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor:
            value = f"{size / factor:.1f}".removesuffix(".0")
            return f"{value.replace('.', ',')} {unit}"
    return f"{size} B"


def type_labels(types: frozenset[str] | set[str] | None = None) -> str:
    """ "PDF, JPG, PNG, DOC, DOCX, XLSX" in a stable order."""
    wanted = ALL_TYPES if types is None else types
    return ", ".join(t.label for t in FILE_TYPES.values() if t.code in wanted)


def _wrong_type(allowed: frozenset[str]) -> FileRejected:
    return FileRejected(
        "wrong_type", _("Tệp không đúng định dạng cho phép (%(types)s)") % {"types": type_labels(allowed)}
    )


_PDF_OR_IMAGE = frozenset({PDF, JPEG, PNG})
_BY_EXTENSION: dict[str, str] = {t.extension: t.code for t in FILE_TYPES.values()} | {".jpeg": JPEG}
SHOWN_NAME_MAX = 80


def _shown_name(name: str) -> str:
    """The file name as typed in a message: last path part, no control characters, at most 80 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return base if len(base) <= SHOWN_NAME_MAX else base[: SHOWN_NAME_MAX - 1] + "…"


def _refused_type(name: str, allowed: frozenset[str]) -> FileRejected:
    """The name promises an accepted type (x.pdf) but the content is not one: say so, naming the file.
    Any other name gets the list of accepted types."""
    dot = name.rfind(".")
    claimed = _BY_EXTENSION.get(name[dot:].lower()) if dot >= 0 else None
    if claimed is None or claimed not in allowed:
        return _wrong_type(allowed)
    shown = _shown_name(name)
    if claimed in _PDF_OR_IMAGE:
        message = _("Tệp “%(name)s” không phải là tệp PDF hoặc ảnh thật (nội dung không khớp đuôi tệp).")
        return FileRejected("wrong_type", message % {"name": shown})
    message = _("Tệp “%(name)s” không phải là tệp %(type)s thật (nội dung không khớp đuôi tệp).")
    return FileRejected("wrong_type", message % {"name": shown, "type": FILE_TYPES[claimed].label})


def _too_large(size: int, limit: int) -> FileRejected:
    return FileRejected(
        "too_large",
        _("Tệp quá lớn: %(size)s. Dung lượng tối đa là %(limit)s.")
        % {"size": format_size(size), "limit": format_size(limit)},
    )


def _office_type(fileobj: IO[bytes]) -> str | None:
    """DOCX or XLSX when the archive looks like one and is safe to open; None when it is neither."""
    try:
        fileobj.seek(0)
        with zipfile.ZipFile(fileobj) as archive:
            entries = archive.infolist()
            if len(entries) > ZIP_MAX_ENTRIES:
                raise FileRejected(
                    "zip_bomb", _("Tệp DOCX/XLSX có quá nhiều thành phần, không mở an toàn được.")
                )
            total = 0
            for entry in entries:
                total += entry.file_size
                ratio_suspect = (
                    entry.file_size > ZIP_RATIO_MIN_SIZE
                    and entry.file_size > ZIP_MAX_RATIO * max(entry.compress_size, 1)
                )
                if total > ZIP_MAX_TOTAL_UNCOMPRESSED or ratio_suspect:
                    raise FileRejected(
                        "zip_bomb", _("Tệp DOCX/XLSX có nội dung giải nén quá lớn, không mở an toàn được.")
                    )
            names = {entry.filename.replace("\\", "/").lower() for entry in entries}
    except FileRejected:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        return None
    finally:
        fileobj.seek(0)
    if "[content_types].xml" not in names:
        return None
    if any(marker in name for name in names for marker in MACRO_MARKERS):
        return None  # macro-enabled documents (.docm/.xlsm) are not accepted
    if any(name.startswith("word/") for name in names):
        return DOCX
    if any(name.startswith("xl/") for name in names):
        return XLSX
    return None


def detect_type(fileobj: IO[bytes]) -> str | None:
    """The file's type code from its first bytes (and, for ZIP, its entry list); None when not allowed."""
    fileobj.seek(0)
    head = fileobj.read(16)
    fileobj.seek(0)
    if head.startswith(_PDF_MAGIC):
        return PDF
    if head.startswith(_JPEG_MAGIC):
        return JPEG
    if head.startswith(_PNG_MAGIC):
        return PNG
    if head.startswith(_OLE_MAGIC):
        return DOC
    if head.startswith(_ZIP_MAGIC):
        return _office_type(fileobj)
    return None


def inspect_upload(
    upload: Upload, *, allowed_types: frozenset[str] | set[str] | None = None, max_bytes: int | None = None
) -> FileFacts:
    """Size, type and SHA-256 of an upload, read in chunks; raises FileRejected with a Vietnamese message."""
    allowed = ALL_TYPES if allowed_types is None else frozenset(allowed_types) & ALL_TYPES
    limit = max_upload_bytes() if max_bytes is None else max_bytes
    declared = upload.size or 0
    if declared > limit:
        raise _too_large(declared, limit)  # refused before reading a byte of it

    digest = hashlib.sha256()
    size = 0
    for chunk in upload.chunks(CHUNK_SIZE):
        size += len(chunk)
        if size > limit:
            raise _too_large(max(size, declared), limit)
        digest.update(chunk)
    if size == 0:
        raise FileRejected("empty", _("Tệp đã chọn không có nội dung."))

    code = detect_type(upload)  # type: ignore[arg-type]
    if code is None or code not in allowed:
        raise _refused_type(getattr(upload, "name", "") or "", allowed)
    return FileFacts(file_type=FILE_TYPES[code], size=size, sha256=digest.hexdigest())

"""Checks on an uploaded file, by its content only (never its name or the type the browser claims; the name
only words the message naming the file).

Beyond the first bytes, a PDF must open with pypdf and carry no active content (``pdf_content``: refused,
or rewritten without it when ``DVC_PDF_ACTIVE_CONTENT = "sanitise"``), and a JPEG or PNG must decode in full
with Pillow within ``DVC_IMAGE_MAX_PIXELS`` (``image_content``). DOC, DOCX and XLSX keep the checks below.

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

from dichvucong.documents import image_content, pdf_content

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
    """What will be stored. `content` is set when it differs from the upload (a sanitised PDF): store those
    bytes, whose `size` and `sha256` these are; `removed` lists what was taken out (pdf_content codes)."""

    file_type: FileType
    size: int
    sha256: str
    content: bytes | None = None
    removed: frozenset[str] = frozenset()


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


def _named(name: str, problem: str) -> str:
    shown = _shown_name(name)
    return _("“%(name)s”: %(problem)s") % {"name": shown, "problem": problem} if shown else problem


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _reason_labels() -> dict[str, str]:
    return {
        pdf_content.JAVASCRIPT: _("mã JavaScript"),
        pdf_content.OPEN_ACTION: _("lệnh tự chạy khi mở tệp"),
        pdf_content.ADDITIONAL_ACTIONS: _("lệnh tự chạy theo thao tác của người xem"),
        pdf_content.EMBEDDED_FILE: _("tệp đính kèm bên trong"),
        pdf_content.LAUNCH: _("lệnh mở chương trình khác"),
        pdf_content.SUBMIT_FORM: _("lệnh tự gửi dữ liệu biểu mẫu"),
        pdf_content.IMPORT_DATA: _("lệnh nhập dữ liệu từ tệp khác"),
        pdf_content.RICH_MEDIA: _("nội dung đa phương tiện"),
        pdf_content.XFA: _("biểu mẫu XFA"),
    }


def active_content_labels(reasons: frozenset[str] | set[str]) -> str:
    """ "mã JavaScript, tệp đính kèm bên trong" in a stable order."""
    labels = _reason_labels()
    return ", ".join(labels[code] for code in pdf_content.REASONS if code in reasons)


def _pdf_refusal(name: str, problem: pdf_content.PdfProblem) -> FileRejected:
    if problem.code == pdf_content.ENCRYPTED:
        text = _("Tệp PDF được đặt mật khẩu nên không mở được. Hãy bỏ mật khẩu rồi tải lên lại.")
    elif problem.code == pdf_content.TOO_MANY_PAGES:
        text = _("Tệp PDF có quá nhiều trang (tối đa %(limit)s trang). Hãy chia thành các tệp nhỏ hơn.") % {
            "limit": _thousands(problem.details["limit"])
        }
    elif problem.code == pdf_content.TOO_COMPLEX:
        text = _(
            "Tệp PDF có cấu trúc quá phức tạp, không kiểm tra an toàn được. "
            "Hãy lưu (hoặc in) lại thành tệp PDF thông thường rồi tải lên lại."
        )
    else:
        text = _(
            "Tệp PDF bị hỏng hoặc không đọc được. Hãy mở tệp trên máy, lưu (hoặc xuất) lại thành PDF "
            "rồi tải lên lại."
        )
    return FileRejected(problem.code, _named(name, text))


def _active_refusal(name: str, reasons: frozenset[str], *, signed: bool = False) -> FileRejected:
    text = _(
        "Tệp PDF có nội dung không an toàn (%(reasons)s) nên không được nhận, "
        "để bảo đảm an toàn cho người xem. Hãy in (hoặc xuất) lại thành tệp PDF thông thường rồi tải lên lại."
    ) % {"reasons": active_content_labels(reasons)}
    if signed:
        text += " " + _("Tệp có chữ ký số nên hệ thống không tự gỡ các nội dung này (sẽ làm mất chữ ký).")
    return FileRejected("pdf_active_content", _named(name, text))


def _check_pdf(upload: Upload, name: str) -> tuple[bytes, frozenset[str]] | None:
    """None when the PDF may be kept as it is; (sanitised bytes, what was removed) when rewritten."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    try:
        findings = pdf_content.pdf_inspect(data)
        if not findings.active:
            return None
        if pdf_content.active_content_policy() != pdf_content.SANITISE or findings.signed:
            raise _active_refusal(name, findings.active, signed=findings.signed)
        cleaned = pdf_content.pdf_sanitised(data)
        again = pdf_content.pdf_inspect(cleaned)
    except pdf_content.PdfProblem as problem:
        raise _pdf_refusal(name, problem) from problem
    if again.active:  # what pypdf wrote must itself be clean; if not, refuse rather than keep it
        raise _active_refusal(name, findings.active)
    return cleaned, findings.active


def _check_image(upload: Upload, code: str, name: str) -> None:
    try:
        image_content.image_inspect(upload, code=code)  # type: ignore[arg-type]
    except image_content.ImageProblem as problem:
        if problem.code != image_content.TOO_LARGE:
            text = _("Ảnh bị hỏng hoặc không đọc được. Hãy chụp hoặc lưu lại ảnh rồi tải lên lại.")
        elif problem.pixels:
            text = _(
                "Ảnh quá lớn (%(pixels)s điểm ảnh; tối đa %(limit)s). Hãy thu nhỏ ảnh rồi tải lên lại."
            ) % {
                "pixels": _thousands(problem.pixels),
                "limit": _thousands(problem.limit or image_content.max_pixels()),
            }
        else:
            text = _("Ảnh quá lớn (tối đa %(limit)s điểm ảnh). Hãy thu nhỏ ảnh rồi tải lên lại.") % {
                "limit": _thousands(problem.limit or image_content.max_pixels())
            }
        raise FileRejected(problem.code, _named(name, text)) from problem


def _too_large(name: str, size: int, limit: int) -> FileRejected:
    text = _("Tệp quá lớn: %(size)s. Dung lượng tối đa là %(limit)s.") % {
        "size": format_size(size),
        "limit": format_size(limit),
    }
    return FileRejected("too_large", _named(name, text))


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
    name = getattr(upload, "name", "") or ""
    declared = upload.size or 0
    if declared > limit:
        raise _too_large(name, declared, limit)  # refused before reading a byte of it

    digest = hashlib.sha256()
    size = 0
    for chunk in upload.chunks(CHUNK_SIZE):
        size += len(chunk)
        if size > limit:
            raise _too_large(name, max(size, declared), limit)
        digest.update(chunk)
    if size == 0:
        raise FileRejected("empty", _named(name, _("Tệp đã chọn không có nội dung.")))

    code = detect_type(upload)  # type: ignore[arg-type]
    if code is None or code not in allowed:
        raise _refused_type(name, allowed)
    if code == PDF:
        sanitised = _check_pdf(upload, name)
        if sanitised is not None:
            content, removed = sanitised
            return FileFacts(
                file_type=FILE_TYPES[code],
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                content=content,
                removed=removed,
            )
    elif code in (JPEG, PNG):
        _check_image(upload, code, name)
    return FileFacts(file_type=FILE_TYPES[code], size=size, sha256=digest.hexdigest())

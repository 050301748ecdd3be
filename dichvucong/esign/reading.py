"""Reading an uploaded PDF for verification, bounded like every upload (shared by the page and the API)."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile

from dichvucong.documents.validation import max_upload_bytes


class TooLarge(ValueError):
    pass


def upload_bytes(upload: UploadedFile) -> bytes:
    """The file's bytes; ``TooLarge`` beyond the portal's upload limit (read in chunks, stopped early)."""
    limit = max_upload_bytes()
    if (upload.size or 0) > limit:
        raise TooLarge
    parts, size = [], 0
    for chunk in upload.chunks():
        size += len(chunk)
        if size > limit:
            raise TooLarge
        parts.append(chunk)
    return b"".join(parts)

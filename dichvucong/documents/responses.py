"""How a stored file leaves the server (shared by the pages and the API): private, never sniffed."""

from __future__ import annotations

from django.http import FileResponse

from dichvucong.documents.models import StoredDocument

# Inline previews are isolated: no scripts, nothing loaded but the file itself, a unique origin.
PREVIEW_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def private_file_response(document: StoredDocument, *, inline: bool = False) -> FileResponse:
    """The file with its detected type; `inline` only for types the browser shows safely (PDF, images)."""
    inline = inline and document.previewable
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=not inline,
        filename=document.download_name,
        content_type=document.content_type,
    )
    if inline:
        response["Content-Security-Policy"] = PREVIEW_CSP
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

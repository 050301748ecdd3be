"""How a stored file leaves the server (shared by the pages and the API): private, never sniffed, and never
a place where scripts run.

Every file response carries its own Content-Security-Policy (the site-wide policy is for our pages, not for
files): a sandbox (a unique origin: no cookies, no same-origin access to the site, no forms, no pop-ups) with
no scripts and no plug-ins. An inline preview (PDF, images) may also load its own images and inline styles,
which browsers' image and PDF viewers use; a download may load nothing. The PDF viewer built into a browser
is not bound by this policy, which is why PDFs with active content are refused at upload (pdf_content).
"""

from __future__ import annotations

from django.http import FileResponse

from dichvucong.documents.models import StoredDocument

# Inline previews are isolated: no scripts, nothing loaded but the file itself, a unique origin.
PREVIEW_CSP = (
    "default-src 'none'; script-src 'none'; object-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
    "form-action 'none'; sandbox"
)
# A download is never rendered by us; should a browser render it anyway, it gets even less.
DOWNLOAD_CSP = "default-src 'none'; script-src 'none'; object-src 'none'; form-action 'none'; sandbox"


def private_file_response(document: StoredDocument, *, inline: bool = False) -> FileResponse:
    """The file with its detected type; `inline` only for types the browser shows safely (PDF, images)."""
    inline = inline and document.previewable
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=not inline,
        filename=document.download_name,
        content_type=document.content_type,
    )
    response["Content-Security-Policy"] = PREVIEW_CSP if inline else DOWNLOAD_CSP
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response

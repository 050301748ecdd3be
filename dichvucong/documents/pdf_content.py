"""What is inside an uploaded PDF: can it be read, and does it carry active content (issue 12).

A file that starts with ``%PDF-`` is opened with pypdf (``strict=False``: the small defects ordinary
software leaves are repaired). It is refused when pypdf cannot read its pages, when it has none, when it
has more than ``DVC_PDF_MAX_PAGES`` pages, when it needs a password to open, or when walking its objects
takes more than ``DVC_PDF_MAX_OBJECTS`` steps. Every exception the library raises is caught: a hostile
file is refused, it never becomes a server error.

Active content is what a viewer runs or opens by itself: JavaScript (``/JS``, the ``/JavaScript`` name
tree), an ``/OpenAction`` that is an action rather than "open at this page", additional actions (``/AA``),
embedded files (``/EmbeddedFiles``, ``/EF``, file attachment annotations), ``/Launch``, ``/SubmitForm``,
``/ImportData``, rich media and XFA forms.

``DVC_PDF_ACTIVE_CONTENT`` says what happens to such a file: ``"refuse"`` (the default) or ``"sanitise"``
(the active content is removed, the file rewritten with pypdf, and the rewritten file checked again).
Refusing is the default because:

- the citizen can always print or export a clean PDF again, and is told exactly why the file was refused;
- staff never receive a file that we altered without the citizen knowing: what an officer reads is what
  the citizen sent;
- rewriting a digitally signed PDF breaks its signature, and signed papers are exactly what dossiers carry
  (even in "sanitise" mode a signed PDF with active content is refused rather than rewritten);
- nothing in an administrative paper needs scripts, attachments or forms that submit themselves.

Previews are isolated as well (``responses.PREVIEW_CSP``), but the browser's PDF viewer is not bound by
a page's Content-Security-Policy, so refusing at upload is the defence that counts.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.conf import settings
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, PdfObject

REFUSE = "refuse"
SANITISE = "sanitise"
DEFAULT_ACTIVE_CONTENT = REFUSE
DEFAULT_MAX_PAGES = 2000
DEFAULT_MAX_OBJECTS = 200_000

# Why a file is refused or rewritten (reason codes; validation words them for people).
JAVASCRIPT = "javascript"
OPEN_ACTION = "open_action"
ADDITIONAL_ACTIONS = "additional_actions"
EMBEDDED_FILE = "embedded_file"
LAUNCH = "launch"
SUBMIT_FORM = "submit_form"
IMPORT_DATA = "import_data"
RICH_MEDIA = "rich_media"
XFA = "xfa"
REASONS = (
    JAVASCRIPT,
    OPEN_ACTION,
    ADDITIONAL_ACTIONS,
    EMBEDDED_FILE,
    LAUNCH,
    SUBMIT_FORM,
    IMPORT_DATA,
    RICH_MEDIA,
    XFA,
)

# Keys whose mere presence is active content.
_ACTIVE_KEYS = {
    "/JS": JAVASCRIPT,
    "/JavaScript": JAVASCRIPT,  # the document-level JavaScript name tree
    "/AA": ADDITIONAL_ACTIONS,
    "/EmbeddedFiles": EMBEDDED_FILE,
    "/EF": EMBEDDED_FILE,  # a file specification carrying the file itself
    "/XFA": XFA,
    "/RichMediaContent": RICH_MEDIA,
}
# Action dictionaries (/S) that run, open, send or play something.
_ACTIVE_ACTIONS = {
    "/JavaScript": JAVASCRIPT,
    "/Launch": LAUNCH,
    "/SubmitForm": SUBMIT_FORM,
    "/ImportData": IMPORT_DATA,
    "/GoToE": EMBEDDED_FILE,
    "/RichMediaExecute": RICH_MEDIA,
    "/Rendition": RICH_MEDIA,
    "/Movie": RICH_MEDIA,
    "/Sound": RICH_MEDIA,
}
# Annotations (/Subtype) that carry a file or play media.
_ACTIVE_ANNOTATIONS = {
    "/FileAttachment": EMBEDDED_FILE,
    "/RichMedia": RICH_MEDIA,
    "/Screen": RICH_MEDIA,
    "/Movie": RICH_MEDIA,
    "/Sound": RICH_MEDIA,
    "/3D": RICH_MEDIA,
}


class PdfProblem(Exception):
    """The file cannot be accepted as a PDF; `code` says why (see validation for the wording)."""

    def __init__(self, code: str, **details: int) -> None:
        super().__init__(code)
        self.code = code
        self.details = details


UNREADABLE = "pdf_unreadable"
ENCRYPTED = "pdf_encrypted"
TOO_MANY_PAGES = "pdf_too_many_pages"
TOO_COMPLEX = "pdf_too_complex"


@dataclass(frozen=True)
class PdfFindings:
    pages: int
    active: frozenset[str]  # reason codes, empty when the file is clean
    signed: bool  # carries a digital signature (rewriting it would break the signature)


def active_content_policy() -> str:
    value = str(getattr(settings, "DVC_PDF_ACTIVE_CONTENT", DEFAULT_ACTIVE_CONTENT)).strip().lower()
    return SANITISE if value in {SANITISE, "sanitize"} else REFUSE


def max_pages() -> int:
    return int(getattr(settings, "DVC_PDF_MAX_PAGES", DEFAULT_MAX_PAGES))


def max_objects() -> int:
    return int(getattr(settings, "DVC_PDF_MAX_OBJECTS", DEFAULT_MAX_OBJECTS))


def _check_page_tree(root: PdfObject, *, limit: int) -> None:
    """Count the page tree's leaves ourselves first, stopping at `limit`: pypdf flattens the whole tree
    before it says how many pages there are, which a hostile file makes slow (100,000 references to one page).
    Malformed trees are left for pypdf to judge."""
    catalog = _resolve(root)
    if not isinstance(catalog, DictionaryObject):
        return
    pages = 0
    steps = max_objects()
    seen: set[int] = set()
    stack: list[PdfObject] = [catalog.get("/Pages")]
    while stack:
        node = _resolve(stack.pop())
        steps -= 1
        if steps < 0:
            raise PdfProblem(TOO_COMPLEX)
        if not isinstance(node, DictionaryObject):
            continue
        kids = _resolve(node.get("/Kids")) if "/Kids" in node else None
        if isinstance(kids, ArrayObject):
            if id(node) in seen:
                raise PdfProblem(UNREADABLE)  # a page tree that contains itself
            seen.add(id(node))
            stack.extend(kids)
        else:
            pages += 1
            if pages > limit:
                raise PdfProblem(TOO_MANY_PAGES, limit=limit)


def _open(data: bytes) -> tuple[PdfReader, int]:
    """The reader and its page count; PdfProblem when pypdf cannot read every page."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
    except Exception as exc:  # pypdf raises many kinds (and RecursionError, MemoryError) on hostile input
        raise PdfProblem(UNREADABLE) from exc
    if encrypted:
        try:
            opened = reader.decrypt("")  # an empty user password (restrictions only) opens fine
        except Exception as exc:
            raise PdfProblem(ENCRYPTED) from exc
        if not opened:
            raise PdfProblem(ENCRYPTED)
    try:
        _check_page_tree(reader.trailer["/Root"], limit=max_pages())
        count = len(reader.pages)
        if count > max_pages():
            raise PdfProblem(TOO_MANY_PAGES, limit=max_pages())
        for page in reader.pages:
            if not isinstance(page.get_object(), DictionaryObject):
                raise PdfProblem(UNREADABLE)
    except PdfProblem:
        raise
    except Exception as exc:
        raise PdfProblem(UNREADABLE) from exc
    if count == 0:
        raise PdfProblem(UNREADABLE)
    return reader, count


def _resolve(value: PdfObject) -> PdfObject:
    return value.get_object() if isinstance(value, IndirectObject) else value


def _active_child(key: str | None, value: PdfObject, *, in_annots: bool) -> str | None:
    """The reason a child (already resolved) is active content in itself, or None."""
    if key is not None and key in _ACTIVE_KEYS:
        return _ACTIVE_KEYS[key]
    if not isinstance(value, DictionaryObject):
        return None
    action = value.get("/S")
    if action in _ACTIVE_ACTIONS:
        return _ACTIVE_ACTIONS[action]
    is_annotation = in_annots or value.get("/Type") == "/Annot"
    if is_annotation and value.get("/Subtype") in _ACTIVE_ANNOTATIONS:
        return _ACTIVE_ANNOTATIONS[value.get("/Subtype")]
    if key == "/OpenAction" and action != "/GoTo":
        return OPEN_ACTION  # an action on opening; a destination array ("open at page 1") is harmless
    return None


def _walk(root: PdfObject, *, remove: bool) -> tuple[set[str], bool]:
    """Every object reachable from `root`: the reasons found, and whether a signature is there.

    With `remove`, active children are deleted from their parents on the way (on a writer's objects)."""
    found: set[str] = set()
    signed = False
    seen: set[int] = set()
    stack: list[PdfObject] = [root]
    budget = max_objects()
    while stack:
        node = _resolve(stack.pop())
        if not isinstance(node, DictionaryObject | ArrayObject) or id(node) in seen:
            continue
        seen.add(id(node))
        budget -= 1
        if budget < 0:
            raise PdfProblem(TOO_COMPLEX)
        if isinstance(node, DictionaryObject):
            if "/ByteRange" in node and "/Contents" in node:
                signed = True
            in_annots = False
            children = [(key, node[key]) for key in list(node.keys())]
        else:
            in_annots = True  # arrays of dictionaries: only /Annots hold annotations without /Type
            children = [(None, item) for item in node]
        kept: list[PdfObject] = []
        for key, raw in children:
            value = _resolve(raw)
            if key == "/OpenAction" and isinstance(value, DictionaryObject) and value.get("/S") != "/GoTo":
                found.add(OPEN_ACTION)
            reason = _active_child(key, value, in_annots=in_annots and isinstance(value, DictionaryObject))
            if reason is not None:
                found.add(reason)
                if remove:
                    if key is not None:
                        del node[key]
                    continue
            kept.append(raw)
            stack.append(value)
        if remove and isinstance(node, ArrayObject) and len(kept) != len(node):
            node[:] = kept
    return found, signed


def pdf_inspect(data: bytes) -> PdfFindings:
    """Read the file and list its active content; PdfProblem when it cannot be accepted at all."""
    reader, pages = _open(data)
    try:
        found, signed = _walk(reader.trailer["/Root"], remove=False)
    except PdfProblem:
        raise
    except Exception as exc:
        raise PdfProblem(UNREADABLE) from exc
    return PdfFindings(pages=pages, active=frozenset(found), signed=signed)


def pdf_sanitised(data: bytes) -> bytes:
    """The same pages rewritten by pypdf without any active content. Check the result with pdf_inspect."""
    reader, _pages = _open(data)
    try:
        writer = PdfWriter(clone_from=reader)
        _walk(writer.root_object, remove=True)
        buffer = io.BytesIO()
        writer.write(buffer)
    except PdfProblem:
        raise
    except Exception as exc:
        raise PdfProblem(UNREADABLE) from exc
    return buffer.getvalue()

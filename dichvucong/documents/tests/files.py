"""Tiny but genuine files of each kind, and hostile ones, built in memory for tests."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

from dichvucong.documents.testing import minimal_jpeg_bytes, minimal_pdf_bytes

PDF = minimal_pdf_bytes()
JPEG = minimal_jpeg_bytes()
# Starts like a JPEG (start of image, JFIF, a quantisation table, end of image) but holds no picture.
JPEG_HEADER_ONLY = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    b"\xff\xdb\x00\x43\x00" + bytes(range(64)) + b"\xff\xd9"
)
DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"This program cannot be run in DOS mode"
)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


PNG = png()


def office_zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


CONTENT_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
)
DOCX = office_zip(
    {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": b"<Relationships/>",
        "word/document.xml": b"<w:document/>",
    }
)
XLSX = office_zip(
    {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": b"<Relationships/>",
        "xl/workbook.xml": b"<workbook/>",
    }
)
DOCM = office_zip(
    {
        "[Content_Types].xml": CONTENT_TYPES,
        "word/document.xml": b"<w:document/>",
        "word/vbaProject.bin": b"\x00",
    }
)
PLAIN_ZIP = office_zip({"readme.txt": b"hello"})


def zip_bomb_docx() -> bytes:
    """A few kilobytes on the wire that declare megabytes of zeros once unpacked."""
    return office_zip(
        {"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": b"\x00" * (5 * 1024 * 1024)}
    )


def upload(
    content: bytes, name: str = "giay-to.pdf", content_type: str = "application/pdf"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files(root) -> list[str]:
    """Every file under MEDIA_ROOT (a pathlib.Path), relative, sorted."""
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


# PDFs that open badly or carry active content, and pictures that do not decode (issue 12).


def _pdf_with(build) -> bytes:
    """One blank page, changed by `build(writer)`, written by pypdf."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    build(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _js_action(script: str = "app.alert('xin chao');") -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Action"),
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject(script),
        }
    )


def truncated_pdf() -> bytes:
    """A download cut short: the second half (page tree, cross-reference table, trailer) is missing."""
    whole = minimal_pdf_bytes("cat-doi", pages=3)
    return whole[: len(whole) // 2]


def broken_xref_pdf() -> bytes:
    """The cross-reference table points nowhere, and no object can be found by scanning the file either."""
    whole = minimal_pdf_bytes("xref-hong")
    body = re.sub(rb"(\d+) 0 obj", rb"\1 0 jbo", whole[: whole.rindex(b"xref")])
    return body + b"xref\n0 1\nzzzzzzzzzz 65535 f \ntrailer\n<< /Root 3 0 R /Size 5 >>\nstartxref\n7\n%%EOF\n"


def repairable_xref_pdf() -> bytes:
    """Wrong offsets in the cross-reference table, objects intact: pypdf repairs it, as viewers do."""
    whole = minimal_pdf_bytes("xref-lech")
    return whole[: whole.rindex(b"xref")] + b"xref\ngarbage\ntrailer\n<<>>\nstartxref\n99999\n%%EOF\n"


def pdf_with_open_action_js() -> bytes:
    def build(writer: PdfWriter) -> None:
        writer.root_object[NameObject("/OpenAction")] = _js_action()

    return _pdf_with(build)


def pdf_with_document_js() -> bytes:
    """JavaScript in the document's /Names tree (run when the file is opened)."""
    return _pdf_with(lambda writer: writer.add_open_action(JavaScript("this.print({bUI:false});")))


def pdf_with_embedded_file() -> bytes:
    return _pdf_with(lambda writer: writer.add_attachment("hoa-don.exe", EXE))


def pdf_with_page_aa() -> bytes:
    """An additional action: JavaScript run when the first page is opened."""

    def build(writer: PdfWriter) -> None:
        writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): _js_action()})

    return _pdf_with(build)


def pdf_with_launch_link() -> bytes:
    """A link annotation that starts a program when clicked."""

    def build(writer: PdfWriter) -> None:
        launch = DictionaryObject(
            {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd.exe")}
        )
        link = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Link"),
                NameObject("/Rect"): ArrayObject([NumberObject(0), NumberObject(0)] * 2),
                NameObject("/A"): launch,
            }
        )
        writer.pages[0][NameObject("/Annots")] = ArrayObject([link])

    return _pdf_with(build)


def pdf_with_xfa() -> bytes:
    def build(writer: PdfWriter) -> None:
        writer.root_object[NameObject("/AcroForm")] = DictionaryObject(
            {NameObject("/Fields"): ArrayObject(), NameObject("/XFA"): TextStringObject("<xdp:xdp/>")}
        )

    return _pdf_with(build)


def pdf_opening_at_page_one() -> bytes:
    """An /OpenAction that is a destination ("open at page 1, fit"): harmless, as LaTeX and Word write it."""

    def build(writer: PdfWriter) -> None:
        page = writer.pages[0].indirect_reference
        writer.root_object[NameObject("/OpenAction")] = ArrayObject([page, NameObject("/Fit")])

    return _pdf_with(build)


def bomb_png(width: int = 20_000, height: int = 20_000) -> bytes:
    """A 1×1 PNG made by Pillow whose header then declares width × height pixels (a few dozen bytes)."""
    buffer = io.BytesIO()
    Image.new("L", (1, 1)).save(buffer, format="PNG")
    data = bytearray(buffer.getvalue())
    header = b"IHDR" + struct.pack(">II", width, height) + bytes(data[24:29])  # depth, colour, methods
    data[12:29] = header
    data[29:33] = struct.pack(">I", zlib.crc32(header))
    return bytes(data)


def truncated_jpeg() -> bytes:
    """A real photo-like JPEG cut in the middle of its picture data."""
    buffer = io.BytesIO()
    Image.linear_gradient("L").resize((256, 256)).convert("RGB").save(buffer, format="JPEG", quality=90)
    whole = buffer.getvalue()
    return whole[: len(whole) * 6 // 10]


def png_with_bad_crc() -> bytes:
    data = bytearray(PNG)
    data[-16] ^= 0xFF  # a byte of the IDAT checksum
    return bytes(data)

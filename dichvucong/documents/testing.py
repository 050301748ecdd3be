"""Genuine small files for tests across the project: uploads are decoded (pypdf, Pillow) before they are
kept, so a test that means "a citizen attaches a PDF" needs a PDF that opens.

Each is built in memory and is the same bytes for the same arguments; `tag` makes files that differ.
"""

from __future__ import annotations

import functools
import io

from PIL import Image
from pypdf import PdfWriter

A4 = (595, 842)


@functools.cache
def minimal_pdf_bytes(tag: str = "", *, pages: int = 1) -> bytes:
    """A clean PDF of `pages` blank A4 pages; a non-empty `tag` goes into its title (different bytes)."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(*A4)
    if tag:
        writer.add_metadata({"/Title": tag})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@functools.cache
def minimal_png_bytes(tag: str = "", *, size: tuple[int, int] = (2, 2)) -> bytes:
    """A PNG that decodes; `tag` goes into a text chunk."""
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    if tag:
        info.add_text("Comment", tag)
    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 128, 255)).save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


@functools.cache
def minimal_jpeg_bytes(tag: str = "", *, size: tuple[int, int] = (8, 8)) -> bytes:
    """A JPEG that decodes; `tag` goes into its comment."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="JPEG", comment=tag.encode() if tag else b"")
    return buffer.getvalue()

"""The Vietnamese-capable TrueType family the forms use, loaded once from an installed PyPI package.

IBM Plex Serif (SIL Open Font License 1.1, which allows embedding in documents and redistribution)
from the ``fontpkg-ibm-plex-serif`` wheel. It covers every NFC Vietnamese letter. Nothing is
downloaded at run time and no font file is kept in the repository.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_PACKAGE = "fontpkg_ibm_plex_serif"
FONT_DISTRIBUTION = "fontpkg-ibm-plex-serif"
_FILES = {
    "regular": "IBMPlexSerif-Regular.ttf",
    "bold": "IBMPlexSerif-Bold.ttf",
    "italic": "IBMPlexSerif-Italic.ttf",
    "bold_italic": "IBMPlexSerif-BoldItalic.ttf",
}
FAMILY = "DVCSerif"


class FontUnavailableError(RuntimeError):
    """The font package is not installed (or lacks a file): the forms cannot be drawn."""


@dataclass(frozen=True, slots=True)
class Fonts:
    regular: str
    bold: str
    italic: str
    bold_italic: str


@functools.cache
def fonts() -> Fonts:
    """Register the family with reportlab (once per process) and return the font names."""
    try:
        folder = resources.files(FONT_PACKAGE) / "files"
    except ModuleNotFoundError as exc:
        raise FontUnavailableError(
            f"The PDF forms need the font package {FONT_DISTRIBUTION!r}: pip install {FONT_DISTRIBUTION}"
        ) from exc
    names = {}
    for style, filename in _FILES.items():
        path = folder / filename
        if not path.is_file():
            raise FontUnavailableError(f"{FONT_DISTRIBUTION} has no {filename}; reinstall it")
        name = FAMILY if style == "regular" else f"{FAMILY}-{style}"
        pdfmetrics.registerFont(TTFont(name, str(path)))
        names[style] = name
    pdfmetrics.registerFontFamily(
        FAMILY,
        normal=names["regular"],
        bold=names["bold"],
        italic=names["italic"],
        boldItalic=names["bold_italic"],
    )
    return Fonts(**names)

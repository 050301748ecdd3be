"""Is an uploaded JPEG or PNG a picture we can show (issue 12)? Decoded with Pillow before it is kept.

The file is opened, ``verify()``-ed, opened again and decoded in full, so a damaged picture is refused at
upload rather than shown broken to an officer. Its size in pixels is read from the header before any
decoding: more than ``DVC_IMAGE_MAX_PIXELS`` (default 50 million, a 48-megapixel phone photo fits) is
refused, and so is anything Pillow itself calls a decompression bomb (``DecompressionBombError``, or its
warning when warnings are errors). Every exception Pillow raises is caught: a hostile file is refused,
it never becomes a server error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from PIL import Image

DEFAULT_MAX_PIXELS = 50_000_000

UNREADABLE = "image_unreadable"
TOO_LARGE = "image_too_large"

_FORMATS = {"jpeg": "JPEG", "png": "PNG"}
_PILLOW_PIXELS = re.compile(r"\((\d+) pixels\)")


class ImageProblem(Exception):
    def __init__(self, code: str, *, pixels: int | None = None, limit: int | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.pixels = pixels
        self.limit = limit


@dataclass(frozen=True)
class ImageFacts:
    width: int
    height: int


def max_pixels() -> int:
    return int(getattr(settings, "DVC_IMAGE_MAX_PIXELS", DEFAULT_MAX_PIXELS))


def _bomb(exc: Exception, limit: int) -> ImageProblem:
    found = _PILLOW_PIXELS.search(str(exc))
    return ImageProblem(TOO_LARGE, pixels=int(found.group(1)) if found else None, limit=limit)


def image_inspect(fileobj: IO[bytes], *, code: str) -> ImageFacts:
    """Decode the whole picture (`code` is "jpeg" or "png", from its first bytes); ImageProblem if not."""
    limit = max_pixels()
    try:
        fileobj.seek(0)
        with Image.open(fileobj, formats=[_FORMATS[code]]) as image:
            image.verify()
        fileobj.seek(0)
        with Image.open(fileobj, formats=[_FORMATS[code]]) as image:
            width, height = image.size
            if width <= 0 or height <= 0:
                raise ImageProblem(UNREADABLE)
            if width * height > limit:
                raise ImageProblem(TOO_LARGE, pixels=width * height, limit=limit)
            image.load()
    except ImageProblem:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _bomb(exc, limit) from exc
    except Exception as exc:  # OSError, SyntaxError, ValueError, struct.error, MemoryError…
        raise ImageProblem(UNREADABLE) from exc
    finally:
        fileobj.seek(0)
    return ImageFacts(width=width, height=height)

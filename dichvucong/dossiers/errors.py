"""The refusal every dossier service raises: a Vietnamese message, the field it is about, a short code."""

from __future__ import annotations


class DossierError(Exception):
    """A refused write; ``message`` is shown to the person, ``field`` names the input it is about."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code

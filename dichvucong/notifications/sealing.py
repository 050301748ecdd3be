"""The text of a sensitive message (an OTP, a link with a token), kept for its retries but not readable.

Outside demo mode the outbox row stores a redacted body ("Mã xác thực: ******"); what the provider must
receive is kept in `Message.sealed`, encrypted and authenticated with Fernet (the `cryptography` package:
AES-128-CBC with HMAC-SHA256) under a key derived from SECRET_KEY, and wiped once the message is final
(sent, failed, cancelled). Keys derived from SECRET_KEY_FALLBACKS still open what was sealed before a key
rotation (MultiFernet).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

VERSION = "v2"
_PURPOSE = b"dichvucong.notifications.sealing"


class SealBroken(ValueError):
    """The sealed text was altered, or sealed with a key this installation no longer has."""


def _fernet(secret: str | bytes) -> Fernet:
    root = secret.encode() if isinstance(secret, str) else secret
    return Fernet(base64.urlsafe_b64encode(hmac.new(root, _PURPOSE, hashlib.sha256).digest()))


def _keys() -> MultiFernet:
    secrets = (settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", ()))
    return MultiFernet([_fernet(secret) for secret in secrets])


def seal(payload: dict[str, Any]) -> str:
    """`payload` (JSON-serialisable) as "v2.<Fernet token>", readable only with this installation's key."""
    plain = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return f"{VERSION}.{_keys().encrypt(plain).decode()}"


def unseal(token: str) -> dict[str, Any]:
    """The payload given to `seal`; SealBroken if the token was altered or the key is gone."""
    version, _dot, encoded = token.partition(".")
    if version != VERSION or not encoded:
        raise SealBroken("unknown sealed format")
    try:
        return json.loads(_keys().decrypt(encoded.encode()))
    except InvalidToken as error:
        raise SealBroken("sealed with another key, or altered") from error

"""The text of a sensitive message (an OTP, a link with a token), kept for its retries but not readable.

Outside demo mode the outbox row stores a redacted body ("Mã xác thực: ******"); what the provider must
receive is kept in `Message.sealed`, encrypted and authenticated with keys derived from SECRET_KEY, and
wiped once the message is final (sent, failed, cancelled). Only the standard library is used:
HMAC-SHA256 as the block function of a counter-mode stream (a random 16-byte nonce per message), then
HMAC-SHA256 over nonce and ciphertext (encrypt-then-MAC). Keys in SECRET_KEY_FALLBACKS still open what
was sealed before a key rotation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from typing import Any

from django.conf import settings

VERSION = "v1"
_NONCE_BYTES = 16
_TAG_BYTES = 32


class SealBroken(ValueError):
    """The sealed text was altered, or sealed with a key this installation no longer has."""


def _keys(secret: str | bytes) -> tuple[bytes, bytes]:
    root = secret.encode() if isinstance(secret, str) else secret
    encrypt = hmac.new(root, b"dichvucong.notifications.sealing.encrypt", hashlib.sha256).digest()
    sign = hmac.new(root, b"dichvucong.notifications.sealing.sign", hashlib.sha256).digest()
    return encrypt, sign


def _stream(key: bytes, nonce: bytes, length: int) -> bytes:
    blocks = (length + 31) // 32
    return b"".join(
        hmac.new(key, nonce + n.to_bytes(8, "big"), hashlib.sha256).digest() for n in range(blocks)
    )[:length]


def _xor(data: bytes, stream: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(data, stream, strict=True))


def seal(payload: dict[str, Any]) -> str:
    """`payload` (JSON-serialisable) as "v1.<base64url>", readable only with this installation's key."""
    encrypt, sign = _keys(settings.SECRET_KEY)
    plain = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    nonce = secrets.token_bytes(_NONCE_BYTES)
    cipher = _xor(plain, _stream(encrypt, nonce, len(plain)))
    tag = hmac.new(sign, nonce + cipher, hashlib.sha256).digest()
    return f"{VERSION}.{base64.urlsafe_b64encode(nonce + cipher + tag).decode().rstrip('=')}"


def unseal(token: str) -> dict[str, Any]:
    """The payload given to `seal`; SealBroken if the token was altered or the key is gone."""
    version, _dot, encoded = token.partition(".")
    if version != VERSION or not encoded:
        raise SealBroken("unknown sealed format")
    try:
        raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except ValueError as error:
        raise SealBroken("unreadable sealed text") from error
    if len(raw) < _NONCE_BYTES + _TAG_BYTES:
        raise SealBroken("sealed text too short")
    nonce, cipher, tag = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:-_TAG_BYTES], raw[-_TAG_BYTES:]
    for secret in (settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", ())):
        encrypt, sign = _keys(secret)
        if hmac.compare_digest(hmac.new(sign, nonce + cipher, hashlib.sha256).digest(), tag):
            return json.loads(_xor(cipher, _stream(encrypt, nonce, len(cipher))))
    raise SealBroken("sealed with another key")

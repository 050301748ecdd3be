"""The QR code on an electronic result: what it says, how it is signed and how anyone checks it.

The payload is the query of a link to the public verification page::

    https://<portal>/xac-minh/?v=1&d=<dossier code>&r=<result code>&n=<issue date yyyymmdd>
        &h=<SHA-256 of the issued document, hex>&k=<key id>&s=<signature, base64url>

``k`` is the first 16 hex digits of the SHA-256 fingerprint of the agency's certificate (listed, with the
certificate, at ``/xac-minh/chung-thu/``). ``s`` signs the UTF-8 bytes of ``message()``::

    DVC-KQ1|<d>|<r>|<n>|<h>|<k>

with the agency's key (SHA-256; ECDSA for the demo keys, RSA PKCS#1 v1.5 for an RSA certificate). So the
QR code can be checked offline with nothing but the agency's certificate (``manage.py esign_verify_offline``
or any tool that verifies an ECDSA/RSA signature). ``h`` is the hash of the document as the clerk issued it,
before the agency's PAdES signature (whose appearance is the QR code) was added; the signed PDF carries the
same link in the signature's ``/ContactInfo``, covered by the PDF signature.

This module touches no database: the verification page and the offline command both use it.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

import qrcode
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from qrcode.image.pil import PilImage

from dichvucong.core.text import nfc

VERSION = "1"
PREFIX = "DVC-KQ1"
MAX_PAYLOAD_CHARS = 2000
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_KEY_ID = re.compile(r"^[0-9a-f]{16}$")
_DATE = re.compile(r"^\d{8}$")
_CODE = re.compile(r"^[^|\x00-\x1f]{1,60}$")


class PayloadInvalid(ValueError):
    """Not a payload of ours (missing or malformed fields): nothing to verify."""


@dataclass(frozen=True)
class Payload:
    dossier_code: str
    result_code: str
    issued_on: str  # yyyymmdd
    document_sha256: str  # hex
    key_id: str
    signature: bytes = b""

    def message(self) -> bytes:
        parts = (
            PREFIX,
            self.dossier_code,
            self.result_code,
            self.issued_on,
            self.document_sha256,
            self.key_id,
        )
        return "|".join(parts).encode("utf-8")

    def query(self) -> str:
        return urlencode(
            {
                "v": VERSION,
                "d": self.dossier_code,
                "r": self.result_code,
                "n": self.issued_on,
                "h": self.document_sha256,
                "k": self.key_id,
                "s": b64encode(self.signature),
            }
        )

    def url(self, base_url: str) -> str:
        return f"{base_url.rstrip('/')}/xac-minh/?{self.query()}"

    @property
    def issued_on_label(self) -> str:
        return f"{self.issued_on[6:8]}/{self.issued_on[4:6]}/{self.issued_on[0:4]}"

    def with_signature(self, signature: bytes) -> Payload:
        return Payload(
            self.dossier_code, self.result_code, self.issued_on, self.document_sha256, self.key_id, signature
        )


def b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64decode(text: str) -> bytes:
    text = text.strip()
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def parse(text: str | dict) -> Payload:
    """A payload from the scanned text (the whole link or its query) or from the query's fields."""
    if isinstance(text, dict):
        fields = {key: str(value) for key, value in text.items()}
    else:
        text = (text or "").strip()
        if not text or len(text) > MAX_PAYLOAD_CHARS:
            raise PayloadInvalid("empty or too long")
        query = urlsplit(text).query if "?" in text else text
        fields = {key: values[0] for key, values in parse_qs(query, keep_blank_values=True).items()}
    if fields.get("v", VERSION) != VERSION:
        raise PayloadInvalid("unknown version")
    try:
        payload = Payload(
            dossier_code=nfc(fields["d"].strip()),
            result_code=nfc(fields["r"].strip()),
            issued_on=fields["n"].strip(),
            document_sha256=fields["h"].strip().lower(),
            key_id=fields["k"].strip().lower(),
            signature=b64decode(fields["s"]),
        )
    except (KeyError, binascii.Error, ValueError) as exc:
        raise PayloadInvalid("missing or malformed field") from exc
    if not (
        _CODE.match(payload.dossier_code)
        and _CODE.match(payload.result_code)
        and _DATE.match(payload.issued_on)
        and _HEX64.match(payload.document_sha256)
        and _KEY_ID.match(payload.key_id)
        and 0 < len(payload.signature) <= 1024
    ):
        raise PayloadInvalid("malformed field")
    return payload


def signature_valid(payload: Payload, certificate: x509.Certificate) -> bool:
    """Whether ``payload.signature`` was made over ``payload.message()`` by the certificate's key."""
    public_key = certificate.public_key()
    try:
        if isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(payload.signature, payload.message(), ec.ECDSA(hashes.SHA256()))
        elif isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(payload.signature, payload.message(), padding.PKCS1v15(), hashes.SHA256())
        else:
            return False
    except (InvalidSignature, ValueError):
        return False
    return True


def qr_png(data: str, *, box_size: int = 4) -> bytes:
    """The QR code of ``data`` as a PNG (error correction M, quiet zone of 2 modules)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=2)
    code.add_data(data)
    code.make(fit=True)
    image = code.make_image(image_factory=PilImage)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()

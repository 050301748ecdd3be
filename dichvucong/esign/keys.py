"""The agency's signing key and certificate, from one of three providers (``conf.provider()``):

- ``demo``: a demo certificate authority and one certificate per agency, generated with ``cryptography`` by
  ``manage.py esign_demo_keys`` at setup (or on first use, in demo mode) under ``DVC_ESIGN_DIR``. ECDSA P-256
  keys, so the QR code's signature stays short. The folder is never committed (``var/``).
- ``pkcs12``: a PKCS#12 file (one for the deployment, or one per agency with ``{agency}`` in the path).
- ``pkcs11``: a key on a hardware token or HSM through its PKCS#11 module (needs ``python-pkcs11``).

Every provider gives an ``AgencyKey``: a pyHanko signer (for the PAdES signature) that also signs the QR
code's payload, and the certificate whose public key verifies both.
"""

from __future__ import annotations

import asyncio
import datetime
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.exceptions import ImproperlyConfigured
from pyhanko.sign import signers

from dichvucong.core.modes import demo_mode
from dichvucong.esign import conf

DEMO_CA_NAME = "Dịch vụ công – CA thử nghiệm (demo)"
_SAFE_CODE = re.compile(r"[^A-Za-z0-9._-]")


class SigningUnavailable(RuntimeError):
    """No key to sign with (not generated, wrong passphrase, token absent): nothing is signed."""


@dataclass
class AgencyKey:
    signer: signers.Signer
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...] = field(default_factory=tuple)

    @property
    def fingerprint(self) -> str:
        return certificate_fingerprint(self.certificate)

    @property
    def key_id(self) -> str:
        return key_id_of(self.certificate)

    def sign_raw(self, data: bytes) -> bytes:
        """A signature of ``data`` (SHA-256; ECDSA DER or RSA PKCS#1 v1.5) made with the same key."""
        return asyncio.run(self.signer.async_sign_raw(data, "sha256"))


def certificate_fingerprint(certificate: x509.Certificate) -> str:
    return hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest()


def key_id_of(certificate: x509.Certificate) -> str:
    """The short name of a certificate in the QR payload: the first 16 hex digits of its fingerprint."""
    return certificate_fingerprint(certificate)[:16]


def certificate_pem(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")


# --- demo key material ---------------------------------------------------------------------------------


def _short(text: str) -> str:
    """At most 64 bytes of UTF-8 (the limit of these name attributes), cut between letters."""
    return text.encode("utf-8")[:64].decode("utf-8", errors="ignore").strip() or "-"


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, _short(organisation)),
            x509.NameAttribute(NameOID.COMMON_NAME, _short(common_name)),
        ]
    )


def _write_private(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.touch(mode=0o600, exist_ok=True)
    path.write_bytes(data)


def _ca_paths(folder: Path) -> tuple[Path, Path]:
    return folder / "ca.key.pem", folder / "ca.cert.pem"


def _agency_paths(folder: Path, agency_code: str) -> tuple[Path, Path]:
    safe = _SAFE_CODE.sub("_", agency_code) or "agency"
    return folder / "agencies" / f"{safe}.key.pem", folder / "agencies" / f"{safe}.cert.pem"


def demo_ca_ensure(folder: Path | None = None) -> tuple[x509.Certificate, bool]:
    """The demo CA's certificate, generated when missing; (certificate, created)."""
    folder = folder or conf.key_dir()
    key_path, cert_path = _ca_paths(folder)
    if key_path.exists() and cert_path.exists():
        return x509.load_pem_x509_certificate(cert_path.read_bytes()), False
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    name = _name(DEMO_CA_NAME, "Dịch vụ công (demo)")
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_private(key_path, key)
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return certificate, True


def demo_agency_ensure(
    *, agency_code: str, agency_name: str, folder: Path | None = None
) -> tuple[x509.Certificate, bool]:
    """The demo certificate of an agency (signed by the demo CA), generated when missing."""
    folder = folder or conf.key_dir()
    ca_certificate, _created = demo_ca_ensure(folder)
    key_path, cert_path = _agency_paths(folder, agency_code)
    if key_path.exists() and cert_path.exists():
        return x509.load_pem_x509_certificate(cert_path.read_bytes()), False
    ca_key = serialization.load_pem_private_key(_ca_paths(folder)[0].read_bytes(), password=None)
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(agency_name or agency_code, agency_name or agency_code))
        .issuer_name(ca_certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1825))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_certificate.public_key()), critical=False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    _write_private(key_path, key)
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return certificate, True


def _from_asn1(cert) -> x509.Certificate:
    return x509.load_der_x509_certificate(cert.dump())


def _demo_key(agency_code: str, agency_name: str) -> AgencyKey:
    if not demo_mode():
        raise SigningUnavailable("DVC_ESIGN_PROVIDER=demo: chỉ dùng ở chế độ trình diễn (DVC_DEMO=1)")
    folder = conf.key_dir()
    demo_agency_ensure(agency_code=agency_code, agency_name=agency_name, folder=folder)
    key_path, cert_path = _agency_paths(folder, agency_code)
    signer = signers.SimpleSigner.load(
        key_file=str(key_path), cert_file=str(cert_path), ca_chain_files=(str(_ca_paths(folder)[1]),)
    )
    if signer is None:
        raise SigningUnavailable(f"demo key of {agency_code} unreadable in {folder}")
    ca = x509.load_pem_x509_certificate(_ca_paths(folder)[1].read_bytes())
    return AgencyKey(signer=signer, certificate=_from_asn1(signer.signing_cert), chain=(ca,))


def _pkcs12_key(agency_code: str) -> AgencyKey:
    template = conf.text("DVC_ESIGN_PKCS12_PATH")
    if not template:
        raise SigningUnavailable("DVC_ESIGN_PKCS12_PATH is not set")
    path = Path(template.replace("{agency}", _SAFE_CODE.sub("_", agency_code)))
    passphrase = conf.text("DVC_ESIGN_PKCS12_PASSPHRASE").encode() or None
    if not path.is_file():
        raise SigningUnavailable(f"PKCS#12 file {path} not found")
    signer = signers.SimpleSigner.load_pkcs12(str(path), passphrase=passphrase)
    if signer is None:
        raise SigningUnavailable(f"PKCS#12 file {path} unreadable (wrong passphrase?)")
    chain = tuple(
        _from_asn1(cert) for cert in signer.cert_registry if cert.dump() != signer.signing_cert.dump()
    )
    return AgencyKey(signer=signer, certificate=_from_asn1(signer.signing_cert), chain=chain)


def _pkcs11_key(agency_code: str) -> AgencyKey:  # pragma: no cover - needs a token
    try:
        from pyhanko.sign import pkcs11 as hanko_pkcs11
    except ImportError as exc:
        raise SigningUnavailable("PKCS#11 signing needs python-pkcs11 (pip install python-pkcs11)") from exc
    module = conf.text("DVC_ESIGN_PKCS11_MODULE")
    key_label = conf.text("DVC_ESIGN_PKCS11_KEY_LABEL").replace("{agency}", agency_code)
    if not module or not key_label:
        raise SigningUnavailable("DVC_ESIGN_PKCS11_MODULE and DVC_ESIGN_PKCS11_KEY_LABEL must be set")
    session = hanko_pkcs11.open_pkcs11_session(
        module,
        token_label=conf.text("DVC_ESIGN_PKCS11_TOKEN") or None,
        user_pin=conf.text("DVC_ESIGN_PKCS11_PIN") or None,
    )
    cert_label = conf.text("DVC_ESIGN_PKCS11_CERT_LABEL").replace("{agency}", agency_code) or key_label
    signer = hanko_pkcs11.PKCS11Signer(session, key_label=key_label, cert_label=cert_label)
    return AgencyKey(signer=signer, certificate=_from_asn1(signer.signing_cert))


def agency_key(*, agency_code: str, agency_name: str = "") -> AgencyKey:
    """The key that signs the agency's results; ``SigningUnavailable`` when there is none."""
    name = conf.provider()
    if name == conf.DEMO:
        return _demo_key(agency_code, agency_name)
    if name == conf.PKCS12:
        return _pkcs12_key(agency_code)
    if name == conf.PKCS11:
        return _pkcs11_key(agency_code)
    raise ImproperlyConfigured(f"DVC_ESIGN_PROVIDER={name!r}: choose one of {', '.join(conf.PROVIDERS)}")


def trust_roots() -> list[x509.Certificate]:
    """The certificate authorities whose signatures verification accepts."""
    roots: list[x509.Certificate] = []
    for path in conf.trust_root_files():
        if path.is_file():
            roots.extend(x509.load_pem_x509_certificates(path.read_bytes()))
    if demo_mode() and conf.provider() == conf.DEMO:
        ca_cert = _ca_paths(conf.key_dir())[1]
        if ca_cert.is_file():
            roots.append(x509.load_pem_x509_certificate(ca_cert.read_bytes()))
    return roots

"""Fixtures: the processing app's setup (a commune, its staff, a citizen) with demo signing keys generated
in a temporary folder (real keys, real pyHanko signatures)."""

import datetime
import io

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dichvucong.dossiers.models import Dossier
from dichvucong.esign import keys
from dichvucong.processing import results as result_services
from dichvucong.processing.tests.conftest import (  # noqa: F401
    PDF,
    accepted_dossier,
    add_staff,
    pdata,  # noqa: F401 (fixture)
    pdata_live,  # noqa: F401 (fixture)
)
from dichvucong.processing.tests.test_services import walk_to

RESULT_PDF = PDF + b"giay khai sinh ban chinh"


@pytest.fixture(autouse=True)
def esign_keys(settings, tmp_path):
    settings.DVC_DEMO_MODE = True
    settings.DVC_ESIGN_PROVIDER = "demo"
    settings.DVC_ESIGN_DIR = str(tmp_path / "esign-keys")
    settings.DVC_PUBLIC_URL = "https://dichvucong.example.vn"
    return tmp_path / "esign-keys"


def issue(
    data,
    dossier,
    *,
    content=RESULT_PDF,
    name="ket-qua.pdf",
    content_type="application/pdf",
    number="30/GCN-UBND",
):
    return result_services.processing_issue_result(
        dossier_id=dossier.pk,
        officer=data["vanthu.a"],
        results=[
            result_services.ResultInput(
                name="Giấy khai sinh",
                result_code="KQ.G15.000031",
                upload=SimpleUploadedFile(name, content, content_type=content_type),
                number=number,
                signed_on=timezone.localdate(),
            )
        ],
    )


def resolved_dossier(
    data, django_capture_on_commit_callbacks, *, tag="a", delivery="online", **kwargs
) -> Dossier:
    """A dossier walked to the clerk, whose result is issued; the after-commit hooks run (signing)."""
    dossier = accepted_dossier(data, tag=tag, delivery=delivery)
    walk_to(data, dossier, 4)
    with django_capture_on_commit_callbacks(execute=True):
        issue(data, dossier, **kwargs)
    return Dossier.objects.get(pk=dossier.pk)


def read(document) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def upload(data: bytes, name="ket-qua.pdf"):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def as_file(data: bytes, name="ket-qua.pdf"):
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def self_made_key(tmp_path) -> keys.AgencyKey:
    """A certificate someone made for themselves, with our agency's name on it."""
    from cryptography.hazmat.primitives import serialization
    from pyhanko.sign import signers

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "UBND xã Hạc Thành")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    (tmp_path / "k.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    (tmp_path / "c.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    signer = signers.SimpleSigner.load(str(tmp_path / "k.pem"), str(tmp_path / "c.pem"))
    return keys.AgencyKey(signer=signer, certificate=certificate)

"""A signed result in the person's store is reused as a component of a later dossier (DuocTaiSuDung, with the
result's code as MaKetQuaThayThe), and counts as an electronic result for the scorecard."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings

from dichvucong.dossiers import services as dossier_services
from dichvucong.dossiers.models import DossierFile
from dichvucong.esign import keys, pdf, selectors
from dichvucong.esign.models import SignedResult
from dichvucong.esign.services import SigningFailed, result_sign
from dichvucong.esign.tests.conftest import read, resolved_dossier
from dichvucong.processing.models import DossierResult
from dichvucong.processing.tests.conftest import PDF


def test_the_signed_result_is_reused_in_a_later_dossier(pdata, django_capture_on_commit_callbacks):
    data = pdata
    first = resolved_dossier(data, django_capture_on_commit_callbacks)
    signed = SignedResult.objects.get(result__dossier=first)

    later = dossier_services.dossier_create_draft(applicant=data["citizen"], offering=data["offering"])
    components = dossier_services.components_for(later)
    from_store = dossier_services.dossier_attach(
        dossier=later, applicant=data["citizen"], component=components[0], document=signed.document
    )
    # the same signed PDF uploaded again from the person's computer is the same stored document
    uploaded = dossier_services.dossier_attach(
        dossier=later,
        applicant=data["citizen"],
        component=components[1],
        upload=SimpleUploadedFile("kq.pdf", read(signed.document), content_type="application/pdf"),
    )
    other = dossier_services.dossier_attach(
        dossier=later,
        applicant=data["citizen"],
        component=components[1],
        upload=SimpleUploadedFile("khac.pdf", PDF + b"giay to khac", content_type="application/pdf"),
    )
    assert uploaded.document_id == signed.document_id

    flags = selectors.file_reuse_flags(files=DossierFile.objects.filter(dossier=later))
    assert flags[from_store.pk].national == {"DuocTaiSuDung": 1, "MaKetQuaThayThe": "KQ.G15.000031"}
    assert flags[uploaded.pk].reused and flags[uploaded.pk].replaces_result_code == "KQ.G15.000031"
    assert flags[other.pk].national == {"DuocTaiSuDung": 0, "MaKetQuaThayThe": ""}


def test_electronic_results_for_the_scorecard(
    pdata, django_capture_on_commit_callbacks, django_assert_num_queries
):
    data = pdata
    signed_dossier = resolved_dossier(data, django_capture_on_commit_callbacks)
    from dichvucong.documents.testing import minimal_png_bytes

    scanned = resolved_dossier(
        data,
        django_capture_on_commit_callbacks,
        tag="b",
        number="31/GCN-UBND",
        content=minimal_png_bytes("scan"),
        name="scan.png",
        content_type="image/png",
    )
    with django_assert_num_queries(1):
        ids = selectors.dossier_ids_with_electronic_result(dossier_ids=[signed_dossier.pk, scanned.pk])
    assert ids == {signed_dossier.pk}
    assert selectors.dossier_has_electronic_result(dossier_id=signed_dossier.pk)
    assert not selectors.dossier_has_electronic_result(dossier_id=scanned.pk)


def test_production_signs_with_a_pkcs12_file(pdata, settings, tmp_path, django_capture_on_commit_callbacks):
    """The agency's PKCS#12 file (here made from a demo certificate) signs; the verification trusts its CA."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    data = pdata
    agency = data["commune"]
    folder = tmp_path / "ca"
    certificate, _created = keys.demo_agency_ensure(
        agency_code=agency.code, agency_name=agency.name, folder=folder
    )
    key_path = next((folder / "agencies").glob("*.key.pem"))
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    bundle = pkcs12.serialize_key_and_certificates(
        b"ubnd", key, certificate, None, serialization.BestAvailableEncryption(b"mat-khau")
    )
    (tmp_path / f"{agency.code}.p12").write_bytes(bundle)
    settings.DVC_DEMO_MODE = False
    settings.DVC_ESIGN_PROVIDER = "pkcs12"
    settings.DVC_ESIGN_PKCS12_PATH = str(tmp_path / "{agency}.p12")
    settings.DVC_ESIGN_PKCS12_PASSPHRASE = "mat-khau"
    settings.DVC_ESIGN_TRUST_ROOTS = str(folder / "ca.cert.pem")

    dossier = resolved_dossier(data, django_capture_on_commit_callbacks)
    signed = SignedResult.objects.get(result__dossier=dossier)
    assert signed.certificate.fingerprint == keys.certificate_fingerprint(certificate)
    assert pdf.check(read(signed.document), trust_roots=keys.trust_roots()).ok

    settings.DVC_ESIGN_PKCS12_PASSPHRASE = "sai"  # a wrong passphrase signs nothing and changes nothing
    other = resolved_dossier(data, django_capture_on_commit_callbacks, tag="b", number="31/GCN-UBND")
    assert not SignedResult.objects.filter(result__dossier=other).exists()
    result = DossierResult.objects.get(dossier=other)
    before = (result.document_id, SignedResult.objects.count())
    with pytest.raises(SigningFailed):
        result_sign(result_id=result.pk)
    result.refresh_from_db()
    assert (result.document_id, SignedResult.objects.count()) == before


def test_setup_generates_the_demo_keys_once(pdata, esign_keys):
    out = io.StringIO()
    call_command("esign_demo_keys", stdout=out)
    assert (esign_keys / "ca.cert.pem").is_file()
    assert len(list((esign_keys / "agencies").glob("*.cert.pem"))) >= 1
    ca_before = (esign_keys / "ca.cert.pem").read_bytes()
    call_command("esign_demo_keys", stdout=io.StringIO())
    assert (esign_keys / "ca.cert.pem").read_bytes() == ca_before
    with override_settings(DVC_DEMO_MODE=False), pytest.raises(CommandError):
        call_command("esign_demo_keys", stdout=io.StringIO())


def test_long_vietnamese_agency_names_fit_in_the_certificate(esign_keys):
    name = "Ủy ban nhân dân xã Hạc Thành, huyện Hậu Lộc, tỉnh Thanh Hóa – Bộ phận tiếp nhận và trả kết quả"
    certificate, created = keys.demo_agency_ensure(
        agency_code="000.00.99.H56", agency_name=name, folder=esign_keys
    )
    common_name = certificate.subject.get_attributes_for_oid(keys.NameOID.COMMON_NAME)[0].value
    assert created and name.startswith(common_name) and len(common_name.encode()) <= 64

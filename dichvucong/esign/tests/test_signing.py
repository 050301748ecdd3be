"""Issuing a result signs it: QR stamp, PAdES signature by the agency's demo certificate, owner's store."""

import datetime
import hashlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dichvucong.documents.models import StoredDocument
from dichvucong.dossiers.models import DossierEvent
from dichvucong.esign import keys, pdf, qr
from dichvucong.esign.models import SignedResult
from dichvucong.esign.services import result_sign, results_sign_pending
from dichvucong.esign.tests.conftest import RESULT_PDF, read, resolved_dossier, self_made_key
from dichvucong.processing import results as result_services
from dichvucong.processing.models import DossierResult
from dichvucong.processing.tests.conftest import accepted_dossier
from dichvucong.processing.tests.test_services import walk_to


def test_the_issued_result_is_signed_and_kept_in_the_citizens_store(
    pdata, django_capture_on_commit_callbacks
):
    data = pdata
    dossier = resolved_dossier(data, django_capture_on_commit_callbacks)

    result = DossierResult.objects.select_related("document").get(dossier=dossier)
    signed = SignedResult.objects.get(result=result)
    assert result.document == signed.document
    assert (signed.document.owner, signed.document.source) == (data["citizen"], StoredDocument.Source.RESULT)
    # the unsigned copy the online result left in the citizen's store is replaced by the signed one
    assert not StoredDocument.objects.filter(
        owner=data["citizen"], sha256=hashlib.sha256(RESULT_PDF).hexdigest()
    ).exists()

    content = read(signed.document)
    assert hashlib.sha256(content).hexdigest() == signed.signed_sha256 == signed.document.sha256
    found = pdf.check(content, trust_roots=keys.trust_roots())
    assert found.ok, found.problem
    assert qr.parse(found.payload_query) == qr.parse(signed.payload)
    assert found.payload_query.startswith("https://dichvucong.example.vn/xac-minh/?v=1&")
    # an incremental update: the issued file is the signed file's first revision, its hash is in the QR code
    assert content[: len(RESULT_PDF)] == RESULT_PDF
    payload = qr.parse(signed.payload)
    assert (payload.dossier_code, payload.result_code) == (dossier.code, "KQ.G15.000031")
    assert payload.document_sha256 == hashlib.sha256(RESULT_PDF).hexdigest()
    assert qr.signature_valid(payload, found.signer_certificate)
    assert signed.certificate.agency == dossier.agency
    assert data["commune"].name in found.signer_certificate.subject.rfc4514_string()
    assert DossierEvent.objects.filter(dossier=dossier, action="result_signed").count() == 1


def test_signing_again_changes_nothing(pdata, django_capture_on_commit_callbacks):
    dossier = resolved_dossier(pdata, django_capture_on_commit_callbacks)
    result = DossierResult.objects.get(dossier=dossier)
    before = (SignedResult.objects.count(), StoredDocument.objects.count(), DossierEvent.objects.count())

    assert result_sign(result_id=result.pk) == SignedResult.objects.get(result=result)
    assert results_sign_pending() == 0
    assert (
        SignedResult.objects.count(),
        StoredDocument.objects.count(),
        DossierEvent.objects.count(),
    ) == before


def test_a_counter_result_goes_to_the_applicants_store_too(pdata, django_capture_on_commit_callbacks):
    data = pdata
    dossier = resolved_dossier(data, django_capture_on_commit_callbacks, delivery="counter")
    signed = SignedResult.objects.get(result__dossier=dossier)
    assert signed.document.owner == data["citizen"]
    # the clerk's own file stays in the clerk's store: only copies in the applicant's store are replaced
    assert StoredDocument.objects.filter(owner=data["vanthu.a"], sha256=signed.source_sha256).exists()


def test_a_result_that_is_not_a_pdf_stays_as_issued(pdata, django_capture_on_commit_callbacks):
    from dichvucong.documents.testing import minimal_png_bytes

    dossier = resolved_dossier(
        pdata,
        django_capture_on_commit_callbacks,
        content=minimal_png_bytes("kq"),
        name="kq.png",
        content_type="image/png",
    )
    result = DossierResult.objects.get(dossier=dossier)
    assert not SignedResult.objects.exists()
    assert result.document.content_type == "image/png"


def test_without_a_key_nothing_changes_and_the_sweeper_signs_later(
    pdata, django_capture_on_commit_callbacks, settings, caplog
):
    settings.DVC_ESIGN_PROVIDER = "pkcs12"
    settings.DVC_ESIGN_PKCS12_PATH = "/nonexistent/{agency}.p12"
    dossier = resolved_dossier(pdata, django_capture_on_commit_callbacks)
    result = DossierResult.objects.get(dossier=dossier)
    assert not SignedResult.objects.exists()
    assert result.document.sha256 == hashlib.sha256(RESULT_PDF).hexdigest()  # the issued file, untouched
    assert "not signed" in caplog.text

    settings.DVC_ESIGN_PROVIDER = "demo"
    assert results_sign_pending() == 1
    assert SignedResult.objects.get().result == result


def test_a_result_the_leader_already_signed_keeps_that_signature(
    pdata, django_capture_on_commit_callbacks, tmp_path
):
    """The leader signed the result with a personal certificate; the agency's signature is added after it."""
    import io

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import signers
    from pyhanko.sign.validation import validate_pdf_signature

    leader_key = self_made_key(tmp_path)
    leader_signed = signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(RESULT_PDF)),
        signers.PdfSignatureMetadata(field_name="LanhDao"),
        signer=leader_key.signer,
    ).getvalue()
    dossier = resolved_dossier(pdata, django_capture_on_commit_callbacks, content=leader_signed)

    content = read(SignedResult.objects.get(result__dossier=dossier).document)
    assert pdf.check(content, trust_roots=keys.trust_roots()).ok
    leader, agency = PdfFileReader(io.BytesIO(content)).embedded_signatures
    assert (leader.field_name, agency.field_name) == ("LanhDao", pdf.FIELD_NAME)
    status = validate_pdf_signature(leader)
    assert status.intact and status.valid  # the agency's incremental signature did not break it
    # what came after it is only a signature field being filled in: allowed by the PDF rules
    assert (status.modification_level.name, status.docmdp_ok) == ("FORM_FILLING", True)


def test_the_sweeper_leaves_old_results_alone(pdata, django_capture_on_commit_callbacks, settings):
    settings.DVC_ESIGN_PROVIDER = "pkcs12"  # no key when the result is issued
    settings.DVC_ESIGN_PKCS12_PATH = "/nonexistent/{agency}.p12"
    dossier = resolved_dossier(pdata, django_capture_on_commit_callbacks)
    DossierResult.objects.filter(dossier=dossier).update(
        issued_at=timezone.now() - datetime.timedelta(days=30)
    )
    settings.DVC_ESIGN_PROVIDER = "demo"
    assert results_sign_pending() == 0 and not SignedResult.objects.exists()
    assert results_sign_pending(days=31) == 1


def test_a_result_code_with_a_separator_still_makes_a_valid_payload(
    pdata, django_capture_on_commit_callbacks
):
    dossier = accepted_dossier(pdata, delivery="online")
    walk_to(pdata, dossier, 4)
    with django_capture_on_commit_callbacks(execute=True):
        result_services.processing_issue_result(
            dossier_id=dossier.pk,
            officer=pdata["vanthu.a"],
            results=[
                result_services.ResultInput(
                    name="Giấy khai sinh",
                    result_code="KQ|01",
                    upload=SimpleUploadedFile("kq.pdf", RESULT_PDF, content_type="application/pdf"),
                    number="40/GCN-UBND",
                    signed_on=timezone.localdate(),
                )
            ],
        )
    signed = SignedResult.objects.get(result__dossier=dossier)
    assert qr.parse(signed.payload).result_code == "KQ/01"

"""Signing a result: the clerk issues it (``processing_issue_result``), the "resolve" transition commits, and
this app signs every PDF result of the dossier with the agency's key (``AppConfig.ready`` subscribes to the
transition; ``manage.py esign_sign_pending`` signs what a failure left unsigned).

``result_sign`` is idempotent: it locks the result, returns the signature it already has, else stamps the QR
code, signs the PDF (PAdES), keeps it in the owner's document store (the applicant's when the dossier has
an account, so it can be reused in a later dossier) and makes it the result's document.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import logging

from cryptography import x509
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from dichvucong.documents.models import StoredDocument
from dichvucong.documents.services import DocumentInUse, DocumentRefused, document_delete, document_store
from dichvucong.dossiers.models import DossierEvent
from dichvucong.dossiers.workflow import Transitioned
from dichvucong.esign import conf, keys, pdf, qr
from dichvucong.esign.models import SignedResult, SigningCertificate
from dichvucong.processing.models import DossierResult

logger = logging.getLogger(__name__)

PDF_TYPE = "application/pdf"
SIGNED_LABEL = "Kết quả điện tử được ký số"


class SigningFailed(RuntimeError):
    """The result could not be signed now (no key, unreadable file); it stays as issued, to be retried."""


def certificate_record(*, certificate: x509.Certificate, agency_id: int | None) -> SigningCertificate:
    """The public row of a certificate (created the first time it signs)."""
    fingerprint = keys.certificate_fingerprint(certificate)
    record, _created = SigningCertificate.objects.get_or_create(
        fingerprint=fingerprint,
        defaults={
            "agency_id": agency_id,
            "key_id": fingerprint[:16],
            "subject": certificate.subject.rfc4514_string()[:500],
            "issuer": certificate.issuer.rfc4514_string()[:500],
            "pem": keys.certificate_pem(certificate),
            "not_before": certificate.not_valid_before_utc,
            "not_after": certificate.not_valid_after_utc,
        },
    )
    return record


def _payload_result_code(result: DossierResult) -> str:
    """The result's national code (or its number), as the QR payload allows it: no "|", at most 60 chars."""
    code = (result.result_code or result.number or f"KQ{result.pk}").replace("|", "/")
    return "".join(char for char in code if char.isprintable()).strip()[:60] or f"KQ{result.pk}"


def _read(document: StoredDocument) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def _drop_unsigned_copy(*, document: StoredDocument, owner_id: int | None) -> None:
    """The unsigned copy an online result left in the applicant's store goes: the signed one replaces it."""
    if owner_id is None or document.owner_id != owner_id or document.source != StoredDocument.Source.RESULT:
        return
    with contextlib.suppress(DocumentInUse):  # attached somewhere else too: it stays
        document_delete(owner=document.owner, document=document)


@transaction.atomic
def result_sign(*, result_id: int) -> SignedResult | None:
    """Sign one issued result; its existing signature when it has one, None when it is not a PDF.

    ``SigningFailed`` when there is no key or the file cannot be read: nothing is changed."""
    result = (
        DossierResult.objects.select_for_update(of=("self",))
        .select_related("document", "dossier", "dossier__agency", "register_agency")
        .filter(pk=result_id)
        .first()
    )
    if result is None:
        return None
    existing = SignedResult.objects.filter(result=result).first()
    if existing is not None:
        return existing
    source_document = result.document
    if source_document.content_type != PDF_TYPE:
        logger.info(
            "esign: result %s is not a PDF (%s); left unsigned", result.pk, source_document.content_type
        )
        return None
    dossier = result.dossier
    agency = result.register_agency or dossier.agency
    try:
        key = keys.agency_key(agency_code=agency.code, agency_name=agency.name)
        source = _read(source_document)
    except (keys.SigningUnavailable, OSError) as exc:
        logger.warning("esign: result %s of %s not signed: %s", result.pk, dossier.code, exc)
        raise SigningFailed(str(exc)) from exc
    issued_on: datetime.date = result.signed_on or timezone.localdate(result.issued_at)
    payload = qr.Payload(
        dossier_code=dossier.code,
        result_code=_payload_result_code(result),
        issued_on=issued_on.strftime("%Y%m%d"),
        document_sha256=hashlib.sha256(source).hexdigest(),
        key_id=key.key_id,
    )
    payload = payload.with_signature(key.sign_raw(payload.message()))
    text = pdf.StampText(
        agency_name=agency.name,
        dossier_code=dossier.code,
        issued_on_label=payload.issued_on_label,
        base_url=conf.public_url(),
    )
    try:
        signed = pdf.sign(
            source,
            payload=payload,
            text=text,
            key=key,
            reason="Ban hành kết quả giải quyết thủ tục hành chính",
            location=agency.name,
        )
    except Exception as exc:  # a PDF pyHanko cannot read or sign: the result stays as issued
        logger.exception("esign: result %s of %s could not be stamped or signed", result.pk, dossier.code)
        raise SigningFailed("stamp/sign") from exc
    owner = dossier.applicant if dossier.applicant_id else source_document.owner
    stem = (source_document.original_name or "ket-qua").rsplit(".", 1)[0]
    try:
        document, _created = document_store(
            owner=owner,
            upload=SimpleUploadedFile(f"{stem}-ky-so.pdf", signed, PDF_TYPE),
            title=(result.name or "Kết quả giải quyết")[:200],
            allowed_types={"pdf"},
            source=StoredDocument.Source.RESULT,
        )
    except DocumentRefused as refused:
        logger.error("esign: signed result %s refused by the store: %s", result.pk, refused.code)
        raise SigningFailed(refused.code) from refused
    signed_result = SignedResult.objects.create(
        result=result,
        document=document,
        certificate=certificate_record(certificate=key.certificate, agency_id=agency.pk),
        dossier_code=payload.dossier_code,
        result_code=payload.result_code,
        issued_on=issued_on,
        source_sha256=payload.document_sha256,
        signed_sha256=hashlib.sha256(signed).hexdigest(),
        payload=payload.query(),
    )
    DossierResult.objects.filter(pk=result.pk).update(document=document)
    DossierEvent.objects.create(  # on the public tracking page (not a status change)
        dossier=dossier,
        action="result_signed",
        from_status=dossier.status,
        to_status=dossier.status,
        actor=None,
        agency=agency,
        data={"label": SIGNED_LABEL, "result_code": payload.result_code, "key_id": key.key_id},
    )
    _drop_unsigned_copy(document=source_document, owner_id=dossier.applicant_id)
    logger.info("esign: result %s of %s signed with key %s", result.pk, dossier.code, key.key_id)
    return signed_result


def dossier_results_sign(*, dossier_id: int) -> list[SignedResult]:
    """Sign every result of the dossier not signed yet; a failure is logged and left for the sweeper."""
    done: list[SignedResult] = []
    pending = DossierResult.objects.filter(dossier_id=dossier_id, electronic__isnull=True).values_list(
        "pk", flat=True
    )
    for result_id in list(pending):
        try:
            signed = result_sign(result_id=result_id)
        except SigningFailed:
            continue
        if signed is not None:
            done.append(signed)
    return done


def results_sign_after_resolve(change: Transitioned) -> None:
    """Subscriber of the "resolve" transition (after commit)."""
    dossier_results_sign(dossier_id=change.dossier_id)


def results_sign_pending(*, limit: int = 500, days: int = 7) -> int:
    """The sweeper: sign PDF results of the last ``days`` left unsigned (a key that was missing, a crash);
    how many were signed. Older results (issued before electronic results existed) are left alone."""
    since = timezone.now() - datetime.timedelta(days=days)
    pending = (
        DossierResult.objects.filter(
            electronic__isnull=True, document__content_type=PDF_TYPE, issued_at__gte=since
        )
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
    signed = 0
    for result_id in list(pending):
        try:
            signed += result_sign(result_id=result_id) is not None
        except SigningFailed:
            continue
    return signed

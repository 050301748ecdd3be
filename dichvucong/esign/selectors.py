"""Reads of signed results: the verification lookups, the public certificates, and the flags other apps need
(the national sync's ``DuocTaiSuDung`` / ``MaKetQuaThayThe`` and the scorecard's "electronic result")."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from dichvucong.esign.models import SignedResult, SigningCertificate
from dichvucong.esign.qr import Payload


def certificate_by_key_id(*, key_id: str) -> SigningCertificate | None:
    return SigningCertificate.objects.filter(key_id=key_id).order_by("id").first()


def certificate_by_fingerprint(*, fingerprint: str) -> SigningCertificate | None:
    return SigningCertificate.objects.filter(fingerprint=fingerprint).first()


def certificate_list_public() -> QuerySet[SigningCertificate]:
    """Every certificate that signed a result, for offline verification (public, no personal data)."""
    return SigningCertificate.objects.select_related("agency").order_by("agency__name", "-not_after")


def signed_result_for_payload(*, payload: Payload) -> SignedResult | None:
    """The signed result a QR payload names (dossier code, result code, document hash and key)."""
    return (
        SignedResult.objects.select_related("certificate", "certificate__agency", "result")
        .filter(
            dossier_code=payload.dossier_code,
            result_code=payload.result_code,
            source_sha256=payload.document_sha256,
            certificate__key_id=payload.key_id,
        )
        .first()
    )


def dossier_ids_with_electronic_result(*, dossier_ids: Iterable[int]) -> set[int]:
    """Dossiers with at least one signed electronic result (scorecard 3.3, 4.1, 4.2: one query)."""
    return set(
        SignedResult.objects.filter(result__dossier_id__in=list(dossier_ids))
        .values_list("result__dossier_id", flat=True)
        .distinct()
    )


def dossier_has_electronic_result(*, dossier_id: int) -> bool:
    return SignedResult.objects.filter(result__dossier_id=dossier_id).exists()


@dataclass(frozen=True)
class ReuseFlags:
    """``TaiLieuNop[]`` flags of one attached file: ``DuocTaiSuDung`` and ``MaKetQuaThayThe``."""

    reused: bool
    replaces_result_code: str = ""

    @property
    def national(self) -> dict:
        return {"DuocTaiSuDung": int(self.reused), "MaKetQuaThayThe": self.replaces_result_code}


def file_reuse_flags(*, files: Iterable) -> dict[int, ReuseFlags]:
    """For dossier files (``DossierFile``: ``pk``, ``document_id``, ``reused``): a file is re-used when it was
    taken from the person's store, or when it is a signed electronic result (an earlier dossier's result
    given again; the same content is the same stored document). One query."""
    files = list(files)
    signed = dict(
        SignedResult.objects.filter(document_id__in={f.document_id for f in files}).values_list(
            "document_id", "result_code"
        )
    )
    return {
        f.pk: ReuseFlags(
            reused=bool(f.reused) or f.document_id in signed,
            replaces_result_code=signed.get(f.document_id, ""),
        )
        for f in files
    }


def signed_result_for_document(*, document_id: int) -> SignedResult | None:
    return SignedResult.objects.select_related("certificate").filter(document_id=document_id).first()

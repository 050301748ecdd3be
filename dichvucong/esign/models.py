"""Signed electronic results (kết quả điện tử có chữ ký số) and the certificates that signed them."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SigningCertificate(models.Model):
    """An agency certificate that signed results; public, so anyone can verify a QR code offline."""

    agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    key_id = models.CharField(_("mã khóa"), max_length=16, db_index=True)  # fingerprint[:16], in the QR
    fingerprint = models.CharField(max_length=64, unique=True)  # SHA-256 of the DER certificate
    subject = models.CharField(_("chủ thể"), max_length=500)
    issuer = models.CharField(_("tổ chức cấp"), max_length=500)
    pem = models.TextField()
    not_before = models.DateTimeField()
    not_after = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("chứng thư số của cơ quan")
        verbose_name_plural = _("chứng thư số của cơ quan")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.subject} ({self.key_id})"


class SignedResult(models.Model):
    """A result issued as a PDF signed (PAdES) by its agency, with the QR code's payload."""

    result = models.OneToOneField(
        "processing.DossierResult", on_delete=models.CASCADE, related_name="electronic"
    )
    document = models.ForeignKey("documents.StoredDocument", on_delete=models.PROTECT, related_name="+")
    certificate = models.ForeignKey(SigningCertificate, on_delete=models.PROTECT, related_name="results")
    dossier_code = models.CharField(_("mã hồ sơ"), max_length=60)
    result_code = models.CharField(_("mã kết quả"), max_length=60)
    issued_on = models.DateField(_("ngày ban hành"))
    source_sha256 = models.CharField(max_length=64)  # the document as the clerk issued it (in the QR)
    signed_sha256 = models.CharField(max_length=64, db_index=True)  # the signed PDF
    payload = models.TextField()  # the QR code's query (qr.Payload.query())
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("kết quả điện tử có chữ ký số")
        verbose_name_plural = _("kết quả điện tử có chữ ký số")
        ordering = ["-signed_at", "-id"]
        indexes = [models.Index(fields=["dossier_code", "result_code"], name="esign_result_codes")]

    def __str__(self) -> str:
        return f"{self.dossier_code} {self.result_code}"

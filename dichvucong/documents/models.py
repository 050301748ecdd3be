"""Personal document store ("Kho giấy tờ"): files a person keeps to reuse in later dossiers."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dichvucong.documents.validation import BY_CONTENT_TYPE, FileType, format_size


def document_upload_to(instance: StoredDocument, filename: str) -> str:
    """documents/<yyyy>/<mm>/<random>.<detected extension>: the person's file name never reaches storage."""
    now = timezone.localtime()
    file_type = BY_CONTENT_TYPE.get(instance.content_type)
    extension = file_type.extension if file_type else ""
    return f"documents/{now:%Y}/{now:%m}/{uuid.uuid4().hex}{extension}"


class StoredDocument(models.Model):
    class Kind(models.TextChoices):
        IDENTITY = "identity", _("Giấy tờ tùy thân")
        BIRTH = "birth", _("Giấy khai sinh")
        MARRIAGE = "marriage", _("Giấy tờ hôn nhân")
        RESIDENCE = "residence", _("Giấy tờ cư trú")
        DEGREE = "degree", _("Bằng cấp, chứng chỉ")
        PROPERTY = "property", _("Giấy tờ nhà, đất, tài sản")
        HEALTH = "health", _("Giấy tờ y tế")
        OTHER = "other", _("Khác")

    class Source(models.TextChoices):
        UPLOAD = "upload", _("Tải lên")
        DOSSIER = "dossier", _("Từ hồ sơ đã nộp")
        RESULT = "result", _("Kết quả giải quyết")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("tên giấy tờ"), max_length=200)
    kind = models.CharField(_("loại giấy tờ"), max_length=20, choices=Kind.choices, blank=True)
    file = models.FileField(upload_to=document_upload_to, max_length=255)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.UPLOAD)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("giấy tờ trong kho")
        verbose_name_plural = _("giấy tờ trong kho")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "sha256"], name="unique_document_per_owner"),
            models.CheckConstraint(condition=models.Q(size__gt=0), name="document_size_positive"),
            models.CheckConstraint(
                condition=models.Q(source__in=["upload", "dossier", "result"]), name="document_source_valid"
            ),
        ]
        indexes = [models.Index(fields=["owner", "-created_at"], name="document_owner_created")]

    def __str__(self) -> str:
        return self.title

    @property
    def file_type(self) -> FileType | None:
        return BY_CONTENT_TYPE.get(self.content_type)

    @property
    def type_label(self) -> str:
        file_type = self.file_type
        return file_type.label if file_type else ""

    @property
    def size_label(self) -> str:
        return format_size(self.size)

    @property
    def previewable(self) -> bool:
        file_type = self.file_type
        return bool(file_type and file_type.previewable)

    @property
    def download_name(self) -> str:
        """Original name, extension of what the file really is (cccd.exe holding a PDF: cccd.pdf)."""
        file_type = self.file_type
        stem, dot, extension = self.original_name.rpartition(".")
        if not dot:
            stem = self.original_name
        stem = stem or "giay-to"
        if file_type is None:
            return self.original_name or "giay-to"
        if dot and f".{extension.lower()}" == file_type.extension:
            return self.original_name
        if file_type.code == "jpeg" and dot and extension.lower() == "jpeg":
            return self.original_name
        return f"{stem}{file_type.extension}"

"""Ratings of how a dossier was handled (đánh giá việc giải quyết TTHC, domain.md §1.5): a five-level
satisfaction and the nine criteria of the national survey. One rating per dossier; it feeds KPI 5.4."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dichvucong.agencies.models import Agency
from dichvucong.dossiers.models import Dossier


class Satisfaction(models.IntegerChoices):
    VERY_SATISFIED = 5, _("Rất hài lòng")
    SATISFIED = 4, _("Hài lòng")
    NEUTRAL = 3, _("Bình thường")
    DISSATISFIED = 2, _("Không hài lòng")
    VERY_DISSATISFIED = 1, _("Rất không hài lòng")


# A rating at or below this level is a "dislike" for KPI 5.4.
DISLIKE_AT_MOST = Satisfaction.DISSATISFIED


class Rating(models.Model):
    class Via(models.TextChoices):
        ONLINE = "online", _("Trực tuyến")
        KIOSK = "kiosk", _("Máy đánh giá tại quầy")

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="rating")
    # = dossier.agency when rated: staff see their own agency's ratings through this column.
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("mức độ hài lòng"), choices=Satisfaction.choices)
    # {criterion key: 1..5}; the keys are those of ``ratings.criteria`` (the nine national criteria)
    criteria = models.JSONField(default=dict, blank=True)
    comment = models.TextField(_("ý kiến"), blank=True)
    via = models.CharField(max_length=8, choices=Via.choices, default=Via.ONLINE)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["agency", "created_at"], name="rating_agency")]
        verbose_name = _("đánh giá")
        verbose_name_plural = _("đánh giá")

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.level}"

    @property
    def disliked(self) -> bool:
        return self.level <= DISLIKE_AT_MOST


class RatingCode(models.Model):
    """A one-time code printed on the slip handed over with the result at the counter: the person rates the
    dossier on the kiosk/tablet page without an account. Only a keyed hash of the code is kept (the code is
    shown once, when issued); issuing a new code revokes the previous ones; it expires and is used once."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="rating_codes")
    digest = models.CharField(max_length=64)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["dossier", "expires_at"], name="rating_code_dossier")]
        verbose_name = _("mã đánh giá tại quầy")
        verbose_name_plural = _("mã đánh giá tại quầy")

    def __str__(self) -> str:
        return f"{self.dossier_id} · {self.created_at:%d/%m/%Y}"

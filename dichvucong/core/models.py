"""Shared tables that belong to no domain."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RateLimitCounter(models.Model):
    """One rate-limit window's count (see ``core.ratelimit``); the key carries the window's start."""

    key = models.CharField(_("khóa"), max_length=200, primary_key=True)
    count = models.PositiveIntegerField(_("số lần"), default=0)
    expires_at = models.DateTimeField(_("hết hạn lúc"), db_index=True)

    class Meta:
        verbose_name = _("bộ đếm giới hạn tần suất")
        verbose_name_plural = _("bộ đếm giới hạn tần suất")

    def __str__(self) -> str:
        return f"{self.key} = {self.count}"

"""Working hours per agency and the editable day overrides (holidays, make-up working days).

The national public holidays come from the `holidays` package (see `schedule.py`); these tables only hold what
an operator must change: an agency's office hours, and the days each year's government decision moves.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from dichvucong.agencies.models import Agency

DEFAULT_MORNING_START = datetime.time(7, 0)
DEFAULT_MORNING_END = datetime.time(11, 30)
DEFAULT_AFTERNOON_START = datetime.time(13, 30)
DEFAULT_AFTERNOON_END = datetime.time(17, 0)
DEFAULT_SAME_DAY_CUTOFF = datetime.time(15, 0)


def _agency_or_zero() -> Coalesce:
    """The agency id, 0 for the nationwide row: unique constraints then treat NULL as one value."""
    return Coalesce("agency", models.Value(0), output_field=models.BigIntegerField())


class WorkingHours(models.Model):
    """Office hours of one agency; the row without an agency is the nationwide default.

    With no row at all the built-in defaults apply (07:00–11:30, 13:30–17:00, Monday to Friday).
    """

    agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("cơ quan"),
        help_text=_("Để trống: giờ làm việc mặc định cho mọi cơ quan chưa khai báo riêng."),
    )
    morning_start = models.TimeField(_("sáng từ"), default=DEFAULT_MORNING_START)
    morning_end = models.TimeField(_("sáng đến"), default=DEFAULT_MORNING_END)
    afternoon_start = models.TimeField(_("chiều từ"), default=DEFAULT_AFTERNOON_START)
    afternoon_end = models.TimeField(_("chiều đến"), default=DEFAULT_AFTERNOON_END)
    works_saturday = models.BooleanField(_("làm việc thứ Bảy"), default=False)
    same_day_cutoff = models.TimeField(
        _("giờ chốt trả trong ngày"),
        default=DEFAULT_SAME_DAY_CUTOFF,
        help_text=_("Thủ tục trả trong ngày: hồ sơ nhận sau giờ này được trả vào ngày làm việc tiếp theo."),
    )
    restart_on_supplement = models.BooleanField(
        _("tính lại từ đầu khi bổ sung"),
        default=False,
        help_text=_(
            "Tắt: thời hạn tạm dừng khi chờ bổ sung và tiếp tục khi nhận bổ sung. "
            "Bật: thời hạn được tính lại từ đầu kể từ khi nhận đủ hồ sơ bổ sung."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("giờ làm việc")
        verbose_name_plural = _("giờ làm việc")
        constraints = [
            # One row per agency and a single default row (NULL agency), on SQLite and PostgreSQL alike.
            models.UniqueConstraint(
                _agency_or_zero(),
                name="worktime_hours_one_per_agency",
            ),
            models.CheckConstraint(
                condition=Q(morning_start__lt=models.F("morning_end"))
                & Q(morning_end__lte=models.F("afternoon_start"))
                & Q(afternoon_start__lt=models.F("afternoon_end")),
                name="worktime_hours_ordered",
                violation_error_message=_(
                    "Giờ làm việc phải theo thứ tự: sáng từ < sáng đến ≤ chiều từ < chiều đến."
                ),
            ),
            models.CheckConstraint(
                condition=Q(same_day_cutoff__gt=models.F("morning_start"))
                & Q(same_day_cutoff__lte=models.F("afternoon_end")),
                name="worktime_hours_cutoff_in_day",
                violation_error_message=_("Giờ chốt trả trong ngày phải nằm trong giờ làm việc."),
            ),
        ]

    def __str__(self) -> str:
        who = self.agency.display_name if self.agency_id else _("Mặc định")
        return (
            f"{who}: {self.morning_start:%H:%M}–{self.morning_end:%H:%M}, "
            f"{self.afternoon_start:%H:%M}–{self.afternoon_end:%H:%M}"
        )


class DayOverride(models.Model):
    """A day that differs from the weekly pattern and the `holidays` table: a decree, a make-up Saturday."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Ngày nghỉ")
        WORKDAY = "workday", _("Ngày làm việc")

    date = models.DateField(_("ngày"))
    agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("cơ quan"),
        help_text=_("Để trống: áp dụng toàn quốc."),
    )
    kind = models.CharField(_("loại"), max_length=8, choices=Kind.choices)
    note = models.CharField(
        _("căn cứ"),
        max_length=300,
        blank=True,
        help_text=_("Số quyết định, thông báo, ví dụ: nghỉ Tết 2026."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("ngày nghỉ, ngày làm bù")
        verbose_name_plural = _("ngày nghỉ, ngày làm bù")
        constraints = [
            models.UniqueConstraint(
                _agency_or_zero(),
                "date",
                name="worktime_override_one_per_day",
            ),
        ]
        indexes = [models.Index(fields=["agency", "date"])]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()}"

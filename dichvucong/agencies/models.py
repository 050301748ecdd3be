"""Administrative units (tỉnh, xã after July 2025) and agencies (cơ quan) with their national codes."""

from __future__ import annotations

import datetime

from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

AGENCY_CODE_PATTERN = r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$"
agency_code_validator = RegexValidator(
    AGENCY_CODE_PATTERN,
    _("Mã định danh cơ quan phải có dạng V1V2V3.Z1Z2.Y1Y2.MX1X2, ví dụ 000.00.00.H56."),
)


class AdministrativeUnit(models.Model):
    """A province (tỉnh/thành phố) or a commune-level unit (xã/phường/đặc khu), coded by the GSO."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Cấp tỉnh")
        COMMUNE = "commune", _("Cấp xã")

    code = models.CharField(_("mã đơn vị hành chính"), max_length=10, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    short_name = models.CharField(_("tên ngắn"), max_length=200)
    unit_type = models.CharField(_("loại"), max_length=40)  # Thành phố, Tỉnh, Phường, Xã, Đặc khu
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("thuộc"),
    )
    valid_from = models.DateField(_("hiệu lực từ"), default=datetime.date(2025, 7, 1))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        indexes = [models.Index(fields=["level", "parent"])]

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    """An agency in the tree: UBND tỉnh, sở, trung tâm PVHCC, UBND xã and their one-stop units."""

    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Bộ, cơ quan ngang bộ")
        PROVINCE_COMMITTEE = "province_committee", _("Ủy ban nhân dân tỉnh")
        PROVINCIAL_SERVICE_CENTRE = "provincial_service_centre", _("Trung tâm Phục vụ hành chính công tỉnh")
        DEPARTMENT = "department", _("Sở, ban, ngành")
        PROVINCIAL_POLICE = "provincial_police", _("Công an tỉnh")
        COMMUNE_COMMITTEE = "commune_committee", _("Ủy ban nhân dân xã, phường")
        COMMUNE_SERVICE_CENTRE = "commune_service_centre", _("Trung tâm Phục vụ hành chính công xã, phường")
        COMMUNE_POLICE = "commune_police", _("Công an xã, phường")

    class Level(models.TextChoices):
        MINISTRY = "bo", _("Cấp bộ")
        PROVINCE = "tinh", _("Cấp tỉnh")
        COMMUNE = "xa", _("Cấp xã")

    code = models.CharField(_("mã định danh"), max_length=20, unique=True, validators=[agency_code_validator])
    name = models.CharField(_("tên cơ quan"), max_length=300)
    short_name = models.CharField(_("tên ngắn"), max_length=200, blank=True)
    kind = models.CharField(_("loại cơ quan"), max_length=40, choices=Kind.choices)
    level = models.CharField(_("cấp"), max_length=4, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("trực thuộc"),
    )
    admin_unit = models.ForeignKey(
        AdministrativeUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agencies",
        verbose_name=_("địa bàn"),
    )
    address = models.CharField(_("địa chỉ"), max_length=400, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=40, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    website = models.URLField(_("trang thông tin"), blank=True)
    valid_from = models.DateField(_("hoạt động từ"), null=True, blank=True)
    valid_to = models.DateField(_("hoạt động đến"), null=True, blank=True)
    successors = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="predecessors",
        verbose_name=_("đơn vị kế thừa"),
        help_text=_("Cơ quan tiếp nhận nhiệm vụ sau khi sáp nhập, hợp nhất."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        indexes = [models.Index(fields=["kind"]), models.Index(fields=["parent"])]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def is_active_on(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        if self.valid_from and day < self.valid_from:
            return False
        return not (self.valid_to and day > self.valid_to)

    @property
    def is_active(self) -> bool:
        return self.is_active_on()


class AgencyContact(models.Model):
    """A published contact of the agency's one-stop staff (seed 000: publish the phone numbers)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="contacts")
    role = models.CharField(_("bộ phận, chức danh"), max_length=200)
    name = models.CharField(_("họ và tên"), max_length=200, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=40, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["agency", "position", "id"]
        verbose_name = _("đầu mối liên hệ")
        verbose_name_plural = _("đầu mối liên hệ")

    def __str__(self) -> str:
        return f"{self.role}: {self.name}".strip(": ")

"""The procedure catalogue (danh mục thủ tục hành chính), versioned by effective date.

A ``Procedure`` is the national identity (code ``1.001193``); its content lives in
``ProcedureVersion`` rows so a dossier can keep the version it was filed under. An
``AgencyProcedure`` is the procedure as offered by one agency with its local settings.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from dichvucong.agencies.models import Agency
from dichvucong.catalogue.importers import records as r

PROCEDURE_CODE_PATTERN = r"^\d\.\d{6}$"


class Field(models.Model):
    """Lĩnh vực: the sector a procedure belongs to."""

    name = models.CharField(_("tên lĩnh vực"), max_length=300, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    code = models.CharField(_("mã lĩnh vực"), max_length=40, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")

    def __str__(self) -> str:
        return self.name


class LifeEvent(models.Model):
    """Sự kiện cuộc sống: a life situation that groups procedures for browsing."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    description = models.TextField(_("mô tả"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("sự kiện cuộc sống")
        verbose_name_plural = _("sự kiện cuộc sống")

    def __str__(self) -> str:
        return self.name


class ImplementationLevel(models.Model):
    """Cấp thực hiện: bộ, tỉnh, xã (rows created by a migration)."""

    code = models.CharField(max_length=4, primary_key=True)
    name = models.CharField(max_length=40)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", _("Đang công khai")
        AMENDED = "amended", _("Đang công khai sửa đổi, bổ sung")
        ABOLISHED = "abolished", _("Bãi bỏ")

    class ServiceLevel(models.TextChoices):
        FULL = r.SERVICE_FULL, _("Toàn trình")
        PARTIAL = r.SERVICE_PARTIAL, _("Một phần")
        NONE = r.SERVICE_NONE, _("Chưa cung cấp trực tuyến")

    code = models.CharField(_("mã thủ tục"), max_length=12, unique=True)
    name = models.CharField(_("tên thủ tục"), max_length=1000)
    field = models.ForeignKey(
        Field,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="procedures",
        verbose_name=_("lĩnh vực"),
    )
    levels = models.ManyToManyField(ImplementationLevel, blank=True, verbose_name=_("cấp thực hiện"))
    life_events = models.ManyToManyField(LifeEvent, blank=True, related_name="procedures")
    issuing_agency = models.CharField(_("cơ quan ban hành"), max_length=300, blank=True)
    status = models.CharField(
        _("tình trạng"), max_length=12, choices=Status.choices, default=Status.PUBLISHED
    )
    # Highest online service level offered by any agency (kept by services for filtering).
    service_level = models.CharField(
        _("mức độ dịch vụ công trực tuyến"), max_length=12, choices=ServiceLevel.choices, blank=True
    )
    current_version = models.ForeignKey(
        "ProcedureVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Search: folded (accent-free) text maintained by services; indexed per database (see migrations).
    name_folded = models.CharField(max_length=1000, blank=True)
    search_document = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        indexes = [models.Index(fields=["field", "status"]), models.Index(fields=["service_level"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ProcedureVersion(models.Model):
    """A procedure's content from one effective date on (a dossier keeps the version it was filed under)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("phiên bản"))
    effective_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    effective_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    decision_number = models.CharField(_("số quyết định công bố"), max_length=200, blank=True)
    procedure_type = models.CharField(_("loại thủ tục"), max_length=300, blank=True)
    target_groups = models.JSONField(_("đối tượng thực hiện"), default=list, blank=True)
    competent_authority = models.TextField(_("cơ quan có thẩm quyền"), blank=True)
    implementing_agency = models.TextField(_("cơ quan thực hiện"), blank=True)
    coordinating_agency = models.TextField(_("cơ quan phối hợp"), blank=True)
    steps = models.TextField(_("trình tự thực hiện"), blank=True)
    conditions = models.TextField(_("yêu cầu, điều kiện"), blank=True)
    no_appointment_date = models.BooleanField(_("không có ngày hẹn trả"), default=False)
    # E-form of the procedure: [{"name", "label", "type": text|textarea|date|choice, "required", "help",
    # "choices": [...], "prefill": profile field}]; the dossier form is generated from it.
    form_schema = models.JSONField(_("biểu mẫu điện tử"), default=list, blank=True)
    source_url = models.URLField(_("nguồn"), max_length=500, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["procedure", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="unique_procedure_version")
        ]
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number}"


class DurationUnit(models.TextChoices):
    WORKING_DAYS = r.UNIT_WORKING_DAYS, _("ngày làm việc")
    DAYS = r.UNIT_DAYS, _("ngày")
    HOURS = r.UNIT_HOURS, _("giờ")
    WEEKS = r.UNIT_WEEKS, _("tuần")
    MONTHS = r.UNIT_MONTHS, _("tháng")
    YEARS = r.UNIT_YEARS, _("năm")
    NO_DEADLINE = r.UNIT_NO_DEADLINE, _("không có ngày hẹn trả")
    UNSTATED = r.UNIT_UNSTATED, _("(không ghi đơn vị)")


class Channel(models.TextChoices):
    """KenhThucHien: 1 trực tiếp, 2 trực tuyến, 3 bưu chính công ích."""

    ONLINE = r.CHANNEL_ONLINE, _("Trực tuyến")
    POSTAL = r.CHANNEL_POSTAL, _("Dịch vụ bưu chính")
    IN_PERSON = r.CHANNEL_IN_PERSON, _("Trực tiếp")


class ChannelOption(models.Model):
    """Cách thức thực hiện: one channel with its processing time."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="channels")
    channel = models.CharField(max_length=12, choices=Channel.choices)
    duration_value = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    duration_unit = models.CharField(
        max_length=16, choices=DurationUnit.choices, default=DurationUnit.UNSTATED
    )
    duration_text = models.CharField(max_length=500, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["version", "id"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.duration_value} {self.get_duration_unit_display()}"


class FeeItem(models.Model):
    """Phí, lệ phí: national (on a version) or local (on an agency offering)."""

    class Kind(models.TextChoices):
        CHARGE = r.FEE_KIND_CHARGE, _("Lệ phí")
        FEE = r.FEE_KIND_FEE, _("Phí")

    class Per(models.TextChoices):
        FIXED = r.FEE_PER_FIXED, _("mỗi hồ sơ")
        COPY = r.FEE_PER_COPY, _("mỗi bản")
        PAGE = r.FEE_PER_PAGE, _("mỗi trang")
        CASE = r.FEE_PER_CASE, _("mỗi trường hợp")

    version = models.ForeignKey(
        ProcedureVersion, null=True, blank=True, on_delete=models.CASCADE, related_name="fees"
    )
    offering = models.ForeignKey(
        "AgencyProcedure", null=True, blank=True, on_delete=models.CASCADE, related_name="fees"
    )
    channel = models.CharField(max_length=12, choices=Channel.choices, blank=True)  # "" = every channel
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.CHARGE)
    name = models.CharField(max_length=500)
    amount = models.PositiveBigIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=3, default="VND")
    per = models.CharField(max_length=10, choices=Per.choices, default=Per.FIXED)
    is_free = models.BooleanField(default=False)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(version__isnull=False) | models.Q(offering__isnull=False),
                name="fee_item_has_owner",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__lte=1_000_000_000),
                name="fee_item_amount_sane",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount} {self.currency}"

    @property
    def note_unbracketed(self) -> str:
        """The note without the brackets the source put round it: the page adds its own."""
        note = self.note.strip()
        while note.startswith("(") and note.endswith(")") and _balanced(note[1:-1]):
            note = note[1:-1].strip()
        return note

    @property
    def label(self) -> str:
        """ "Lệ phí – Phí khai thác…", or just the name when it already says what it is ("Lệ phí cấp…")."""
        kind = str(self.get_kind_display())
        if not self.name or self.name == kind:
            return kind
        if self.name.casefold().startswith(kind.casefold()):
            return self.name
        return f"{kind} – {self.name}"


class Component(models.Model):
    """Thành phần hồ sơ: a document to submit, grouped by case (trường hợp)."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="components")
    case = models.CharField(_("trường hợp"), max_length=1000, blank=True)
    name = models.TextField(_("tên giấy tờ"))
    form_name = models.CharField(_("mẫu đơn, tờ khai"), max_length=500, blank=True)
    original_count = models.PositiveSmallIntegerField(_("bản chính"), default=0)
    copy_count = models.PositiveSmallIntegerField(_("bản sao"), default=0)
    quantity_text = models.CharField(max_length=200, blank=True)
    required = models.BooleanField(_("bắt buộc"), default=True)
    position = models.PositiveSmallIntegerField(default=0)
    # Kinds of file accepted for this component ("pdf", "jpeg", "png", "doc", "docx", "xlsx"); empty
    # means scans and office documents (all of them). A form may ask for docx/xlsx, a photo for jpeg.
    file_types = models.JSONField(_("loại tệp được nộp"), default=list, blank=True)
    # The downloadable declaration (FormTemplate.code) named by this component, if we have it.
    form_code = models.CharField(_("mã mẫu tờ khai"), max_length=40, blank=True)
    # True when the procedure's e-form (ProcedureVersion.form_schema) is this declaration: a dossier
    # filed online fills the e-form instead of uploading the signed paper form.
    eform_replaces_upload = models.BooleanField(
        _("thay bằng biểu mẫu điện tử khi nộp trực tuyến"), default=False
    )

    class Meta:
        ordering = ["version", "position", "id"]

    def __str__(self) -> str:
        return self.name


class ResultDocument(models.Model):
    """Kết quả thực hiện, with its national result code (KQ.G15.000031)."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="results")
    name = models.CharField(max_length=1000)
    code = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["version", "id"]

    def __str__(self) -> str:
        return self.name


class LegalBasis(models.Model):
    """Căn cứ pháp lý."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="legal_bases")
    title = models.TextField()
    number = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["version", "id"]

    def __str__(self) -> str:
        return self.number or self.title[:80]


class AgencyProcedure(models.Model):
    """A procedure as offered by one agency (MaTTHCDP), with local settings."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="offerings")
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="offerings")
    local_code = models.CharField(_("mã thủ tục tại địa phương"), max_length=40, unique=True)
    service_level = models.CharField(
        _("mức độ dịch vụ công trực tuyến"),
        max_length=12,
        choices=Procedure.ServiceLevel.choices,
        blank=True,
    )
    online_duration_value = models.DecimalField(
        _("thời hạn giải quyết hồ sơ trực tuyến"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    online_duration_unit = models.CharField(max_length=16, choices=DurationUnit.choices, blank=True)
    is_active = models.BooleanField(_("đang cung cấp"), default=True)

    class Meta:
        ordering = ["agency", "procedure"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "procedure"], name="unique_agency_procedure")
        ]
        indexes = [
            models.Index(fields=["procedure", "is_active"]),
            models.Index(fields=["agency", "is_active"]),
        ]
        verbose_name = _("thủ tục tại cơ quan")
        verbose_name_plural = _("thủ tục tại cơ quan")

    def __str__(self) -> str:
        return self.local_code


class FormTemplate(models.Model):
    """A declaration (tờ khai, mẫu đơn) people can download, print and fill in by hand.

    ``fields`` lists the official template's items ([{"label": ..., "lines": 1}], {"section": ...},
    {"pledge": ...}) from which the
    printable PDF is drawn; ``national_file_name`` keeps the file name the national catalogue publishes
    (the link people know) when we ship no file of our own.
    """

    code = models.SlugField(_("mã mẫu"), max_length=40, unique=True)
    name = models.CharField(_("tên mẫu"), max_length=500)
    legal_source = models.CharField(_("ban hành kèm theo"), max_length=300, blank=True)
    heading = models.CharField(_("tiêu đề trên mẫu"), max_length=300, blank=True)
    addressee = models.CharField(_("kính gửi"), max_length=300, blank=True)
    fields = models.JSONField(_("các mục của mẫu"), default=list, blank=True)
    signers = models.JSONField(_("người ký"), default=list, blank=True)  # ["Người yêu cầu"] when empty
    national_file_name = models.CharField(_("tên tệp trên CSDL quốc gia"), max_length=300, blank=True)
    national_url = models.URLField(_("đường dẫn tệp trên CSDL quốc gia"), max_length=500, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("mẫu đơn, tờ khai")
        verbose_name_plural = _("mẫu đơn, tờ khai")

    def __str__(self) -> str:
        return self.name

    @property
    def has_file(self) -> bool:
        return bool(self.fields)


class SearchSynonym(models.Model):
    """An everyday phrase and the official words the search uses instead ("cccd" → "căn cước").

    Both sides are stored as typed; the search folds them (no accents, lower case). Maintained by the
    administrator in the Django admin; seeded from ``catalogue/data/synonyms.json``.
    """

    phrase = models.CharField(_("cách nói thường dùng"), max_length=200, unique=True)
    replacement = models.CharField(_("thay bằng (từ ngữ chính thức)"), max_length=300)
    is_active = models.BooleanField(_("đang dùng"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["phrase"]
        verbose_name = _("từ đồng nghĩa khi tìm kiếm")
        verbose_name_plural = _("từ đồng nghĩa khi tìm kiếm")

    def __str__(self) -> str:
        return f"{self.phrase} → {self.replacement}"


def _balanced(text: str) -> bool:
    """True when every bracket in ``text`` closes one opened before it."""
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0

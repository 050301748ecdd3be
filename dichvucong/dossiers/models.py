"""Dossiers (hồ sơ): what a citizen files, its files, its events, supplement requests and code counters.

Status changes happen only in ``dossiers.workflow`` (the state machine); nothing else writes ``status``.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dichvucong.agencies.models import Agency
from dichvucong.catalogue.models import AgencyProcedure, Component, Procedure, ProcedureVersion


class Status(models.TextChoices):
    """Statuses mapped 1:1 to the national sync codes (TrangThaiHoSo 1–10), plus the draft."""

    DRAFT = "draft", _("Bản nháp")
    SUBMITTED = "submitted", _("Mới đăng ký")
    ACCEPTED = "accepted", _("Được tiếp nhận")
    REFUSED = "refused", _("Không được tiếp nhận")
    PROCESSING = "processing", _("Đang xử lý")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Yêu cầu bổ sung")
    PAYMENT_REQUESTED = "payment_requested", _("Yêu cầu thực hiện nghĩa vụ tài chính")
    WITHDRAWAL_REQUESTED = "withdrawal_requested", _("Công dân yêu cầu rút hồ sơ")
    STOPPED = "stopped", _("Dừng xử lý")
    RESOLVED = "resolved", _("Đã xử lý xong")
    RETURNED = "returned", _("Đã trả kết quả")


NATIONAL_STATUS_CODE = {
    Status.SUBMITTED: 1,
    Status.ACCEPTED: 2,
    Status.REFUSED: 3,
    Status.PROCESSING: 4,
    Status.SUPPLEMENT_REQUESTED: 5,
    Status.PAYMENT_REQUESTED: 6,
    Status.WITHDRAWAL_REQUESTED: 7,
    Status.STOPPED: 8,
    Status.RESOLVED: 9,
    Status.RETURNED: 10,
}


class Channel(models.TextChoices):
    """KenhThucHien: 1 trực tiếp, 2 trực tuyến, 3 bưu chính công ích."""

    IN_PERSON = "in_person", _("Trực tiếp")
    ONLINE = "online", _("Trực tuyến")
    POSTAL = "postal", _("Bưu chính công ích")


NATIONAL_CHANNEL_CODE = {Channel.IN_PERSON: 1, Channel.ONLINE: 2, Channel.POSTAL: 3}


class ResultDelivery(models.TextChoices):
    COUNTER = "counter", _("Nhận tại Bộ phận một cửa")
    POST = "post", _("Nhận qua dịch vụ bưu chính công ích")
    ONLINE = "online", _("Nhận bản điện tử trực tuyến")


class SupplementState(models.TextChoices):
    """Sub-state while a supplement is awaited (TrangThaiBoSung)."""

    NONE = "", _("Không")
    AWAITING_CITIZEN = "awaiting_citizen", _("Yêu cầu công dân bổ sung")
    CITIZEN_SENT = "citizen_sent", _("Công dân đã gửi bổ sung")


def _tracking_secret() -> str:
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


class Dossier(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("mã hồ sơ"), max_length=40, unique=True, null=True, blank=True)
    tracking_secret = models.CharField(
        _("mã tra cứu"), max_length=12, default=_tracking_secret, editable=False
    )
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="dossiers")
    version = models.ForeignKey(ProcedureVersion, on_delete=models.PROTECT, related_name="dossiers")
    offering = models.ForeignKey(AgencyProcedure, on_delete=models.PROTECT, related_name="dossiers")
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("cơ quan giải quyết")
    )
    intake_agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("nơi tiếp nhận"),
    )
    # The special cases (trường hợp) that apply, one per line; empty: the general case only (see cases.py).
    case = models.TextField(_("trường hợp"), blank=True)
    channel = models.CharField(_("kênh nộp"), max_length=12, choices=Channel.choices, default=Channel.ONLINE)
    status = models.CharField(_("trạng thái"), max_length=24, choices=Status.choices, default=Status.DRAFT)
    supplement_state = models.CharField(max_length=20, choices=SupplementState.choices, blank=True)
    # The status a pause (supplement, financial obligation, withdrawal request) interrupted: see workflow.
    resume_status = models.CharField(max_length=24, choices=Status.choices, blank=True)

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="dossiers"
    )
    applicant_name = models.CharField(_("người nộp"), max_length=300)
    applicant_id_number = models.CharField(_("số giấy tờ người nộp"), max_length=20, blank=True)
    applicant_phone = models.CharField(_("điện thoại"), max_length=16, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    owner_name = models.CharField(_("chủ hồ sơ"), max_length=300, blank=True)
    owner_id_number = models.CharField(_("số giấy tờ chủ hồ sơ"), max_length=20, blank=True)
    owner_address = models.CharField(_("địa chỉ chủ hồ sơ"), max_length=500, blank=True)
    form_data = models.JSONField(default=dict, blank=True)
    # The owner's account was proven through the national e-ID when the dossier was submitted (sync flag
    # TaiKhoanDuocXacThucVoiVNeID, domain.md §3.3).
    owner_vneid_authenticated = models.BooleanField(_("chủ hồ sơ xác thực qua VNeID"), default=False)

    result_delivery = models.CharField(
        _("hình thức nhận kết quả"),
        max_length=10,
        choices=ResultDelivery.choices,
        default=ResultDelivery.COUNTER,
    )
    delivery_address = models.CharField(_("địa chỉ nhận kết quả"), max_length=500, blank=True)
    home_pickup = models.BooleanField(_("bưu điện đến nhận bản giấy tại nhà"), default=False)
    pickup_address = models.CharField(_("địa chỉ bưu điện đến nhận bản giấy"), max_length=500, blank=True)

    submitted_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(_("ngày hẹn trả"), null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    supplement_count = models.PositiveSmallIntegerField(default=0)
    refusal_reasons = models.JSONField(default=list, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The client's Idempotency-Key of a one-request submission: a retry returns the same dossier.
    client_ref = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "client_ref"],
                condition=~models.Q(client_ref=""),
                name="dossier_unique_client_ref",
            )
        ]
        indexes = [
            models.Index(fields=["agency", "status", "submitted_at"], name="dossier_queue"),
            models.Index(fields=["applicant", "-created_at"], name="dossier_mine"),
            models.Index(fields=["status", "due_at"], name="dossier_due"),
            models.Index(fields=["agency", "received_at"], name="dossier_ledger"),
        ]
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")

    def __str__(self) -> str:
        return self.code or f"Nháp {self.public_id}"

    @property
    def national_status(self) -> int | None:
        return NATIONAL_STATUS_CODE.get(self.status)

    @property
    def national_channel(self) -> int:
        return NATIONAL_CHANNEL_CODE[self.channel]


class DossierFile(models.Model):
    """A file attached for one dossier component (thành phần hồ sơ), kept in the owner's document store."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="files")
    component = models.ForeignKey(
        Component, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    document = models.ForeignKey(
        "documents.StoredDocument", on_delete=models.PROTECT, related_name="dossier_files"
    )
    supplement = models.ForeignKey(
        "SupplementRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="files"
    )
    reused = models.BooleanField(_("tái sử dụng từ kho"), default=False)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["component_id", "added_at"]

    def __str__(self) -> str:
        return f"{self.dossier} · {self.document}"


class DossierEvent(models.Model):
    """Append-only history (QuaTrinhXuLy): who did what, when, from which status to which."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor_role = models.CharField(max_length=20, blank=True)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    step_due_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["dossier", "created_at"])]

    def __str__(self) -> str:
        return f"{self.dossier} {self.action}"

    @property
    def label(self) -> str:
        return event_label(self.action, self.data)


def event_label(action: str, data: dict | None) -> str:
    """The Vietnamese label of an event: the transition's, or ``data["label"]`` for events that are not
    status transitions (postal steps, reminders), or the action name as a last resort."""
    from dichvucong.dossiers.workflow import TRANSITIONS

    spec = TRANSITIONS.get(action)
    if spec is not None:
        return spec.label
    return str((data or {}).get("label") or action)


class SupplementRequest(models.Model):
    """Phiếu yêu cầu bổ sung (Mẫu 02): every missing item at once, with a deadline for the citizen."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="supplements")
    items = models.JSONField(default=list)  # [{"name": "...", "reason": "..."}]
    deadline = models.DateField(_("hạn bổ sung"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField()
    citizen_note = models.TextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_before = models.DateTimeField(null=True, blank=True)
    due_after = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at"]

    def __str__(self) -> str:
        return f"{self.dossier} bổ sung {self.requested_at:%d/%m/%Y}"


class DossierCodeCounter(models.Model):
    """Per-agency daily sequence for dossier codes, incremented atomically in one statement."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="unique_code_counter")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day} {self.last_number}"

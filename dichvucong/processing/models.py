"""Processing in the competent agency: workflows as data, each dossier's place in its workflow, the control
sheet (Phiếu kiểm soát quá trình giải quyết hồ sơ), results, late notices (Mẫu 04), stop notices (Mẫu 05),
withdrawal requests and the record of the result's return.

The dossier's status belongs to ``dossiers.workflow``; nothing here writes ``Dossier.status``.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dichvucong.accounts.models import StaffRole
from dichvucong.agencies.models import Agency
from dichvucong.catalogue.models import AgencyProcedure
from dichvucong.dossiers.models import Dossier

STEP_ROLES = [
    (StaffRole.SPECIALIST, StaffRole.SPECIALIST.label),
    (StaffRole.HEAD_OF_UNIT, StaffRole.HEAD_OF_UNIT.label),
    (StaffRole.LEADER, StaffRole.LEADER.label),
    (StaffRole.CLERK, StaffRole.CLERK.label),
    (StaffRole.RECEPTIONIST, StaffRole.RECEPTIONIST.label),
]


class Workflow(models.Model):
    """Quy trình giải quyết: the default of an agency type, or an agency's own for one procedure."""

    name = models.CharField(_("tên quy trình"), max_length=300)
    agency_kind = models.CharField(_("loại cơ quan"), max_length=40, choices=Agency.Kind.choices, blank=True)
    offering = models.OneToOneField(
        AgencyProcedure,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="workflow",
        verbose_name=_("thủ tục tại cơ quan"),
    )
    allow_recall = models.BooleanField(_("cho phép thu hồi khi người nhận chưa xử lý"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency_kind"],
                condition=models.Q(offering__isnull=True),
                name="one_default_workflow_per_agency_kind",
            ),
            models.CheckConstraint(
                condition=~models.Q(agency_kind="") | models.Q(offering__isnull=False),
                name="workflow_has_scope",
            ),
        ]
        verbose_name = _("quy trình giải quyết")
        verbose_name_plural = _("quy trình giải quyết")

    def __str__(self) -> str:
        return self.name


class Step(models.Model):
    """One step: who (role, unit), how long (working hours), and what it does to the result."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.CharField(_("tên bước"), max_length=200)
    role = models.CharField(_("vai trò thực hiện"), max_length=20, choices=STEP_ROLES)
    unit_name = models.CharField(_("đơn vị, bộ phận"), max_length=200, blank=True)
    budget_hours = models.DecimalField(_("thời gian (giờ làm việc)"), max_digits=6, decimal_places=2)
    produces_draft = models.BooleanField(_("dự thảo kết quả"), default=False)
    signs = models.BooleanField(_("ký duyệt kết quả"), default=False)
    issues_result = models.BooleanField(_("ban hành, trả kết quả về một cửa"), default=False)
    allow_send_back = models.BooleanField(_("được trả lại bước trước"), default=True)
    allow_self_approval = models.BooleanField(_("được tự duyệt dự thảo của mình"), default=False)

    class Meta:
        ordering = ["workflow_id", "position"]
        constraints = [models.UniqueConstraint(fields=["workflow", "position"], name="unique_step_position")]
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("bước xử lý")

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"


class TrackState(models.TextChoices):
    IN_PROGRESS = "in_progress", _("Đang giải quyết")
    AT_COUNTER = "at_counter", _("Chờ trả kết quả")
    CLOSED = "closed", _("Đã kết thúc")


# The "step" a dossier is at once the result is issued: the one-stop counter returns it.
COUNTER_STEP_NAME = "Bộ phận Tiếp nhận và Trả kết quả"


class Track(models.Model):
    """Where one dossier is in its workflow now (one row per dossier; the history is the control sheet)."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="track")
    workflow = models.ForeignKey(Workflow, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")  # = dossier.agency
    state = models.CharField(max_length=12, choices=TrackState.choices, default=TrackState.IN_PROGRESS)
    step = models.ForeignKey(Step, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)  # 0: at the counter
    step_name = models.CharField(max_length=200)
    role = models.CharField(
        max_length=20
    )  # who works on it now (the step's role; receptionist at the counter)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    step_started_at = models.DateTimeField()
    step_due_at = models.DateTimeField(null=True, blank=True)
    # The plan of the current step and the steps after it: [{"position", "name", "due_at"}] (``planning``).
    plan = models.JSONField(default=list, blank=True)
    # A copy of dossier.due_at so the inbox counts read one table; refreshed on every hand-over, by Mẫu 04,
    # on opening the dossier and by the periodic alerts task (``track_sync_due``).
    dossier_due_at = models.DateTimeField(null=True, blank=True)
    draft_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Late alerts already sent (the periodic task never alerts the same step or due date twice).
    step_alerted_at = models.DateTimeField(null=True, blank=True)
    dossier_alert_key = models.CharField(max_length=40, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["assignee", "state", "step_due_at", "dossier"], name="track_mine"),
            models.Index(fields=["agency", "role", "state", "step_due_at", "dossier"], name="track_unit"),
            models.Index(fields=["agency", "state", "dossier_due_at"], name="track_agency_due"),
            models.Index(fields=["state", "step_due_at"], name="track_due"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} @ {self.step_name}"

    @property
    def plan_items(self) -> list[dict]:
        """The stored plan with its due times as datetimes (for the page)."""
        return [
            {**item, "due_at": datetime.datetime.fromisoformat(item["due_at"])} for item in self.plan or []
        ]


class HandoverKind(models.TextChoices):
    START = "start", _("Chuyển xử lý")
    FORWARD = "forward", _("Chuyển bước tiếp theo")
    SEND_BACK = "send_back", _("Trả lại bước trước")
    RECALL = "recall", _("Thu hồi")
    REASSIGN = "reassign", _("Bàn giao cho cán bộ khác")
    ISSUE = "issue", _("Chuyển kết quả về Bộ phận một cửa")


class ControlSheetEntry(models.Model):
    """One row of the Phiếu kiểm soát: who handed the dossier to whom, when, and how the receiver's step went
    (its due time, when it finished, and whether that was on time)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="control_sheet")
    kind = models.CharField(max_length=10, choices=HandoverKind.choices)
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_step_name = models.CharField(max_length=200)
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_step_name = models.CharField(max_length=200)
    to_position = models.PositiveSmallIntegerField(default=0)
    note = models.TextField(blank=True)
    handed_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True)  # the receiver's step deadline
    received_at = models.DateTimeField(null=True, blank=True)  # the receiver first opened it
    finished_at = models.DateTimeField(null=True, blank=True)  # the receiver handed it on
    on_time = models.BooleanField(null=True)

    class Meta:
        ordering = ["handed_at", "id"]
        indexes = [models.Index(fields=["dossier", "handed_at"])]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.from_step_name} → {self.to_step_name}"

    @property
    def outcome(self) -> str:
        """Trước hạn / Đúng hạn / Quá hạn, as on the printed sheet ("" while the step is open)."""
        if self.finished_at is None:
            return ""
        if self.due_at is None or self.on_time is None:
            return "Đúng hạn"
        if not self.on_time:
            return "Quá hạn"
        return "Trước hạn" if self.finished_at.date() < self.due_at.date() else "Đúng hạn"


class DossierResult(models.Model):
    """A result document (kết quả giải quyết) with its national result code."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="results")
    result_code = models.CharField(_("mã kết quả"), max_length=40, blank=True)
    name = models.CharField(_("tên kết quả"), max_length=1000)
    document = models.ForeignKey("documents.StoredDocument", on_delete=models.PROTECT, related_name="+")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField()
    downloaded_at = models.DateTimeField(null=True, blank=True)
    # Vào số: the number and signing date the clerk (văn thư) records; numbers run per agency and year.
    number = models.CharField(_("số, ký hiệu"), max_length=60, blank=True)
    signed_on = models.DateField(_("ngày ký"), null=True, blank=True)
    register_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    register_year = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["issued_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["register_agency", "register_year", "number"],
                condition=~models.Q(number=""),
                name="result_number_unique_per_agency_year",
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.result_code} {self.name[:40]}"


class DraftState(models.TextChoices):
    PENDING = "pending", _("Chờ ký duyệt")
    SIGNED = "signed", _("Đã ký duyệt")
    RETURNED = "returned", _("Trả lại để sửa")
    REPLACED = "replaced", _("Đã thay bằng bản khác")


class DraftResult(models.Model):
    """Dự thảo kết quả: the file the drafting step attaches for the signing step to approve (sign) or send
    back; once signed it goes on to the issuing step (văn thư), which may issue it as the result."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="draft_results")
    name = models.CharField(_("tên kết quả"), max_length=1000)
    result_code = models.CharField(_("mã kết quả"), max_length=40, blank=True)
    document = models.ForeignKey("documents.StoredDocument", on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("ghi chú"), blank=True)
    state = models.CharField(max_length=10, choices=DraftState.choices, default=DraftState.PENDING)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    drafted_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["drafted_at", "id"]

    def __str__(self) -> str:
        return f"Dự thảo {self.dossier_id} {self.state}"


class NoticeState(models.TextChoices):
    DRAFT = "draft", _("Chờ lãnh đạo duyệt")
    APPROVED = "approved", _("Đã duyệt")
    REJECTED = "rejected", _("Không duyệt")


class DecidedDraft(models.Model):
    """A notice drafted by one officer and approved or rejected by a leader (Mẫu 04, Mẫu 05)."""

    state = models.CharField(max_length=10, choices=NoticeState.choices, default=NoticeState.DRAFT)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    drafted_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["drafted_at", "id"]


class LateNotice(DecidedDraft):
    """Mẫu 04: Văn bản xin lỗi và hẹn lại ngày trả kết quả (drafted by a specialist, approved by a leader)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="late_notices")
    reason = models.TextField(_("lý do chậm"))
    old_due_at = models.DateTimeField(null=True)
    new_due_at = models.DateTimeField(_("ngày hẹn trả mới"))

    def __str__(self) -> str:
        return f"Mẫu 04 {self.dossier_id} {self.state}"


class StopNotice(DecidedDraft):
    """Mẫu 05 (TT 03/2025): Thông báo dừng giải quyết hồ sơ, with its reasons."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="stop_notices")
    reasons = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"Mẫu 05 {self.dossier_id} {self.state}"


class WithdrawalRequest(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="withdrawal_requests")
    reason = models.TextField(_("lý do rút hồ sơ"))
    requested_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=NoticeState.choices, default=NoticeState.DRAFT)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["requested_at", "id"]

    def __str__(self) -> str:
        return f"Rút hồ sơ {self.dossier_id} {self.state}"


class ReturnMethod(models.TextChoices):
    COUNTER = "counter", _("Trả tại Bộ phận một cửa")
    ONLINE = "online", _("Công dân tải kết quả trực tuyến")


class ReturnRecord(models.Model):
    """Who received the result, how, and whether the originals were checked (Đã trả kết quả)."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="return_record")
    method = models.CharField(max_length=10, choices=ReturnMethod.choices)
    recipient_name = models.CharField(_("người nhận kết quả"), max_length=300)
    recipient_id_number = models.CharField(_("số giấy tờ người nhận"), max_length=20, blank=True)
    originals_checked = models.BooleanField(_("đã kiểm tra, thu bản chính"), default=False)
    signature_note = models.CharField(_("ký nhận"), max_length=300, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    returned_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Trả kết quả {self.dossier_id}"

"""Phản ánh, kiến nghị (PAKN) with the national system's statuses and SLA clocks in working days (refuse
within 2, request more information within 5, resolve within 15, publish within 2: domain.md §1.3, KPI 5.x).

Status changes happen only in ``feedback.services``; each one writes a ``FeedbackEvent``."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dichvucong.agencies.models import Agency
from dichvucong.catalogue.models import Procedure
from dichvucong.dossiers.models import Dossier


class FeedbackStatus(models.TextChoices):
    NEW = "new", _("Mới")
    RECEIVED = "received", _("Đã tiếp nhận tại địa phương")
    PROCESSING = "processing", _("Đang xử lý")
    AWAITING_INFO = "awaiting_info", _("Chờ bổ sung thông tin")
    AWAITING_PUBLISH = "awaiting_publish", _("Chờ công khai")
    PUBLISHED = "published", _("Đã công khai")
    RETURNED = "returned", _("Trả lại")
    REFUSED = "refused", _("Từ chối tiếp nhận")


class Subject(models.TextChoices):
    PROCEDURE = "procedure", _("Thủ tục hành chính")
    AGENCY = "agency", _("Cơ quan")
    DOSSIER = "dossier", _("Hồ sơ")


class Feedback(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("mã phản ánh"), max_length=30, unique=True)
    subject = models.CharField(_("phản ánh về"), max_length=10, choices=Subject.choices)
    procedure = models.ForeignKey(
        Procedure, null=True, blank=True, on_delete=models.PROTECT, related_name="feedbacks"
    )
    dossier = models.ForeignKey(
        Dossier, null=True, blank=True, on_delete=models.PROTECT, related_name="feedbacks"
    )
    # The competent agency it is routed to (null until routed).
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="feedbacks"
    )
    status = models.CharField(max_length=20, choices=FeedbackStatus.choices, default=FeedbackStatus.NEW)
    title = models.CharField(_("tiêu đề"), max_length=300)
    content = models.TextField(_("nội dung"))

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedbacks"
    )
    sender_name = models.CharField(_("họ và tên"), max_length=200)
    sender_phone = models.CharField(_("điện thoại"), max_length=16, blank=True)
    sender_email = models.EmailField(_("thư điện tử"), blank=True)
    # A later feedback raising the same matter again (tái phản ánh): the earlier one is not "satisfied".
    reraises = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reraised_by"
    )

    created_at = models.DateTimeField(auto_now_add=True)
    received_at = models.DateTimeField(null=True, blank=True)  # routed agency took it (or refused it)
    info_requested_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)  # answer approved → awaiting publication
    # The "resolve" deadline as it stood when the answer was drafted: a draft sent back for revision
    # resumes that clock (the time spent awaiting approval counts).
    resolve_due_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)  # refused, returned or published
    # The SLA clock running now (refuse / request more / resolve / publish), and its deadline.
    clock = models.CharField(max_length=12, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    # Each SLA clock's outcome once it stopped: {"refuse": true, "resolve": false, …} (true: in time).
    sla = models.JSONField(default=dict, blank=True)

    answer = models.TextField(_("nội dung trả lời"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    likes = models.PositiveIntegerField(default=0)
    dislikes = models.PositiveIntegerField(default=0)

    # Sent to the province's one-stop centre because no single agency is competent: route it by hand.
    needs_routing = models.BooleanField(default=False)
    # What the public list shows, masked when the answer is published (phones, e-mails, ID numbers, the
    # sender's name); the raw text above is for the sender and the agency only.
    public_title = models.CharField(max_length=300, blank=True)
    public_content = models.TextField(blank=True)
    public_answer = models.TextField(blank=True)
    # The public search's text: the masked title and content, the code and the procedure's code, folded
    # (core.text.fold: no accents, lower case), so "thu tuc" finds "thủ tục". Trigram-indexed on PostgreSQL
    # (migration 0003); filled when the answer is published.
    public_folded = models.TextField(blank=True)
    # Alerts already sent for the running clock ("<clock>:<due ISO>"), so the periodic job sends each once.
    due_soon_alerted = models.CharField(max_length=60, blank=True)
    overdue_alerted = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["agency", "status", "created_at"], name="feedback_queue"),
            models.Index(fields=["status", "due_at"], name="feedback_due"),
            models.Index(fields=["status", "-published_at"], name="feedback_published"),
        ]
        verbose_name = _("phản ánh, kiến nghị")
        verbose_name_plural = _("phản ánh, kiến nghị")

    def __str__(self) -> str:
        return self.code

    @property
    def late(self) -> bool:
        return any(value is False for value in self.sla.values())


EVENT_LABELS = {
    "submit": _("Gửi phản ánh, kiến nghị"),
    "receive": _("Cơ quan tiếp nhận"),
    "refuse": _("Từ chối tiếp nhận"),
    "route": _("Chuyển cơ quan xử lý"),
    "request_info": _("Đề nghị bổ sung thông tin"),
    "add_info": _("Người gửi bổ sung thông tin"),
    "answer": _("Dự thảo trả lời"),
    "publish": _("Duyệt và công khai trả lời"),
    "return": _("Trả lại"),
    "send_back": _("Trả lại dự thảo trả lời để chỉnh sửa"),
}


class FeedbackEvent(models.Model):
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.feedback_id} {self.action}"

    def get_action_label(self) -> str:
        return str(EVENT_LABELS.get(self.action, self.action))


class FeedbackVote(models.Model):
    """One like or dislike of a published answer per account (``voter`` "user:<pk>"; rows "anon:…" and
    "ip:…" are from before votes needed an account); the unique constraint is what makes "once" hold when two
    clicks race (feedback.votes)."""

    class Value(models.TextChoices):
        LIKE = "like", _("Hữu ích")
        DISLIKE = "dislike", _("Chưa hài lòng")

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="votes")
    voter = models.CharField(max_length=80)
    value = models.CharField(max_length=8, choices=Value.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["feedback", "voter"], name="feedback_vote_once")]

    def __str__(self) -> str:
        return f"{self.feedback_id} {self.value}"

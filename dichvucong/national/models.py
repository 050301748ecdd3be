"""The national sync outbox: one row per dossier (what the portal must know), one row per push attempt.

A dossier's row remembers the newest dossier event the portal must reflect (``wanted_event_id``) and the
newest one an accepted push carried (``pushed_event_id``). A push always sends the dossier as it is now
(status, dates, documents, fees, supplements, results and the whole process log), so several changes waiting
together go as one push, and a retry can never send an older state than one already accepted.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dichvucong.dossiers.models import Dossier


class SyncState(models.TextChoices):
    PENDING = "pending", _("Chờ đồng bộ")
    SENDING = "sending", _("Đang gửi")
    SYNCED = "synced", _("Đã đồng bộ")
    # Gave up (a refusal the portal will repeat, or too many failures): only "gửi lại" or a new change
    # of the dossier starts it again.
    DEAD = "dead", _("Đồng bộ lỗi, đã dừng gửi")


class NationalSync(models.Model):
    State = SyncState

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="national_sync")
    state = models.CharField(_("trạng thái"), max_length=10, choices=SyncState.choices, default="pending")
    wanted_event_id = models.BigIntegerField(default=0)
    pushed_event_id = models.BigIntegerField(default=0)
    # The portal has the dossier (a create was accepted or it answered that the dossier exists).
    on_portal = models.BooleanField(_("đã có trên Cổng quốc gia"), default=False)
    pushed_status = models.PositiveSmallIntegerField(_("trạng thái đã đồng bộ"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần thử liên tiếp"), default=0)
    # When the oldest change not yet accepted was recorded: the sweeper catches up oldest first.
    pending_since = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("gửi lại lúc"), default=timezone.now)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    last_attempt_at = models.DateTimeField(_("lần gửi gần nhất"), null=True, blank=True)
    synced_at = models.DateTimeField(_("đồng bộ xong lúc"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đồng bộ hồ sơ lên Cổng quốc gia")
        verbose_name_plural = _("đồng bộ hồ sơ lên Cổng quốc gia")
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="national_sync_due"),
            models.Index(fields=["state", "locked_until"], name="national_sync_lease"),
            models.Index(fields=["state", "pending_since"], name="national_sync_backlog"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=SyncState.values), name="national_sync_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.state}"

    @property
    def behind(self) -> bool:
        return self.wanted_event_id > self.pushed_event_id


class SyncAttempt(models.Model):
    """One call to the portal (create or update) and its outcome, for the operator."""

    sync = models.ForeignKey(NationalSync, on_delete=models.CASCADE, related_name="attempt_log")
    operation = models.CharField(max_length=10)  # create | update
    event_id = models.BigIntegerField(default=0)  # the newest dossier event the payload carried
    national_status = models.PositiveSmallIntegerField(null=True, blank=True)
    ok = models.BooleanField(default=False)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["sync", "-created_at"], name="national_attempt_recent")]

    def __str__(self) -> str:
        return f"{self.sync_id} {self.operation} {'ok' if self.ok else 'error'}"


class InboundDossier(models.Model):
    """A dossier the national portal sent us (issue 13 part 2): one row per national dossier id, so the same
    id again answers with the same code of ours and creates nothing."""

    national_id = models.CharField(_("mã hồ sơ trên Cổng quốc gia"), max_length=64, unique=True)
    dossier = models.OneToOneField(Dossier, on_delete=models.PROTECT, related_name="national_inbound")
    body_sha256 = models.CharField(max_length=64)
    received_at = models.DateTimeField(_("nhận lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("hồ sơ nhận từ Cổng quốc gia")
        verbose_name_plural = _("hồ sơ nhận từ Cổng quốc gia")

    def __str__(self) -> str:
        return self.national_id


class InboundNonce(models.Model):
    """A nonce of a signed inbound request already used: the same one again is a replay. Rows older than the
    allowed clock skew are pruned (their timestamp alone refuses them)."""

    nonce = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return self.nonce

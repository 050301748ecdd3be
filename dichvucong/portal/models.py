"""News and notices, polls, and the daily visitor counts.

Nothing here identifies a person: a poll vote keeps only a keyed digest that says "this ballot (or this
account) has voted in this poll", never which option it chose; the visitor table keeps one count per day.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Article(models.Model):
    """A news item or a notice written by a site administrator. ``body`` holds sanitised HTML only
    (portal.html.clean on save, and again when it is shown)."""

    class Kind(models.TextChoices):
        NEWS = "news", _("Tin tức")
        NOTICE = "notice", _("Thông báo")

    title = models.CharField(_("tiêu đề"), max_length=200)
    slug = models.SlugField(_("đường dẫn"), max_length=90, unique=True)
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices, default=Kind.NEWS)
    summary = models.TextField(_("tóm tắt"), max_length=500, blank=True)
    body = models.TextField(_("nội dung"))
    is_published = models.BooleanField(_("đã đăng"), default=False)
    published_at = models.DateTimeField(_("thời điểm đăng"), null=True, blank=True)
    pinned = models.BooleanField(_("ghim lên đầu"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-pinned", "-published_at", "-pk"]
        indexes = [models.Index(fields=["is_published", "published_at"])]
        verbose_name = _("tin tức, thông báo")
        verbose_name_plural = _("tin tức, thông báo")

    def __str__(self) -> str:
        return self.title

    @property
    def is_visible(self) -> bool:
        return self.is_published and self.published_at is not None and self.published_at <= timezone.now()


class Poll(models.Model):
    """A question open between two times (``closes_at`` empty: until closed by hand)."""

    question = models.CharField(_("câu hỏi"), max_length=300)
    description = models.TextField(_("mô tả"), blank=True)
    opens_at = models.DateTimeField(_("mở từ"), default=timezone.now)
    closes_at = models.DateTimeField(_("đóng lúc"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_at", "-pk"]
        verbose_name = _("thăm dò ý kiến")
        verbose_name_plural = _("thăm dò ý kiến")

    def __str__(self) -> str:
        return self.question

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now and (self.closes_at is None or now < self.closes_at)

    def is_closed(self, now=None) -> bool:
        now = now or timezone.now()
        return self.closes_at is not None and self.closes_at <= now


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("phương án"), max_length=200)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    votes = models.PositiveIntegerField(_("số phiếu"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("phương án")
        verbose_name_plural = _("phương án")

    def __str__(self) -> str:
        return self.label


class PollVote(models.Model):
    """That a ballot or an account has voted in a poll: a keyed digest only (no account, no address, no
    option), so a second submission of the same ballot is refused by the unique constraint."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    voter_key = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["poll", "voter_key"], name="portal_one_vote_per_voter")
        ]
        verbose_name = _("phiếu đã bỏ")
        verbose_name_plural = _("phiếu đã bỏ")

    def __str__(self) -> str:
        return f"{self.poll_id}:{self.voter_key[:8]}…"


class VisitorDay(models.Model):
    """How many distinct visitors came on one day (Vietnam time). Only the number is kept."""

    day = models.DateField(_("ngày"), unique=True)
    visitors = models.PositiveIntegerField(_("lượt truy cập"), default=0)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("lượt truy cập theo ngày")
        verbose_name_plural = _("lượt truy cập theo ngày")

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y}: {self.visitors}"

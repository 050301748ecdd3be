"""Reads of the portal app: what the public may see, what a content administrator may manage."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from dichvucong.accounts.models import User
from dichvucong.portal import visitors
from dichvucong.portal.models import Article, Poll, VisitorDay
from dichvucong.portal.services import can_manage_content


def article_list_public(*, kind: str = "") -> QuerySet[Article]:
    """Published items whose time has come: pinned first, then newest first."""
    articles = Article.objects.filter(is_published=True, published_at__lte=timezone.now())
    if kind in Article.Kind.values:
        articles = articles.filter(kind=kind)
    return articles.order_by("-pinned", "-published_at", "-pk")


def article_get_public(*, slug: str) -> Article:
    article = article_list_public().filter(slug=slug).first()
    if article is None:
        raise Http404("Không tìm thấy tin.")
    return article


def article_list_for_manager(*, user: User) -> QuerySet[Article]:
    if not can_manage_content(user=user):
        return Article.objects.none()
    return Article.objects.select_related("author").order_by("-created_at", "-pk")


def article_get_for_manager(*, user: User, article_id: int) -> Article:
    article = article_list_for_manager(user=user).filter(pk=article_id).first()
    if article is None:
        raise Http404("Không tìm thấy tin.")
    return article


def poll_current() -> Poll | None:
    """The poll shown on the home page: the most recently opened poll that is still open."""
    now = timezone.now()
    return (
        Poll.objects.filter(opens_at__lte=now)
        .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))
        .prefetch_related("options")
        .order_by("-opens_at", "-pk")
        .first()
    )


def poll_get_public(*, poll_id: int) -> Poll:
    """A poll that has opened (open or closed since); a poll not yet open is not shown."""
    poll = Poll.objects.filter(pk=poll_id, opens_at__lte=timezone.now()).prefetch_related("options").first()
    if poll is None:
        raise Http404("Không tìm thấy cuộc thăm dò.")
    return poll


@dataclass(frozen=True)
class OptionResult:
    option_id: int
    label: str
    votes: int
    percent: int


def poll_results(*, poll: Poll) -> tuple[list[OptionResult], int]:
    """Each option's votes and whole percentages that add up to 100 (largest remainders get the rest)."""
    options = list(poll.options.all())
    total = sum(option.votes for option in options)
    if not total:
        return [OptionResult(o.pk, o.label, 0, 0) for o in options], 0
    exact = [option.votes * 100 / total for option in options]
    percents = [int(value) for value in exact]
    by_remainder = sorted(
        range(len(options)), key=lambda i: (exact[i] - percents[i], options[i].votes), reverse=True
    )
    for index in by_remainder[: 100 - sum(percents)]:
        percents[index] += 1
    return [OptionResult(o.pk, o.label, o.votes, p) for o, p in zip(options, percents, strict=True)], total


@dataclass(frozen=True)
class VisitorSummary:
    today: int
    this_month: int
    total: int
    online: int


def visitor_summary(*, today: datetime.date | None = None) -> VisitorSummary:
    """Today, this month, since the start, and online now: one query on the small day table, one cache
    read."""
    today = today or timezone.localdate()
    counts = VisitorDay.objects.aggregate(
        total=Sum("visitors"),
        month=Sum("visitors", filter=Q(day__gte=today.replace(day=1), day__lte=today)),
        today=Sum("visitors", filter=Q(day=today)),
    )
    return VisitorSummary(
        today=counts["today"] or 0,
        this_month=counts["month"] or 0,
        total=counts["total"] or 0,
        online=visitors.online_now(),
    )

"""Writes of the portal app: news and notices, poll votes, the daily visitor count. Keyword-only, typed."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
import unicodedata

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify

from dichvucong.accounts.models import User
from dichvucong.accounts.selectors import is_system_admin
from dichvucong.accounts.staff_admin import audit
from dichvucong.core.text import fold, nfc
from dichvucong.portal import html
from dichvucong.portal.models import Article, Poll, PollOption, PollVote, VisitorDay

BALLOT_SALT = "dichvucong.portal.ballot"
BALLOT_MAX_AGE_SECONDS = 2 * 86400


class PortalError(Exception):
    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


# --- news and notices -----------------------------------------------------------------------------------


def can_manage_content(*, user: User) -> bool:
    """The portal's news, notices and polls belong to the whole province: system administrators write them
    (a superuser or an active ``system_admin`` role), not one agency's administrator."""
    return is_system_admin(user=user)


def article_slug(*, title: str, exclude_pk: int | None = None) -> str:
    """An ASCII slug of the Vietnamese title ("Thông báo nghỉ Tết" → "thong-bao-nghi-tet"), made unique."""
    base = slugify(fold(title))[:80].strip("-") or "tin"
    slug, number = base, 1
    others = Article.objects.exclude(pk=exclude_pk) if exclude_pk else Article.objects.all()
    while others.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


@transaction.atomic
def article_save(
    *,
    actor: User,
    article: Article | None = None,
    title: str,
    kind: str,
    summary: str,
    body: str,
    is_published: bool,
    published_at: datetime.datetime | None,
    pinned: bool,
    request=None,
) -> Article:
    """Create (``article`` None) or change a news item or notice. The body is sanitised before it is stored;
    publishing without a time publishes now. The slug is made once and never changes (links stay valid)."""
    if not can_manage_content(user=actor):
        raise PortalError("Bạn không có quyền quản lý tin tức, thông báo.", code="forbidden")
    title = nfc(title)
    cleaned = html.clean(nfc_keep_lines(body))
    if not title:
        raise PortalError("Hãy nhập tiêu đề.", code="title")
    if kind not in Article.Kind.values:
        raise PortalError("Loại tin không hợp lệ.", code="kind")
    if not nfc(strip_tags(cleaned)):
        raise PortalError("Nội dung trống (hoặc chỉ có phần bị loại bỏ khi làm sạch).", code="body")
    if is_published and published_at is None:
        published_at = timezone.now()
    if article is None:
        article = Article(author=actor, slug=article_slug(title=title))
        action = "portal.article_create"
    else:
        article = Article.objects.select_for_update().get(pk=article.pk)
        action = "portal.article_update"
    before = {"title": article.title, "is_published": article.is_published, "pinned": article.pinned}
    article.title = title
    article.kind = kind
    article.summary = nfc(summary)
    article.body = cleaned
    article.is_published = is_published
    article.published_at = published_at
    article.pinned = pinned
    article.save()
    after = {"title": article.title, "is_published": article.is_published, "pinned": article.pinned}
    audit(
        actor=actor,
        action=action,
        changes={"article": article.pk, **{k: [before[k], v] for k, v in after.items() if before[k] != v}},
        request=request,
    )
    return article


def nfc_keep_lines(text: str) -> str:
    """NFC without collapsing line breaks (the body is HTML typed in a textarea)."""
    return unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").strip()


# --- polls ----------------------------------------------------------------------------------------------


def _digest(message: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), message.encode(), hashlib.sha256).hexdigest()


def poll_voter_key(*, poll: Poll, user: User | None = None, ballot: str = "") -> str:
    """What a vote keeps: a keyed digest of (poll, account) for a signed-in person, of (poll, ballot) for
    anyone else. Neither the account nor the option chosen can be read back from it."""
    if user is not None and user.is_authenticated:
        return _digest(f"portal.poll:{poll.pk}:user:{user.pk}")
    if not ballot:
        raise PortalError("Phiếu thăm dò không hợp lệ, hãy tải lại trang.", code="ballot")
    return _digest(f"portal.poll:{poll.pk}:ballot:{ballot}")


def address_key(address: str) -> str:
    """The per-address rate-limit key's stand-in for an address (the limiter's table never sees one)."""
    return _digest(f"portal.poll.address:{address}")[:24]


def ballot_issue(*, poll: Poll) -> str:
    """A signed, single-use ballot for the form: the same form submitted twice is one vote."""
    return signing.dumps({"p": poll.pk, "t": secrets.token_urlsafe(12)}, salt=BALLOT_SALT, compress=False)


def ballot_read(*, poll: Poll, value: str) -> str:
    """The ballot's token, or "" when the value was not issued by us for this poll (or is too old)."""
    try:
        data = signing.loads(value or "", salt=BALLOT_SALT, max_age=BALLOT_MAX_AGE_SECONDS)
    except signing.BadSignature:
        return ""
    if not isinstance(data, dict) or data.get("p") != poll.pk:
        return ""
    return str(data.get("t", ""))


def poll_vote(
    *, poll: Poll, option_id: int | None, voter_key: str, now: datetime.datetime | None = None
) -> PollOption:
    """One vote: the voter's key is recorded (unique per poll) and the option's count goes up by one in the
    same transaction, atomically (F()), so a second submission changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        poll = Poll.objects.get(pk=poll.pk)  # the times as they are now
        if not poll.is_open(now):
            raise PortalError("Cuộc thăm dò này đã kết thúc, không nhận thêm ý kiến.", code="closed")
        option = PollOption.objects.filter(poll=poll, pk=option_id).first() if option_id else None
        if option is None:
            raise PortalError("Hãy chọn một phương án.", code="option")
        try:
            with transaction.atomic():
                PollVote.objects.create(poll=poll, voter_key=voter_key)
        except IntegrityError:
            raise PortalError("Bạn đã tham gia cuộc thăm dò này.", code="already") from None
        PollOption.objects.filter(pk=option.pk).update(votes=F("votes") + 1)
    return option


def poll_has_voted(*, poll: Poll, voter_key: str) -> bool:
    return PollVote.objects.filter(poll=poll, voter_key=voter_key).exists()


# --- visitors -------------------------------------------------------------------------------------------


def visitor_day_count(*, day: datetime.date) -> None:
    """One more visitor on ``day``: an atomic increment of the day's row (created by the first visitor)."""
    if VisitorDay.objects.filter(day=day).update(visitors=F("visitors") + 1):
        return
    try:
        with transaction.atomic():
            VisitorDay.objects.create(day=day, visitors=1)
    except IntegrityError:  # another process created the row first
        VisitorDay.objects.filter(day=day).update(visitors=F("visitors") + 1)

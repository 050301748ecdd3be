"""Per-recipient limits (`DVC_NOTIFY_RATE_LIMITS`): against floods, never against a person's own news.

- security events (OTPs, password notices) are counted among themselves by creation time; one over the limit
  is refused (status `rate_limited`): a code that arrives an hour late is useless, and a flood is abuse.
- general events are counted among themselves by the time they go out (`next_attempt_at`); one over the limit
  is delayed to the first moment every window allows (status `delayed`), never dropped.
- service events (dossier, appointment, payment, delivery) are not limited: they are combined instead.

Each kind has its own allowance, so news about a dossier never uses up the codes a person needs to sign in.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from dichvucong.notifications import conf
from dichvucong.notifications.events import GENERAL, SECURITY
from dichvucong.notifications.models import Message

Status = Message.Status
_NOT_COUNTED = (Status.RATE_LIMITED, Status.CANCELLED, Status.COMBINED)
# A delay is searched this many times at most (each step clears one window); then the last answer stands.
_MAX_STEPS = 20


@dataclass(frozen=True)
class Decision:
    """`reason` is empty when the message may go at once; otherwise `send_at` says when (None: never)."""

    reason: str = ""
    send_at: datetime.datetime | None = None


def limit_decide(*, channel: str, recipient: str, kind: str, now: datetime.datetime) -> Decision:
    limits = conf.rate_limits(channel)
    if kind not in (SECURITY, GENERAL) or not limits:
        return Decision()
    _lock_recipient(channel, recipient)
    if kind == SECURITY:
        return Decision(
            reason=_security_exceeded(channel=channel, recipient=recipient, limits=limits, now=now)
        )
    return _general_slot(channel=channel, recipient=recipient, limits=limits, now=now)


def _counted(*, channel: str, recipient: str, kind: str):
    return Message.objects.filter(channel=channel, recipient=recipient, kind=kind).exclude(
        status__in=_NOT_COUNTED
    )


def _security_exceeded(*, channel: str, recipient: str, limits, now: datetime.datetime) -> str:
    windows = sorted(limits)
    longest = max(window for window, _limit in windows)
    counts = (
        _counted(channel=channel, recipient=recipient, kind=SECURITY)
        .filter(created_at__gt=now - datetime.timedelta(seconds=longest))
        .aggregate(
            **{
                f"w{index}": Count("pk", filter=Q(created_at__gt=now - datetime.timedelta(seconds=window)))
                for index, (window, _limit) in enumerate(windows)
            }
        )
    )  # every window in one query
    for index, (window, limit) in enumerate(windows):
        if counts[f"w{index}"] >= limit:
            return f"Vượt giới hạn {limit} tin trong {duration_vi(window)} cho người nhận này"
    return ""


def _general_slot(*, channel: str, recipient: str, limits, now: datetime.datetime) -> Decision:
    """The earliest time from `now` at which every window holds fewer messages than its limit, counting the
    messages already sent and those already scheduled (delayed ones included)."""
    longest = max(window for window, _limit in limits)
    slots = sorted(
        _counted(channel=channel, recipient=recipient, kind=GENERAL)
        .filter(next_attempt_at__gt=now - datetime.timedelta(seconds=longest))
        .values_list("next_attempt_at", flat=True)
    )
    send_at, reason = now, ""
    for _step in range(_MAX_STEPS):
        moved = False
        for window, limit in sorted(limits):
            span = datetime.timedelta(seconds=window)
            inside = [slot for slot in slots if send_at - span < slot <= send_at]
            if len(inside) >= limit:
                # The moment enough of them have left the window for one more to fit.
                send_at = inside[len(inside) - limit] + span
                reason = f"Vượt giới hạn {limit} tin trong {duration_vi(window)} cho người nhận này"
                moved = True
        if not moved:
            break
    if send_at <= now:
        return Decision()
    local = timezone.localtime(send_at) if timezone.is_aware(send_at) else send_at
    return Decision(reason=f"{reason}: hoãn đến {local:%H:%M %d/%m/%Y}", send_at=send_at)


def _lock_recipient(channel: str, recipient: str) -> None:
    """Serialise concurrent notify() calls for one recipient until the transaction ends (PostgreSQL;
    SQLite's IMMEDIATE transactions already serialise writers)."""
    if connection.vendor != "postgresql":
        return
    digest = hashlib.blake2b(f"notify:{channel}:{recipient}".encode(), digest_size=8).digest()
    key = int.from_bytes(digest, "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def duration_vi(seconds: int) -> str:
    if seconds % 86400 == 0:
        return f"{seconds // 86400} ngày"
    if seconds % 3600 == 0:
        return f"{seconds // 3600} giờ"
    if seconds % 60 == 0:
        return f"{seconds // 60} phút"
    return f"{seconds} giây"

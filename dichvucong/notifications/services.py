"""Writes to the outbox: `notify` (called by every feature) and the delivery steps run by tasks.

Flow: notify() renders and stores one row per channel inside the caller's transaction and, on commit,
enqueues deliver_message(id). message_deliver() claims the row with a lease, calls the provider outside
any transaction, then records the outcome: sent, a retry later (back-off), or failed. outbox_sweep()
re-enqueues rows whose retry is due and rows whose worker died while sending.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from dichvucong.notifications import conf, registry
from dichvucong.notifications.addresses import mask_address, normalise_email, normalise_phone
from dichvucong.notifications.events import CHANNELS, EMAIL, SMS, ZALO, Event, event_get
from dichvucong.notifications.models import Message
from dichvucong.notifications.providers.base import ProviderResult, SmsProvider
from dichvucong.notifications.rendering import render

if TYPE_CHECKING:
    from dichvucong.accounts.models import User

logger = logging.getLogger(__name__)
Status = Message.Status


# --- notify ---------------------------------------------------------------------------------------------


def notify(
    *,
    event: str,
    user: User | None = None,
    phone: str = "",
    email: str = "",
    zalo_phone: str = "",
    context: dict[str, Any],
    channels: list[str] | None = None,
) -> list[Message]:
    """Queue `event` for a person on each channel that has a template and an address.

    Addresses given here win over the user's (user.phone for SMS and Zalo, user.email for e-mail).
    Channels the user switched off (notify_sms/email/zalo) are skipped unless the event is mandatory.
    A recipient over the rate limit gets a `rate_limited` row that is never sent; an address that is not
    valid gets a `failed` row. Rows are written in the caller's transaction and delivered after it commits.
    """
    definition = event_get(event)
    wanted = _channels_for(definition, channels)
    addresses = {
        SMS: phone or (user.phone if user else ""),
        EMAIL: email or (user.email if user else ""),
        ZALO: zalo_phone or (user.phone if user else ""),
    }
    full_context = {"site_name": getattr(settings, "DVC_SITE_NAME", "Dịch vụ công"), **_plain(context)}
    messages: list[Message] = []
    with transaction.atomic():
        for channel in wanted:
            if not addresses[channel]:
                continue
            if user is not None and not definition.mandatory and not getattr(user, f"notify_{channel}", True):
                continue
            messages.append(
                _message_create(
                    event=definition,
                    channel=channel,
                    address=addresses[channel],
                    user=user,
                    context=full_context,
                )
            )
    for message in messages:
        if message.status == Status.PENDING:
            transaction.on_commit(lambda pk=message.pk: _enqueue_delivery(pk), robust=True)
    return messages


def _channels_for(definition: Event, channels: Iterable[str] | None) -> list[str]:
    if channels is None:
        return list(definition.channels)
    unknown = [channel for channel in channels if channel not in CHANNELS]
    if unknown:
        raise ValueError(f"Unknown notification channel(s): {unknown}")
    return [channel for channel in definition.channels if channel in channels]


def _normalise(channel: str, address: str) -> str:
    return normalise_email(address) if channel == EMAIL else normalise_phone(address)


def _message_create(*, event: Event, channel: str, address: str, user, context: dict) -> Message:
    provider = registry.provider_for_channel(channel)
    unicode = provider.unicode if isinstance(provider, SmsProvider) else True
    rendered = render(event=event, channel=channel, context=context, unicode=unicode)
    message = Message(
        event=event.code,
        channel=channel,
        provider=provider.name,
        recipient=address.strip()[:254],
        user=user,
        subject=rendered.subject[:300],
        body=rendered.body,
        data=_template_data(context) if channel == ZALO else {},
        sensitive=event.sensitive,
    )
    try:
        message.recipient = _normalise(channel, address)
    except ValueError as error:
        message.status, message.last_error = Status.FAILED, f"Địa chỉ người nhận không hợp lệ: {error}"
        message.save()
        return message
    exceeded = _rate_limit_exceeded(channel=channel, recipient=message.recipient, event_code=event.code)
    if exceeded:
        message.status, message.last_error = Status.RATE_LIMITED, exceeded
    message.save()
    return message


def _plain(context: dict) -> dict[str, Any]:
    """Dates and times as Vietnamese text ("14:05 09/03/2026", local time), so templates print them as is."""
    plain: dict[str, Any] = {}
    for key, value in context.items():
        if isinstance(value, datetime.datetime):
            value = timezone.localtime(value) if timezone.is_aware(value) else value
            plain[key] = value.strftime("%H:%M %d/%m/%Y")
        elif isinstance(value, datetime.date):
            plain[key] = value.strftime("%d/%m/%Y")
        else:
            plain[key] = value
    return plain


def _template_data(context: dict) -> dict[str, str]:
    """Scalar context values as strings (ZNS template_data)."""
    return {
        key: str(value)
        for key, value in context.items()
        if key != "site_name" and isinstance(value, str | int | float) and not isinstance(value, bool)
    }


def _rate_limit_exceeded(*, channel: str, recipient: str, event_code: str) -> str:
    """A Vietnamese reason when the recipient already had the most messages allowed in a window.

    One-time codes and other messages are counted apart, so news about a dossier can never use up the
    allowance a person needs to receive a sign-in code (and codes cannot be used to flood a phone)."""
    limits = conf.rate_limits(channel)
    if not limits:
        return ""
    _lock_recipient(channel, recipient)
    now = timezone.now()
    counted = Message.objects.filter(channel=channel, recipient=recipient).exclude(
        status__in=[Status.RATE_LIMITED, Status.CANCELLED]
    )
    otp_prefix = "otp."
    if event_code.startswith(otp_prefix):
        counted = counted.filter(event__startswith=otp_prefix)
    else:
        counted = counted.exclude(event__startswith=otp_prefix)
    windows = sorted(limits)
    longest = max(window for window, _limit in windows)
    counts = counted.filter(created_at__gt=now - datetime.timedelta(seconds=longest)).aggregate(
        **{
            f"w{index}": Count("pk", filter=Q(created_at__gt=now - datetime.timedelta(seconds=window)))
            for index, (window, _limit) in enumerate(windows)
        }
    )  # every window in one query
    for index, (window, limit) in enumerate(windows):
        if counts[f"w{index}"] >= limit:
            return f"Vượt giới hạn {limit} tin trong {_duration_vi(window)} cho người nhận này"
    return ""


def _lock_recipient(channel: str, recipient: str) -> None:
    """Serialise concurrent notify() calls for one recipient until the transaction ends (PostgreSQL;
    SQLite's IMMEDIATE transactions already serialise writers)."""
    if connection.vendor != "postgresql":
        return
    digest = hashlib.blake2b(f"notify:{channel}:{recipient}".encode(), digest_size=8).digest()
    key = int.from_bytes(digest, "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _duration_vi(seconds: int) -> str:
    if seconds % 86400 == 0:
        return f"{seconds // 86400} ngày"
    if seconds % 3600 == 0:
        return f"{seconds // 3600} giờ"
    if seconds % 60 == 0:
        return f"{seconds // 60} phút"
    return f"{seconds} giây"


def _enqueue_delivery(message_id: int, run_after: datetime.datetime | None = None) -> None:
    from dichvucong.notifications.tasks import deliver_message

    task = deliver_message
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # the sweeper enqueues it once it is due
        task = task.using(run_after=run_after)
    task.enqueue(message_id)


# --- delivery -------------------------------------------------------------------------------------------


def message_deliver(*, message_id: int) -> Message | None:
    """Send one message if it is due and nobody else is sending it. Safe to run any number of times:
    a row that the provider accepted (provider_message_id set) or that is final is never sent again."""
    claimed = _message_claim(message_id=message_id)
    if claimed is None:
        return Message.objects.filter(pk=message_id).first()
    message, attempt = claimed
    try:
        provider = registry.provider_get(message.channel, message.provider)
    except LookupError as error:
        result = ProviderResult.permanent(str(error))
    else:
        try:
            result = provider.send(message)
        except Exception as error:  # a provider bug must not leave the row stuck in "sending"
            logger.exception("notification provider %s crashed on message %s", message.provider, message.pk)
            result = ProviderResult.retry(f"{type(error).__name__}: {error}")
    return _message_record_result(message_id=message_id, attempt=attempt, result=result)


def _message_claim(*, message_id: int) -> tuple[Message, int] | None:
    """Take the row for one attempt: pending and due, or sending with an expired lease (a dead worker)."""
    now = timezone.now()
    with transaction.atomic():
        message = Message.objects.select_for_update(skip_locked=True).filter(pk=message_id).first()
        if message is None or message.status in Message.FINAL_STATUSES or message.provider_message_id:
            return None
        if message.status == Status.PENDING and message.next_attempt_at > now:
            return None
        if message.status == Status.SENDING and message.locked_until and message.locked_until > now:
            return None
        if message.attempts >= conf.max_attempts():
            message.status = Status.FAILED
            message.locked_until = None
            message.last_error = (message.last_error + " | " if message.last_error else "") + (
                "Hết số lần gửi lại"
            )
            message.save(update_fields=["status", "locked_until", "last_error"])
            return None
        message.status = Status.SENDING
        message.attempts += 1
        message.locked_until = now + datetime.timedelta(seconds=conf.lease_seconds())
        message.save(update_fields=["status", "attempts", "locked_until"])
    return message, message.attempts


def _message_record_result(*, message_id: int, attempt: int, result: ProviderResult) -> Message:
    now = timezone.now()
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        if result.accepted:
            # Recorded even if our lease ran out meanwhile: the provider has it, so it must never go again.
            if not message.provider_message_id:
                message.provider_message_id = result.provider_message_id
                message.sent_at = now
            message.status = Status.SENT
            message.locked_until = None
            message.last_error = ""
            message.save(
                update_fields=["provider_message_id", "sent_at", "status", "locked_until", "last_error"]
            )
            logger.info("notification %s sent via %s", message.public_id, message.provider)
            return message
        if message.status != Status.SENDING or message.attempts != attempt:
            return message  # another worker took over after our lease expired; its outcome counts
        message.last_error = result.error
        message.locked_until = None
        delays = conf.retry_delays()
        if result.retryable and attempt < conf.max_attempts() and delays:
            delay = delays[min(attempt - 1, len(delays) - 1)]
            message.status = Status.PENDING
            message.next_attempt_at = now + datetime.timedelta(seconds=delay)
            transaction.on_commit(
                lambda: _enqueue_delivery(message_id, run_after=message.next_attempt_at), robust=True
            )
        else:
            message.status = Status.FAILED
        message.save(update_fields=["status", "next_attempt_at", "locked_until", "last_error"])
    logger.warning(
        "notification %s to %s attempt %s: %s (%s)",
        message.public_id,
        mask_address(message.recipient),
        attempt,
        message.status,
        result.error,
    )
    return message


# --- sweeper --------------------------------------------------------------------------------------------


def outbox_sweep(*, now: datetime.datetime | None = None) -> int:
    """Enqueue delivery for pending rows that are due and sending rows whose lease expired; returns how many.
    Enqueuing twice is harmless: the claim in message_deliver lets one attempt through."""
    now = now or timezone.now()
    due = Q(status=Status.PENDING, next_attempt_at__lte=now) | Q(status=Status.SENDING, locked_until__lt=now)
    ids = list(
        Message.objects.filter(due)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[: conf.sweep_batch_size()]
    )
    for message_id in ids:
        _enqueue_delivery(message_id)
    if ids:
        logger.info("notification sweeper enqueued %s message(s)", len(ids))
    return len(ids)


def message_cancel(*, message_id: int) -> Message:
    """Cancel a message not yet sent (e.g. an OTP superseded by a newer one)."""
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        if message.status in (Status.PENDING, Status.RATE_LIMITED) and not message.provider_message_id:
            message.status = Status.CANCELLED
            message.save(update_fields=["status"])
    return message

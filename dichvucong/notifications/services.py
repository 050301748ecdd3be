"""Writes to the outbox: `notify` (called by every feature) and the delivery steps run by tasks.

Flow: notify() renders and stores one row per channel inside the caller's transaction and, on commit,
enqueues deliver_message(id) for the time the row is due: at once for security and general messages,
after a short hold for service SMS and e-mail, later for a general message delayed by a limit (limits.py).
message_deliver() claims the row with a lease (taking in the other service messages pending for the same
address: combining.py), calls the provider outside any transaction, then records the outcome: sent, a
retry later (back-off), or failed. outbox_sweep() re-enqueues rows that are due and rows whose worker died
while sending.

Sensitive messages (OTPs, links with a token) outside demo mode: the row keeps a redacted text (the code
as ******) and the text to send sealed (sealing.py); delivery unseals it for the provider only, and the
sealed text is wiped once the message is final.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dichvucong.core.modes import demo_mode
from dichvucong.notifications import combining, conf, registry, sealing
from dichvucong.notifications.addresses import mask_address, normalise_email, normalise_phone
from dichvucong.notifications.events import CHANNELS, EMAIL, SECURITY, SERVICE, SMS, ZALO, Event, event_get
from dichvucong.notifications.limits import limit_decide
from dichvucong.notifications.models import Message
from dichvucong.notifications.providers.base import ProviderResult, SmsProvider
from dichvucong.notifications.rendering import CITIZEN_TEXT_KEYS, citizen_text, render

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
    account_addresses: bool = True,
) -> list[Message]:
    """Queue `event` for a person on each channel that has a template and an address.

    Addresses given here win over the user's (user.phone for SMS and Zalo, user.email for e-mail; a
    citizen's or business's only once verified);
    with account_addresses=False only the addresses given here are used (the caller chose them, e.g. only
    verified ones).
    Security events go on every channel asked. Other events go only where the person chose
    (notify_sms/email/zalo; without an account: SMS and e-mail, never Zalo); a mandatory one the person
    chose no channel for goes by SMS or e-mail all the same.
    Over a per-recipient limit a security message gets a `rate_limited` row that is never sent, a general
    one a `delayed` row sent when the window allows; service messages are never limited. An address that
    is not valid gets a `failed` row. Rows are written in the caller's transaction and delivered after it
    commits.
    """
    definition = event_get(event)
    wanted = _channels_for(definition, channels)
    account = user if account_addresses else None
    account_phone = _account_address(account, "phone")
    addresses = {
        SMS: phone or account_phone,
        EMAIL: email or _account_address(account, "email"),
        ZALO: zalo_phone or account_phone,
    }
    full_context = {"site_name": getattr(settings, "DVC_SITE_NAME", "Dịch vụ công"), **_plain(context)}
    messages: list[Message] = []
    with transaction.atomic():
        available = [c for c in wanted if addresses[c] and registry.channel_enabled(c)]
        for channel in _channels_chosen(definition, available, user):
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
        if message.status in Message.WAITING_STATUSES:
            transaction.on_commit(
                lambda pk=message.pk, due=message.next_attempt_at: _enqueue_delivery(pk, run_after=due),
                robust=True,
            )
    return messages


def _account_address(account: User | None, field: str) -> str:
    """The account's phone or e-mail, if it may carry official messages: a citizen's or business's only
    once verified (a typed, unconfirmed address may be someone else's); staff addresses are entered by an
    administrator of their agency."""
    if account is None:
        return ""
    address = getattr(account, field, "") or ""
    if account.kind == "staff" or getattr(account, f"{field}_verified_at", None):
        return address
    return ""


def _person_chose(user: User | None, channel: str) -> bool:
    if user is None:
        return channel != ZALO  # an address typed on a form: nobody chose Zalo for it
    return bool(getattr(user, f"notify_{channel}", channel != ZALO))


def _channels_chosen(definition: Event, available: list[str], user: User | None) -> list[str]:
    """The channels (among those with an address) the message goes on."""
    if definition.kind == SECURITY:
        return available
    chosen = [channel for channel in available if _person_chose(user, channel)]
    if not chosen and definition.mandatory:
        return [channel for channel in available if channel != ZALO][:1]
    return chosen


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
    now = timezone.now()
    provider = registry.provider_for_channel(channel)
    unicode = provider.unicode if isinstance(provider, SmsProvider) else True
    rendered = render(event=event, channel=channel, context=context, unicode=unicode)
    data = _template_data(context) if channel == ZALO else {}
    sealed = ""
    if event.sensitive and not demo_mode():
        # The row keeps the text with the secret masked; the text to send is sealed for its attempts.
        shown = render(event=event, channel=channel, context=_redacted(context), unicode=unicode)
        shown_data = _template_data(_redacted(context)) if channel == ZALO else {}
        if (shown, shown_data) != (rendered, data):
            payload = {"subject": rendered.subject[:300], "body": rendered.body, "data": data}
            sealed, rendered, data = sealing.seal(payload), shown, shown_data
    message = Message(
        event=event.code,
        channel=channel,
        provider=provider.name,
        recipient=address.strip()[:254],
        user=user,
        subject=rendered.subject[:300],
        body=rendered.body,
        data=data,
        sensitive=event.sensitive,
        sealed=sealed,
        kind=event.kind,
        created_at=now,
        next_attempt_at=now,
    )
    try:
        message.recipient = _normalise(channel, address)
    except ValueError as error:
        message.status, message.last_error = Status.FAILED, f"Địa chỉ người nhận không hợp lệ: {error}"
        message.sealed = ""
        message.save()
        return message
    if event.kind == SERVICE and channel in (SMS, EMAIL):
        # A short hold, so that news arriving within it for this address goes out as one message.
        message.next_attempt_at = now + datetime.timedelta(seconds=conf.combine_seconds())
    decision = limit_decide(channel=channel, recipient=message.recipient, kind=event.kind, now=now)
    if decision.reason and decision.send_at is None:
        message.status, message.last_error = Status.RATE_LIMITED, decision.reason
        message.sealed = ""  # never sent
    elif decision.reason:
        message.status, message.last_error = Status.DELAYED, decision.reason
        message.next_attempt_at = decision.send_at
    message.save()
    return message


# Context values that are secrets, and what the stored copy of a sensitive message shows instead.
SECRET_CONTEXT_KEYS = {
    "otp": "******",
    "confirm_url": "[đường dẫn đã ẩn]",
    "reset_url": "[đường dẫn đã ẩn]",
}


def _redacted(context: dict) -> dict[str, Any]:
    return {key: SECRET_CONTEXT_KEYS.get(key, value) if value else value for key, value in context.items()}


def _plain(context: dict) -> dict[str, Any]:
    """Dates and times as Vietnamese text ("14:05 09/03/2026", local time), so templates print them as is;
    a citizen's free text (names: CITIZEN_TEXT_KEYS) quoted, on one line, short and without links."""
    plain: dict[str, Any] = {}
    for key, value in context.items():
        if key in CITIZEN_TEXT_KEYS and isinstance(value, str):
            plain[key] = citizen_text(value)
        elif isinstance(value, datetime.datetime):
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


def _enqueue_delivery(message_id: int, run_after: datetime.datetime | None = None) -> None:
    from dichvucong.notifications.tasks import deliver_message

    task = deliver_message
    if run_after is not None and run_after <= timezone.now():
        run_after = None
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
        _unseal_for_sending(message)
    except LookupError as error:
        result = ProviderResult.permanent(str(error))
    except sealing.SealBroken as error:
        result = ProviderResult.permanent(f"Không mở được nội dung đã mã hóa ({error}); SECRET_KEY đã đổi?")
    else:
        try:
            result = provider.send(message)
        except Exception as error:  # a provider bug must not leave the row stuck in "sending"
            logger.exception("notification provider %s crashed on message %s", message.provider, message.pk)
            result = ProviderResult.retry(f"{type(error).__name__}: {error}")
    return _message_record_result(message_id=message_id, attempt=attempt, result=result)


def _unseal_for_sending(message: Message) -> None:
    """Put the sealed text (a sensitive message outside demo mode) back on the row in memory only: the
    provider sends it, the database keeps the redacted copy."""
    if message.sealed:
        payload = sealing.unseal(message.sealed)
        message.subject, message.body = payload["subject"], payload["body"]
        message.data = payload.get("data") or {}


def _message_claim(*, message_id: int) -> tuple[Message, int] | None:
    """Take the row for one attempt: waiting and due, or sending with an expired lease (a dead worker).
    On its first attempt a service SMS or e-mail takes in the other service messages still pending for the
    same address (they become `combined`, in the same transaction: each goes out once, inside this one)."""
    now = timezone.now()
    with transaction.atomic():
        message = Message.objects.select_for_update(skip_locked=True).filter(pk=message_id).first()
        if message is None or message.status in Message.FINAL_STATUSES or message.provider_message_id:
            return None
        if message.status in Message.WAITING_STATUSES and message.next_attempt_at > now:
            return None
        if message.status == Status.SENDING and message.locked_until and message.locked_until > now:
            return None
        if message.attempts >= conf.max_attempts():
            message.status = Status.FAILED
            message.locked_until = None
            message.sealed = ""
            message.last_error = (message.last_error + " | " if message.last_error else "") + (
                "Hết số lần gửi lại"
            )
            message.save(update_fields=["status", "locked_until", "last_error", "sealed"])
            return None
        update_fields = ["status", "attempts", "locked_until"]
        first_service = message.attempts == 0 and message.kind == SERVICE and message.channel in (SMS, EMAIL)
        if first_service and _message_take_companions(message):
            update_fields += ["subject", "body", "sensitive"]
        message.status = Status.SENDING
        message.attempts += 1
        message.locked_until = now + datetime.timedelta(seconds=conf.lease_seconds())
        message.save(update_fields=update_fields)
    return message, message.attempts


def _message_take_companions(message: Message) -> bool:
    """Fold the other service messages pending for the message's address into it (oldest first, while the
    text stays within the channel's bounds); rows another worker is claiming are left to that worker."""
    companions = list(
        Message.objects.select_for_update(skip_locked=True)
        .filter(
            channel=message.channel,
            recipient=message.recipient,
            provider=message.provider,
            kind=SERVICE,
            status=Status.PENDING,
            attempts=0,
            provider_message_id="",
        )
        .exclude(pk=message.pk)
        .order_by("created_at", "pk")[:100]
    )
    chosen = [message]
    for companion in companions:
        trial = sorted([*chosen, companion], key=lambda row: (row.created_at, row.pk))
        if not combining.fits(channel=message.channel, parts=[_part(row) for row in trial]):
            break
        chosen = trial
    if len(chosen) == 1:
        return False
    combined = combining.combine(channel=message.channel, parts=[_part(row) for row in chosen])
    message.subject, message.body = combined.subject[:300], combined.body
    message.sensitive = any(row.sensitive for row in chosen)
    Message.objects.filter(pk__in=[row.pk for row in chosen if row.pk != message.pk]).update(
        status=Status.COMBINED, combined_into=message, locked_until=None
    )
    logger.info("notification %s carries %s combined message(s)", message.public_id, len(chosen) - 1)
    return True


def _part(message: Message) -> combining.Part:
    return combining.Part(subject=message.subject, body=message.body)


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
            message.sealed = ""  # sent: the secret is needed no more
            message.save(
                update_fields=[
                    "provider_message_id",
                    "sent_at",
                    "status",
                    "locked_until",
                    "last_error",
                    "sealed",
                ]
            )
            Message.objects.filter(combined_into=message, sent_at__isnull=True).update(
                sent_at=message.sent_at
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
            message.sealed = ""  # final: no attempt will need the secret again
        message.save(update_fields=["status", "next_attempt_at", "locked_until", "last_error", "sealed"])
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
    """Enqueue delivery for waiting rows (pending, delayed) that are due and sending rows whose lease
    expired; returns how many. Enqueuing twice is harmless: the claim in message_deliver lets one attempt
    through."""
    now = now or timezone.now()
    due = Q(status__in=Message.WAITING_STATUSES, next_attempt_at__lte=now) | Q(
        status=Status.SENDING, locked_until__lt=now
    )
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
        waiting = (*Message.WAITING_STATUSES, Status.RATE_LIMITED)
        if message.status in waiting and not message.provider_message_id:
            message.status = Status.CANCELLED
            message.sealed = ""
            message.save(update_fields=["status", "sealed"])
    return message

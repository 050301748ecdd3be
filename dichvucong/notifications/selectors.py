"""Reads for the outbox page."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet

from dichvucong.notifications import conf, registry
from dichvucong.notifications.addresses import normalise_phone
from dichvucong.notifications.models import Message

OUTBOX_PAGE_SIZE = 50
VIEW_PERMISSION = "notifications.view_message"


@dataclass(frozen=True)
class OutboxFilters:
    status: str = ""
    channel: str = ""
    recipient: str = ""


def user_can_view_outbox(*, user) -> bool:
    return bool(
        user.is_authenticated and user.is_active and (user.is_superuser or user.has_perm(VIEW_PERMISSION))
    )


def message_body_visible(*, message: Message) -> bool:
    """Sensitive bodies (OTPs, confirmation links) are shown only in demo mode: the message went through a
    demo provider, or this is a developer machine (DEBUG / DVC_DEV)."""
    return (
        not message.sensitive
        or registry.provider_is_demo(message.channel, message.provider)
        or conf.dev_mode()
    )


def _recipient_term(raw: str) -> str:
    term = raw.strip()[:254]
    if term and "@" not in term:
        try:
            return normalise_phone(term)
        except ValueError:
            return term
    return term


def outbox_list(*, viewer, filters: OutboxFilters, page_number: int | str = 1) -> Page:
    """Newest first; two queries (count and page) whatever the number of rows."""
    if not user_can_view_outbox(user=viewer):
        raise PermissionError("not allowed to read the outbox")
    queryset: QuerySet[Message] = Message.objects.order_by("-created_at", "-id")
    if filters.status in Message.Status.values:
        queryset = queryset.filter(status=filters.status)
    if filters.channel in Message.Channel.values:
        queryset = queryset.filter(channel=filters.channel)
    term = _recipient_term(filters.recipient)
    if term:
        queryset = queryset.filter(recipient__icontains=term)
    queryset = queryset.select_related("user", "combined_into").annotate(
        combined_count=Count("combined_messages")
    )
    queryset = queryset.only(
        "public_id",
        "event",
        "kind",
        "channel",
        "provider",
        "recipient",
        "subject",
        "body",
        "sensitive",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "sent_at",
        "user__full_name",
        "user__username",
        "combined_into__public_id",
        "combined_into__status",
        "combined_into__sent_at",
    )
    return Paginator(queryset, OUTBOX_PAGE_SIZE).get_page(page_number)

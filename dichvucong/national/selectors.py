"""Reads for the operator's sync page."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q

from dichvucong.national.models import NationalSync

PAGE_SIZE = 50
VIEW_PERMISSION = "national.view_nationalsync"
RESEND_PERMISSION = "national.change_nationalsync"
# What the page lists: given up, or waiting for a new try after an error.
TROUBLED = Q(state=NationalSync.State.DEAD) | (Q(state=NationalSync.State.PENDING) & ~Q(last_error=""))


def user_can_view_syncs(*, user) -> bool:
    return bool(
        user.is_authenticated and user.is_active and (user.is_superuser or user.has_perm(VIEW_PERMISSION))
    )


def user_can_resend(*, user) -> bool:
    return bool(
        user.is_authenticated and user.is_active and (user.is_superuser or user.has_perm(RESEND_PERMISSION))
    )


def sync_counts() -> dict[str, int]:
    """Rows per state, and how many are behind the dossier (one query)."""
    row = NationalSync.objects.aggregate(
        **{state: Count("pk", filter=Q(state=state)) for state in NationalSync.State.values}
    )
    return row


def sync_failed_list(*, viewer, state: str = "", page_number: int | str = 1) -> Page:
    """Failed syncs, the longest waiting first; two queries whatever the number of rows."""
    if not user_can_view_syncs(user=viewer):
        raise PermissionError("not allowed to read the sync outbox")
    queryset = NationalSync.objects.filter(TROUBLED)
    if state in (NationalSync.State.DEAD, NationalSync.State.PENDING):
        queryset = queryset.filter(state=state)
    queryset = queryset.select_related("dossier__procedure", "dossier__agency").order_by(
        "pending_since", "pk"
    )
    queryset = queryset.only(
        "state",
        "attempts",
        "last_error",
        "last_attempt_at",
        "next_attempt_at",
        "pending_since",
        "pushed_status",
        "on_portal",
        "dossier__code",
        "dossier__status",
        "dossier__procedure__name",
        "dossier__agency__name",
    )
    return Paginator(queryset, PAGE_SIZE).get_page(page_number)

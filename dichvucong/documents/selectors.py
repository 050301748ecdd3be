"""Reads of the personal document store. Every fetch of one document goes through `document_access`."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Literal

from django.db.models import Q, QuerySet
from django.http import Http404

from dichvucong.documents.models import StoredDocument

if TYPE_CHECKING:
    from dichvucong.accounts.models import User

Purpose = Literal["view", "change"]


def document_list_for_owner(*, user: User) -> QuerySet[StoredDocument]:
    """The person's own documents, newest first (one query, no joins)."""
    return StoredDocument.objects.filter(owner=user).order_by("-created_at", "-id")


def _staff_visibility(*, user: User) -> Q | None:
    """HOOK for the dossiers issue: documents an officer may *view* because they are attached to a dossier
    the officer handles, e.g. ``Q(dossier_files__dossier__agency__in=<agencies of the officer's roles>)``.

    Staff never change (rename, delete) someone else's document. Until dossiers exist: nothing.
    """
    return None


def document_access(
    *, user: User, public_id: uuid.UUID | str, purpose: Purpose = "view", lock: bool = False
) -> StoredDocument:
    """The document if `user` may use it for `purpose`, else Http404.

    404, not 403, for someone else's document, so public ids cannot be probed.
    """
    if not getattr(user, "is_authenticated", False):
        raise Http404
    try:
        public_id = uuid.UUID(str(public_id))
    except ValueError:
        raise Http404 from None
    allowed = Q(owner=user)
    if purpose == "view":
        staff = _staff_visibility(user=user)
        if staff is not None:
            allowed |= staff
    queryset = StoredDocument.objects.filter(allowed, public_id=public_id)
    if lock:
        queryset = queryset.select_for_update()
    document = queryset.first()
    if document is None:
        raise Http404
    return document

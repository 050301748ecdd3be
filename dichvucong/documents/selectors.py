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
    """Documents an officer may *view*: those attached to a submitted dossier of an agency where the
    officer holds a staff role (the one-stop and processing staff; not postal staff). Staff never change
    (rename, delete) someone else's document."""
    if getattr(user, "is_citizen_like", True):
        return None
    is_verified = getattr(user, "is_verified", None)  # set by django-otp's middleware on request.user
    if is_verified is None or not is_verified():
        return None  # staff see citizens' papers only after the second factor
    from dichvucong.accounts.selectors import agencies_for_user
    from dichvucong.dossiers.models import DossierFile, Status
    from dichvucong.dossiers.selectors import STAFF_ROLES

    attached = DossierFile.objects.filter(
        dossier__agency__in=agencies_for_user(user=user, roles=STAFF_ROLES)
    ).exclude(dossier__status=Status.DRAFT)
    return Q(pk__in=attached.values("document_id"))


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

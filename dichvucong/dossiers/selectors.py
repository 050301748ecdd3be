"""Reads of dossiers, always given the asking user (a dossier someone may not see is a 404)."""

from __future__ import annotations

import datetime

from django.db.models import F, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from dichvucong.accounts.models import StaffRole, User
from dichvucong.accounts.selectors import agencies_for_user
from dichvucong.dossiers.models import Dossier, DossierEvent, DossierFile, Status

STAFF_ROLES = [role for role in StaffRole.values if role != StaffRole.POSTAL]


def _base() -> QuerySet[Dossier]:
    return Dossier.objects.select_related("procedure", "agency", "version", "offering", "applicant")


def dossier_access(*, user: User, public_id, for_staff: bool = False) -> Dossier:
    """The dossier if the user is its applicant (or, for staff pages, works at its agency); 404 otherwise."""
    if not user.is_authenticated:
        raise Http404
    queryset = _base().filter(public_id=public_id)
    if for_staff:
        queryset = queryset.filter(agency__in=agencies_for_user(user=user, roles=STAFF_ROLES))
    else:
        queryset = queryset.filter(applicant=user)
    dossier = queryset.prefetch_related(
        Prefetch("files", queryset=DossierFile.objects.select_related("document", "component")),
        Prefetch("events", queryset=DossierEvent.objects.select_related("actor")),
        "supplements",
    ).first()
    if dossier is None:
        raise Http404("Không tìm thấy hồ sơ")
    return dossier


def dossier_list_for_applicant(*, user: User) -> QuerySet[Dossier]:
    return _base().filter(applicant=user).order_by("-created_at")


def reception_queue(*, user: User) -> QuerySet[Dossier]:
    """New dossiers and answered supplement requests at the receptionist's agencies, the most urgent first:
    those with a running appointment date (a supplement came back) by that date, then by submission."""
    agencies = agencies_for_user(user=user, roles=[StaffRole.RECEPTIONIST])
    return (
        _base()
        .filter(agency__in=agencies, status__in=[Status.SUBMITTED, Status.SUPPLEMENT_REQUESTED])
        .order_by(F("due_at").asc(nulls_last=True), "submitted_at", "id")
    )


def mask_name(name: str) -> str:
    """ "Nguyễn Văn An" -> "N*** V*** An": enough to recognise, not enough to learn."""
    words = name.split()
    if len(words) <= 1:
        return (name[:1] + "***") if name else ""
    return " ".join([word[0] + "***" for word in words[:-1]] + [words[-1]])


def ledger_dossiers(*, user: User, start, end) -> QuerySet[Dossier]:
    """Received dossiers of the staff member's agencies in [start, end] (dates), for the Sổ theo dõi hồ sơ."""
    agencies = agencies_for_user(user=user, roles=STAFF_ROLES)
    # Local-day bounds as times, so the (agency, received_at) index serves the range (a date cast would not).
    since = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    until = timezone.make_aware(
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min)
    )
    return (
        Dossier.objects.select_related("procedure", "received_by", "agency", "return_record")
        .filter(agency__in=agencies, received_at__gte=since, received_at__lt=until)
        .order_by("received_at")
    )

"""Reads of ratings, always given the asking user: staff see only their own agencies' ratings, a citizen
only the rating of their own dossier."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Avg, Count, FloatField, IntegerField, QuerySet
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone

from dichvucong.accounts.models import StaffRole, User
from dichvucong.accounts.selectors import agencies_for_user
from dichvucong.agencies.models import Agency
from dichvucong.dossiers.models import Dossier, Status
from dichvucong.ratings.criteria import CRITERIA
from dichvucong.ratings.models import Rating

# Every role that works on dossiers sees how its agency is rated (not the postal staff).
STAFF_ROLES = [role for role in StaffRole.values if role != StaffRole.POSTAL]


def rating_agencies(*, user: User) -> QuerySet[Agency]:
    """The agencies whose ratings the user may read. (No agency hierarchy of leaders exists yet: a leader
    sees the agencies where they hold a role.)"""
    return agencies_for_user(user=user, roles=STAFF_ROLES)


@dataclass(frozen=True)
class RatingFilter:
    since: datetime.date | None = None
    until: datetime.date | None = None
    level: int | None = None
    agency_code: str = ""


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def rating_list_for_staff(*, user: User, filters: RatingFilter | None = None) -> QuerySet[Rating]:
    """Ratings of the user's agencies, newest first; an agency code outside them gives nothing."""
    filters = filters or RatingFilter()
    queryset = Rating.objects.filter(agency__in=rating_agencies(user=user))
    if filters.agency_code:
        queryset = queryset.filter(agency__code=filters.agency_code)
    if filters.since:
        queryset = queryset.filter(created_at__gte=_day_start(filters.since))
    if filters.until:
        queryset = queryset.filter(created_at__lt=_day_start(filters.until + datetime.timedelta(days=1)))
    if filters.level:
        queryset = queryset.filter(level=filters.level)
    return queryset.select_related("dossier__procedure", "agency").order_by("-created_at", "-id")


def rating_averages(queryset: QuerySet[Rating]) -> dict:
    """One query: how many, the average level and the average of each criterion over those who answered
    it (None when nobody did)."""
    fields = {
        f"c_{c.key}": Avg(Cast(KT(f"criteria__{c.key}"), IntegerField()), output_field=FloatField())
        for c in CRITERIA
    }
    row = queryset.order_by().aggregate(count=Count("id"), level=Avg("level"), **fields)
    return {
        "count": row["count"],
        "level": row["level"],
        "criteria": [{"key": c.key, "label": c.label, "average": row[f"c_{c.key}"]} for c in CRITERIA],
    }


def rating_for_owner(*, user: User, dossier: Dossier) -> Rating | None:
    """The rating of the user's own dossier (the caller fetched the dossier with dossier_access)."""
    if dossier.applicant_id != user.pk:
        raise Http404
    return Rating.objects.filter(dossier=dossier).first()


def dossier_for_code_issue(*, user: User, public_id) -> Dossier:
    """A returned dossier the receptionist's counter hands back (its agency or the agency that received
    it); 404 for any other."""
    agencies = agencies_for_user(user=user, roles=[StaffRole.RECEPTIONIST])
    dossier = (
        Dossier.objects.select_related("procedure", "agency")
        .filter(public_id=public_id, status=Status.RETURNED)
        .filter(agency__in=agencies)
        .first()
    ) or (
        Dossier.objects.select_related("procedure", "agency")
        .filter(public_id=public_id, status=Status.RETURNED, intake_agency__in=agencies)
        .first()
    )
    if dossier is None:
        raise Http404("Không tìm thấy hồ sơ")
    return dossier

"""Reads for administrative units and agencies (public data: no asking user needed yet)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from dichvucong.agencies.models import AdministrativeUnit, Agency


def agency_list(*, kind: str | None = None, parent_code: str | None = None) -> QuerySet[Agency]:
    queryset = Agency.objects.select_related("parent", "admin_unit").annotate(
        online_count=Count("offerings", filter=Q(offerings__is_active=True))
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    if parent_code:
        queryset = queryset.filter(parent__code=parent_code)
    return queryset.order_by("level", "code")


def agency_get(*, code: str) -> Agency:
    agency = (
        Agency.objects.select_related("parent", "admin_unit")
        .prefetch_related("contacts", "successors", "predecessors", "children")
        .filter(code=code)
        .first()
    )
    if agency is None:
        raise Http404("Không tìm thấy cơ quan")
    return agency


def admin_unit_list(
    *, parent_code: str | None = None, level: str | None = None
) -> QuerySet[AdministrativeUnit]:
    queryset = AdministrativeUnit.objects.all()
    if parent_code:
        queryset = queryset.filter(parent__code=parent_code)
    if level:
        queryset = queryset.filter(level=level)
    return queryset.order_by("code")

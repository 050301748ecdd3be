"""Reads of the public catalogue: search, browse and procedure detail."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet, Value
from django.http import Http404
from django.utils import timezone

from dichvucong.agencies.models import Agency
from dichvucong.catalogue import search
from dichvucong.catalogue.models import (
    AgencyProcedure,
    FeeItem,
    Field,
    ImplementationLevel,
    LifeEvent,
    Procedure,
    ProcedureVersion,
)
from dichvucong.core.text import search_terms


@dataclass
class SearchFilters:
    query: str = ""
    field: str = ""  # Field.slug
    agency: str = ""  # Agency.code
    level: str = ""  # ImplementationLevel.code
    service_level: str = ""  # toan_trinh | mot_phan
    life_event: str = ""  # LifeEvent.slug

    def is_empty(self) -> bool:
        return not any((self.query, self.field, self.agency, self.level, self.service_level, self.life_event))


@dataclass
class SearchResult:
    page: Page
    terms: list[str] = field(default_factory=list)
    fuzzy: bool = False

    @property
    def total(self) -> int:
        return self.page.paginator.count


def _filtered(filters: SearchFilters) -> QuerySet[Procedure]:
    queryset = Procedure.objects.exclude(status=Procedure.Status.ABOLISHED)
    if filters.field:
        queryset = queryset.filter(field__slug=filters.field)
    if filters.level:
        queryset = queryset.filter(levels__code=filters.level)
    if filters.life_event:
        queryset = queryset.filter(life_events__slug=filters.life_event)
    if filters.agency:
        offered = AgencyProcedure.objects.filter(agency__code=filters.agency, is_active=True)
        if filters.service_level:
            offered = offered.filter(service_level=filters.service_level)
        queryset = queryset.filter(id__in=offered.values("procedure_id"))
    elif filters.service_level:
        queryset = queryset.filter(service_level=filters.service_level)
    return queryset


def procedure_search(
    *, filters: SearchFilters, page_number: int | str = 1, page_size: int | None = None
) -> SearchResult:
    """Ranked, accent-insensitive search with filters; bad page numbers fall back to a valid page."""
    page_size = page_size or settings.DVC_SEARCH_PAGE_SIZE
    terms = search_terms(filters.query, max_chars=settings.DVC_SEARCH_MAX_QUERY_CHARS)
    base = _filtered(filters)
    fuzzy = False
    if terms:
        paginator = _paginator(search.apply_search(base, terms), page_size)
        if paginator.count == 0:
            fuzzy_paginator = _paginator(search.apply_fuzzy(base, terms), page_size)
            if fuzzy_paginator.count:
                paginator, fuzzy = fuzzy_paginator, True
    else:
        paginator = _paginator(base.annotate(rank=Value(0.0)), page_size, order=("code",))
    return SearchResult(page=paginator.get_page(page_number), terms=terms, fuzzy=fuzzy)


def _paginator(queryset: QuerySet[Procedure], page_size: int, order=("-rank", "code")) -> Paginator:
    queryset = (
        queryset.order_by(*order)
        .select_related("field")
        .prefetch_related(Prefetch("levels", queryset=ImplementationLevel.objects.order_by("code")))
    )
    return Paginator(queryset, page_size)


def version_in_force(
    *, procedure: Procedure, on: datetime.date | None = None, prefetch: tuple[str, ...] = ()
) -> ProcedureVersion | None:
    """The version whose effective period contains ``on`` (today by default)."""
    on = on or timezone.localdate()
    return (
        procedure.versions.filter(Q(effective_from__isnull=True) | Q(effective_from__lte=on))
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .prefetch_related(*prefetch)
        .order_by("-number")
        .first()
    )


VERSION_CONTENT = ("channels", "fees", "components", "results", "legal_bases")


@dataclass
class ProcedureDetail:
    procedure: Procedure
    version: ProcedureVersion | None
    offerings: list[AgencyProcedure]
    component_groups: list[tuple[str, list]]


def procedure_detail(*, code: str, on: datetime.date | None = None) -> ProcedureDetail:
    procedure = (
        Procedure.objects.select_related("field")
        .prefetch_related("levels", "life_events")
        .filter(code=code)
        .first()
    )
    if procedure is None:
        raise Http404("Không tìm thấy thủ tục")
    version = version_in_force(procedure=procedure, on=on) or procedure.current_version
    if version is not None:
        version = ProcedureVersion.objects.prefetch_related(
            "channels", "fees", "components", "results", "legal_bases"
        ).get(pk=version.pk)
    offerings = list(
        procedure.offerings.filter(is_active=True)
        .select_related("agency", "agency__admin_unit")
        .prefetch_related(Prefetch("fees", queryset=FeeItem.objects.order_by("id")))
        .order_by("agency__level", "agency__code")
    )
    groups: dict[str, list] = {}
    if version is not None:
        for component in version.components.all():
            groups.setdefault(component.case, []).append(component)
    return ProcedureDetail(
        procedure=procedure, version=version, offerings=offerings, component_groups=list(groups.items())
    )


def field_list() -> QuerySet[Field]:
    return (
        Field.objects.annotate(
            procedure_count=Count("procedures", filter=~Q(procedures__status=Procedure.Status.ABOLISHED))
        )
        .filter(procedure_count__gt=0)
        .order_by("name")
    )


def life_event_list() -> QuerySet[LifeEvent]:
    return LifeEvent.objects.annotate(procedure_count=Count("procedures")).order_by("position", "name")


def agency_offerings(*, agency: Agency) -> dict[str, list[AgencyProcedure]]:
    """The agency's active online services grouped by service level (seed 000: publish them)."""
    groups: dict[str, list[AgencyProcedure]] = {"toan_trinh": [], "mot_phan": [], "": []}
    queryset = (
        agency.offerings.filter(is_active=True)
        .select_related("procedure", "procedure__field")
        .order_by("procedure__code")
    )
    for offering in queryset:
        groups.setdefault(offering.service_level, []).append(offering)
    return groups


def filter_choices() -> dict[str, tuple[tuple[str, str], ...]]:
    """(value, label) pairs for the search filters: plain tuples, cheap to cache and to render."""
    return {
        "fields": tuple(
            Field.objects.filter(procedures__isnull=False)
            .distinct()
            .order_by("name")
            .values_list("slug", "name")
        ),
        "agencies": tuple(
            (agency.code, agency.display_name)
            for agency in Agency.objects.filter(offerings__is_active=True)
            .distinct()
            .order_by("level", "code")
        ),
        "levels": tuple(ImplementationLevel.objects.order_by("code").values_list("code", "name")),
        "life_events": tuple(LifeEvent.objects.order_by("position", "name").values_list("slug", "name")),
    }

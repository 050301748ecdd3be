"""Reads of the public catalogue: search, browse and procedure detail."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet, Value
from django.http import Http404
from django.utils import timezone

from dichvucong.agencies.models import Agency
from dichvucong.catalogue import fees, query, search
from dichvucong.catalogue.models import (
    AgencyProcedure,
    Component,
    FeeItem,
    Field,
    FormTemplate,
    ImplementationLevel,
    LifeEvent,
    Procedure,
    ProcedureVersion,
)
from dichvucong.core.text import fold, search_terms


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
    # The query with its typos corrected, when the results are those of the corrected query.
    suggestion: str = ""

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
    suggestion = ""
    if terms:
        paginator = _paginator(search.apply_search(base, query.expand_synonyms(terms)), page_size)
        if paginator.count == 0:
            # One typo per word ("khai sinhh"): correct against the indexed words, then try again.
            corrected = query.correct_spelling(terms, known=query.synonym_words())
            if corrected:
                retry = _paginator(search.apply_search(base, query.expand_synonyms(corrected)), page_size)
                if retry.count:
                    paginator, suggestion = retry, " ".join(corrected)
        if paginator.count == 0:
            fuzzy_paginator = _paginator(search.apply_fuzzy(base, query.expand_synonyms(terms)), page_size)
            if fuzzy_paginator.count:
                paginator, fuzzy = fuzzy_paginator, True
    else:
        paginator = _paginator(base.annotate(rank=Value(0.0)), page_size, order=("code",))
    return SearchResult(page=paginator.get_page(page_number), terms=terms, fuzzy=fuzzy, suggestion=suggestion)


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
class ComponentGroup:
    """Consecutive components of one case (trường hợp), in the order the source lists them.

    ``case`` is "" for documents every case submits.
    """

    case: str
    components: list[Component]

    @property
    def to_present(self) -> bool:
        """Documents shown (xuất trình) rather than handed in: not "(nếu có)", they must be brought."""
        return self.case.casefold().startswith("giấy tờ phải xuất trình")


def component_groups(components: Iterable[Component]) -> list[ComponentGroup]:
    """Group consecutive components with the same case, keeping the source order of groups and rows.

    The same case listed twice, apart, stays two groups: the page reads as the source does.
    """
    groups: list[ComponentGroup] = []
    for component in components:
        if groups and groups[-1].case == component.case:
            groups[-1].components.append(component)
        else:
            groups.append(ComponentGroup(case=component.case, components=[component]))
    return groups


@dataclass
class ProcedureDetail:
    procedure: Procedure
    version: ProcedureVersion | None
    offerings: list[AgencyProcedure]
    component_groups: list[ComponentGroup]
    # Fees per channel (one row per ChannelOption) and per offering, each fee once (see catalogue.fees).
    channel_rows: list = field(default_factory=list)
    online_offerings: list[AgencyProcedure] = field(default_factory=list)
    forms: list[FormTemplate] = field(default_factory=list)

    @property
    def has_cases(self) -> bool:
        """Whether any component belongs to a named case (then the common documents get a heading too)."""
        return any(group.case for group in self.component_groups)


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
            "channels",
            "fees",
            # The order of the source (position), whatever the model's default ordering becomes.
            Prefetch("components", queryset=Component.objects.order_by("position", "id")),
            "results",
            "legal_bases",
        ).get(pk=version.pk)
    offerings = list(
        procedure.offerings.filter(is_active=True)
        .select_related("agency", "agency__admin_unit")
        .prefetch_related(Prefetch("fees", queryset=FeeItem.objects.order_by("id")))
        .order_by("agency__level", "agency__code")
    )
    groups: list[ComponentGroup] = []
    forms: dict[str, FormTemplate] = {}
    if version is not None:
        components = list(version.components.all())
        codes = {component.form_code for component in components if component.form_code}
        if codes:
            forms = {form.code: form for form in FormTemplate.objects.filter(code__in=codes)}
        for component in components:
            component.form = forms.get(component.form_code)
        groups = component_groups(components)
        for offering in offerings:
            offering.fee_lines = fees.offering_fee_lines(version=version, offering=offering)
    return ProcedureDetail(
        procedure=procedure,
        version=version,
        offerings=offerings,
        component_groups=groups,
        channel_rows=fees.channel_rows(version=version, offerings=offerings) if version else [],
        online_offerings=[offering for offering in offerings if offering.service_level],
        forms=sorted(forms.values(), key=lambda form: form.name),
    )


@dataclass
class OfferingGroup:
    label: str
    offerings: list[AgencyProcedure]


@dataclass
class OnlineOfferings:
    procedure: Procedure
    groups: list[OfferingGroup]
    total: int  # before the name filter
    query: str = ""

    @property
    def shown(self) -> int:
        return sum(len(group.offerings) for group in self.groups)


def online_offerings(*, code: str, query: str = "") -> OnlineOfferings:
    """The agencies offering a procedure online, grouped by province and level, filtered by name.

    ``query`` matches the agency's or its commune's name with or without accents ("hac thanh").
    """
    procedure = Procedure.objects.filter(code=code).exclude(status=Procedure.Status.ABOLISHED).first()
    if procedure is None:
        raise Http404("Không tìm thấy thủ tục")
    offerings = list(
        procedure.offerings.filter(is_active=True)
        .exclude(service_level="")
        .select_related("agency", "agency__admin_unit", "agency__admin_unit__parent")
        .order_by("agency__level", "agency__name")
    )
    total = len(offerings)
    words = fold(query).split()[:8]
    if words:

        def matches(offering: AgencyProcedure) -> bool:
            unit = offering.agency.admin_unit
            text = fold(f"{offering.agency.name} {offering.agency.short_name} {unit.name if unit else ''}")
            return all(word in text for word in words)

        offerings = [offering for offering in offerings if matches(offering)]
    groups: dict[str, list[AgencyProcedure]] = {}
    for offering in offerings:
        agency = offering.agency
        unit = agency.admin_unit
        province = unit.parent if unit is not None and unit.parent_id else unit
        label = agency.get_level_display()
        if province is not None and province.level == province.Level.PROVINCE:
            label = f"{province.name} – {label}"
        groups.setdefault(label, []).append(offering)
    return OnlineOfferings(
        procedure=procedure,
        groups=[OfferingGroup(label=label, offerings=items) for label, items in groups.items()],
        total=total,
        query=query,
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

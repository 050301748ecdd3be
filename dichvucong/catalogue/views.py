from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from dichvucong.catalogue import selectors
from dichvucong.catalogue.models import Procedure

FILTER_CHOICES_CACHE_KEY = "catalogue:filter-choices"


def filters_from_request(request: HttpRequest) -> selectors.SearchFilters:
    get = request.GET
    return selectors.SearchFilters(
        query=get.get("q", "")[:2000],
        field=get.get("field", "")[:120],
        agency=get.get("agency", "")[:20],
        level=get.get("level", "")[:4],
        service_level=get.get("service", "")[:12],
        life_event=get.get("event", "")[:80],
    )


def filter_choices() -> dict:
    choices = cache.get(FILTER_CHOICES_CACHE_KEY)
    if choices is None:
        choices = selectors.filter_choices()
        cache.set(FILTER_CHOICES_CACHE_KEY, choices, 300)
    return choices


@require_safe
def procedure_list(request: HttpRequest) -> HttpResponse:
    filters = filters_from_request(request)
    result = selectors.procedure_search(filters=filters, page_number=request.GET.get("page", 1))
    context = {
        "filters": filters,
        "result": result,
        "choices": filter_choices(),
        "service_levels": [choice for choice in Procedure.ServiceLevel.choices if choice[0]],
    }
    template = "catalogue/_results.html" if request.htmx else "catalogue/procedure_list.html"
    return render(request, template, context)


@require_safe
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    detail = selectors.procedure_detail(code=code)
    return render(request, "catalogue/procedure_detail.html", {"detail": detail})


@require_safe
def procedure_print(request: HttpRequest, code: str) -> HttpResponse:
    detail = selectors.procedure_detail(code=code)
    return render(request, "catalogue/procedure_print.html", {"detail": detail})


@require_safe
def field_index(request: HttpRequest) -> HttpResponse:
    return render(request, "catalogue/field_index.html", {"fields": selectors.field_list()})


@require_safe
def life_event_index(request: HttpRequest) -> HttpResponse:
    return render(request, "catalogue/life_event_index.html", {"events": selectors.life_event_list()})

from __future__ import annotations

import functools

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from dichvucong.catalogue import caching, selectors
from dichvucong.catalogue.form_pdf import render_form_template_pdf
from dichvucong.catalogue.models import FormTemplate, Procedure
from dichvucong.core.caching import public_page

MAX_QUERY_STRING = 4096


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
    return caching.cached("filter-choices", (), selectors.filter_choices, timeout=300)


def results_html(request: HttpRequest, filters: selectors.SearchFilters) -> str:
    """The rendered result list; identical queries within a minute are served from the cache."""

    def build() -> str:
        result = selectors.procedure_search(filters=filters, page_number=request.GET.get("page", 1))
        return render_to_string("catalogue/_results.html", {"result": result}, request=request)

    query_string = request.META.get("QUERY_STRING", "")[:MAX_QUERY_STRING]
    # Our own template's output (escaped when rendered); the cache hands back a plain str.
    return mark_safe(caching.cached("results-html", (get_language(), query_string), build))  # noqa: S308


@require_safe
@public_page
def procedure_list(request: HttpRequest) -> HttpResponse:
    filters = filters_from_request(request)
    results = results_html(request, filters)
    if request.htmx:
        return HttpResponse(results)
    context = {
        "filters": filters,
        "active_filters": sum(
            bool(value)
            for value in (
                filters.field,
                filters.agency,
                filters.level,
                filters.service_level,
                filters.life_event,
            )
        ),
        "results_html": results,
        # Called by the template only when its fragment cache misses, then memoised for this request.
        "choices": functools.cache(filter_choices),
        "catalogue_generation": caching.generation(),
        "service_levels": [choice for choice in Procedure.ServiceLevel.choices if choice[0]],
    }
    return render(request, "catalogue/procedure_list.html", context)


def procedure_page(request: HttpRequest, code: str) -> dict:
    """Heading data and the rendered body of a procedure page (no per-user content: safe to share)."""

    def build() -> dict:
        detail = selectors.procedure_detail(code=code)
        procedure = detail.procedure
        return {
            "code": procedure.code,
            "name": procedure.name,
            "service_level": procedure.service_level,
            "service_level_label": procedure.get_service_level_display(),
            "online_count": len(detail.online_offerings),
            "has_forms": any(form.has_file for form in detail.forms),
            "body": render_to_string("catalogue/_procedure_body.html", {"detail": detail}, request=request),
        }

    page = caching.cached("procedure-page", (get_language(), code[:40]), build)
    return {**page, "body": mark_safe(page["body"])}  # noqa: S308 - our own template's output


@require_safe
@public_page
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "catalogue/procedure_detail.html", {"page": procedure_page(request, code)})


@require_safe
@public_page
def procedure_print(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "catalogue/procedure_print.html", {"page": procedure_page(request, code)})


@require_safe
@public_page
def field_index(request: HttpRequest) -> HttpResponse:
    return render(request, "catalogue/field_index.html", {"fields": selectors.field_list()})


@require_safe
@public_page
def life_event_index(request: HttpRequest) -> HttpResponse:
    return render(request, "catalogue/life_event_index.html", {"events": selectors.life_event_list()})


@require_safe
def submit_online(request: HttpRequest, code: str) -> HttpResponse:
    """Step between the procedure page and the dossier: choose the agency (commune, ward) to file with.

    A procedure offered online by one agency goes straight to its submission; otherwise a list of the
    offering agencies, grouped and searchable by name (a plain GET form: works without JavaScript).
    """
    query = request.GET.get("q", "")[:100]
    offerings = selectors.online_offerings(code=code[:40], query=query)
    if offerings.total == 1:
        only = offerings.groups[0].offerings[0] if offerings.shown else None
        if only is not None:
            return redirect("dossiers:start", offering_id=only.pk)
    return render(request, "catalogue/submit_online.html", {"offerings": offerings, "query": query})


@require_safe
def form_download(request: HttpRequest, code: str) -> HttpResponse:
    """A blank declaration as a PDF, named in Vietnamese ("Tờ khai đăng ký khai sinh.pdf")."""
    form = get_object_or_404(FormTemplate, code=code[:40])
    if not form.has_file:
        raise Http404("Mẫu này chưa có tệp tải về")
    pdf = caching.cached("form-pdf", (form.code,), lambda: render_form_template_pdf(form), timeout=3600)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"{form.name}.pdf".replace("/", "-")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600"
    return response

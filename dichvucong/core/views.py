from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from django.views.i18n import set_language

from dichvucong.catalogue import selectors
from dichvucong.catalogue.models import Procedure


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    context = {
        "events": selectors.life_event_list(),
        "fields": selectors.field_list()[:12],
        "procedure_count": Procedure.objects.exclude(status=Procedure.Status.ABOLISHED).count(),
        "full_online_count": Procedure.objects.filter(service_level=Procedure.ServiceLevel.FULL).count(),
    }
    return render(request, "core/home.html", context)


# Django's own view (POST language + next; the cookie; a safe redirect), without the CSRF check: see
# config/urls.py and core.caching.
language_set = csrf_exempt(set_language)


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    # Says whether the database answers, not which one it is (nothing for a scanner to match).
    return JsonResponse({"status": "ok", "database": "ok"})


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)

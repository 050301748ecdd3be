from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from dichvucong.agencies import selectors
from dichvucong.catalogue.selectors import agency_offerings


@require_safe
def agency_index(request: HttpRequest) -> HttpResponse:
    agencies = list(selectors.agency_list())
    current = [agency for agency in agencies if agency.is_active]
    former = [agency for agency in agencies if not agency.is_active]
    return render(request, "agencies/agency_index.html", {"agencies": current, "former": former})


@require_safe
def agency_detail(request: HttpRequest, code: str) -> HttpResponse:
    agency = selectors.agency_get(code=code)
    groups = agency_offerings(agency=agency)
    return render(
        request,
        "agencies/agency_detail.html",
        {
            "agency": agency,
            "full_online": groups.get("toan_trinh", []),
            "partial_online": groups.get("mot_phan", []),
            "offline": groups.get("", []),
        },
    )

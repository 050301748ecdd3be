"""Staff pages: the QĐ 766 scorecard of the agencies one may see, and the records behind every number."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dichvucong.accounts.decorators import staff_required
from dichvucong.agencies.models import Agency
from dichvucong.reports import indicators, selectors
from dichvucong.reports.forms import ScopeForm, default_period_data
from dichvucong.reports.scorecard import (
    Scope,
    agencies_under,
    drilldown,
    drilldown_url,
    scope_query,
    scorecard,
)

reports_required = staff_required(lambda user: selectors.report_root_agencies(user=user))
PAGE_SIZE = 50


def scope_form(request: HttpRequest) -> ScopeForm:
    visible = selectors.visible_agency_ids(user=request.user)
    agencies = list(Agency.objects.filter(pk__in=visible).order_by("code"))
    all_visible = len(visible) == Agency.objects.count()
    return ScopeForm(request.GET or None, agencies=agencies, all_visible=all_visible)


@reports_required
@require_GET
def scorecard_page(request: HttpRequest) -> HttpResponse:
    form = scope_form(request)
    if not request.GET:
        form = ScopeForm(default_period_data(), agencies=form.agencies, all_visible=form.all_visible)
    card = None
    links: dict[tuple[str, str], str] = {}
    if form.is_valid():
        scope = form.scope()
        card = scorecard(scope=scope)
        for indicator in card.indicators:
            for part in ("all", *indicator.parts):
                links[(indicator.code, part)] = drilldown_url(scope=scope, code=indicator.code, part=part)
    rows = []
    if card:
        for indicator in card.indicators:
            rows.append(
                {
                    "indicator": indicator,
                    "all_url": links[(indicator.code, "all")],
                    "parts": [
                        (part, PART_LABELS.get(part, part), count, links[(indicator.code, part)])
                        for part, count in indicator.parts.items()
                    ],
                }
            )
    context = {"form": form, "card": card, "rows": rows}
    if card:
        context["export_query"] = form_query(card.scope)
    return render(request, "reports/scorecard.html", context)


PART_LABELS = {
    "synced": "đã đồng bộ",
    "not_synced": "chưa đồng bộ",
    "on_time": "đúng hạn, trong hạn",
    "late": "quá hạn",
    "ended_on_time": "đã xong đúng hạn",
    "ended_late": "đã xong quá hạn",
    "pending": "đang xử lý",
    "pending_late": "đang xử lý quá hạn",
    "completed": "đã giải quyết xong",
    "online": "trực tuyến",
    "online_without_e_result": "trực tuyến nhưng chưa có kết quả điện tử",
    "in_person": "trực tiếp",
    "postal": "bưu chính công ích",
    "paid_online": "thanh toán trực tuyến",
    "not_paid_online": "chưa thanh toán trực tuyến",
    "e_result": "có kết quả điện tử",
    "no_e_result": "chưa có kết quả điện tử",
    "digitized": "đã số hóa",
    "not_digitized": "chưa số hóa",
    "reused": "có tái sử dụng dữ liệu",
    "not_reused": "không tái sử dụng",
    "linked": "có kết nối, chia sẻ",
    "not_linked": "chưa kết nối",
    "vneid": "xác thực VNeID",
    "not_vneid": "không xác thực VNeID",
    "complained": "có phản ánh hoặc không hài lòng",
    "full": "toàn trình",
    "partial": "một phần",
    "none": "chưa trực tuyến",
    "with_dossiers": "có hồ sơ",
    "without_dossiers": "chưa có hồ sơ",
    "integrated": "đã tích hợp thanh toán",
    "not_integrated": "chưa tích hợp",
    "received": "đã tiếp nhận",
    "not_received": "chưa tiếp nhận",
    "satisfied": "hài lòng",
    "dissatisfied": "không hài lòng",
    "all": "tất cả",
}


def drilldown_scope(request: HttpRequest) -> tuple[Scope, str, str]:
    """Read the drill-down query; anything the user may not see, or malformed, is 404 (nothing shown)."""
    code = request.GET.get("code", "")
    part = request.GET.get("part", "")
    if code not in indicators.LABELS:
        raise Http404
    try:
        if part not in indicators.parts_of(code):
            raise Http404
    except ValueError:
        raise Http404 from None
    form = scope_form(request)
    data = request.GET.copy()
    requested = data.getlist("co_quan")
    separate = data.get("rieng") == "1"
    data.setlist("co_quan", [])
    form = ScopeForm(data, agencies=form.agencies, all_visible=form.all_visible)
    if not form.is_valid():
        raise Http404
    visible = selectors.visible_agency_ids(user=request.user)
    try:
        ids = [int(value) for value in requested]
    except ValueError:
        raise Http404 from None
    if not ids:
        agency_ids = None if form.all_visible else tuple(sorted(visible))
    elif separate:
        agency_ids = tuple(ids)
    elif len(ids) == 1:
        agency_ids = agencies_under(ids[0])
    else:
        raise Http404
    if agency_ids is not None and not set(agency_ids) <= visible:
        raise Http404
    data = form.cleaned_data
    scope = Scope(data["start"], data["end"], agency_ids, data.get("thu_tuc") or None, data.get("linh_vuc"))
    return scope, code, part


@reports_required
@require_GET
def drilldown_page(request: HttpRequest) -> HttpResponse:
    scope, code, part = drilldown_scope(request)
    records = drilldown(scope=scope, code=code, part=part)
    kind = records.model._meta.model_name
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("trang"))
    group, label = indicators.LABELS[code]
    query = request.GET.copy()
    query.pop("trang", None)
    return render(
        request,
        "reports/drilldown.html",
        {
            "page": page,
            "kind": kind,
            "code": code,
            "label": label,
            "part_label": PART_LABELS.get(part, part),
            "scope": scope,
            "query": query.urlencode(),
            "back_query": form_query(scope),
        },
    )


def form_query(scope: Scope) -> str:
    """The query string that gives ``scope`` back through ``ScopeForm`` (the scorecard page, the monthly
    report page and the downloads): its one agency, or none for the default set of the user's agencies."""
    from urllib.parse import urlencode

    params = scope_query(scope)
    if "rieng" in params:  # the scorecard form takes one agency (or the default set)
        params.pop("rieng")
        params.pop("co_quan")
    return urlencode(params, doseq=True)

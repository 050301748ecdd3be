"""Leaders' downloads, as Excel and PDF: the QĐ 766 scorecard, the records behind one of its numbers, and the
monthly report a province sends (received, resolved on time and late, pending; by field and by agency), which
also has a page of its own (``monthly_report_page``: the period form, both tables, the download links).

Access is the staff scorecard's, read by the same form and checks (``reports.views``): staff with a reporting
role see their agencies and everything under them, system administrators the whole province. Asking for an
agency one may not see is refused (403, nothing computed); a malformed drill-down is 404; bad dates get the
form's Vietnamese message (400)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from dichvucong.agencies.models import Agency

from . import exports, exports_pdf, exports_xlsx, views
from .forms import MonthlyReportForm, default_period_data
from .scorecard import Scope, breakdown, drilldown, scorecard

FORMATS = {"xlsx": exports_xlsx.CONTENT_TYPE, "pdf": exports_pdf.CONTENT_TYPE}


def scope_name(scope: Scope) -> str:
    """ "Toàn tỉnh", the agency whose roll-up the scope is, or the list of agencies (first few)."""
    if scope.agency_ids is None:
        return "Toàn tỉnh"
    names = list(Agency.objects.filter(pk__in=scope.agency_ids[:1]).values_list("name", flat=True))
    root = names[0] if names else ""
    if len(scope.agency_ids) == 1:
        return root
    return f"{root} và các đơn vị trực thuộc"


def _scope_or_refusal(request: HttpRequest) -> Scope | HttpResponse:
    form = views.scope_form(request)
    if not request.GET:
        form = type(form)({}, agencies=form.agencies, all_visible=form.all_visible)
    if form.is_valid():
        return form.scope()
    status = 403 if "co_quan" in form.errors else 400
    return render(request, "reports/exports/refused.html", {"form": form}, status=status)


def _download(sheets: list, *, name: str, fmt: str, title: str) -> HttpResponse:
    body = exports_xlsx.xlsx_bytes(sheets) if fmt == "xlsx" else exports_pdf.pdf_bytes(sheets, title=title)
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    patch_cache_control(response, private=True, no_store=True)  # personal data of applicants
    return response


def _file_name(stem: str, scope: Scope) -> str:
    return f"{stem}-{scope.start:%Y%m%d}-{scope.end:%Y%m%d}"


@views.reports_required
@require_GET
def scorecard_export(request: HttpRequest, fmt: str) -> HttpResponse:
    scope = _scope_or_refusal(request)
    if isinstance(scope, HttpResponse):
        return scope
    card = scorecard(scope=scope)
    sheet = exports.scorecard_sheet(card, agency_name=scope_name(scope))
    return _download([sheet], name=_file_name("chi-so-766", scope), fmt=fmt, title="Bộ chỉ số 766")


@views.reports_required
@require_GET
def drilldown_export(request: HttpRequest, fmt: str) -> HttpResponse:
    scope, code, part = views.drilldown_scope(request)  # 404 for anything the user may not see
    records = drilldown(scope=scope, code=code, part=part)
    indicator = scorecard(scope=scope).indicator(code)
    sheet = exports.drilldown_sheet(
        records,
        indicator=indicator,
        part_label=views.PART_LABELS.get(part, part),
        agency_name=scope_name(scope),
        start=scope.start,
        end=scope.end,
    )
    name = _file_name(f"chi-so-{code.replace('.', '-')}-{part.replace('_', '-')}", scope)
    return _download([sheet], name=name, fmt=fmt, title=f"Chỉ số {code}")


@views.reports_required
@require_GET
def monthly_report_export(request: HttpRequest, fmt: str) -> HttpResponse:
    scope = _scope_or_refusal(request)
    if isinstance(scope, HttpResponse):
        return scope
    sheets = _report_sheets(scope)
    return _download(
        sheets,
        name=_file_name("bao-cao-thang", scope),
        fmt=fmt,
        title="Báo cáo giải quyết thủ tục hành chính",
    )


def _report_sheets(scope: Scope) -> list:
    return exports.province_report_sheets(
        by_field=breakdown(scope=scope, by="field"),
        by_agency=breakdown(scope=scope, by="agency"),
        agency_name=scope_name(scope),
        start=scope.start,
        end=scope.end,
    )


def _table(sheet) -> dict:
    """A sheet as the page shows it: (text, is a number) per cell."""

    def cells(values: list) -> list[tuple[str, bool]]:
        return [
            (exports.display(v, c.kind), c.kind != "text") for v, c in zip(values, sheet.columns, strict=True)
        ]

    return {
        "heading": sheet.heading,
        "columns": sheet.columns,
        "rows": [cells(row) for row in sheet.rows],
        "totals": cells(sheet.totals) if sheet.totals else None,
    }


@views.reports_required
@require_GET
def monthly_report_page(request: HttpRequest) -> HttpResponse:
    """The monthly report on screen: received, resolved on time and late, pending, by field and by agency,
    for a month or a date range (last month by default) and an agency the user may see."""
    base = views.scope_form(request)
    form = MonthlyReportForm(
        request.GET if request.GET else default_period_data(),
        agencies=base.agencies,
        all_visible=base.all_visible,
    )
    context: dict = {"form": form, "tables": [], "scope": None}
    if form.is_valid():
        scope = form.scope()
        query = views.form_query(scope)
        context.update(
            scope=scope,
            place=scope_name(scope),
            tables=[_table(sheet) for sheet in _report_sheets(scope)],
            export_query=query,
        )
    status = 200 if form.is_valid() or not request.GET else 400
    return render(request, "reports/monthly.html", context, status=status)

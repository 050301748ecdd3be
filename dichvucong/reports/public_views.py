"""The public statistics page (no sign-in): per month, dossiers received, resolved on time and late, filed and
paid online, the average time and satisfaction, and the QĐ 766 scorecard, for the province or one agency
(with the agencies under it). Charts are inline SVG (``reports.charts``) and the same numbers are a table;
``?format=csv`` or ``xlsx`` downloads the table. A GET form, so it works without JavaScript.

Rate limited per address; the figures of one choice are cached for a few minutes (the engine reads the
precomputed daily aggregates) and the response may be cached by browsers and proxies for a minute.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from dichvucong.agencies.models import Agency
from dichvucong.core.ratelimit import client_ip, hit

from . import charts, exports, exports_xlsx, monthcache
from .charts import Series
from .points import HUNDRED
from .scorecard import Row, Scope, agencies_under

DEFAULT_MONTHS = 12
MAX_MONTHS = 36
FIRST_YEAR = 2015
DATA_SECONDS = 300  # how long the figures of one choice are kept in the server's cache
BROWSER_SECONDS = 60  # Cache-Control max-age of the page and the downloads


def per_ip_minute() -> int:
    return getattr(settings, "DVC_STATS_PER_IP_MINUTE", 60)


_MONTH = re.compile(r"^\s*(?:(\d{1,2})\s*[/.-]\s*(\d{4})|(\d{4})-(\d{1,2}))\s*$")


def parse_month(text: str) -> dt.date | None:
    """ "03/2026", "3/2026", "03-2026" or "2026-03" (what an <input type=month> sends) → 2026-03-01."""
    match = _MONTH.match(text or "")
    if not match:
        return None
    month, year = (match[1], match[2]) if match[1] else (match[4], match[3])
    try:
        return dt.date(int(year), int(month), 1)
    except ValueError:
        return None


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(first: dt.date) -> dt.date:
    return add_months(first, 1) - dt.timedelta(days=1)


def default_period() -> tuple[dt.date, dt.date]:
    """The last 12 months, this one included."""
    this_month = timezone.localdate().replace(day=1)
    return add_months(this_month, 1 - DEFAULT_MONTHS), this_month


def agency_choices() -> list[tuple[str, str]]:
    agencies = Agency.objects.order_by("level", "code").values_list("code", "name", "short_name")
    return [("", "Toàn tỉnh")] + [(code, short or name) for code, name, short in agencies]


class StatisticsForm(forms.Form):
    co_quan = forms.ChoiceField(label="Cơ quan", required=False)
    tu_thang = forms.CharField(
        label="Từ tháng", required=False, max_length=10, help_text="Tháng/năm, ví dụ 01/2026"
    )
    den_thang = forms.CharField(
        label="Đến tháng", required=False, max_length=10, help_text="Tháng/năm, ví dụ 12/2026"
    )
    format = forms.CharField(required=False, max_length=10, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["co_quan"].choices = agency_choices()
        for name in ("tu_thang", "den_thang"):
            self.fields[name].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off", "size": 8})
        self.fields["co_quan"].error_messages["invalid_choice"] = "Không tìm thấy cơ quan đã chọn."

    def clean_tu_thang(self):
        return self._month("tu_thang")

    def clean_den_thang(self):
        return self._month("den_thang")

    def _month(self, name: str) -> dt.date | None:
        text = self.cleaned_data.get(name, "")
        if not text:
            return None
        label = self.fields[name].label  # the summary at the top lists both fields' errors: say which
        month = parse_month(text)
        if month is None:
            raise forms.ValidationError(f"{label}: nhập tháng theo dạng tháng/năm (mm/yyyy), ví dụ 03/2026.")
        this_month = timezone.localdate().replace(day=1)
        if month.year < FIRST_YEAR or month > this_month:
            raise forms.ValidationError(
                f"{label}: chọn một tháng từ 01/{FIRST_YEAR} đến tháng này ({this_month:%m/%Y})."
            )
        return month

    def clean(self):
        data = super().clean()
        if data.get("format", "") not in ("", "csv", "xlsx"):
            self.add_error(None, "Chỉ tải được tệp CSV hoặc Excel.")  # the field is hidden: said at the top
        start, end = data.get("tu_thang"), data.get("den_thang")
        if self.errors:
            return data
        default_start, default_end = default_period()
        if start and not end:
            end = min(add_months(start, DEFAULT_MONTHS - 1), default_end)
        elif end and not start:
            start = add_months(end, 1 - DEFAULT_MONTHS)
        elif not start and not end:
            start, end = default_start, default_end
        if start > end:
            self.add_error("den_thang", "Đến tháng: phải bằng hoặc sau Từ tháng.")
            return data
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        if months > MAX_MONTHS:
            self.add_error("den_thang", f"Đến tháng: chỉ xem được tối đa {MAX_MONTHS} tháng một lần.")
            return data
        data["start"], data["end"] = start, end
        return data


def month_keys(start: dt.date, end: dt.date) -> list[dt.date]:
    months, month = [], start
    while month <= end:
        months.append(month)
        month = add_months(month, 1)
    return months


def _zero_row(month: dt.date) -> Row:
    return Row(
        key=f"{month:%Y-%m}",
        label=f"{month:%m/%Y}",
        received=0,
        received_online=0,
        resolved=0,
        on_time=0,
        late=0,
        pending=0,
        pending_overdue=0,
        online=0,
        paid_online=0,
        avg_days=None,
        satisfaction=None,
    )


def statistics(*, agency: Agency | None, start: dt.date, end: dt.date):
    """(a row per month of the period, zeros where nothing happened; the scorecard), cached for a while."""
    key = f"reports:public:{agency.pk if agency else 'all'}:{start:%Y%m}:{end:%Y%m}"
    found = cache.get(key)
    if found is not None:
        return found
    scope = Scope(start=start, end=month_end(end), agency_ids=agencies_under(agency.pk) if agency else None)
    month_rows, card = monthcache.page_figures(scope=scope)  # finished months from the cache
    by_key = {row.key: row for row in month_rows}
    rows = [by_key.get(f"{m:%Y-%m}") or _zero_row(m) for m in month_keys(start, end)]
    result = (rows, card)
    cache.set(key, result, DATA_SECONDS)
    return result


def _chart_label(index: int, key: str) -> str:
    year, _, month = key.partition("-")
    label = f"T{int(month)}" if month.isdigit() else key
    return f"{label}\n{year}" if index == 0 or month == "01" else label


def _charts(rows: list[Row], place: str) -> list[tuple[str, str]]:
    """(visible caption, SVG) per chart."""
    labels = [_chart_label(i, row.key) for i, row in enumerate(rows)]
    period = f"{rows[0].label}–{rows[-1].label}" if rows else ""
    received = charts.stacked_bars(
        key="chart-received",
        title=f"Hồ sơ tiếp nhận theo tháng, {place}",
        desc=f"Số hồ sơ tiếp nhận mỗi tháng từ {period}, chia theo nộp trực tuyến và nộp trực tiếp. "
        "Số liệu chi tiết ở bảng bên dưới.",
        labels=labels,
        series=[
            Series("Trực tuyến", [r.online for r in rows], charts.BLUE),
            Series("Trực tiếp, bưu chính", [max(r.received - r.online, 0) for r in rows], charts.GREY),
        ],
    )
    resolved = charts.stacked_bars(
        key="chart-resolved",
        title=f"Hồ sơ đã giải quyết theo tháng, {place}",
        desc=f"Số hồ sơ giải quyết đúng hạn và trễ hạn mỗi tháng từ {period}. "
        "Số liệu chi tiết ở bảng bên dưới.",
        labels=labels,
        series=[
            Series("Đúng hạn", [r.on_time for r in rows], charts.GREEN),
            Series("Trễ hạn", [r.late for r in rows], charts.RED),
        ],
    )
    shares = charts.percent_lines(
        key="chart-shares",
        title=f"Tỷ lệ nộp trực tuyến và tỷ lệ đúng hạn theo tháng, {place}",
        desc=f"Phần trăm hồ sơ nộp trực tuyến trên số tiếp nhận và phần trăm hồ sơ đúng hạn trên số đã "
        f"giải quyết, mỗi tháng từ {period}. Tháng không có hồ sơ để trống.",
        labels=labels,
        series=[
            Series("Trực tuyến", [exports.percent(r.online, r.received) for r in rows], charts.BLUE),
            Series("Đúng hạn", [exports.percent(r.on_time, r.on_time + r.late) for r in rows], charts.GREEN),
        ],
    )
    return [
        ("Hồ sơ tiếp nhận", received),
        ("Hồ sơ đã giải quyết: đúng hạn, trễ hạn", resolved),
        ("Tỷ lệ nộp trực tuyến và tỷ lệ đúng hạn (%)", shares),
    ]


def _rate_limited(request: HttpRequest) -> HttpResponse:
    response = render(request, "reports/public/rate_limited.html", status=429)
    response["Retry-After"] = "60"
    patch_cache_control(response, no_store=True)
    return response


@require_safe
def statistics_page(request: HttpRequest) -> HttpResponse:
    if not hit(f"stats:{client_ip(request)}", limit=per_ip_minute(), window_seconds=60):
        return _rate_limited(request)
    form = StatisticsForm(request.GET or None)
    valid = form.is_valid() if request.GET else True
    data = form.cleaned_data if request.GET and valid else {}
    start, end = (data["start"], data["end"]) if data else default_period()
    code = data.get("co_quan") or ""
    agency = Agency.objects.filter(code=code).first() if code else None
    place = agency.name if agency else "toàn tỉnh"
    rows, card = statistics(agency=agency, start=start, end=end)

    wanted = data.get("format") or ""
    if wanted:
        sheet = exports.monthly_sheet(
            rows, agency_name=agency.name if agency else "Toàn tỉnh", start=start, end=month_end(end)
        )
        name = f"thong-ke-{agency.code if agency else 'toan-tinh'}-{start:%Y%m}-{end:%Y%m}"
        if wanted == "csv":
            response = HttpResponse(exports.csv_bytes(sheet), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(exports_xlsx.xlsx_bytes([sheet]), content_type=exports_xlsx.CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{name}.{wanted}"'
        return _cacheable(request, response)

    query = {"co_quan": code, "tu_thang": f"{start:%m/%Y}", "den_thang": f"{end:%m/%Y}"}
    if valid:  # the boxes show the period in use (a bad choice keeps what was typed, with its errors)
        form = StatisticsForm(
            initial={"co_quan": code, "tu_thang": query["tu_thang"], "den_thang": query["den_thang"]}
        )
    context = {
        "form": form,
        "agency": agency,
        "place": place,
        "start": start,
        "end": end,
        "rows": rows,
        "columns": exports.MONTHLY_COLUMNS,
        "table": [_cells(exports.monthly_values(r)) for r in rows],
        "totals": _cells(exports.monthly_totals(rows)),
        "indicators": [
            (i, _rate(i), exports.display(i.points, "decimal") if i.max_points else "—")
            for i in card.indicators
        ],
        "total_points": exports.display(card.total_points, "decimal"),
        "max_points": exports.display(card.max_points, "decimal"),
        "missing_points": exports.display(HUNDRED - card.max_points, "decimal"),
        "charts": _charts(rows, place),
        "card": card,
        "shown_default": bool(request.GET) and not valid,
        "csv_query": urlencode({**query, "format": "csv"}),
        "xlsx_query": urlencode({**query, "format": "xlsx"}),
    }
    return _cacheable(request, render(request, "reports/public/statistics.html", context), cache=valid)


def _rate(indicator) -> str:
    """The percentage, or for 2.2 (not scored) the average time in working days."""
    if indicator.code == "2.2":
        return (
            f"{exports.display(indicator.percent, 'decimal')} ngày" if indicator.percent is not None else "–"
        )
    return exports.display(indicator.percent, "percent")


def _cells(values: list) -> list[tuple[str, bool]]:
    """(text as shown, is a number) per column of the monthly table."""
    return [
        (exports.display(v, c.kind), c.kind != "text")
        for v, c in zip(values, exports.MONTHLY_COLUMNS, strict=True)
    ]


def _cacheable(request: HttpRequest, response: HttpResponse, *, cache: bool = True) -> HttpResponse:
    """Shared caches may keep the page a minute for anonymous visitors; a signed-in person's page (its header
    names them) and a page answering bad input stay private."""
    if not cache or request.user.is_authenticated or response.status_code != 200:
        patch_cache_control(response, private=True, max_age=0)
    else:
        patch_cache_control(response, public=True, max_age=BROWSER_SECONDS)
    return response

"""GET /api/v1/bao-cao/chi-so-766: the scorecard over the API, with the same permission as the staff page
(a reporting role, the second factor; only agencies one may see, else 404)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema

from dichvucong.accounts.api import Message, has_second_factor, token_or_session
from dichvucong.agencies.models import Agency
from dichvucong.reports import selectors
from dichvucong.reports.forms import last_month
from dichvucong.reports.scorecard import Scope, agencies_under, scorecard

router = Router(tags=["Báo cáo"], auth=token_or_session)


class ScorecardQuery(Schema):
    start: datetime.date | None = None
    end: datetime.date | None = None
    agency_id: int | None = None
    procedure_id: int | None = None
    field_id: int | None = None


class IndicatorOut(Schema):
    code: str
    group: int
    label: str
    numerator: int
    denominator: int
    percent: Decimal | None
    points: Decimal
    max_points: Decimal
    parts: dict[str, int]


class ScorecardOut(Schema):
    start: datetime.date
    end: datetime.date
    agency_ids: list[int] | None
    total_points: Decimal
    max_points: Decimal
    indicators: list[IndicatorOut]


@router.get("/bao-cao/chi-so-766", response={200: ScorecardOut, 403: Message, 404: Message, 422: Message})
def scorecard_api(request: HttpRequest, filters: Query[ScorecardQuery]):
    if not has_second_factor(request) or not selectors.report_root_agencies(user=request.auth).exists():
        return 403, {"detail": "Chức năng dành cho cán bộ đã xác thực hai lớp."}
    start, end = filters.start, filters.end
    if start is None and end is None:
        start, end = last_month()
    if start is None or end is None or end < start or (end - start).days > 3 * 366:
        return 422, {"detail": "Kỳ báo cáo không hợp lệ (start ≤ end, tối đa 3 năm)."}
    visible = selectors.visible_agency_ids(user=request.auth)
    if filters.agency_id is not None:
        if filters.agency_id not in visible:
            raise Http404
        agency_ids = agencies_under(filters.agency_id)
    elif len(visible) == Agency.objects.count():
        agency_ids = None
    else:
        agency_ids = tuple(sorted(visible))
    card = scorecard(scope=Scope(start, end, agency_ids, filters.procedure_id, filters.field_id))
    return 200, {
        "start": start,
        "end": end,
        "agency_ids": list(agency_ids) if agency_ids is not None else None,
        "total_points": card.total_points,
        "max_points": card.max_points,
        "indicators": card.indicators,
    }

"""The QĐ 766/QĐ-TTg scorecard computed from our own data: every indicator our data can feed, per agency
(with roll-up), procedure, field and period, and the records behind every number.

Public interface (the public statistics page and the exports are coded against it): ``Scope``,
``agencies_under``, ``Indicator``, ``Scorecard``, ``scorecard``, ``drilldown``, ``drilldown_url``, ``Row``,
``breakdown``. The formulas are in ``reports.indicators`` (dossier facts in ``reports.facts``), the point
table in ``reports.points``; docs/scorecard.md explains both.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse

from dichvucong.agencies.models import Agency


@dataclass(frozen=True)
class Scope:
    start: datetime.date  # first day, inclusive (Vietnam local date)
    end: datetime.date  # last day, inclusive
    agency_ids: tuple[int, ...] | None = None  # None = every agency (the province)
    procedure_id: int | None = None
    field_id: int | None = None


def agencies_under(agency_id: int) -> tuple[int, ...]:
    """The agency and all its descendants (roll-up commune → province), the agency first."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Agency.objects.values_list("pk", "parent_id").order_by("pk"):
        children.setdefault(parent_id, []).append(pk)
    found: list[int] = [agency_id]
    seen = {agency_id}
    index = 0
    while index < len(found):
        for child in children.get(found[index], ()):
            if child not in seen:
                seen.add(child)
                found.append(child)
        index += 1
    return tuple(found)


@dataclass(frozen=True)
class Indicator:
    code: str  # "2.1"
    group: int  # 2
    label: str  # Vietnamese name
    numerator: int
    denominator: int
    percent: Decimal | None  # None when denominator == 0 (2.2: the average in working days)
    points: Decimal
    max_points: Decimal
    parts: dict[str, int]  # named drillable sub-counts, e.g. {"on_time": 7, "late": 2}


@dataclass(frozen=True)
class Scorecard:
    scope: Scope
    indicators: list[Indicator]
    total_points: Decimal
    max_points: Decimal

    def indicator(self, code: str) -> Indicator:
        return next(i for i in self.indicators if i.code == code)


@dataclass(frozen=True)
class Row:
    key: str  # agency/field/procedure id, or "2026-11"
    label: str  # name or "11/2026"
    received: int
    received_online: int
    resolved: int
    on_time: int
    late: int
    pending: int
    pending_overdue: int
    online: int
    paid_online: int
    avg_days: Decimal | None  # average resolution time, working days
    satisfaction: Decimal | None  # KPI 5.4 percent


BREAKDOWNS = ("agency", "field", "procedure", "month")


def scorecard(*, scope: Scope) -> Scorecard:
    """Every indicator for the scope (from the precomputed aggregates; see reports.aggregates)."""
    from dichvucong.reports import indicators

    return indicators.build_scorecard(scope=scope)


def drilldown(*, scope: Scope, code: str, part: str) -> QuerySet:
    """The records behind a number: dossiers; feedbacks (``Feedback``) for 5.1–5.3; procedures
    (``Procedure``) for 3.1 and 3.5; online services (``AgencyProcedure``) for 3.2. ``part`` is a key of the
    indicator's ``parts`` or ``"all"`` (the denominator). Unknown code or part: ``ValueError``."""
    from dichvucong.reports import indicators

    return indicators.drilldown(scope=scope, code=code, part=part)


def breakdown(*, scope: Scope, by: str) -> list[Row]:
    """One row per agency, field, procedure (those with data) or month of the period."""
    if by not in BREAKDOWNS:
        raise ValueError(f"by must be one of {BREAKDOWNS}")
    from dichvucong.reports import indicators

    return indicators.breakdown(scope=scope, by=by)


def scope_query(scope: Scope) -> dict[str, str | list[str]]:
    """The query-string parameters the staff pages read back into the same scope (dates dd/mm/yyyy)."""
    params: dict[str, str | list[str]] = {
        "tu_ngay": scope.start.strftime("%d/%m/%Y"),
        "den_ngay": scope.end.strftime("%d/%m/%Y"),
    }
    if scope.agency_ids is not None:
        root = scope.agency_ids[0] if scope.agency_ids else None
        if root is not None and scope.agency_ids == agencies_under(root):
            params["co_quan"] = str(root)
        else:
            params["co_quan"] = [str(pk) for pk in scope.agency_ids]
            params["rieng"] = "1"
    if scope.procedure_id:
        params["thu_tuc"] = str(scope.procedure_id)
    if scope.field_id:
        params["linh_vuc"] = str(scope.field_id)
    return params


def drilldown_url(*, scope: Scope, code: str, part: str) -> str:
    """The staff page listing ``drilldown(scope, code, part)``."""
    params = {"code": code, "part": part, **scope_query(scope)}
    return reverse("reports:drilldown") + "?" + urlencode(params, doseq=True)

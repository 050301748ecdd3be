"""The indicators: which records form each denominator and each named part (the numerator is one part).

Dossier indicators are predicates over ``facts.Fact`` in ``DOSSIER_RULES`` (one table, read top to bottom);
the tallies come either from the precomputed aggregates (``reports.aggregates``, fast) or straight from the
facts (``direct=True``, used by the test that checks the aggregates). Procedure indicators (3.1, 3.2, 3.5)
read the catalogue offerings; feedback indicators (5.1–5.3) read the PAKN table.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from dichvucong.agencies.models import Agency
from dichvucong.catalogue.importers.records import SERVICE_FULL, SERVICE_PARTIAL
from dichvucong.catalogue.models import AgencyProcedure, Field, Procedure
from dichvucong.dossiers.models import Channel, Dossier
from dichvucong.feedback.models import Feedback, FeedbackStatus
from dichvucong.reports import points as P
from dichvucong.reports.facts import Fact, facts_for
from dichvucong.reports.scorecard import Indicator, Row, Scope, Scorecard

VIETNAM = zoneinfo.ZoneInfo(getattr(settings, "TIME_ZONE", "Asia/Ho_Chi_Minh") or "Asia/Ho_Chi_Minh")

LABELS: dict[str, tuple[int, str]] = {
    "1.4": (1, "Tỷ lệ hồ sơ đồng bộ lên Cổng Dịch vụ công quốc gia"),
    "2.1": (2, "Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn"),
    "2.2": (2, "Thời gian giải quyết trung bình (ngày làm việc)"),
    "3.1": (3, "Tỷ lệ thủ tục hành chính cung cấp dịch vụ công trực tuyến"),
    "3.2": (3, "Tỷ lệ dịch vụ công trực tuyến có phát sinh hồ sơ"),
    "3.3": (3, "Tỷ lệ hồ sơ nộp trực tuyến"),
    "3.5": (3, "Tỷ lệ thủ tục có nghĩa vụ tài chính được tích hợp thanh toán trực tuyến"),
    "3.6": (3, "Tỷ lệ hồ sơ thanh toán trực tuyến"),
    "4.1": (4, "Tỷ lệ hồ sơ có cấp kết quả giải quyết điện tử"),
    "4.2": (4, "Tỷ lệ hồ sơ thực hiện số hóa"),
    "4.3": (4, "Tỷ lệ hồ sơ khai thác, sử dụng lại dữ liệu số hóa"),
    "4.4": (4, "Tỷ lệ hồ sơ số hóa có kết nối, chia sẻ dữ liệu"),
    "4.5": (4, "Tỷ lệ hồ sơ sử dụng dữ liệu dân cư (VNeID)"),
    "5.1": (5, "Tỷ lệ phản ánh, kiến nghị được tiếp nhận, phân loại"),
    "5.2": (5, "Tỷ lệ phản ánh, kiến nghị xử lý đúng hạn"),
    "5.3": (5, "Tỷ lệ hài lòng trong xử lý phản ánh, kiến nghị"),
    "5.4": (5, "Tỷ lệ hài lòng trong tiếp nhận, giải quyết thủ tục hành chính"),
}
CODES = tuple(LABELS)
FEEDBACK_CODES = ("5.1", "5.2", "5.3")
PROCEDURE_CODES = ("3.1", "3.2", "3.5")
ONLINE_LEVELS = (SERVICE_FULL, SERVICE_PARTIAL)


# --- the period ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: datetime.datetime  # Vietnam midnight of the first day
    end: datetime.datetime  # Vietnam midnight after the last day (exclusive)
    reference: datetime.datetime  # the end used for dossiers still open: min(end, now)


def period_of(scope: Scope, *, now: datetime.datetime | None = None) -> Period:
    start = datetime.datetime.combine(scope.start, datetime.time.min, tzinfo=VIETNAM)
    end = datetime.datetime.combine(scope.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=VIETNAM)
    return Period(start, end, min(end, now or timezone.now()))


# --- dossier rules -------------------------------------------------------------------------------

Pred = Callable[[Fact, Period], bool]


def received(f: Fact, p: Period) -> bool:
    return f.received_at is not None and p.start <= f.received_at < p.end


def handled(f: Fact, p: Period) -> bool:
    """KPI 2.1 base: received before the period ends and not ended before it starts (ended in the period,
    or still open at its end)."""
    return f.received_at is not None and f.received_at < p.end and not f.ended_before(p.start)


def ended(f: Fact, p: Period) -> bool:
    return handled(f, p) and f.ended_before(p.end)


def late(f: Fact, p: Period) -> bool:
    return f.late_at(p.end, p.reference)


@dataclass(frozen=True)
class Rule:
    base: Pred
    parts: dict[str, Pred]  # the first one is the numerator (except 5.4, see below)


DOSSIER_RULES: dict[str, Rule] = {
    "1.4": Rule(received, {"synced": lambda f, p: f.synced, "not_synced": lambda f, p: not f.synced}),
    "2.1": Rule(
        handled,
        {
            "on_time": lambda f, p: not late(f, p),
            "late": late,
            "ended_on_time": lambda f, p: f.ended_before(p.end) and not late(f, p),
            "ended_late": lambda f, p: f.ended_before(p.end) and late(f, p),
            "pending": lambda f, p: not f.ended_before(p.end),
            "pending_late": lambda f, p: not f.ended_before(p.end) and late(f, p),
        },
    ),
    "2.2": Rule(
        lambda f, p: received(f, p) and f.completed_at is not None,
        {"completed": lambda f, p: True},
    ),
    "3.3": Rule(
        received,
        {
            "online": lambda f, p: f.online,
            "online_without_e_result": lambda f, p: f.channel == Channel.ONLINE and not f.online,
            "in_person": lambda f, p: f.channel == Channel.IN_PERSON,
            "postal": lambda f, p: f.channel == Channel.POSTAL,
        },
    ),
    "3.6": Rule(
        lambda f, p: received(f, p) and f.fee_bearing,
        {"paid_online": lambda f, p: f.paid_online, "not_paid_online": lambda f, p: not f.paid_online},
    ),
    "4.1": Rule(
        lambda f, p: received(f, p) and f.paper_result,
        {"e_result": lambda f, p: f.e_result, "no_e_result": lambda f, p: not f.e_result},
    ),
    "4.2": Rule(
        received, {"digitized": lambda f, p: f.digitized, "not_digitized": lambda f, p: not f.digitized}
    ),
    "4.3": Rule(received, {"reused": lambda f, p: f.reused, "not_reused": lambda f, p: not f.reused}),
    "4.4": Rule(
        received, {"linked": lambda f, p: f.store_linked, "not_linked": lambda f, p: not f.store_linked}
    ),
    "4.5": Rule(received, {"vneid": lambda f, p: f.vneid, "not_vneid": lambda f, p: not f.vneid}),
    # 100 − (% late + % with a PAKN or a dislike), over the KPI 2.1 base.
    "5.4": Rule(handled, {"late": late, "complained": lambda f, p: f.complained}),
}


@dataclass
class Tally:
    """Counts per dossier indicator: ``base[code]`` and ``parts[code][part]``, plus the sum of resolution
    days (2.2)."""

    base: Counter
    parts: dict[str, Counter]
    days_sum: float = 0.0

    @classmethod
    def empty(cls) -> Tally:
        return cls(Counter(), {code: Counter() for code in DOSSIER_RULES})

    def add(self, other: Tally) -> None:
        self.base.update(other.base)
        for code, counter in other.parts.items():
            self.parts.setdefault(code, Counter()).update(counter)
        self.days_sum += other.days_sum


def tally_facts(facts: Iterable[Fact], period: Period) -> Tally:
    tally = Tally.empty()
    for fact in facts:
        for code, rule in DOSSIER_RULES.items():
            if not rule.base(fact, period):
                continue
            tally.base[code] += 1
            counter = tally.parts[code]
            for part, pred in rule.parts.items():
                if pred(fact, period):
                    counter[part] += 1
            if code == "2.2" and fact.resolve_days is not None:
                tally.days_sum += fact.resolve_days
    return tally


def dossier_filter(scope: Scope) -> Q:
    q = Q()
    if scope.agency_ids is not None:
        q &= Q(agency_id__in=scope.agency_ids)
    if scope.procedure_id:
        q &= Q(procedure_id=scope.procedure_id)
    if scope.field_id:
        q &= Q(procedure__field_id=scope.field_id)
    return q


def candidate_filter(scope: Scope, period: Period) -> Q:
    """Dossiers that may be in some base of the period. The KPI end is never after ``finished_at`` (a
    withdrawal ends at its request, a pending supplement has no finished_at), so this is a superset."""
    return (
        dossier_filter(scope)
        & Q(received_at__isnull=False, received_at__lt=period.end)
        & (Q(finished_at__isnull=True) | Q(finished_at__gte=period.start))
    )


def direct_facts(scope: Scope, period: Period, *, with_days: bool = True) -> list[Fact]:
    return facts_for(candidate_filter(scope, period), with_days=with_days)


# --- procedure and feedback indicators -----------------------------------------------------------


def _offerings(scope: Scope) -> QuerySet[AgencyProcedure]:
    queryset = AgencyProcedure.objects.filter(is_active=True)
    if scope.agency_ids is not None:
        queryset = queryset.filter(agency_id__in=scope.agency_ids)
    if scope.procedure_id:
        queryset = queryset.filter(procedure_id=scope.procedure_id)
    if scope.field_id:
        queryset = queryset.filter(procedure__field_id=scope.field_id)
    return queryset


def _received_dossiers(scope: Scope, period: Period) -> QuerySet[Dossier]:
    return Dossier.objects.filter(
        dossier_filter(scope), received_at__gte=period.start, received_at__lt=period.end
    )


def procedure_sets(
    scope: Scope,
    period: Period,
    *,
    with_dossiers: set[int] | None = None,
    integrated: set[int] | None = None,
) -> dict[str, dict[str, set[int]]]:
    """{code: {part: ids}} for 3.1 and 3.5 (procedure ids) and 3.2 (offering ids); "all" is the base.
    ``with_dossiers`` / ``integrated``: offerings with an online dossier / procedures with a paid request in
    the period when already known (``monthcache``; they are narrowed to the scope's catalogue here)."""
    offerings = list(_offerings(scope).values_list("pk", "procedure_id", "service_level"))
    by_procedure: dict[int, set[str]] = {}
    for _pk, procedure_id, level in offerings:
        by_procedure.setdefault(procedure_id, set()).add(level)
    full = {p for p, levels in by_procedure.items() if SERVICE_FULL in levels}
    partial = {p for p, levels in by_procedure.items() if SERVICE_PARTIAL in levels} - full
    everything = set(by_procedure)
    online_offerings = {pk for pk, _p, level in offerings if level in ONLINE_LEVELS}
    # One probe per offering / procedure ("is there one such dossier?") rather than reading every dossier of
    # the period: the period may hold hundreds of thousands, the offerings are a few hundred.
    received = _received_dossiers(scope, period)
    if with_dossiers is not None:
        with_dossiers = with_dossiers & online_offerings
    else:
        with_dossiers = set(
            AgencyProcedure.objects.filter(pk__in=online_offerings)
            .filter(Exists(received.filter(channel=Channel.ONLINE, offering_id=OuterRef("pk"))))
            .values_list("pk", flat=True)
        )
    fee_bearing = fee_bearing_procedures(scope)
    if integrated is not None:
        integrated = integrated & fee_bearing
    else:
        integrated = set(
            Procedure.objects.filter(pk__in=fee_bearing)
            .filter(
                Exists(received.filter(procedure_id=OuterRef("pk"), payment_requests__gross_amount__gt=0))
            )
            .values_list("pk", flat=True)
        )
    return {
        "3.1": {"all": everything, "online": full | partial, "full": full, "partial": partial,
                "none": everything - full - partial},
        "3.2": {"all": online_offerings, "with_dossiers": with_dossiers,
                "without_dossiers": online_offerings - with_dossiers},
        "3.5": {"all": fee_bearing, "integrated": integrated, "not_integrated": fee_bearing - integrated},
    }  # fmt: skip


def fee_bearing_procedures(scope: Scope) -> set[int]:
    """Procedures offered in the scope with a chargeable fee on an offering or on the current version."""
    from dichvucong.catalogue.models import FeeItem

    offerings = _offerings(scope)
    chargeable = FeeItem.objects.filter(amount__gt=0, is_free=False)
    local = set(
        offerings.filter(pk__in=chargeable.values("offering_id")).values_list("procedure_id", flat=True)
    )
    national = set(
        offerings.filter(procedure__current_version_id__in=chargeable.values("version_id")).values_list(
            "procedure_id", flat=True
        )
    )
    return local | national


def _feedback_scope(scope: Scope) -> QuerySet[Feedback]:
    queryset = Feedback.objects.filter(agency__isnull=False)
    if scope.agency_ids is not None:
        queryset = queryset.filter(agency_id__in=scope.agency_ids)
    if scope.procedure_id:
        queryset = queryset.filter(
            Q(procedure_id=scope.procedure_id) | Q(dossier__procedure_id=scope.procedure_id)
        )
    if scope.field_id:
        queryset = queryset.filter(
            Q(procedure__field_id=scope.field_id) | Q(dossier__procedure__field_id=scope.field_id)
        )
    return queryset


def feedback_late(feedback: Feedback, reference: datetime.datetime) -> bool:
    """A clock that stopped late, or the running clock past its deadline at ``reference``."""
    running_late = feedback.closed_at is None and feedback.due_at is not None and feedback.due_at < reference
    return feedback.late or running_late


def feedback_sets(scope: Scope, period: Period) -> dict[str, dict[str, set[int]]]:
    """{code: {part: feedback ids}} for 5.1–5.3."""
    in_scope = _feedback_scope(scope)
    created = list(
        in_scope.filter(created_at__gte=period.start, created_at__lt=period.end).only(
            "pk", "status", "received_at", "sla", "closed_at", "due_at"
        )
    )
    accepted = {f.pk for f in created if f.received_at is not None and f.status != FeedbackStatus.REFUSED}
    all_created = {f.pk for f in created}
    late = {f.pk for f in created if feedback_late(f, period.reference)}
    first_received = list(
        in_scope.filter(received_at__gte=period.start, received_at__lt=period.end)
        .exclude(status=FeedbackStatus.REFUSED)
        .only("pk", "sla", "closed_at", "due_at", "likes", "dislikes")
    )
    reraised = set(
        Feedback.objects.filter(reraises_id__in=[f.pk for f in first_received]).values_list(
            "reraises_id", flat=True
        )
    )
    unhappy = {
        f.pk
        for f in first_received
        if f.dislikes > f.likes or feedback_late(f, period.reference) or f.pk in reraised
    }
    received_ids = {f.pk for f in first_received}
    return {
        "5.1": {"all": all_created, "received": accepted, "not_received": all_created - accepted},
        "5.2": {"all": all_created, "on_time": all_created - late, "late": late},
        "5.3": {"all": received_ids, "satisfied": received_ids - unhappy, "dissatisfied": unhappy},
    }


# --- the scorecard -------------------------------------------------------------------------------


def _indicator(code: str, numerator: int, denominator: int, parts: dict[str, int], value=None) -> Indicator:
    group, label = LABELS[code]
    value = P.percent(numerator, denominator) if value is None and code != "2.2" else value
    points, maximum = P.points_for(code, value)
    return Indicator(code, group, label, numerator, denominator, value, points, maximum, dict(parts))


def indicators_from(tally: Tally, procedures: dict, feedbacks: dict) -> list[Indicator]:
    result: list[Indicator] = []
    for code in CODES:
        if code in PROCEDURE_CODES or code in FEEDBACK_CODES:
            sets = (procedures if code in PROCEDURE_CODES else feedbacks)[code]
            parts = {part: len(ids) for part, ids in sets.items() if part != "all"}
            first = next(iter(parts))
            result.append(_indicator(code, parts[first], len(sets["all"]), parts))
            continue
        rule = DOSSIER_RULES[code]
        base = tally.base[code]
        parts = {part: tally.parts[code][part] for part in rule.parts}
        if code == "2.2":
            average = P.quantize(Decimal(tally.days_sum) / base) if base else None
            result.append(_indicator(code, round(tally.days_sum), base, parts, value=average))
        elif code == "5.4":
            value = None
            if base:
                value = max(
                    Decimal(0),
                    P.HUNDRED - P.HUNDRED * (parts["late"] + parts["complained"]) / Decimal(base),
                )
                value = P.quantize(value)
            numerator = max(0, base - parts["late"] - parts["complained"])
            result.append(_indicator(code, numerator, base, parts, value=value))
        else:
            first = next(iter(rule.parts))
            result.append(_indicator(code, parts[first], base, parts))
    return result


def dossier_tally(scope: Scope, period: Period, *, direct: bool = False) -> Tally:
    if direct:
        return tally_facts(direct_facts(scope, period), period)
    from dichvucong.reports import aggregates

    return aggregates.tally(scope=scope, period=period)


def build_scorecard(
    *,
    scope: Scope,
    direct: bool = False,
    now: datetime.datetime | None = None,
    tally: Tally | None = None,
    procedures: dict | None = None,
) -> Scorecard:
    """``tally`` / ``procedures``: the dossier tally / ``procedure_sets`` of the scope when already at hand
    (``monthly_and_total``, ``monthcache``)."""
    period = period_of(scope, now=now)
    indicators = indicators_from(
        tally if tally is not None else dossier_tally(scope, period, direct=direct),
        procedures if procedures is not None else procedure_sets(scope, period),
        feedback_sets(scope, period),
    )
    total = sum((i.points for i in indicators), Decimal("0.00"))
    maximum = sum((i.max_points for i in indicators), Decimal("0.00"))
    return Scorecard(scope=scope, indicators=indicators, total_points=total, max_points=maximum)


# --- drill-down ----------------------------------------------------------------------------------


def parts_of(code: str) -> tuple[str, ...]:
    if code in DOSSIER_RULES:
        return ("all", *DOSSIER_RULES[code].parts)
    if code == "3.1":
        return ("all", "online", "full", "partial", "none")
    if code == "3.2":
        return ("all", "with_dossiers", "without_dossiers")
    if code == "3.5":
        return ("all", "integrated", "not_integrated")
    if code == "5.1":
        return ("all", "received", "not_received")
    if code == "5.2":
        return ("all", "on_time", "late")
    if code == "5.3":
        return ("all", "satisfied", "dissatisfied")
    raise ValueError(f"unknown indicator {code!r}")


def drilldown(*, scope: Scope, code: str, part: str) -> QuerySet:
    if code not in LABELS or part not in parts_of(code):
        raise ValueError(f"unknown indicator or part: {code!r} {part!r}")
    period = period_of(scope)
    if code in FEEDBACK_CODES:
        ids = feedback_sets(scope, period)[code][part]
        return Feedback.objects.filter(pk__in=ids).select_related("agency").order_by("-created_at", "-pk")
    if code in PROCEDURE_CODES:
        ids = procedure_sets(scope, period)[code][part]
        if code == "3.2":
            return AgencyProcedure.objects.filter(pk__in=ids).select_related("agency", "procedure")
        return Procedure.objects.filter(pk__in=ids).order_by("code")
    from dichvucong.reports import aggregates

    ids = aggregates.dossier_ids(scope=scope, period=period, code=code, part=part)
    return (
        Dossier.objects.filter(pk__in=ids)
        .select_related("agency", "procedure")
        .order_by("-received_at", "-pk")
    )


def matching(facts: Iterable[Fact], period: Period, code: str, part: str) -> list[int]:
    rule = DOSSIER_RULES[code]
    pred = None if part == "all" else rule.parts[part]
    return [f.dossier_id for f in facts if rule.base(f, period) and (pred is None or pred(f, period))]


# --- breakdown -----------------------------------------------------------------------------------


def _months(start: datetime.date, end: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    months = []
    day = start.replace(day=1)
    while day <= end:
        following = (day + datetime.timedelta(days=32)).replace(day=1)
        months.append((max(day, start), min(following - datetime.timedelta(days=1), end)))
        day = following
    return months


def row_from(key: str, label: str, tally: Tally) -> Row:
    t21 = tally.parts["2.1"]
    base22 = tally.base["2.2"]
    base54 = tally.base["5.4"]
    p54 = tally.parts["5.4"]
    satisfaction = None
    if base54:
        satisfaction = P.quantize(
            max(Decimal(0), P.HUNDRED - P.HUNDRED * (p54["late"] + p54["complained"]) / Decimal(base54))
        )
    return Row(
        key=key,
        label=label,
        received=tally.base["1.4"],
        received_online=tally.parts["3.3"]["online"] + tally.parts["3.3"]["online_without_e_result"],
        resolved=t21["ended_on_time"] + t21["ended_late"],
        on_time=t21["ended_on_time"],
        late=t21["ended_late"],
        pending=t21["pending"],
        pending_overdue=t21["pending_late"],
        online=tally.parts["3.3"]["online"],
        paid_online=tally.parts["3.6"]["paid_online"],
        avg_days=P.quantize(Decimal(tally.days_sum) / base22) if base22 else None,
        satisfaction=satisfaction,
    )


def monthly_and_total(*, scope: Scope, now: datetime.datetime | None = None) -> tuple[list[Row], Tally]:
    """The month rows of ``breakdown(by="month")`` and the dossier tally of the whole scope (for
    ``build_scorecard(tally=…)``), from the same three queries (the public statistics page)."""
    from dichvucong.reports import aggregates

    now = now or timezone.now()
    months = _months(scope.start, scope.end)
    subs = [
        Scope(first, last, scope.agency_ids, scope.procedure_id, scope.field_id) for first, last in months
    ]
    tallies, total = aggregates.tallies_by_period(
        scope=scope, periods=[period_of(sub, now=now) for sub in subs], span=period_of(scope, now=now)
    )
    rows = [
        row_from(first.strftime("%Y-%m"), first.strftime("%m/%Y"), tally)
        for (first, _last), tally in zip(months, tallies, strict=True)
    ]
    return rows, total


def breakdown(*, scope: Scope, by: str, direct: bool = False) -> list[Row]:
    from dichvucong.reports import aggregates

    if by == "month" and not direct:  # every month in three queries, not three per month
        return monthly_and_total(scope=scope)[0]
    if by == "month":
        now = timezone.now()
        rows = []
        for first, last in _months(scope.start, scope.end):
            sub = Scope(first, last, scope.agency_ids, scope.procedure_id, scope.field_id)
            tally = dossier_tally(sub, period_of(sub, now=now), direct=True)
            rows.append(row_from(first.strftime("%Y-%m"), first.strftime("%m/%Y"), tally))
        return rows
    period = period_of(scope)
    if direct:
        groups: dict[int | None, list[Fact]] = {}
        for fact in direct_facts(scope, period):
            key = {"agency": fact.agency_id, "field": fact.field_id, "procedure": fact.procedure_id}[by]
            groups.setdefault(key, []).append(fact)
        tallies = {key: tally_facts(facts, period) for key, facts in groups.items()}
    else:
        tallies = aggregates.tallies_by(scope=scope, period=period, by=by)
    names = _names(by, [key for key in tallies if key is not None])
    rows = [
        row_from(str(key or ""), names.get(key, "Chưa phân loại lĩnh vực"), tally)
        for key, tally in tallies.items()
        if tally.base["2.1"] or tally.base["1.4"]
    ]
    return sorted(rows, key=lambda row: row.label)


def _names(by: str, keys: list[int]) -> dict[int, str]:
    if by == "agency":
        return {pk: name for pk, name in Agency.objects.filter(pk__in=keys).values_list("pk", "name")}
    if by == "field":
        return {pk: name for pk, name in Field.objects.filter(pk__in=keys).values_list("pk", "name")}
    return {
        pk: f"{code} {name}"
        for pk, code, name in Procedure.objects.filter(pk__in=keys).values_list("pk", "code", "name")
    }

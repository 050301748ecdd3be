"""Tallies from the precomputed facts (``DossierFact``): two conditional-count queries per scope (one over
the dossiers received in the period, one over the KPI 2.1 base), grouped when a breakdown asks. The rules are
those of ``indicators.DOSSIER_RULES``, restated as SQL conditions; ``test_aggregates`` checks that both agree
on random data."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Sequence

from django.db.models import Case, Count, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from dichvucong.dossiers.models import Channel
from dichvucong.reports import indicators as I
from dichvucong.reports.models import DossierFact
from dichvucong.reports.scorecard import Scope

GROUP = {"agency": "agency_id", "field": "field_id", "procedure": "procedure_id"}


def _facts(scope: Scope):
    queryset = DossierFact.objects.all()
    if scope.agency_ids is not None:
        queryset = queryset.filter(agency_id__in=scope.agency_ids)
    if scope.procedure_id:
        queryset = queryset.filter(procedure_id=scope.procedure_id)
    if scope.field_id:
        queryset = queryset.filter(field_id=scope.field_id)
    return queryset


def _conditions(period: I.Period) -> tuple[dict[str, Q], dict[str, Q]]:
    online = Q(channel=Channel.ONLINE) & (Q(paper_result=False) | Q(e_result=True))
    received = {
        "1.4|synced": Q(synced=True),
        "2.2|": Q(completed_at__isnull=False),
        "3.3|online": online,
        "3.3|online_without_e_result": Q(channel=Channel.ONLINE) & ~online,
        "3.3|in_person": Q(channel=Channel.IN_PERSON),
        "3.3|postal": Q(channel=Channel.POSTAL),
        "3.6|": Q(fee_bearing=True),
        "3.6|paid_online": Q(fee_bearing=True, paid_online=True),
        "4.1|": Q(paper_result=True),
        "4.1|e_result": Q(paper_result=True, e_result=True),
        "4.2|digitized": Q(has_files=True) & (Q(paper_result=False) | Q(e_result=True)),
        "4.3|reused": Q(reused=True),
        "4.4|linked": Q(synced=True, e_result=True),
        "4.5|vneid": Q(vneid=True),
    }
    ended = Q(end_at__lt=period.end)
    pending_late = Q(many_supplements=True) | Q(due_plus_pause__lt=period.reference)
    handled = {
        "ended_on_time": ended & Q(late_if_ended=False),
        "ended_late": ended & Q(late_if_ended=True),
        "pending_late": ~ended & pending_late,
        "complained": Q(complained=True),
    }
    return received, handled


def _aggregates(queryset, conditions: dict[str, Q], group: str | None, *, days: bool = True) -> dict:
    fields = {
        name.replace("|", "__").replace(".", "_"): Count("pk", filter=q) for name, q in conditions.items()
    }
    fields["n"] = Count("pk")
    if days:  # 2.2 is read over the dossiers received in the period only
        fields["days"] = Coalesce(Sum("resolve_days", filter=Q(completed_at__isnull=False)), 0.0)
    if group is None:
        return {None: queryset.aggregate(**fields)}
    rows = queryset.values(group).annotate(**fields)
    return {row.pop(group): row for row in rows}  # fmt: skip


def _summed(first: dict, second: dict) -> dict:
    merged = {}
    for key in set(first) | set(second):
        a, b = first.get(key) or {}, second.get(key) or {}
        merged[key] = {name: (a.get(name) or 0) + (b.get(name) or 0) for name in set(a) | set(b)}
    return merged


def _tallies(scope: Scope, period: I.Period, group: str | None) -> dict:
    received_q, handled_q = _conditions(period)
    base = _facts(scope)
    received = _aggregates(
        base.filter(received_at__gte=period.start, received_at__lt=period.end), received_q, group
    )
    # The KPI 2.1 base in two disjoint parts (ended in or after the period; still open), each an index-only
    # scan on PostgreSQL (models.COVER), summed: one OR query would read the whole table.
    before_end = base.filter(received_at__lt=period.end)
    handled_rows = _summed(
        _aggregates(before_end.filter(end_at__gte=period.start), handled_q, group, days=False),
        _aggregates(before_end.filter(end_at__isnull=True), handled_q, group, days=False),
    )
    tallies = {}
    for key in set(received) | set(handled_rows):
        r = received.get(key) or {}
        h = handled_rows.get(key) or {}
        tallies[key] = _tally(r, h)
    return tallies


def _tally(r: dict, h: dict) -> I.Tally:
    def g(row, name):
        return int(row.get(name.replace("|", "__").replace(".", "_"), 0) or 0)

    tally = I.Tally.empty()
    n = int(r.get("n", 0) or 0)
    for code in ("1.4", "3.3", "4.2", "4.3", "4.4", "4.5"):
        tally.base[code] = n
    tally.parts["1.4"] = Counter(synced=g(r, "1.4|synced"), not_synced=n - g(r, "1.4|synced"))
    tally.base["2.2"] = g(r, "2.2|")
    tally.parts["2.2"] = Counter(completed=g(r, "2.2|"))
    tally.days_sum = float(r.get("days", 0) or 0)
    tally.parts["3.3"] = Counter(
        {part: g(r, f"3.3|{part}") for part in ("online", "online_without_e_result", "in_person", "postal")}
    )
    for code, part, other in (("3.6", "paid_online", "not_paid_online"), ("4.1", "e_result", "no_e_result")):
        tally.base[code] = g(r, f"{code}|")
        tally.parts[code] = Counter(
            {part: g(r, f"{code}|{part}"), other: g(r, f"{code}|") - g(r, f"{code}|{part}")}
        )
    for code, part, other in (
        ("4.2", "digitized", "not_digitized"),
        ("4.3", "reused", "not_reused"),
        ("4.4", "linked", "not_linked"),
        ("4.5", "vneid", "not_vneid"),
    ):
        tally.parts[code] = Counter({part: g(r, f"{code}|{part}"), other: n - g(r, f"{code}|{part}")})
    handled = int(h.get("n", 0) or 0)
    eot, el, pl = g(h, "ended_on_time"), g(h, "ended_late"), g(h, "pending_late")
    pending = handled - eot - el
    late = el + pl
    tally.base["2.1"] = tally.base["5.4"] = handled
    tally.parts["2.1"] = Counter(
        on_time=handled - late, late=late, ended_on_time=eot, ended_late=el, pending=pending, pending_late=pl
    )
    tally.parts["5.4"] = Counter(late=late, complained=g(h, "complained"))
    return tally  # fmt: skip


def tally_of(received: dict, handled: dict) -> I.Tally:
    """The tally from raw counts (``month_parts``'s ``received`` and ``handled``, or sums of them)."""
    return _tally(received, handled)


def tally(*, scope: Scope, period: I.Period) -> I.Tally:
    return _tallies(scope, period, None).get(None) or I.Tally.empty()


def tallies_by(*, scope: Scope, period: I.Period, by: str) -> dict:
    return _tallies(scope, period, GROUP[by])


def _bucket(column: str, bounds: Sequence[datetime.datetime]) -> Case:
    """Index of the first bound the column's value is below (``len(bounds)`` when none, or null)."""
    whens = [When(**{f"{column}__lt": bound}, then=Value(i)) for i, bound in enumerate(bounds)]
    return Case(*whens, default=Value(len(bounds)), output_field=IntegerField())


def tallies_by_period(
    *, scope: Scope, periods: Sequence[I.Period], span: I.Period
) -> tuple[list[I.Tally], I.Tally]:
    """One tally per period, for contiguous periods in order (the months of a breakdown), in three queries
    whatever their number: the dossiers received, grouped by period; and the KPI 2.1 candidates of the whole
    span (ended in or after it; still open) grouped by the periods of their reception, of their end and of
    the moment they turn late (``due_plus_pause`` against each period's reference), from which each period's
    base and parts follow: in period m's base when received before m ends and not ended before m starts;
    ended in m when its end falls in m; pending late at m when late by m's reference. Also the tally of the
    whole ``span`` (the periods together, whose reference is the last one's)."""
    if not periods:
        return [], tally(scope=scope, period=span)
    received_rows, groups = _period_groups(scope, periods)
    tallies = [_tally(received_rows.get(m) or {}, _handled(groups, m)) for m in range(len(periods))]
    last_index = len(periods) - 1
    h = {"n": 0, "ended_on_time": 0, "ended_late": 0, "pending_late": 0, "complained": 0}
    for g in groups:  # every candidate is in the span's base; ended when it ended before the span's end
        n = g["n"]
        h["n"] += n
        if g["_eb"] <= last_index:
            h["ended_late" if g["late_if_ended"] else "ended_on_time"] += n
        elif g["many_supplements"] or g["_lb"] <= last_index:
            h["pending_late"] += n
        if g["complained"]:
            h["complained"] += n
    received_total: dict = {}
    for row in received_rows.values():
        for name, value in row.items():
            received_total[name] = (received_total.get(name) or 0) + (value or 0)
    return tallies, _tally(received_total, h)


def _period_groups(scope: Scope, periods: Sequence[I.Period]) -> tuple[dict, list[dict]]:
    """The three queries of ``tallies_by_period``: received rows by period index, and the KPI 2.1 candidates
    grouped by the period indexes of reception (_rb), end (_eb) and lateness (_lb) and the flags."""
    first, last = periods[0], periods[-1]
    ends = [p.end for p in periods]
    received_q, _handled_q = _conditions(last)
    base = _facts(scope)
    received_rows = _aggregates(
        base.filter(received_at__gte=first.start, received_at__lt=last.end).annotate(
            _period=_bucket("received_at", ends)
        ),
        received_q,
        "_period",
    )
    flags = ("late_if_ended", "many_supplements", "complained")
    before_end = base.filter(received_at__lt=last.end)
    groups: list[dict] = []
    for part in (before_end.filter(end_at__gte=first.start), before_end.filter(end_at__isnull=True)):
        groups += list(
            part.annotate(
                _rb=_bucket("received_at", ends),
                _eb=_bucket("end_at", ends),
                _lb=_bucket("due_plus_pause", [p.reference for p in periods]),
            )
            .values("_rb", "_eb", "_lb", *flags)
            .annotate(n=Count("pk"))
            .order_by()
        )
    return received_rows, groups


def _handled(groups: list[dict], m: int, *, ended_only: bool = False) -> dict:
    """Period m's KPI 2.1 counts: in its base when received before m ends and not ended before m starts;
    ended in m when its end falls in m; pending late at m when late by m's reference. ``ended_only``: only
    those that ended in m."""
    h = {"n": 0, "ended_on_time": 0, "ended_late": 0, "pending_late": 0, "complained": 0}
    for g in groups:
        if g["_rb"] > m or g["_eb"] < m or (ended_only and g["_eb"] != m):
            continue
        n = g["n"]
        h["n"] += n
        if g["_eb"] == m:
            h["ended_late" if g["late_if_ended"] else "ended_on_time"] += n
        elif g["many_supplements"] or g["_lb"] <= m:
            h["pending_late"] += n
        if g["complained"]:
            h["complained"] += n
    return h


def month_parts(*, scope: Scope, periods: Sequence[I.Period]) -> list[dict]:
    """Per period (contiguous, in order) the raw counts ``monthcache`` keeps: ``received`` (the reception
    aggregates), ``handled`` (its KPI 2.1 counts) and ``ended`` (those of them that ended in it)."""
    received_rows, groups = _period_groups(scope, periods)
    return [
        {
            "received": received_rows.get(m) or {},
            "handled": _handled(groups, m),
            "ended": _handled(groups, m, ended_only=True),
        }
        for m in range(len(periods))
    ]


def dossier_ids(*, scope: Scope, period: I.Period, code: str, part: str) -> list[int]:
    """The dossiers behind a number: the direct rules over the facts of the candidate dossiers (the drill-down
    lists what the formula says, even if the aggregates lag a moment behind)."""
    return I.matching(I.direct_facts(scope, period, with_days=False), period, code, part)

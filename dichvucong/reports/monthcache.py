"""The public statistics page's figures with finished months kept in the shared cache (issue 14, speed).

A month that has ended keeps its numbers until a dossier's facts change: ``facts_refresh`` (every transition,
every trigger, ``reports_refresh``) calls ``bump_months`` for the months from the earliest reception month of
the dossiers it rewrote (old and new facts) to this month, which gives each of them a new *version* token. A
month's counts are cached under (scope, month, version), so a bumped month is simply recomputed. Only the
current month, and months whose version changed, are read from ``DossierFact``; each contiguous run of such
months is one ``aggregates.month_parts`` pass (three queries).

Why a dossier cannot change a month before its reception: it is in month m's receptions only when received in
m, and in m's KPI 2.1 base only when received before m ends. The period's scorecard tally is rebuilt from the
months: its receptions are the months' receptions summed; its KPI 2.1 base (received before the period ends,
not ended before it starts) is the dossiers that ended in each month but the last, plus the last month's base
(which has the period's reference). This relies on a dossier's KPI end never preceding its reception (the end
is the finishing, a withdrawal asked after reception, or a supplement request after reception; see facts.py).

3.2 and 3.5 need, per period, the offerings with an online dossier and the fee-bearing procedures with a paid
request: their month sets are kept the same way (a dossier's channel, offering or payment only changes through
a transition or a payment, both of which refresh its facts); the catalogue side (3.1, which offerings count)
is read live, being a few hundred rows.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from dichvucong.dossiers.models import Channel, Dossier
from dichvucong.reports import aggregates
from dichvucong.reports import indicators as I
from dichvucong.reports.scorecard import Row, Scope, Scorecard

MONTH_SECONDS = 14 * 24 * 3600  # a cached month's counts (recomputed after that even if unchanged)
VERSION_SECONDS = 400 * 24 * 3600  # a month's version token (a lost token only means a recomputation)


def _first(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _next(first: datetime.date) -> datetime.date:
    return (first + datetime.timedelta(days=32)).replace(day=1)


def _version_key(first: datetime.date) -> str:
    return f"reports:monthver:{first:%Y%m}"


def bump_months(received: Iterable[datetime.datetime | None]) -> None:
    """New version tokens for every month from the earliest of ``received`` (reception times of dossiers whose
    facts changed) to this month; inside a transaction, again after it commits (a reader in between could have
    cached the counts without the change under the new token)."""
    times = [r for r in received if r is not None]
    if not times:
        return
    start = _first(timezone.localdate(min(times)))

    def bump() -> None:
        this_month = _first(timezone.localdate())
        keys, month = [], start
        while month <= this_month:
            keys.append(_version_key(month))
            month = _next(month)
        cache.set_many({key: uuid.uuid4().hex for key in keys}, VERSION_SECONDS)

    bump()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(bump)


def _versions(months: list[datetime.date]) -> dict[datetime.date, str]:
    keys = {_version_key(m): m for m in months}
    found = cache.get_many(list(keys))
    for key in set(keys) - set(found):
        cache.add(key, uuid.uuid4().hex, VERSION_SECONDS)  # atomic: a concurrent bump or add wins
    missing = [key for key in keys if key not in found]
    if missing:
        found.update(cache.get_many(missing))
    return {month: found.get(key, "none") for key, month in keys.items()}


def _scope_id(scope: Scope) -> str:
    text = repr((scope.agency_ids, scope.procedure_id, scope.field_id))
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _month_scope(scope: Scope, first: datetime.date) -> Scope:
    last = _next(first) - datetime.timedelta(days=1)
    return Scope(first, last, scope.agency_ids, scope.procedure_id, scope.field_id)


def _online_sets(scope: Scope, period: I.Period) -> dict[str, list[int]]:
    """Offerings with an online dossier received in the period; procedures with one with a paid request."""
    received = Dossier.objects.filter(
        I.dossier_filter(scope), received_at__gte=period.start, received_at__lt=period.end
    )
    offerings = received.filter(channel=Channel.ONLINE).values_list("offering_id", flat=True).distinct()
    paid = received.filter(payment_requests__gross_amount__gt=0).values_list("procedure_id", flat=True)
    paid = paid.distinct()
    return {"offerings": sorted(set(offerings)), "paid": sorted(set(paid))}


def _compute(scope: Scope, months: list[datetime.date], now: datetime.datetime) -> list[dict]:
    """Each contiguous run of ``months`` in one pass."""
    result: list[dict] = []
    run: list[datetime.date] = []
    for month in [*months, None]:
        if run and (month is None or month != _next(run[-1])):
            periods = [I.period_of(_month_scope(scope, m), now=now) for m in run]
            parts = aggregates.month_parts(scope=scope, periods=periods)
            for part, period in zip(parts, periods, strict=True):
                part.update(_online_sets(scope, period))
            result += parts
            run = []
        if month is not None:
            run.append(month)
    return result


def month_data(*, scope: Scope, months: list[datetime.date], now: datetime.datetime) -> list[dict]:
    """The raw counts of each (whole calendar) month, from the cache for months that ended before ``now``."""
    this_month = _first(timezone.localdate(now))
    finished = [m for m in months if m < this_month]
    versions = _versions(finished)
    scope_id = _scope_id(scope)
    keys = {m: f"reports:month:{scope_id}:{m:%Y%m}:{versions[m]}" for m in finished}
    cached = cache.get_many(list(keys.values()))
    data = {m: cached[key] for m, key in keys.items() if key in cached}
    todo = [m for m in months if m not in data]
    fresh = dict(zip(todo, _compute(scope, todo, now), strict=True))
    cache.set_many({keys[m]: fresh[m] for m in todo if m in keys}, MONTH_SECONDS)
    data.update(fresh)
    return [data[m] for m in months]


def _summed(rows: Iterable[dict]) -> dict:
    total: dict = {}
    for row in rows:
        for name, value in row.items():
            total[name] = (total.get(name) or 0) + (value or 0)
    return total


def page_figures(*, scope: Scope, now: datetime.datetime | None = None) -> tuple[list[Row], Scorecard]:
    """``indicators.monthly_and_total`` + ``build_scorecard`` for a scope of whole calendar months: the
    month rows and the period's scorecard, equal to the engine's (tests check it), finished months cached."""
    now = now or timezone.now()
    months, month = [], _first(scope.start)
    while month <= scope.end:
        months.append(month)
        month = _next(month)
    if scope.start != months[0] or _next(months[-1]) - datetime.timedelta(days=1) != scope.end:
        raise ValueError("page_figures needs whole calendar months")
    data = month_data(scope=scope, months=months, now=now)
    rows = [
        I.row_from(m.strftime("%Y-%m"), m.strftime("%m/%Y"), aggregates.tally_of(d["received"], d["handled"]))
        for m, d in zip(months, data, strict=True)
    ]
    handled = _summed([*(d["ended"] for d in data[:-1]), data[-1]["handled"]])
    total = aggregates.tally_of(_summed(d["received"] for d in data), handled)
    period = I.period_of(scope, now=now)
    procedures = I.procedure_sets(
        scope,
        period,
        with_dossiers=set().union(*(d["offerings"] for d in data)),
        integrated=set().union(*(d["paid"] for d in data)),
    )
    card = I.build_scorecard(scope=scope, now=now, tally=total, procedures=procedures)
    return rows, card

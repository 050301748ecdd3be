"""Benchmark of the QĐ 766 scorecard (reports app) on a seeded database.

Usage (from the project root, after ``bench/dossiers_seed.py`` on the same PostgreSQL database):

    DVC_DEV=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/dvc_bench766 \\
        .venv/bin/python bench/scorecard.py [--runs 5] [--skip-refresh]

It times, on the database as it is:

1. ``facts_refresh()`` (what ``manage.py reports_refresh`` runs): the precomputed ``DossierFact`` of every
   dossier, once (skip with ``--skip-refresh`` when the facts are already there);
2. warm (one untimed run first, then the median of ``--runs``): ``scorecard()`` of the whole province and of
   the busiest agency for the last complete month; ``breakdown(by="month")`` and ``breakdown(by="agency")``
   over the last 12 complete months; the public statistics page's reads for one month (one province
   scorecard plus the agency breakdown); the public statistics page's real work for its default choice
   (``public_views.statistics``: the province, the last 12 months with this one, its cache emptied before
   every run).

``measure()`` is the core; ``bench/test_scorecard_bench.py`` runs it on a 200-dossier seed in CI so this
script cannot rot.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DVC_DEV", "1")
    import django

    django.setup()


def median_time(action: Callable[[], object], runs: int) -> tuple[float, object]:
    """(median seconds over ``runs`` warm runs, the last result); one untimed run first."""
    result = action()
    times = []
    for _ in range(max(1, runs)):
        started = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def last_months(today: datetime.date, months: int) -> tuple[datetime.date, datetime.date]:
    """The ``months`` complete calendar months before ``today``'s month (first day, last day)."""
    last = today.replace(day=1) - datetime.timedelta(days=1)
    first = last.replace(day=1)
    for _ in range(months - 1):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return first, last


def measure(*, runs: int = 5, refresh: bool = True, today: datetime.date | None = None) -> dict:
    """Seconds for each step (see the module docstring) and a few sizes, as a dict."""
    from django.db.models import Count
    from django.utils import timezone

    from dichvucong.dossiers.models import Dossier
    from dichvucong.reports.models import DossierFact
    from dichvucong.reports.refresh import facts_refresh
    from dichvucong.reports.scorecard import Scope, agencies_under, breakdown, scorecard

    today = today or timezone.localdate()
    figures: dict = {"dossiers": Dossier.objects.count()}
    if refresh:
        started = time.perf_counter()
        figures["facts_written"] = facts_refresh()
        figures["refresh_s"] = time.perf_counter() - started
    figures["facts"] = DossierFact.objects.count()
    month = last_months(today, 1)
    year = last_months(today, 12)
    busiest = (
        DossierFact.objects.values("agency_id").annotate(n=Count("pk")).order_by("-n").first() or {}
    ).get("agency_id")

    province = Scope(*month)
    figures["scorecard_province_s"], card = median_time(lambda: scorecard(scope=province), runs)
    figures["province_received"] = card.indicator("1.4").denominator
    figures["province_2_1_base"] = card.indicator("2.1").denominator
    if busiest is not None:
        agency = Scope(*month, agencies_under(busiest))
        figures["scorecard_agency_s"], card = median_time(lambda: scorecard(scope=agency), runs)
        figures["agency_2_1_base"] = card.indicator("2.1").denominator
    whole_year = Scope(*year)
    figures["breakdown_month_s"], rows = median_time(lambda: breakdown(scope=whole_year, by="month"), runs)
    figures["breakdown_month_rows"] = len(rows)
    figures["breakdown_agency_s"], rows = median_time(lambda: breakdown(scope=whole_year, by="agency"), runs)
    figures["breakdown_agency_rows"] = len(rows)
    figures["public_page_reads_s"], _ = median_time(
        lambda: (scorecard(scope=province), breakdown(scope=province, by="agency")), runs
    )
    # cold: every month recomputed (the work before the month cache); warm: the finished months from the cache
    figures["public_page_cold_s"], _ = median_time(lambda: _public_page(cold=True), runs)
    figures["public_page_s"], _ = median_time(lambda: _public_page(), runs)
    return figures


def _public_page(*, cold: bool = False):
    """What /thong-ke/ computes for its default choice, without its 5-minute cache (``cold``: nor the finished
    months' counts of ``reports.monthcache``)."""
    import datetime

    from django.core.cache import cache

    from dichvucong.reports import monthcache, public_views

    start, end = public_views.default_period()
    cache.delete(f"reports:public:all:{start:%Y%m}:{end:%Y%m}")
    if cold:
        monthcache.bump_months([datetime.datetime.combine(start, datetime.time(12), tzinfo=datetime.UTC)])
    return public_views.statistics(agency=None, start=start, end=end)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="timed warm runs per query (median; default 5)")
    parser.add_argument("--skip-refresh", action="store_true", help="do not recompute the facts first")
    args = parser.parse_args(argv)
    setup_django()
    from django.db import connection

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    figures = measure(runs=args.runs, refresh=not args.skip_refresh)
    for name, value in figures.items():
        shown = f"{value * 1000:,.0f} ms" if name.endswith("_s") else f"{value:,}"
        print(f"{name:>24}: {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The public page's figures with finished months from the cache (reports.monthcache) are the engine's: cold
and warm, and right after a dossier of a past month changed (no stale number)."""

import datetime
import random

import pytest
from django.core.cache import cache

from dichvucong.dossiers.models import Dossier, Status
from dichvucong.reports import indicators, monthcache
from dichvucong.reports.refresh import facts_refresh
from dichvucong.reports.scorecard import Scope, agencies_under
from dichvucong.reports.tests import builders as b
from dichvucong.reports.tests.conftest import AFTER
from dichvucong.reports.tests.test_aggregates import random_dossiers


def engine(scope: Scope):
    """What the page computed before the cache: the month rows and the scorecard from one pass."""
    rows, total = indicators.monthly_and_total(scope=scope, now=AFTER)
    return rows, indicators.build_scorecard(scope=scope, tally=total, now=AFTER)


def direct(scope: Scope):
    """The direct formula, month by month and for the whole period."""
    rows = indicators.breakdown(scope=scope, by="month", direct=True)
    return rows, indicators.build_scorecard(scope=scope, direct=True, now=AFTER)


def scopes(tree) -> list[Scope]:
    return [
        Scope(datetime.date(2026, 8, 1), datetime.date(2026, 12, 31)),
        Scope(datetime.date(2026, 9, 1), datetime.date(2026, 11, 30), agencies_under(tree["a"].pk)),
        Scope(datetime.date(2026, 10, 1), datetime.date(2026, 12, 31), None, tree["procedure"].pk),
    ]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_cold_and_warm_give_the_engines_figures(tree, seed, django_assert_max_num_queries):
    random_dossiers(tree, random.Random(seed), 70)
    facts_refresh()
    cache.clear()
    for scope in scopes(tree):
        cold = monthcache.page_figures(scope=scope, now=AFTER)
        assert cold == engine(scope), scope
        with django_assert_max_num_queries(30) as warm_queries:
            warm = monthcache.page_figures(scope=scope, now=AFTER)
        assert warm == cold, scope
        # warm: only the current month (December at AFTER) is read from the facts and dossiers
        if scope.end < datetime.date(2026, 12, 1):
            assert not any("reports_dossierfact" in q["sql"] for q in warm_queries), scope
            assert not any('FROM "dossiers_dossier"' in q["sql"] for q in warm_queries), scope
    # the breakdown by month of the engine is the direct formula (tests the engine the cache is compared to)
    # (the finished months: the direct breakdown reads the current month at the real "now", not AFTER)
    scope = scopes(tree)[1]
    assert monthcache.page_figures(scope=scope, now=AFTER) == direct(scope)


def test_a_change_in_a_past_month_is_seen_at_once(tree):
    rng = random.Random(7)
    random_dossiers(tree, rng, 60)
    facts_refresh()
    cache.clear()
    scope = scopes(tree)[0]
    before = monthcache.page_figures(scope=scope, now=AFTER)
    assert before == engine(scope)
    # a dossier received in September, still open, gets resolved in October (late), through a fact refresh
    received = b.at(3, month=9)
    late = b.dossier(
        tree["offering"],
        status=Status.PROCESSING,
        received=received,
        due=received + datetime.timedelta(days=3),
    )
    facts_refresh(dossier_ids=[late.pk])
    after_new = monthcache.page_figures(scope=scope, now=AFTER)
    assert after_new == engine(scope)
    assert after_new[0][:4] == direct(scope)[0][:4]
    assert after_new != before
    Dossier.objects.filter(pk=late.pk).update(status=Status.RETURNED, finished_at=b.at(20, month=10))
    facts_refresh(dossier_ids=[late.pk])
    after_end = monthcache.page_figures(scope=scope, now=AFTER)
    assert after_end == engine(scope)
    assert after_end[0][:4] == direct(scope)[0][:4]
    assert after_end != after_new
    # a dossier deleted: its months are recomputed too
    Dossier.objects.filter(pk=late.pk).delete()
    assert monthcache.page_figures(scope=scope, now=AFTER) == before


def test_only_whole_months(tree):
    with pytest.raises(ValueError):
        monthcache.page_figures(scope=Scope(datetime.date(2026, 9, 2), datetime.date(2026, 9, 30)), now=AFTER)

"""The precomputed facts (DossierFact) and their SQL tallies agree with the direct formula on random data."""

import datetime
import random

import pytest

from dichvucong.dossiers.models import Channel, Status
from dichvucong.payments.models import OnlinePayment
from dichvucong.reports import indicators
from dichvucong.reports.refresh import facts_refresh
from dichvucong.reports.scorecard import Scope, agencies_under
from dichvucong.reports.tests import builders as b
from dichvucong.reports.tests.conftest import AFTER

STATUSES = [s for s in Status if s != Status.DRAFT]
ENDED = (Status.RETURNED, Status.RESOLVED, Status.STOPPED, Status.REFUSED)


def random_dossiers(tree, rng: random.Random, count: int) -> None:
    start = datetime.datetime(2026, 9, 1, 7, tzinfo=b.VN)
    for _ in range(count):
        status = rng.choice(STATUSES)
        received = start + datetime.timedelta(hours=rng.randint(0, 24 * 100))
        if status == Status.SUBMITTED or (status in (Status.REFUSED, Status.STOPPED) and rng.random() < 0.3):
            received_at = None
        else:
            received_at = received
        due = received + datetime.timedelta(days=rng.randint(1, 15))
        finished = received + datetime.timedelta(days=rng.randint(0, 25), hours=rng.randint(0, 8))
        supplements = []
        for _s in range(rng.choice([0, 0, 1, 1, 2])):
            asked = received + datetime.timedelta(days=rng.randint(0, 5), hours=rng.randint(0, 8))
            done = asked + datetime.timedelta(days=rng.randint(0, 6)) if rng.random() < 0.7 else None
            supplements.append((asked, done))
        withdrawal = None
        if status == Status.STOPPED and rng.random() < 0.5:
            withdrawal = (received + datetime.timedelta(days=1), b.APPROVED)
        b.dossier(
            rng.choice([tree["offering"], tree["other_offering"]]),
            status=status,
            channel=rng.choice(list(Channel)),
            received=received_at,
            due=None if rng.random() < 0.1 else due,
            finished=finished if status in ENDED else None,
            supplements=supplements,
            e_result=rng.random() < 0.5,
            files=[rng.random() < 0.3 for _f in range(rng.randint(0, 2))],
            paid=rng.choice([None, OnlinePayment.NATIONAL, OnlinePayment.PROVINCE, OnlinePayment.NOT_ONLINE]),
            vneid=rng.random() < 0.5,
            synced=rng.random() < 0.6,
            feedback=rng.random() < 0.1,
            rating=rng.choice([None, None, 1, 2, 3, 5]),
            withdrawal=withdrawal,
        )  # fmt: skip


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_aggregates_match_the_direct_formula(tree, seed):
    random_dossiers(tree, random.Random(seed), 70)
    assert facts_refresh() > 0
    scopes = [
        Scope(datetime.date(2026, 10, 1), datetime.date(2026, 10, 31)),
        Scope(datetime.date(2026, 9, 1), datetime.date(2026, 12, 31), agencies_under(tree["a"].pk)),
        Scope(datetime.date(2026, 11, 10), datetime.date(2026, 11, 20), None, tree["procedure"].pk),
        Scope(
            datetime.date(2026, 11, 1), datetime.date(2026, 11, 30), None, None, tree["procedure"].field_id
        ),
    ]
    for scope in scopes:
        direct = indicators.build_scorecard(scope=scope, direct=True, now=AFTER)
        fast = indicators.build_scorecard(scope=scope, direct=False, now=AFTER)
        assert fast == direct, scope
    scope = scopes[1]
    for by in ("agency", "field", "procedure", "month"):
        assert indicators.breakdown(scope=scope, by=by) == indicators.breakdown(
            scope=scope, by=by, direct=True
        )
    # the months in one pass (aggregates.tallies_by_period), also for periods cut mid-month and for one
    # agency, say what the direct formula says month by month
    for scope in (
        Scope(datetime.date(2026, 9, 15), datetime.date(2026, 12, 20)),
        Scope(datetime.date(2026, 10, 3), datetime.date(2026, 10, 29), agencies_under(tree["a"].pk)),
        scopes[2],
    ):
        assert indicators.breakdown(scope=scope, by="month") == indicators.breakdown(
            scope=scope, by="month", direct=True
        ), scope
        # and the whole period's tally from the same pass (the public page's scorecard) is the scorecard's
        _rows, total = indicators.monthly_and_total(scope=scope, now=AFTER)
        assert indicators.build_scorecard(scope=scope, tally=total, now=AFTER) == indicators.build_scorecard(
            scope=scope, direct=True, now=AFTER
        ), scope


def test_a_transition_refreshes_the_facts(tree, immediate_tasks, django_capture_on_commit_callbacks):
    from dichvucong.dossiers.workflow import Transitioned
    from dichvucong.reports.models import DossierFact
    from dichvucong.reports.refresh import on_transition

    dossier = b.dossier(tree["offering"], status=Status.PROCESSING, received=b.at(2), due=b.at(9))
    with django_capture_on_commit_callbacks(execute=True):  # subscribers run after a commit
        on_transition(
            Transitioned(dossier.pk, dossier.code, "start_processing", "accepted", "processing", None, 1)
        )
    fact = DossierFact.objects.get(dossier=dossier)
    assert fact.end_at is None and fact.agency_id == tree["a"].pk

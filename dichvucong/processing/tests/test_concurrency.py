"""Two staff act on the same dossier at the same moment: one wins, the other is refused with a clear message,
and nothing of the loser's action is written (PostgreSQL row locks; skipped on SQLite)."""

import threading

import pytest
from django.db import connection, connections

from dichvucong.dossiers.workflow import TransitionRefused
from dichvucong.processing import services
from dichvucong.processing.models import ControlSheetEntry, Track
from dichvucong.processing.tests.conftest import accepted_dossier
from dichvucong.processing.tests.test_services import walk_to

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def runner(index, call):
        try:
            barrier.wait()
            call()
            outcomes[index] = "ok"
        except (TransitionRefused, services.ProcessingError) as error:
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.parametrize("rounds", range(3))
def test_forward_and_reassign_at_once_one_wins(pdata_live, rounds):
    data = pdata_live
    dossier = accepted_dossier(data, tag=f"c{rounds}")
    walk_to(data, dossier, 1)
    Track.objects.filter(dossier=dossier).update(assignee=data["chuyenvien.a"])
    rows_before = ControlSheetEntry.objects.filter(dossier=dossier).count()

    outcomes = run_together(
        lambda: services.processing_forward(
            dossier_id=dossier.pk, officer=data["chuyenvien.a"], expected_position=1
        ),
        lambda: services.processing_reassign(
            dossier_id=dossier.pk, officer=data["truongphong.a"], to_user_id=data["chuyenvien.b"].pk
        ),
    )

    assert outcomes.count("ok") == 1, outcomes
    loser = next(o for o in outcomes if o != "ok")
    assert loser.message  # a Vietnamese sentence for the page
    assert ControlSheetEntry.objects.filter(dossier=dossier).count() == rows_before + 1
    assert ControlSheetEntry.objects.filter(dossier=dossier, finished_at__isnull=True).count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
def test_a_double_submit_moves_the_dossier_once(pdata_live):
    data = pdata_live
    dossier = accepted_dossier(data, tag="d")
    walk_to(data, dossier, 1)
    holder = Track.objects.get(dossier=dossier).assignee

    outcomes = run_together(
        *[lambda: services.processing_forward(dossier_id=dossier.pk, officer=holder, expected_position=1)] * 3
    )

    assert outcomes.count("ok") == 1, outcomes
    assert {o.code for o in outcomes if o != "ok"} <= {"stale", "not_assigned"}
    assert Track.objects.get(dossier=dossier).position == 2
    assert ControlSheetEntry.objects.filter(dossier=dossier).count() == 2

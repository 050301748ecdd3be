"""One push costs a fixed number of queries, whatever the number of files, events or fees."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from dichvucong.delivery.tests.conftest import submitted_dossier
from dichvucong.dossiers import reception
from dichvucong.dossiers.workflow import transition
from dichvucong.national import sync
from dichvucong.national.models import NationalSync
from dichvucong.national.payload import latest_event_id


def _push_queries(dossier_id: int) -> int:
    sync.sync_record_change(dossier_id=dossier_id, event_id=latest_event_id(dossier_id=dossier_id))
    NationalSync.objects.filter(dossier_id=dossier_id).update(pushed_event_id=0, state="pending")
    with CaptureQueriesContext(connection) as queries:
        row = sync.sync_push(dossier_id=dossier_id)
    assert row.state == NationalSync.State.SYNCED
    return len(queries.captured_queries)


def test_a_push_costs_the_same_queries_for_a_longer_history(world, portal):
    dossier = submitted_dossier(world)
    short = _push_queries(dossier.pk)

    reception.dossier_accept(dossier_id=dossier.pk, officer=world["receptionist"])
    transition(dossier_id=dossier.pk, action="start_processing", actor=world["specialist"])
    transition(dossier_id=dossier.pk, action="handover", actor=world["specialist"])
    longer = _push_queries(dossier.pk)

    # 16: the sync row's save notes the dossier for the scorecard facts (reports.triggers, one INSERT).
    assert short == longer == 16, (short, longer)

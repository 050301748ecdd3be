"""The scorecard follows changes made without a dossier transition (a rating, a PAKN, a payment, an e-result,
the national acknowledgement) as soon as they commit, with no ``reports_refresh``; one refresh per dossier and
transaction, none after a rollback."""

import datetime
from unittest import mock

import pytest
from django.db import transaction

from dichvucong.dossiers.models import Channel, Status
from dichvucong.feedback.models import Feedback
from dichvucong.national.models import NationalSync
from dichvucong.payments.models import OnlinePayment, PaymentRequest
from dichvucong.processing.models import DossierResult
from dichvucong.ratings.models import Rating
from dichvucong.reports import indicators
from dichvucong.reports.refresh import facts_refresh
from dichvucong.reports.scorecard import Scope, agencies_under
from dichvucong.reports.tests import builders as b
from dichvucong.reports.tests.conftest import AFTER

NOVEMBER = (datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
pytestmark = pytest.mark.usefixtures("immediate_tasks")


def parts(tree, code: str) -> dict:
    scope = Scope(*NOVEMBER, agencies_under(tree["a"].pk))
    return indicators.build_scorecard(scope=scope, now=AFTER).indicator(code).parts


@pytest.fixture
def returned(tree):
    """An online dossier of November, returned on time, its facts computed; no e-result, rating or sync."""
    dossier = b.dossier(tree["offering"], received=b.at(2), due=b.at(9), finished=b.at(5))
    facts_refresh()
    return dossier


def test_a_rating_at_most_dissatisfied_counts_at_once(tree, returned, django_capture_on_commit_callbacks):
    assert parts(tree, "5.4")["complained"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        Rating.objects.create(dossier=returned, agency=returned.agency, level=2)
    assert parts(tree, "5.4")["complained"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        Rating.objects.filter(dossier=returned).get().delete()
    assert parts(tree, "5.4")["complained"] == 0


def test_a_feedback_about_the_dossier_counts_at_once(tree, returned, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        Feedback.objects.create(
            code="PA-1", subject="dossier", agency=returned.agency, title="Chậm", content="Chậm",
            sender_name="Người dân",
        )  # fmt: skip
    assert parts(tree, "5.4")["complained"] == 0  # not about a dossier: nothing to refresh
    with django_capture_on_commit_callbacks(execute=True):
        Feedback.objects.create(
            code="PA-2", subject="dossier", dossier=returned, agency=returned.agency, title="Chậm",
            content="Chậm", sender_name="Người dân",
        )  # fmt: skip
    assert parts(tree, "5.4")["complained"] == 1


def test_a_payment_paid_online_counts_at_once(tree, returned, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = PaymentRequest.objects.create(
            dossier=returned, agency=returned.agency, items=[], gross_amount=15000, amount=15000
        )
    assert parts(tree, "3.6") == {"paid_online": 0, "not_paid_online": 1}
    with django_capture_on_commit_callbacks(execute=True):
        request.note = "ghi chú"
        request.save(update_fields=["note"])  # neither state nor online flag: no refresh needed
        request.state, request.online_payment = PaymentRequest.State.PAID, OnlinePayment.PROVINCE
        request.save(update_fields=["state", "online_payment"])
    assert parts(tree, "3.6") == {"paid_online": 1, "not_paid_online": 0}


def test_an_e_result_counts_at_once(tree, returned, django_capture_on_commit_callbacks):
    assert parts(tree, "3.3")["online"] == 0 and parts(tree, "4.1")["e_result"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        DossierResult.objects.create(dossier=returned, name="Giấy khai sinh", document=b.document(),
                                     issued_at=b.at(5))  # fmt: skip
    assert parts(tree, "3.3")["online"] == 1 and parts(tree, "4.1")["e_result"] == 1


def test_the_national_acknowledgement_counts_at_once(tree, returned, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sync = NationalSync.objects.create(dossier=returned)
    assert parts(tree, "1.4") == {"synced": 0, "not_synced": 1}
    with django_capture_on_commit_callbacks(execute=True):
        sync.on_portal, sync.state = True, "synced"
        sync.save(update_fields=["on_portal", "state"])
    assert parts(tree, "1.4") == {"synced": 1, "not_synced": 0}


def test_one_refresh_per_transaction_and_none_after_a_rollback(
    tree, returned, django_capture_on_commit_callbacks
):
    other = b.dossier(tree["offering"], channel=Channel.IN_PERSON, status=Status.PROCESSING, received=b.at(3))
    with mock.patch("dichvucong.reports.refresh.facts_refresh") as refresh:
        with django_capture_on_commit_callbacks(execute=True):
            Rating.objects.create(dossier=returned, agency=returned.agency, level=5)
            Feedback.objects.create(
                code="PA-3", subject="dossier", dossier=returned, agency=returned.agency, title="a",
                content="b", sender_name="c",
            )  # fmt: skip
            Rating.objects.create(dossier=other, agency=other.agency, level=1)
        assert refresh.call_count == 1
        assert refresh.call_args.kwargs == {"dossier_ids": sorted([returned.pk, other.pk])}

        refresh.reset_mock()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            try:
                with transaction.atomic():
                    Rating.objects.filter(dossier=other).update(level=1)
                    Rating.objects.get(dossier=other).delete()
                    raise RuntimeError("rolled back")
            except RuntimeError:
                pass
        assert refresh.call_count == 0 and callbacks == []
    assert Rating.objects.filter(dossier=other).exists()


def test_the_committing_request_only_notes_the_dossier_and_queues_one_drain(
    tree, returned, settings, django_capture_on_commit_callbacks
):
    """With the production task backend, a commit writes a note and one queued task, no facts (issue 15: the
    refresh took ~40 % of a submission's time); more commits meanwhile queue nothing more; the worker's
    drain brings the scorecard up to date and empties the notes."""
    from django_tasks_db.models import DBTaskResult

    from dichvucong.reports.models import StaleFact
    from dichvucong.reports.tasks import refresh_stale_facts

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}
    other = b.dossier(tree["offering"], received=b.at(3), due=b.at(9), finished=b.at(6))
    with django_capture_on_commit_callbacks(execute=True):
        Rating.objects.create(dossier=returned, agency=returned.agency, level=1)
    with django_capture_on_commit_callbacks(execute=True):
        Rating.objects.create(dossier=other, agency=other.agency, level=2)
    queued = DBTaskResult.objects.get()  # one drain for both commits
    assert queued.task_path == refresh_stale_facts.module_path and queued.run_after is not None
    assert set(StaleFact.objects.values_list("dossier_id", flat=True)) == {returned.pk, other.pk}
    assert parts(tree, "5.4")["complained"] == 0  # not yet: the requests did not compute it

    assert refresh_stale_facts.call() == 2  # what the worker does
    assert parts(tree, "5.4")["complained"] == 2
    assert not StaleFact.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):  # the drain cleared the flag: a new one queues
        Rating.objects.filter(dossier=other).delete()
    assert DBTaskResult.objects.count() == 2 and StaleFact.objects.count() == 1


def test_a_failing_drain_keeps_its_notes(tree, returned, django_capture_on_commit_callbacks):
    from dichvucong.reports.models import StaleFact
    from dichvucong.reports.refresh import stale_facts_drain

    with (
        mock.patch("dichvucong.reports.refresh.facts_refresh"),  # noted, not drained
        django_capture_on_commit_callbacks(execute=True),
    ):
        Rating.objects.create(dossier=returned, agency=returned.agency, level=1)
    StaleFact.objects.get_or_create(dossier_id=returned.pk)
    gone = RuntimeError("database gone")
    with (
        mock.patch("dichvucong.reports.refresh.facts_refresh", side_effect=gone),
        pytest.raises(RuntimeError),
    ):
        stale_facts_drain()
    assert list(StaleFact.objects.values_list("dossier_id", flat=True)) == [returned.pk]
    assert stale_facts_drain() == 1
    assert parts(tree, "5.4")["complained"] == 1 and not StaleFact.objects.exists()

"""Keep ``DossierFact`` in step with what changes a dossier's KPI facts: every transition (the subscriber in
``refresh.on_transition``) and, WITHOUT a transition, a rating, a PAKN about the dossier, a payment request's
state or online flag, an e-result, the national acknowledgement (model signals of those apps, connected in
``ReportsConfig.ready``; the apps themselves are not touched).

Each change only *notes* the dossier: one ``StaleFact`` row, written in the transaction that made the change
(a rollback takes the note with it). When that transaction commits, the ``refresh_stale_facts`` task is
queued (at most one every few seconds, flagged in the shared cache) and recomputes every noted dossier in
batches: the request pays one insert, and the worker recomputes thousands of dossiers with a few queries
instead of ~16 queries per dossier (issue 15: the refresh was ~40 % of a submission's time). A lost task is
harmless: the notes stay until the next one, and ``reports_refresh --since`` (``make run`` runs it every 15
minutes) catches up whatever a crash between a commit and its subscriber missed."""

from __future__ import annotations

import datetime
import logging
import threading

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

logger = logging.getLogger(__name__)
DRAIN_FLAG = "reports:stale-facts:queued"
DRAIN_DELAY = datetime.timedelta(seconds=2)  # let a burst of commits gather into one batch
FLAG_SECONDS = 60  # a queued drain lost with its process: the next commit after this queues another


class _Batch:
    """The dossiers noted in one transaction; one on_commit callback queues the drain."""

    def __init__(self) -> None:
        self.ids: set[int] = set()
        self.done = False

    def flush(self) -> None:
        self.done = True
        if self.ids:
            self.ids = set()
            drain_schedule()


_local = threading.local()


def _registered(connection, batch: _Batch) -> bool:
    # A rolled-back (savepoint or) transaction drops its callbacks: then the batch is stale.
    return any(getattr(entry[1], "__self__", None) is batch for entry in connection.run_on_commit)


def _note(dossier_ids, *, using: str) -> None:
    from dichvucong.reports.models import StaleFact

    StaleFact.objects.using(using).bulk_create(
        [StaleFact(dossier_id=pk) for pk in dossier_ids], ignore_conflicts=True
    )


def drain_schedule() -> None:
    """Queue ``refresh_stale_facts`` unless one is already queued (the flag in the shared cache)."""
    from dichvucong.reports.tasks import refresh_stale_facts

    try:
        if not cache.add(DRAIN_FLAG, 1, timeout=FLAG_SECONDS):
            return
        task = refresh_stale_facts
        if task.get_backend().supports_defer:
            task = task.using(run_after=timezone.now() + DRAIN_DELAY)
        task.enqueue()
    except Exception:  # the notes stay; the next commit or the periodic refresh drains them
        logger.exception("reports: queueing the facts refresh failed")


def refresh_on_commit(dossier_id: int | None, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Note that ``dossier_id``'s facts must be recomputed (in the current transaction, if any) and queue the
    drain once it commits."""
    if not dossier_id:
        return
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        _note([dossier_id], using=using)
        drain_schedule()
        return
    batches = getattr(_local, "batches", None)
    if batches is None:
        batches = _local.batches = {}
    batch = batches.get(using)
    if batch is None or batch.done or not _registered(connection, batch):
        batch = batches[using] = _Batch()
        transaction.on_commit(batch.flush, using=using)
    _note([dossier_id], using=using)  # again after a rolled-back savepoint: the conflict is ignored
    batch.ids.add(dossier_id)


def _touches(update_fields, names: set[str]) -> bool:
    return update_fields is None or bool(names & set(update_fields))


def _dossier_row_changed(sender, instance, using, **kwargs) -> None:
    """Ratings, PAKN (only those about a dossier) and e-results: any save or delete."""
    refresh_on_commit(getattr(instance, "dossier_id", None), using=using)


def _payment_changed(sender, instance, using, update_fields=None, **kwargs) -> None:
    watched = {"state", "online_payment", "gross_amount"}
    if kwargs.get("signal") is post_delete or _touches(update_fields, watched):
        refresh_on_commit(instance.dossier_id, using=using)


def _national_changed(sender, instance, using, update_fields=None, **kwargs) -> None:
    if kwargs.get("signal") is post_delete or _touches(update_fields, {"on_portal"}):
        refresh_on_commit(instance.dossier_id, using=using)


def _fact_deleted(sender, instance, **kwargs) -> None:
    """A fact gone with its dossier (cascade): the months it counted in are recomputed (``monthcache``)."""
    from dichvucong.reports.monthcache import bump_months

    bump_months([instance.received_at])


def connect() -> None:
    from dichvucong.feedback.models import Feedback
    from dichvucong.national.models import NationalSync
    from dichvucong.payments.models import PaymentRequest
    from dichvucong.processing.models import DossierResult
    from dichvucong.ratings.models import Rating
    from dichvucong.reports.models import DossierFact

    for model in (Rating, Feedback, DossierResult):
        for signal in (post_save, post_delete):
            signal.connect(_dossier_row_changed, sender=model, dispatch_uid=f"reports-facts-{model.__name__}")
    for signal in (post_save, post_delete):
        signal.connect(_payment_changed, sender=PaymentRequest, dispatch_uid="reports-facts-payment")
        signal.connect(_national_changed, sender=NationalSync, dispatch_uid="reports-facts-national")
    post_delete.connect(_fact_deleted, sender=DossierFact, dispatch_uid="reports-facts-deleted")

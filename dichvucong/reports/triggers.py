"""Keep ``DossierFact`` in step with what changes a dossier's KPI facts WITHOUT a transition: a rating, a PAKN
about the dossier, a payment request's state or online flag, an e-result, the national acknowledgement.

Model signals of those apps (connected in ``ReportsConfig.ready``; the apps themselves are not touched) only
*note* the dossier; the facts are recomputed once per dossier when the transaction commits (nothing on a
rollback). Outside a transaction the refresh runs at once."""

from __future__ import annotations

import logging
import threading

from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models.signals import post_delete, post_save

logger = logging.getLogger(__name__)


class _Batch:
    """The dossiers noted in one transaction; flushed by one on_commit callback."""

    def __init__(self) -> None:
        self.ids: set[int] = set()
        self.done = False

    def flush(self) -> None:
        self.done = True
        ids, self.ids = sorted(self.ids), set()
        if not ids:
            return
        from dichvucong.reports.refresh import facts_refresh

        try:
            facts_refresh(dossier_ids=ids)
        except Exception:  # the next nightly refresh catches up; the saved change itself stands
            logger.exception("reports: refreshing the facts of dossiers %s failed", ids)


_local = threading.local()


def _registered(connection, batch: _Batch) -> bool:
    # A rolled-back (savepoint or) transaction drops its callbacks: then the batch is stale.
    return any(getattr(entry[1], "__self__", None) is batch for entry in connection.run_on_commit)


def refresh_on_commit(dossier_id: int | None, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Note that ``dossier_id``'s facts must be recomputed after the current transaction commits (once per
    dossier and transaction)."""
    if not dossier_id:
        return
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        batch = _Batch()
        batch.ids.add(dossier_id)
        batch.flush()
        return
    batches = getattr(_local, "batches", None)
    if batches is None:
        batches = _local.batches = {}
    batch = batches.get(using)
    if batch is None or batch.done or not _registered(connection, batch):
        batch = batches[using] = _Batch()
        transaction.on_commit(batch.flush, using=using)
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

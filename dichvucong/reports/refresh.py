"""Keep ``DossierFact`` in step with the dossiers: after each transition (subscriber), and in bulk
(``reports_refresh [--since]``, the nightly task) for what changes without a transition (a rating, a PAKN,
the national sync acknowledgement, a payment that did not pause the dossier)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Min, Q

from dichvucong.dossiers.models import Dossier, Status
from dichvucong.reports import monthcache
from dichvucong.reports.facts import Fact, facts_for
from dichvucong.reports.models import DossierFact

FIELDS = [f.name for f in DossierFact._meta.concrete_fields if f.name not in ("dossier", "refreshed_at")]
BATCH = 2000


def fact_row(fact: Fact) -> DossierFact:
    late_if_ended = fact.supplements > 1 or (
        fact.due_at is not None and fact.end_at is not None and fact.end_at - fact.pause > fact.due_at
    )
    return DossierFact(
        dossier_id=fact.dossier_id,
        agency_id=fact.agency_id,
        procedure_id=fact.procedure_id,
        field_id=fact.field_id,
        channel=fact.channel,
        received_at=fact.received_at,
        due_at=fact.due_at,
        end_at=fact.end_at,
        completed_at=fact.completed_at,
        late_if_ended=late_if_ended,
        due_plus_pause=fact.due_at + fact.pause if fact.due_at is not None else None,
        many_supplements=fact.supplements > 1,
        resolve_days=fact.resolve_days,
        paper_result=fact.paper_result,
        e_result=fact.e_result,
        fee_bearing=fact.fee_bearing,
        paid_online=fact.paid_online,
        has_files=fact.has_files,
        reused=fact.reused,
        vneid=fact.vneid,
        synced=fact.synced,
        complained=fact.complained,
    )


def min_received(old, rows: list[DossierFact]) -> datetime.datetime | None:
    """The earliest reception among the facts being replaced (``old``, a queryset) and their new rows."""
    times = [r.received_at for r in rows if r.received_at is not None]
    first_old = old.filter(received_at__isnull=False).aggregate(first=Min("received_at"))["first"]
    if first_old is not None:
        times.append(first_old)
    return min(times, default=None)


def facts_refresh(*, dossier_ids: list[int] | None = None, since: datetime.datetime | None = None) -> int:
    """Recompute the facts of the given dossiers, of those changed since ``since``, or of all. Idempotent."""
    scope = Q()
    if dossier_ids is not None:
        scope &= Q(pk__in=dossier_ids)
    if since is not None:
        scope &= Q(updated_at__gte=since) | Q(received_at__gte=since) | Q(finished_at__gte=since)
    ids = list(Dossier.objects.filter(scope).order_by("pk").values_list("pk", flat=True))
    written = 0
    touched: list[datetime.datetime | None] = []  # reception times before and after (reports.monthcache)
    try:
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            rows = [fact_row(f) for f in facts_for(chunk)]
            touched.append(min_received(DossierFact.objects.filter(dossier_id__in=chunk), rows))
            with transaction.atomic():
                DossierFact.objects.filter(dossier_id__in=chunk).exclude(
                    dossier_id__in=[r.dossier_id for r in rows]
                ).delete()
                DossierFact.objects.bulk_create(
                    rows, update_conflicts=True, unique_fields=["dossier"], update_fields=FIELDS
                )
            written += len(rows)
    finally:  # once the writes are committed (and again after an outer commit), even after a failure
        monthcache.bump_months(touched)
    return written


def stale_facts_drain(*, batch: int = BATCH) -> int:
    """Recompute the facts of the dossiers noted in ``StaleFact``, ``batch`` at a time; returns how many.

    Each batch is one transaction: its notes are locked (``SKIP LOCKED``: two workers take different ones),
    deleted and their facts written, or, on a failure, all left for the next run. A dossier noted again
    while its batch runs waits for that commit, then its new note stays for the next drain."""
    from django.core.cache import cache

    from dichvucong.reports.models import StaleFact
    from dichvucong.reports.triggers import DRAIN_FLAG

    cache.delete(DRAIN_FLAG)  # from now on a commit queues another drain
    done = 0
    while True:
        with transaction.atomic():
            ids = list(
                StaleFact.objects.select_for_update(skip_locked=True)
                .order_by("dossier_id")
                .values_list("dossier_id", flat=True)[:batch]
            )
            if not ids:
                return done
            StaleFact.objects.filter(dossier_id__in=ids).delete()
            facts_refresh(dossier_ids=ids)
        done += len(ids)


def on_transition(change) -> None:
    """Subscriber (called after the transition committed): note the dossier for the facts refresh (drafts
    have none); ``reports.triggers`` queues the drain."""
    if change.to_status != Status.DRAFT:
        from dichvucong.reports.triggers import refresh_on_commit

        refresh_on_commit(change.dossier_id)

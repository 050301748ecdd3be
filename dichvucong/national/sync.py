"""The outbound sync: every dossier change reaches the national portal, in order, whatever the portal does.

Flow: the state machine runs ``on_transition`` after each committed transition (registered in
``NationalConfig.ready()``); it enqueues ``record_and_push``, which records on the dossier's ``NationalSync``
row that the portal must now reflect that event and pushes it. ``sync_push`` claims the row with a lease (one
sender per dossier), builds the payload from the database as it is now, calls the adapter outside any
transaction (create first; update when the portal says the dossier exists; once the portal has it, update
first and create when it says it does not), and records the outcome: synced, behind again (a change arrived
meanwhile: push again), a retry with back-off, or dead. ``sync_sweep`` re-enqueues due rows oldest change
first (so an outage of hours catches up in order), takes over rows whose worker died, and records changes a
crash between the transition's commit and its subscriber kept from the outbox.

Ordering: a push carries the whole dossier as of the moment it is built, one push per dossier at a time, and
``pushed_event_id`` only grows, so an earlier state is never sent after a later one was accepted.
"""

from __future__ import annotations

import datetime
import logging
import time

from django.db import IntegrityError, transaction
from django.db.models import (
    Case,
    CharField,
    DateTimeField,
    F,
    Max,
    PositiveSmallIntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from dichvucong.accounts.models import User
from dichvucong.dossiers.models import DossierEvent
from dichvucong.dossiers.workflow import Transitioned, subscribe
from dichvucong.national import conf
from dichvucong.national.models import NationalSync, SyncAttempt
from dichvucong.national.payload import dossier_payload
from dichvucong.national.portal.base import NationalPortal, PushResult
from dichvucong.national.portal.registry import portal_default

logger = logging.getLogger(__name__)
State = NationalSync.State
REVIVED = (State.SYNCED, State.DEAD)


class SyncError(Exception):
    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


# --- recording changes ------------------------------------------------------------------------------------


def sync_record_change(*, dossier_id: int, event_id: int, now: datetime.datetime | None = None) -> bool:
    """Note that the portal must reflect ``event_id`` of the dossier (idempotent; an older event changes
    nothing). A synced or dead row starts again. Returns whether anything changed."""
    now = now or timezone.now()
    revived = Q(state__in=REVIVED)
    changed = NationalSync.objects.filter(dossier_id=dossier_id, wanted_event_id__lt=event_id).update(
        wanted_event_id=event_id,
        pending_since=Coalesce(F("pending_since"), Value(now), output_field=DateTimeField()),
        state=Case(When(revived, then=Value(State.PENDING)), default=F("state"), output_field=CharField()),
        attempts=Case(
            When(revived, then=Value(0)), default=F("attempts"), output_field=PositiveSmallIntegerField()
        ),
        next_attempt_at=Case(
            When(revived, then=Value(now)), default=F("next_attempt_at"), output_field=DateTimeField()
        ),
    )
    if changed:
        return True
    if NationalSync.objects.filter(dossier_id=dossier_id).exists():
        return False
    try:
        with transaction.atomic():
            NationalSync.objects.create(
                dossier_id=dossier_id, wanted_event_id=event_id, pending_since=now, next_attempt_at=now
            )
    except IntegrityError:  # another process created it meanwhile
        return sync_record_change(dossier_id=dossier_id, event_id=event_id, now=now)
    return True


def on_transition(change: Transitioned) -> None:
    """Subscriber: queue ``record_and_push`` for the event. The request that made the transition writes one
    task row; recording the change and pushing it happen in the worker (issue 15). A task lost with a dead
    process is found by ``sync_reconcile`` (the sweeper), which records the change from the events."""
    if not conf.portal_name():
        return
    dossier_id, event_id = change.dossier_id, change.event_id
    transaction.on_commit(lambda: _enqueue_record(dossier_id, event_id), robust=True)


def _enqueue_record(dossier_id: int, event_id: int) -> None:
    from dichvucong.national.tasks import record_and_push

    record_and_push.enqueue(dossier_id, event_id)


def sync_record_and_push(*, dossier_id: int, event_id: int) -> NationalSync | None:
    """What the subscriber's task does: record the change (idempotent), then push the dossier if due."""
    sync_record_change(dossier_id=dossier_id, event_id=event_id)
    return sync_push(dossier_id=dossier_id)


def connect() -> None:
    """Called from ``NationalConfig.ready()``: every transition of every dossier."""
    subscribe(on_transition)


def _enqueue(dossier_id: int, run_after: datetime.datetime | None = None) -> None:
    from dichvucong.national.tasks import push_dossier

    task = push_dossier
    if run_after is not None and run_after > timezone.now():
        if not task.get_backend().supports_defer:
            return  # the sweeper enqueues it once it is due
        task = task.using(run_after=run_after)
    task.enqueue(dossier_id)


# --- pushing ----------------------------------------------------------------------------------------------


def sync_push(*, dossier_id: int) -> NationalSync | None:
    """Push the dossier if it is behind, due, and nobody else is pushing it. Safe to run any number of
    times."""
    try:
        portal = portal_default()
    except LookupError as error:
        logger.error("national sync: %s", error)
        return NationalSync.objects.filter(dossier_id=dossier_id).first()
    if portal is None:
        return NationalSync.objects.filter(dossier_id=dossier_id).first()
    claimed = _claim(dossier_id=dossier_id)
    if claimed is None:
        return NationalSync.objects.filter(dossier_id=dossier_id).first()
    sync, attempt = claimed
    calls: list[SyncAttempt] = []
    event_id, status = 0, None
    try:
        payload, event_id = dossier_payload(dossier_id=dossier_id)
        status = payload.get("TrangThaiHoSo")
        if not payload.get("MaHoSo"):
            raise ValueError("hồ sơ chưa có mã")
    except Exception as error:  # a data problem must not leave the row stuck in "sending"
        logger.exception("national sync: building the payload of dossier %s failed", dossier_id)
        result = PushResult.permanent(f"Không lập được dữ liệu đồng bộ: {type(error).__name__}: {error}")
    else:
        result = _send(portal=portal, on_portal=sync.on_portal, payload=payload, calls=calls)
    for call in calls:
        call.sync_id, call.event_id, call.national_status = sync.pk, event_id, status
    return _record(
        sync_id=sync.pk, attempt=attempt, event_id=event_id, status=status, result=result, calls=calls
    )


def _claim(*, dossier_id: int) -> tuple[NationalSync, int] | None:
    now = timezone.now()
    with transaction.atomic():
        sync = NationalSync.objects.select_for_update(skip_locked=True).filter(dossier_id=dossier_id).first()
        if sync is None or sync.state in REVIVED:
            return None
        if sync.state == State.PENDING and sync.next_attempt_at > now:
            return None
        if sync.state == State.SENDING and sync.locked_until and sync.locked_until > now:
            return None
        if not sync.behind:
            sync.state, sync.locked_until, sync.pending_since = State.SYNCED, None, None
            sync.save(update_fields=["state", "locked_until", "pending_since"])
            return None
        sync.state = State.SENDING
        sync.attempts += 1
        sync.locked_until = now + datetime.timedelta(seconds=conf.lease_seconds())
        sync.last_attempt_at = now
        sync.save(update_fields=["state", "attempts", "locked_until", "last_attempt_at"])
    return sync, sync.attempts


def _call(portal: NationalPortal, operation: str, payload: dict, calls: list[SyncAttempt]) -> PushResult:
    started = time.monotonic()
    try:
        result = getattr(portal, operation)(payload)
    except Exception as error:  # an adapter bug: retried, and logged
        logger.exception("national sync: adapter %s crashed on %s", portal.name, operation)
        result = PushResult.retry(f"{type(error).__name__}: {error}")
    calls.append(
        SyncAttempt(
            operation=operation,
            ok=result.accepted,
            http_status=result.http_status,
            error=result.error,
            duration_ms=int((time.monotonic() - started) * 1000),
        )
    )
    return result


def _send(*, portal: NationalPortal, on_portal: bool, payload: dict, calls: list) -> PushResult:
    """Create first; update when the portal says it has the dossier (and the other way round once it has)."""
    first, second = ("update", "create") if on_portal else ("create", "update")
    result = _call(portal, first, payload, calls)
    if (first == "create" and result.exists) or (first == "update" and result.missing):
        result = _call(portal, second, payload, calls)
    if not result.accepted and (result.exists or result.missing):
        return PushResult.permanent(
            f"Cổng quốc gia trả lời mâu thuẫn: {result.error}", http_status=result.http_status
        )
    return result


def _record(
    *, sync_id: int, attempt: int, event_id: int, status, result: PushResult, calls: list[SyncAttempt]
) -> NationalSync:
    now = timezone.now()
    with transaction.atomic():
        sync = NationalSync.objects.select_for_update().get(pk=sync_id)
        SyncAttempt.objects.bulk_create(calls)
        if result.accepted:
            # Counted even if our lease ran out meanwhile: the portal has this state.
            sync.pushed_event_id = max(sync.pushed_event_id, event_id)
            sync.on_portal = True
            sync.pushed_status = status
            sync.synced_at = now
        if sync.state != State.SENDING or sync.attempts != attempt:
            sync.save(update_fields=["pushed_event_id", "on_portal", "pushed_status", "synced_at"])
            return sync  # another worker took over after our lease expired; its outcome counts
        sync.locked_until = None
        if result.accepted:
            sync.attempts, sync.last_error = 0, ""
            if sync.behind:  # a change arrived while we were sending: push again at once
                sync.state, sync.next_attempt_at, sync.pending_since = State.PENDING, now, now
                transaction.on_commit(lambda: _enqueue(sync.dossier_id), robust=True)
            else:
                sync.state, sync.pending_since = State.SYNCED, None
        else:
            sync.last_error = result.error
            if result.retryable and attempt < conf.max_attempts():
                sync.state = State.PENDING
                sync.next_attempt_at = now + datetime.timedelta(seconds=conf.retry_delay(attempt))
                due = sync.next_attempt_at
                transaction.on_commit(lambda: _enqueue(sync.dossier_id, run_after=due), robust=True)
            else:
                sync.state = State.DEAD
        sync.save()
    if not result.accepted:
        logger.warning(
            "national sync of dossier %s, attempt %s: %s (%s)",
            sync.dossier_id,
            attempt,
            sync.state,
            result.error,
        )
    return sync


# --- operator ---------------------------------------------------------------------------------------------


def sync_resend(*, sync_id: int, staff: User) -> NationalSync:
    """ "Gửi lại": push a dossier whose sync failed (dead, or waiting for its next try) now, with a fresh
    payload and a fresh count of tries."""
    with transaction.atomic():
        sync = NationalSync.objects.select_for_update().filter(pk=sync_id).first()
        if sync is None:
            raise SyncError("Không tìm thấy bản ghi đồng bộ.", code="missing")
        if sync.state not in (State.DEAD, State.PENDING):
            raise SyncError(
                f"Hồ sơ đang ở trạng thái “{sync.get_state_display()}”, không cần gửi lại.", code="state"
            )
        now = timezone.now()
        if not sync.behind:  # dead on a state the portal refused: send the same state again
            sync.pushed_event_id = 0
        sync.state, sync.attempts, sync.next_attempt_at = State.PENDING, 0, now
        sync.pending_since = sync.pending_since or now
        sync.save(update_fields=["state", "attempts", "next_attempt_at", "pending_since", "pushed_event_id"])
        SyncAttempt.objects.create(
            sync=sync,
            operation="resend",
            ok=True,
            error=f"Gửi lại theo yêu cầu của {staff.full_name or staff.username}",
        )
        dossier_id = sync.dossier_id
        transaction.on_commit(lambda: _enqueue(dossier_id), robust=True)
    logger.info("national sync of dossier %s resent by user %s", dossier_id, staff.pk)
    return sync


# --- sweeper ----------------------------------------------------------------------------------------------


def sync_reconcile(*, now: datetime.datetime | None = None, limit: int | None = None) -> int:
    """Record changes of the last DVC_NATIONAL_RECONCILE_HOURS that the outbox does not know (the process
    died between a transition's commit and its subscriber). Returns how many dossiers it recorded."""
    now = now or timezone.now()
    since = now - datetime.timedelta(hours=conf.reconcile_hours())
    rows = (
        DossierEvent.objects.filter(created_at__gte=since, dossier__code__isnull=False)
        .filter(
            Q(dossier__national_sync__isnull=True) | Q(pk__gt=F("dossier__national_sync__wanted_event_id"))
        )
        .values("dossier_id")
        .annotate(last=Max("pk"))
        .order_by("last")[: limit or conf.sweep_batch()]
    )
    count = 0
    for row in rows:
        count += sync_record_change(dossier_id=row["dossier_id"], event_id=row["last"], now=now)
    return count


def sync_sweep(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Enqueue pushes that are due (oldest pending change first) and those whose worker died."""
    if not conf.portal_name():
        return {"reconciled": 0, "enqueued": 0}
    now = now or timezone.now()
    reconciled = sync_reconcile(now=now)
    due = Q(state=State.PENDING, next_attempt_at__lte=now) | Q(state=State.SENDING, locked_until__lt=now)
    ids = list(
        NationalSync.objects.filter(due)
        .order_by(F("pending_since").asc(nulls_last=True), "pk")
        .values_list("dossier_id", flat=True)[: conf.sweep_batch()]
    )
    for dossier_id in ids:
        _enqueue(dossier_id)
    if ids or reconciled:
        logger.info("national sync sweeper: %s recorded, %s enqueued", reconciled, len(ids))
    return {"reconciled": reconciled, "enqueued": len(ids)}

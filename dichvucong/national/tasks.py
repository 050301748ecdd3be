"""Background tasks (Django Tasks API, queue "sync"). Idempotent and safe to retry."""

from __future__ import annotations

from django_tasks import task

from dichvucong.national import sync


@task(queue_name="sync")
def push_dossier(dossier_id: int) -> str:
    row = sync.sync_push(dossier_id=dossier_id)
    return row.state if row else "off"


@task(queue_name="sync")
def record_and_push(dossier_id: int, event_id: int) -> str:
    """A committed transition's change: recorded in the outbox row, then pushed (``sync.on_transition``)."""
    row = sync.sync_record_and_push(dossier_id=dossier_id, event_id=event_id)
    return row.state if row else "off"


@task(queue_name="sync")
def sweep() -> dict:
    return sync.sync_sweep()

"""Background tasks (Django Tasks API, queue "notifications"). Both are idempotent and safe to retry."""

from __future__ import annotations

from django_tasks import task

from dichvucong.notifications import services


@task(queue_name="notifications")
def deliver_message(message_id: int) -> str:
    message = services.message_deliver(message_id=message_id)
    return message.status if message else "missing"


@task(queue_name="notifications")
def sweep_outbox() -> int:
    return services.outbox_sweep()

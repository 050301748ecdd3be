"""Background task (Django Tasks API): the same work as ``manage.py feedback_alerts``; idempotent."""

from __future__ import annotations

from django_tasks import task

from dichvucong.feedback.alerts import alerts_send


@task(queue_name="default")
def send_alerts() -> dict[str, int]:
    return alerts_send()

"""Background task (Django Tasks API): the same work as ``manage.py counters_send_reminders``; idempotent."""

from __future__ import annotations

from django_tasks import task

from dichvucong.counters.bookings import booking_mark_no_shows, booking_send_reminders


@task(queue_name="default")
def send_reminders() -> dict[str, int]:
    return {"reminded": booking_send_reminders(), "no_shows": booking_mark_no_shows()}

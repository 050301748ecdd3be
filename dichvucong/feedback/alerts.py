"""The periodic alerts on running SLA clocks (schedule every 15–30 minutes: ``manage.py feedback_alerts`` or
the ``feedback.tasks.send_alerts`` task).

- Less than one working day before a clock's deadline, the agency's staff who handle feedback are told once
  (``due_soon_alerted`` keeps "<clock>:<deadline>", so a moved deadline is alerted again).
- Past the deadline, once more ("quá hạn", ``overdue_alerted``); the queue flags it too.
A clock paused while the sender is asked for more information is not alerted. Idempotent and safe to retry:
each feedback is locked while its alert is decided and written."""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from dichvucong.feedback import clocks
from dichvucong.feedback.models import Feedback, FeedbackStatus
from dichvucong.feedback.services import notify_staff
from dichvucong.worktime import schedule

logger = logging.getLogger(__name__)
RUNNING = (
    FeedbackStatus.NEW,
    FeedbackStatus.RECEIVED,
    FeedbackStatus.PROCESSING,
    FeedbackStatus.AWAITING_PUBLISH,
)


def alerts_send(*, now: datetime.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    horizon = now + datetime.timedelta(days=7)  # a coarse prefilter; the exact test is in working time
    sent = {"due_soon": 0, "overdue": 0}
    candidates = Feedback.objects.filter(
        status__in=RUNNING, due_at__isnull=False, due_at__lte=horizon
    ).values_list("pk", flat=True)
    for pk in list(candidates):
        with transaction.atomic():
            feedback = Feedback.objects.select_for_update().filter(pk=pk, status__in=RUNNING).first()
            if feedback is None or feedback.due_at is None:
                continue
            key = f"{feedback.clock}:{feedback.due_at.isoformat()}"[:60]
            label = str(clocks.LABELS.get(feedback.clock, feedback.clock))
            calendar = schedule.calendar_for(feedback.agency_id)
            if now > feedback.due_at:
                if feedback.overdue_alerted != key:
                    notify_staff(feedback, "feedback.overdue", clock=label, deadline=feedback.due_at)
                    feedback.overdue_alerted = key
                    feedback.save(update_fields=["overdue_alerted"])
                    sent["overdue"] += 1
            elif (
                feedback.due_soon_alerted != key
                and calendar.add_working_hours(now, calendar.hours.day_length) >= feedback.due_at
            ):
                notify_staff(feedback, "feedback.due_soon", clock=label, deadline=feedback.due_at)
                feedback.due_soon_alerted = key
                feedback.save(update_fields=["due_soon_alerted"])
                sent["due_soon"] += 1
    logger.info("feedback alerts sent: %s", sent)
    return sent

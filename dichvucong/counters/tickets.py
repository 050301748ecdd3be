"""Queue numbers: take a number at the kiosk, call the next one at a counter, recall, finish.

Numbers come from ``TicketSequence`` through one ``INSERT … ON CONFLICT … DO UPDATE … RETURNING``
statement (atomic on PostgreSQL and SQLite), so two kiosks never print the same number. A counter claims
the next waiting ticket with ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL and then a conditional
``UPDATE … WHERE status = 'waiting'``, so two counters never call the same person, on any database.
"""

from __future__ import annotations

import datetime

from django.db import connection, transaction
from django.utils import timezone

from dichvucong.accounts.models import User
from dichvucong.agencies.models import Agency
from dichvucong.counters import selectors
from dichvucong.counters.models import Booking, CentreSettings, Counter, QueueTicket, TicketSequence
from dichvucong.worktime.schedule import calendar_for

Status = QueueTicket.Status
CLAIM_ATTEMPTS = 5


class TicketError(Exception):
    def __init__(self, message: str, *, code: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message, self.code, self.field = message, code, field


def today_at(centre: Agency, now: datetime.datetime | None = None) -> datetime.date:
    return calendar_for(centre).local(now or timezone.now()).date()


def next_number(*, centre: Agency, day: datetime.date, series: str) -> int:
    table = TicketSequence._meta.db_table
    sql = (
        f"INSERT INTO {table} (centre_id, day, series, last_number) VALUES (%s, %s, %s, 1) "  # noqa: S608
        f"ON CONFLICT (centre_id, day, series) DO UPDATE SET last_number = {table}.last_number + 1 "
        "RETURNING last_number"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [centre.pk, day, series])
        return cursor.fetchone()[0]


def ticket_issue(
    *,
    centre: Agency,
    series: str = QueueTicket.WALK_IN,
    field_id: int | None = None,
    booking: Booking | None = None,
    now: datetime.datetime | None = None,
) -> QueueTicket:
    now = now or timezone.now()
    day = today_at(centre, now)
    with transaction.atomic():
        return QueueTicket.objects.create(
            centre=centre,
            day=day,
            series=series,
            number=next_number(centre=centre, day=day, series=series),
            field_id=field_id,
            booking=booking,
            priority=booking is not None,
            issued_at=now,
        )


def ticket_take(
    *, settings: CentreSettings, field_id: int | None = None, now: datetime.datetime | None = None
) -> QueueTicket:
    """A walk-in number at the kiosk, for a field when the centre's counters are split by field."""
    if not settings.kiosk_enabled:
        raise TicketError("Trung tâm chưa cấp số thứ tự tự động.", code="closed")
    fields = selectors.kiosk_fields(centre=settings.centre)
    if fields and field_id not in {f.pk for f in fields}:
        raise TicketError("Hãy chọn lĩnh vực bạn cần giải quyết.", code="field", field="field")
    if not fields:
        field_id = None
    return ticket_issue(centre=settings.centre, field_id=field_id, now=now)


def _finish_current(counter: Counter, outcome: str, now: datetime.datetime) -> int:
    return QueueTicket.objects.filter(counter=counter, status=Status.CALLED).update(
        status=outcome, finished_at=now
    )


def ticket_call_next(
    *, counter: Counter, officer: User, now: datetime.datetime | None = None
) -> QueueTicket | None:
    """Finish the counter's current ticket as served and call the next waiting one (None: nobody waits).

    Appointment tickets come first, then walk-ins in the order they were issued."""
    now = now or timezone.now()
    day = today_at(counter.centre, now)
    with transaction.atomic():
        _finish_current(counter, Status.SERVED, now)
        for _attempt in range(CLAIM_ATTEMPTS):
            candidates = selectors.waiting_for_counter(counter=counter, day=day)
            if connection.features.has_select_for_update_skip_locked:
                candidates = candidates.select_for_update(skip_locked=True)
            ticket = candidates.first()
            if ticket is None:
                return None
            claimed = QueueTicket.objects.filter(pk=ticket.pk, status=Status.WAITING).update(
                status=Status.CALLED, counter=counter, called_by=officer, called_at=now
            )
            if claimed:
                ticket.refresh_from_db()
                return ticket
    return None


def _current(counter: Counter) -> QueueTicket:
    ticket = QueueTicket.objects.select_for_update().filter(counter=counter, status=Status.CALLED).first()
    if ticket is None:
        raise TicketError("Quầy chưa gọi số nào.", code="none_called")
    return ticket


def ticket_recall(*, counter: Counter, officer: User, now: datetime.datetime | None = None) -> QueueTicket:
    """Call the current number again (the display shows it on top once more)."""
    with transaction.atomic():
        ticket = _current(counter)
        ticket.recalls += 1
        ticket.called_at = now or timezone.now()
        ticket.called_by = officer
        ticket.save(update_fields=["recalls", "called_at", "called_by"])
        return ticket


def ticket_finish(
    *, counter: Counter, officer: User, outcome: str, now: datetime.datetime | None = None
) -> QueueTicket:
    """Mark the current number served, or skipped when the person did not come to the counter."""
    if outcome not in {Status.SERVED, Status.SKIPPED}:
        raise TicketError("Kết quả không hợp lệ.", code="outcome")
    with transaction.atomic():
        ticket = _current(counter)
        ticket.status = outcome
        ticket.finished_at = now or timezone.now()
        ticket.save(update_fields=["status", "finished_at"])
        return ticket

"""Reads for appointments and queues: centres, what they offer, free seats, a citizen's bookings, boards."""

from __future__ import annotations

import datetime
from collections import Counter as Tally
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from dichvucong.accounts.models import StaffRole, User
from dichvucong.accounts.selectors import agencies_for_user
from dichvucong.agencies.models import Agency
from dichvucong.catalogue.models import AgencyProcedure, Field
from dichvucong.counters.models import Booking, CentreSettings, Counter, QueueTicket
from dichvucong.counters.slots import Slot, booking_days, day_slots
from dichvucong.worktime.schedule import calendar_for

# --- centres and what they offer ---------------------------------------------------------------------


def centres_for_booking() -> QuerySet[CentreSettings]:
    return (
        CentreSettings.objects.filter(booking_enabled=True, centre__valid_to__isnull=True)
        .select_related("centre")
        .order_by("centre__code")
    )


def centre_settings(*, code: str, for_booking: bool = False, for_kiosk: bool = False) -> CentreSettings:
    """The settings of the centre with this agency code; 404 when it does not take bookings (or tickets)."""
    queryset = CentreSettings.objects.select_related("centre").filter(centre__code=code)
    if for_booking:
        queryset = queryset.filter(booking_enabled=True)
    if for_kiosk:
        queryset = queryset.filter(kiosk_enabled=True)
    found = queryset.first()
    if found is None:
        raise Http404("Không có trung tâm này.")
    return found


def active_counters(*, centre: Agency) -> list[Counter]:
    return list(Counter.objects.filter(centre=centre, is_active=True).prefetch_related("fields"))


def serves(counter: Counter, field_id: int | None) -> bool:
    """A counter with no fields serves every field; a procedure with no field goes to such counters."""
    field_ids = {f.pk for f in counter.fields.all()}
    return not field_ids or field_id in field_ids


def seats(counter: Counter, settings: CentreSettings) -> int:
    return settings.seats_per_counter if counter.seats_per_slot is None else counter.seats_per_slot


def bookable_counters(*, settings: CentreSettings, field_id: int | None) -> list[Counter]:
    return [
        counter
        for counter in active_counters(centre=settings.centre)
        if serves(counter, field_id) and seats(counter, settings) > 0
    ]


def offerings_for_centre(*, settings: CentreSettings) -> QuerySet[AgencyProcedure]:
    """Active offerings of the centre and of the agencies it receives for, in fields its counters serve."""
    counters = [c for c in active_counters(centre=settings.centre) if seats(c, settings) > 0]
    agency_ids = [settings.centre_id, *settings.served_agencies.values_list("pk", flat=True)]
    queryset = (
        AgencyProcedure.objects.filter(is_active=True, agency_id__in=agency_ids)
        .select_related("procedure__field", "agency")
        .order_by("procedure__field__name", "procedure__name", "agency__code")
    )
    if not counters:
        return queryset.none()
    if any(not c.fields.all() for c in counters):
        return queryset
    field_ids = {f.pk for c in counters for f in c.fields.all()}
    return queryset.filter(procedure__field_id__in=field_ids)


def offering_at_centre(*, settings: CentreSettings, offering_id: int) -> AgencyProcedure:
    offering = offerings_for_centre(settings=settings).filter(pk=offering_id).first()
    if offering is None:
        raise Http404("Trung tâm không nhận lịch hẹn cho thủ tục này.")
    return offering


# --- free seats ---------------------------------------------------------------------------------------


def _taken(counter_ids: list[int], start: datetime.datetime, end: datetime.datetime) -> Tally:
    rows = (
        Booking.objects.filter(
            counter_id__in=counter_ids,
            status=Booking.Status.BOOKED,
            slot_start__gte=start,
            slot_start__lt=end,
        )
        .values("counter_id", "slot_start")
        .annotate(n=Count("id"))
    )
    return Tally({(row["counter_id"], row["slot_start"]): row["n"] for row in rows})


def _free(counters: list[Counter], settings: CentreSettings, taken: Tally, start: datetime.datetime) -> int:
    return sum(max(0, seats(c, settings) - taken[(c.pk, start)]) for c in counters)


def opens_at(settings: CentreSettings, now: datetime.datetime) -> datetime.datetime:
    """Slots starting before this moment can no longer be booked."""
    return now + datetime.timedelta(minutes=settings.min_notice_minutes)


def slots_for_day(
    *,
    settings: CentreSettings,
    offering: AgencyProcedure,
    day: datetime.date,
    now: datetime.datetime | None = None,
) -> list[Slot]:
    """The day's bookable slots (not past, inside the booking window) with the seats free for the offering."""
    now = now or timezone.now()
    calendar = calendar_for(settings.centre)
    today = calendar.local(now).date()
    if not today <= day <= today + datetime.timedelta(days=settings.days_ahead):
        return []
    candidates = [
        s for s in day_slots(calendar, day, settings.slot_minutes) if s.start >= opens_at(settings, now)
    ]
    if not candidates:
        return []
    counters = bookable_counters(settings=settings, field_id=offering.procedure.field_id)
    taken = _taken([c.pk for c in counters], candidates[0].start, candidates[-1].end)
    return [
        Slot(start=s.start, end=s.end, free=_free(counters, settings, taken, s.start)) for s in candidates
    ]


@dataclass(frozen=True)
class DayChoice:
    day: datetime.date
    free: int
    open_slots: int


def days_for_booking(
    *, settings: CentreSettings, offering: AgencyProcedure, now: datetime.datetime | None = None
) -> list[DayChoice]:
    """Working days in the booking window with the number of free seats (two queries in all)."""
    now = now or timezone.now()
    calendar = calendar_for(settings.centre)
    today = calendar.local(now).date()
    days = booking_days(calendar, today, settings.days_ahead)
    if not days:
        return []
    counters = bookable_counters(settings=settings, field_id=offering.procedure.field_id)
    first = calendar.at(days[0], datetime.time.min)
    last = calendar.at(days[-1] + datetime.timedelta(days=1), datetime.time.min)
    taken = _taken([c.pk for c in counters], first, last)
    choices = []
    for day in days:
        slots = [
            s for s in day_slots(calendar, day, settings.slot_minutes) if s.start >= opens_at(settings, now)
        ]
        if slots:
            frees = [_free(counters, settings, taken, s.start) for s in slots]
            choices.append(DayChoice(day=day, free=sum(frees), open_slots=sum(1 for n in frees if n > 0)))
    return choices


# --- bookings -----------------------------------------------------------------------------------------


def bookings_for_citizen(*, user: User) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(citizen=user)
        .select_related("centre", "offering__procedure", "counter")
        .order_by("-slot_start", "-id")
    )


def booking_access(*, user: User, code: str) -> Booking:
    """The caller's own booking; 404 for anyone else's (codes cannot be probed)."""
    booking = bookings_for_citizen(user=user).filter(code=code.strip().upper()).first()
    if booking is None:
        raise Http404("Không tìm thấy lịch hẹn.")
    return booking


def bookings_for_staff_day(*, user: User, centre: Agency, day: datetime.date) -> QuerySet[Booking]:
    if not centres_for_staff(user=user).filter(pk=centre.pk).exists():
        raise Http404
    return (
        Booking.objects.filter(centre=centre, day=day)
        .exclude(status=Booking.Status.CANCELLED)
        .select_related("citizen", "offering__procedure", "counter")
        .order_by("slot_start", "counter__number", "id")
    )


# --- queue --------------------------------------------------------------------------------------------


def centres_for_staff(*, user: User) -> QuerySet[Agency]:
    return agencies_for_user(user=user, roles=[StaffRole.RECEPTIONIST])


def counters_for_staff(*, user: User) -> QuerySet[Counter]:
    return (
        Counter.objects.filter(centre__in=centres_for_staff(user=user), is_active=True)
        .select_related("centre")
        .prefetch_related("fields")
        .order_by("centre__code", "number")
    )


def counter_access(*, user: User, counter_id: int) -> Counter:
    counter = counters_for_staff(user=user).filter(pk=counter_id).first()
    if counter is None:
        raise Http404("Không tìm thấy quầy.")
    return counter


def kiosk_fields(*, centre: Agency) -> list[Field]:
    """The fields a walk-in can choose: those of the open counters (none when a counter serves everything)."""
    counters = active_counters(centre=centre)
    if not counters or any(not c.fields.all() for c in counters):
        return []
    seen: dict[int, Field] = {}
    for counter in counters:
        for field in counter.fields.all():
            seen.setdefault(field.pk, field)
    return sorted(seen.values(), key=lambda f: f.name)


def current_ticket(*, counter: Counter, day: datetime.date) -> QueueTicket | None:
    return (
        QueueTicket.objects.filter(counter=counter, day=day, status=QueueTicket.Status.CALLED)
        .select_related("field", "booking__offering__procedure")
        .order_by("-called_at")
        .first()
    )


def waiting_tickets(*, centre: Agency, day: datetime.date) -> QuerySet[QueueTicket]:
    return QueueTicket.objects.filter(centre=centre, day=day, status=QueueTicket.Status.WAITING)


def waiting_for_counter(*, counter: Counter, day: datetime.date) -> QuerySet[QueueTicket]:
    queryset = waiting_tickets(centre=counter.centre, day=day)
    field_ids = [f.pk for f in counter.fields.all()]
    if field_ids:
        queryset = queryset.filter(Q(field_id__in=field_ids) | Q(field__isnull=True))
    return queryset.order_by("-priority", "issued_at", "id")


def tickets_ahead(*, ticket: QueueTicket) -> int:
    """Roughly how many people are called before this ticket: appointments first, then by issue time."""
    if ticket.status != QueueTicket.Status.WAITING:
        return 0
    earlier = Q(priority=ticket.priority, issued_at__lt=ticket.issued_at)
    if not ticket.priority:
        earlier |= Q(priority=True)
    before = waiting_tickets(centre=ticket.centre, day=ticket.day).filter(earlier)
    if ticket.field_id:
        before = before.filter(Q(field_id=ticket.field_id) | Q(field__isnull=True))
    return before.count()


@dataclass(frozen=True)
class BoardRow:
    counter: Counter
    ticket: QueueTicket | None


def display_board(*, centre: Agency, day: datetime.date) -> dict:
    """The hall screen: each open counter with the number it serves, recent calls, people waiting."""
    called = list(
        QueueTicket.objects.filter(centre=centre, day=day, status=QueueTicket.Status.CALLED)
        .select_related("counter")
        .order_by("-called_at")
    )
    by_counter: dict[int, QueueTicket] = {}
    for ticket in called:
        by_counter.setdefault(ticket.counter_id, ticket)
    counters = Counter.objects.filter(centre=centre, is_active=True).order_by("number")
    recent = list(
        QueueTicket.objects.filter(centre=centre, day=day, called_at__isnull=False)
        .exclude(status=QueueTicket.Status.WAITING)
        .select_related("counter")
        .order_by("-called_at")[:8]
    )
    return {
        "rows": [BoardRow(counter=c, ticket=by_counter.get(c.pk)) for c in counters],
        "recent": recent,
        "latest": called[0] if called else None,
        "waiting": waiting_tickets(centre=centre, day=day).count(),
    }

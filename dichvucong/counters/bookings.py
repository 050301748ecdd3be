"""Appointment actions: book, reschedule, cancel, check in at the kiosk, remind, mark no-shows.

Each action runs in one transaction. Booking and rescheduling lock the counters that could take the
appointment (``SELECT … FOR UPDATE``, in id order so two bookings never deadlock), count the seats taken
in the slot, then insert: two people can never take the last seat. A partial unique constraint backs the
"one live booking per person, procedure and day" rule. Every change writes a ``BookingEvent``; messages
are queued in the same transaction and sent after commit (notifications.notify).
"""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings as django_settings
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from dichvucong.accounts.models import User
from dichvucong.catalogue.models import AgencyProcedure
from dichvucong.counters import selectors, tickets
from dichvucong.counters.models import Booking, BookingEvent, CentreSettings, Counter, QueueTicket
from dichvucong.counters.slots import Slot, find_slot
from dichvucong.notifications.services import notify
from dichvucong.worktime.schedule import calendar_for

Status = BookingEvent.Action
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CHECK_IN_EARLY = datetime.timedelta(minutes=60)
CHECK_IN_LATE = datetime.timedelta(minutes=30)
NO_SHOW_GRACE = datetime.timedelta(minutes=30)
QUIET_BEFORE, QUIET_AFTER = datetime.time(7, 0), datetime.time(21, 0)
# Refusals that are conflicts with the current state (HTTP 409); the rest are bad input (422).
CONFLICTS = {"full", "duplicate", "state"}


class BookingError(Exception):
    def __init__(self, message: str, *, code: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message, self.code, self.field = message, code, field

    @property
    def is_conflict(self) -> bool:
        return self.code in CONFLICTS


def _new_code() -> str:
    while True:
        code = "LH" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
        if not Booking.objects.filter(code=code).exists():
            return code


def booking_url(booking: Booking) -> str:
    return django_settings.DVC_PUBLIC_URL.rstrip("/") + reverse(
        "counters:booking_detail", args=[booking.code]
    )


def _notify(booking: Booking, event: str) -> None:
    citizen = booking.citizen
    notify(
        event=event,
        user=citizen,
        context={
            "full_name": citizen.full_name,
            "code": booking.code,
            "procedure": booking.offering.procedure.name,
            "due_at": booking.slot_start,
            "tracking_url": booking_url(booking),
            "centre": booking.centre.name,
            "address": booking.centre.address,
        },
    )


def _event(booking: Booking, action: str, actor: User | None, **changes) -> None:
    BookingEvent.objects.create(booking=booking, action=action, actor=actor, changes=changes)


# --- checks -------------------------------------------------------------------------------------------


def _check_slot(*, settings: CentreSettings, start: datetime.datetime, now: datetime.datetime) -> Slot:
    calendar = calendar_for(settings.centre)
    slot = find_slot(calendar, start, settings.slot_minutes)
    if slot is None:
        raise BookingError(
            "Giờ hẹn không nằm trong giờ làm việc của trung tâm. Hãy chọn một khung giờ trong danh sách.",
            code="invalid_slot",
            field="slot_start",
        )
    if slot.start <= now:
        raise BookingError("Khung giờ này đã qua. Hãy chọn khung giờ khác.", code="past", field="slot_start")
    if slot.start < selectors.opens_at(settings, now):
        raise BookingError(
            f"Cần đặt lịch trước giờ hẹn ít nhất {settings.min_notice_minutes} phút. "
            "Hãy chọn khung giờ muộn hơn.",
            code="too_soon",
            field="slot_start",
        )
    last_day = calendar.local(now).date() + datetime.timedelta(days=settings.days_ahead)
    if calendar.local(slot.start).date() > last_day:
        raise BookingError(
            f"Chỉ đặt lịch trước tối đa {settings.days_ahead} ngày (đến hết ngày {last_day:%d/%m/%Y}).",
            code="too_far",
            field="slot_start",
        )
    return slot


def _offering(settings: CentreSettings, offering: AgencyProcedure) -> AgencyProcedure:
    try:
        return selectors.offering_at_centre(settings=settings, offering_id=offering.pk)
    except Http404:
        raise BookingError(
            "Trung tâm không nhận lịch hẹn cho thủ tục này.", code="not_offered", field="offering_id"
        ) from None


def _check_duplicate(
    *, citizen: User, offering: AgencyProcedure, day: datetime.date, exclude: int | None
) -> None:
    same = Booking.objects.filter(citizen=citizen, offering=offering, day=day, status=Booking.Status.BOOKED)
    if exclude is not None:
        same = same.exclude(pk=exclude)
    existing = same.first()
    if existing is not None:
        raise BookingError(
            f"Bạn đã có lịch hẹn {existing.code} cho thủ tục này vào ngày {day:%d/%m/%Y}. "
            "Nếu cần, hãy đổi giờ của lịch hẹn đó.",
            code="duplicate",
        )


def _take_seat(
    *, settings: CentreSettings, offering: AgencyProcedure, slot: Slot, exclude: int | None
) -> Counter:
    """Lock the counters that serve the offering and return the one with the most free seats in the slot."""
    eligible = selectors.bookable_counters(settings=settings, field_id=offering.procedure.field_id)
    # Seats are read from the locked rows, so a counter closed meanwhile takes no booking.
    locked = list(
        Counter.objects.select_for_update()
        .filter(pk__in=[c.pk for c in eligible], is_active=True)
        .order_by("pk")
    )
    taken = Booking.objects.filter(counter__in=locked, slot_start=slot.start, status=Booking.Status.BOOKED)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    counts: dict[int, int] = {}
    for counter_id in taken.values_list("counter_id", flat=True):
        counts[counter_id] = counts.get(counter_id, 0) + 1
    best, best_free = None, 0
    for counter in sorted(locked, key=lambda c: c.number):
        free = selectors.seats(counter, settings) - counts.get(counter.pk, 0)
        if free > best_free:
            best, best_free = counter, free
    if best is None:
        raise BookingError(
            "Khung giờ này đã hết chỗ. Hãy chọn khung giờ khác.", code="full", field="slot_start"
        )
    return best


# --- actions ------------------------------------------------------------------------------------------


def booking_create(
    *,
    citizen: User,
    settings: CentreSettings,
    offering: AgencyProcedure,
    start: datetime.datetime,
    now: datetime.datetime | None = None,
) -> Booking:
    """Book one seat in the slot starting at ``start``; refuses past, full and duplicate bookings."""
    now = now or timezone.now()
    if not citizen.is_citizen_like:
        raise BookingError("Tài khoản cán bộ không đặt lịch hẹn được.", code="not_citizen")
    if not settings.booking_enabled:
        raise BookingError("Trung tâm chưa nhận đặt lịch hẹn.", code="closed")
    offering = _offering(settings, offering)
    slot = _check_slot(settings=settings, start=start, now=now)
    day = calendar_for(settings.centre).local(slot.start).date()
    with transaction.atomic():
        counter = _take_seat(settings=settings, offering=offering, slot=slot, exclude=None)
        _check_duplicate(citizen=citizen, offering=offering, day=day, exclude=None)
        try:
            with transaction.atomic():
                booking = Booking.objects.create(
                    code=_new_code(),
                    citizen=citizen,
                    centre=settings.centre,
                    offering=offering,
                    counter=counter,
                    day=day,
                    slot_start=slot.start,
                    slot_end=slot.end,
                )
        except IntegrityError:  # the same person booking twice at the same moment
            _check_duplicate(citizen=citizen, offering=offering, day=day, exclude=None)
            raise
        _event(
            booking,
            Status.CREATED,
            citizen,
            slot_start=timezone.localtime(slot.start).isoformat(),
            counter=counter.number,
        )
        _notify(booking, "booking.confirmed")
    return booking


def _lock_own(booking_id: int, citizen: User | None) -> Booking:
    queryset = Booking.objects.select_for_update().filter(pk=booking_id)
    if citizen is not None:
        queryset = queryset.filter(citizen=citizen)
    booking = queryset.first()
    if booking is None:
        raise Http404("Không tìm thấy lịch hẹn.")
    return booking


def _check_changeable(booking: Booking, now: datetime.datetime, verb: str) -> None:
    if booking.status != Booking.Status.BOOKED:
        raise BookingError(
            f"Lịch hẹn {booking.get_status_display().lower()}, không {verb} được nữa.", code="state"
        )
    if booking.slot_start <= now:
        raise BookingError(f"Đã đến giờ hẹn, không {verb} được nữa.", code="state")


def booking_cancel(*, booking_id: int, citizen: User, now: datetime.datetime | None = None) -> Booking:
    """Cancel before the appointment time; cancelling a cancelled booking again changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = _lock_own(booking_id, citizen)
        if booking.status == Booking.Status.CANCELLED:
            return booking
        _check_changeable(booking, now, "hủy")
        booking.status = Booking.Status.CANCELLED
        booking.cancelled_at = now
        booking.save(update_fields=["status", "cancelled_at"])
        _event(booking, Status.CANCELLED, citizen)
        _notify(booking, "booking.cancelled")
    return booking


def booking_reschedule(
    *, booking_id: int, citizen: User, start: datetime.datetime, now: datetime.datetime | None = None
) -> Booking:
    """Move the booking to another slot (same code); the old and new slots are kept in its history."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = _lock_own(booking_id, citizen)
        _check_changeable(booking, now, "đổi lịch")
        settings = selectors.centre_settings(code=booking.centre.code)
        slot = _check_slot(settings=settings, start=start, now=now)
        if slot.start == booking.slot_start:
            return booking
        offering = _offering(settings, booking.offering)
        day = calendar_for(settings.centre).local(slot.start).date()
        counter = _take_seat(settings=settings, offering=offering, slot=slot, exclude=booking.pk)
        _check_duplicate(citizen=citizen, offering=offering, day=day, exclude=booking.pk)
        old_start = booking.slot_start
        booking.counter, booking.day, booking.slot_start, booking.slot_end = (
            counter,
            day,
            slot.start,
            slot.end,
        )
        booking.reminder_sent_at = None  # the new time deserves its own reminder
        booking.save(update_fields=["counter", "day", "slot_start", "slot_end", "reminder_sent_at"])
        _event(
            booking,
            Status.RESCHEDULED,
            citizen,
            old_slot_start=timezone.localtime(old_start).isoformat(),
            new_slot_start=timezone.localtime(slot.start).isoformat(),
        )
        _notify(booking, "booking.rescheduled")
    return booking


def booking_check_in(
    *,
    settings: CentreSettings,
    code: str,
    id_number: str = "",
    officer: User | None = None,
    now: datetime.datetime | None = None,
) -> QueueTicket:
    """Turn a booking into a priority queue number (series H) on the day, from an hour before the slot.

    At the kiosk the citizen proves the booking with the ID number it was made with; a receptionist
    (``officer``) does not need it. Any wrong pair gets the same answer."""
    now = now or timezone.now()
    not_found = BookingError(
        "Không tìm thấy lịch hẹn với mã và số giấy tờ đã nhập. Hãy kiểm tra lại.",
        code="not_found",
        field="code",
    )
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update()
            .filter(code=code.strip().upper(), centre=settings.centre)
            .select_related("citizen", "offering__procedure")
            .first()
        )
        if booking is None or (officer is None and booking.citizen.id_number != id_number.strip()):
            raise not_found
        if booking.status == Booking.Status.ATTENDED:
            existing = QueueTicket.objects.filter(booking=booking).first()
            if existing is not None:
                return existing
        if booking.status != Booking.Status.BOOKED:
            raise BookingError(f"Lịch hẹn {booking.get_status_display().lower()}.", code="state")
        if booking.day != tickets.today_at(settings.centre, now):
            raise BookingError(
                f"Lịch hẹn của bạn vào ngày {booking.day:%d/%m/%Y}, không phải hôm nay.", code="not_today"
            )
        if now < booking.slot_start - CHECK_IN_EARLY:
            opens = timezone.localtime(booking.slot_start - CHECK_IN_EARLY)
            raise BookingError(f"Bạn đến sớm. Hãy lấy số từ {opens:%H:%M}.", code="early")
        if now > booking.slot_end + CHECK_IN_LATE:
            raise BookingError("Đã quá giờ hẹn. Hãy lấy số thứ tự thường để được phục vụ.", code="late")
        ticket = tickets.ticket_issue(
            centre=settings.centre,
            series=QueueTicket.APPOINTMENT,
            field_id=booking.offering.procedure.field_id,
            booking=booking,
            now=now,
        )
        booking.status = Booking.Status.ATTENDED
        booking.checked_in_at = now
        booking.save(update_fields=["status", "checked_in_at"])
        _event(booking, Status.CHECKED_IN, officer, ticket=ticket.label)
    return ticket


def booking_send_reminders(*, now: datetime.datetime | None = None, hours_ahead: int = 24) -> int:
    """Remind each live booking once, the day before (not at night; safe to run as often as you like)."""
    now = now or timezone.now()
    local = timezone.localtime(now).time()
    if not QUIET_BEFORE <= local < QUIET_AFTER:
        return 0
    due = Booking.objects.filter(
        status=Booking.Status.BOOKED,
        reminder_sent_at__isnull=True,
        slot_start__gt=now,
        slot_start__lte=now + datetime.timedelta(hours=hours_ahead),
        created_at__lte=now - datetime.timedelta(hours=1),  # just booked: the confirmation is enough
    ).values_list("pk", flat=True)
    sent = 0
    for booking_id in list(due):
        with transaction.atomic():
            claimed = Booking.objects.filter(
                pk=booking_id, status=Booking.Status.BOOKED, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=now)
            if not claimed:
                continue
            booking = Booking.objects.select_related("citizen", "centre", "offering__procedure").get(
                pk=booking_id
            )
            _event(booking, Status.REMINDED, None)
            _notify(booking, "booking.reminder")
            sent += 1
    return sent


def booking_mark_no_shows(*, now: datetime.datetime | None = None) -> int:
    """Bookings whose slot ended more than 30 minutes ago without a check-in become no-shows."""
    now = now or timezone.now()
    missed = Booking.objects.filter(status=Booking.Status.BOOKED, slot_end__lt=now - NO_SHOW_GRACE)
    marked = 0
    for booking_id in list(missed.values_list("pk", flat=True)):
        with transaction.atomic():
            if Booking.objects.filter(pk=booking_id, status=Booking.Status.BOOKED).update(
                status=Booking.Status.NO_SHOW
            ):
                _event(Booking(pk=booking_id), Status.NO_SHOW, None)
                marked += 1
    return marked

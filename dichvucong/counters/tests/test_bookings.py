"""Booking services: capacity per counter and slot, past/full/duplicate refusals, cancel, reschedule."""

import datetime

import pytest

from dichvucong.counters import bookings, selectors
from dichvucong.counters.models import Booking, BookingEvent
from dichvucong.counters.tests.conftest import MONDAY_8AM, TUESDAY, at, make_citizen
from dichvucong.notifications.models import Message


def book(setup, citizen=None, start=None, offering=None, now=MONDAY_8AM):
    return bookings.booking_create(
        citizen=citizen or setup["citizen"],
        settings=setup["settings"],
        offering=offering or setup["birth"],
        start=start or at(TUESDAY, 9),
        now=now,
    )


def snapshot():
    return (
        list(Booking.objects.order_by("pk").values_list("pk", "status", "slot_start", "counter_id")),
        BookingEvent.objects.count(),
        Message.objects.count(),
    )


def test_booking_takes_a_seat_at_a_counter_serving_the_field_and_confirms(setup):
    booking = book(setup)

    assert booking.status == Booking.Status.BOOKED
    assert booking.counter == setup["civil"]
    assert booking.day == TUESDAY
    assert booking.slot_end - booking.slot_start == datetime.timedelta(minutes=30)
    assert booking.code.startswith("LH") and len(booking.code) == 8
    assert list(booking.events.values_list("action", flat=True)) == ["created"]
    sms = Message.objects.get(event="booking.confirmed", channel="sms")
    assert booking.code in sms.body and "09:00 01/12/2026" in sms.body


def test_free_seats_count_down_per_slot(setup):
    slots = selectors.slots_for_day(
        settings=setup["settings"], offering=setup["birth"], day=TUESDAY, now=MONDAY_8AM
    )
    assert len(slots) == 16 and {s.free for s in slots} == {2}

    book(setup)

    slots = selectors.slots_for_day(
        settings=setup["settings"], offering=setup["birth"], day=TUESDAY, now=MONDAY_8AM
    )
    assert {s.key: s.free for s in slots}["0900"] == 1
    residence = selectors.slots_for_day(
        settings=setup["settings"], offering=setup["residence"], day=TUESDAY, now=MONDAY_8AM
    )
    assert {s.key: s.free for s in residence}["0900"] == 2  # another counter, other seats


def test_a_full_slot_is_refused_and_nothing_changes(setup):
    book(setup, citizen=make_citizen(1))
    book(setup, citizen=make_citizen(2))
    before = snapshot()

    with pytest.raises(bookings.BookingError) as refused:
        book(setup)

    assert refused.value.code == "full" and refused.value.is_conflict
    assert refused.value.message == "Khung giờ này đã hết chỗ. Hãy chọn khung giờ khác."
    assert snapshot() == before


def test_seats_of_every_counter_serving_the_field_are_used(setup):
    setup["resid"].fields.add(setup["birth"].procedure.field)  # counter 2 now also takes civil status

    taken = [book(setup, citizen=make_citizen(n)) for n in range(4)]

    assert sorted(b.counter.number for b in taken) == [1, 1, 2, 2]
    with pytest.raises(bookings.BookingError, match="hết chỗ"):
        book(setup)


def test_a_counter_seat_override_and_a_closed_counter_change_capacity(setup):
    setup["civil"].seats_per_slot = 1
    setup["civil"].save()
    book(setup, citizen=make_citizen(1))
    with pytest.raises(bookings.BookingError, match="hết chỗ"):
        book(setup)
    setup["civil"].is_active = False
    setup["civil"].save()

    with pytest.raises(bookings.BookingError) as refused:
        book(setup, start=at(TUESDAY, 10))

    assert refused.value.code == "not_offered"


@pytest.mark.parametrize(
    ("start", "code", "message"),
    [
        (at(datetime.date(2026, 11, 30), 7, 30), "past", "Khung giờ này đã qua. Hãy chọn khung giờ khác."),
        (at(datetime.date(2026, 11, 30), 8, 0), "past", "Khung giờ này đã qua. Hãy chọn khung giờ khác."),
        (at(TUESDAY, 12, 0), "invalid_slot", "không nằm trong giờ làm việc"),  # lunch
        (at(TUESDAY, 9, 10), "invalid_slot", "không nằm trong giờ làm việc"),  # not on the grid
        (at(TUESDAY, 11, 30), "invalid_slot", "không nằm trong giờ làm việc"),  # the morning has ended
        (at(datetime.date(2026, 12, 5), 9), "invalid_slot", "không nằm trong giờ làm việc"),  # Saturday
        (at(datetime.date(2026, 9, 2), 9), "invalid_slot", "không nằm trong giờ làm việc"),  # Quốc khánh
        (at(datetime.date(2026, 12, 15), 9), "too_far", "tối đa 14 ngày (đến hết ngày 14/12/2026)"),
    ],
    ids=["past", "now", "lunch", "off-grid", "after-morning", "saturday", "holiday", "too-far"],
)
def test_past_and_impossible_slots_are_refused_with_a_clear_message(setup, start, code, message):
    before = snapshot()

    with pytest.raises(bookings.BookingError) as refused:
        book(setup, start=start)

    assert refused.value.code == code and not refused.value.is_conflict
    assert message in refused.value.message
    assert snapshot() == before


def test_a_slot_too_close_to_now_is_refused(setup):
    with pytest.raises(bookings.BookingError) as refused:
        book(
            setup,
            start=at(datetime.date(2026, 11, 30), 8, 30),
            now=MONDAY_8AM + datetime.timedelta(minutes=10),
        )

    assert refused.value.code == "too_soon" and "ít nhất 30 phút" in refused.value.message
    assert not Booking.objects.exists()


def test_a_second_booking_for_the_same_procedure_and_day_is_refused(setup):
    first = book(setup)
    before = snapshot()

    with pytest.raises(bookings.BookingError) as refused:
        book(setup, start=at(TUESDAY, 14))

    assert refused.value.code == "duplicate" and refused.value.is_conflict
    assert first.code in refused.value.message and "01/12/2026" in refused.value.message
    assert snapshot() == before
    # Another procedure the same day, or the same procedure another day, is fine.
    assert book(setup, offering=setup["residence"], start=at(TUESDAY, 14)).status == "booked"
    assert book(setup, start=at(datetime.date(2026, 12, 2), 9)).status == "booked"


def test_a_procedure_the_centre_does_not_take_is_refused(setup):
    with pytest.raises(bookings.BookingError) as refused:
        book(setup, offering=setup["unserved"])

    assert refused.value.code == "not_offered" and refused.value.field == "offering_id"
    assert not Booking.objects.exists()


def test_staff_accounts_cannot_book(setup):
    with pytest.raises(bookings.BookingError, match="cán bộ"):
        book(setup, citizen=setup["receptionist"])


def test_cancel_frees_the_seat_keeps_history_and_is_idempotent(setup):
    booking = book(setup)

    bookings.booking_cancel(booking_id=booking.pk, citizen=setup["citizen"], now=MONDAY_8AM)
    bookings.booking_cancel(booking_id=booking.pk, citizen=setup["citizen"], now=MONDAY_8AM)

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED and booking.cancelled_at == MONDAY_8AM
    assert list(booking.events.values_list("action", flat=True)) == ["created", "cancelled"]
    assert Message.objects.filter(event="booking.cancelled", channel="sms").count() == 1
    slots = selectors.slots_for_day(
        settings=setup["settings"], offering=setup["birth"], day=TUESDAY, now=MONDAY_8AM
    )
    assert {s.key: s.free for s in slots}["0900"] == 2
    # The same person may book that procedure and day again.
    assert book(setup).status == "booked"


def test_cancelling_someone_elses_or_a_started_booking_is_refused(setup):
    from django.http import Http404

    booking = book(setup)
    before = snapshot()

    with pytest.raises(Http404):
        bookings.booking_cancel(booking_id=booking.pk, citizen=setup["neighbour"], now=MONDAY_8AM)
    with pytest.raises(bookings.BookingError) as refused:
        bookings.booking_cancel(booking_id=booking.pk, citizen=setup["citizen"], now=at(TUESDAY, 9, 5))

    assert refused.value.code == "state" and "Đã đến giờ hẹn" in refused.value.message
    assert snapshot() == before


def test_reschedule_moves_the_seat_keeps_the_code_and_the_old_time_in_history(setup):
    booking = book(setup)
    booking.reminder_sent_at = MONDAY_8AM
    booking.save()

    moved = bookings.booking_reschedule(
        booking_id=booking.pk, citizen=setup["citizen"], start=at(TUESDAY, 14, 30), now=MONDAY_8AM
    )

    assert moved.code == booking.code and moved.slot_start == at(TUESDAY, 14, 30)
    assert moved.reminder_sent_at is None
    event = moved.events.get(action="rescheduled")
    assert event.changes == {
        "old_slot_start": "2026-12-01T09:00:00+07:00",
        "new_slot_start": "2026-12-01T14:30:00+07:00",
    }
    assert "14:30 01/12/2026" in Message.objects.get(event="booking.rescheduled", channel="sms").body


def test_reschedule_into_a_full_or_past_slot_is_refused_and_nothing_changes(setup):
    booking = book(setup)
    book(setup, citizen=make_citizen(1), start=at(TUESDAY, 10))
    book(setup, citizen=make_citizen(2), start=at(TUESDAY, 10))
    before = snapshot()

    with pytest.raises(bookings.BookingError, match="hết chỗ"):
        bookings.booking_reschedule(
            booking_id=booking.pk, citizen=setup["citizen"], start=at(TUESDAY, 10), now=MONDAY_8AM
        )
    with pytest.raises(bookings.BookingError, match="đã qua"):
        bookings.booking_reschedule(
            booking_id=booking.pk,
            citizen=setup["citizen"],
            start=at(datetime.date(2026, 11, 30), 7),
            now=MONDAY_8AM,
        )

    assert snapshot() == before


def test_reschedule_to_a_day_with_another_booking_of_the_procedure_is_refused(setup):
    tuesday = book(setup)
    wednesday = book(setup, start=at(datetime.date(2026, 12, 2), 9))

    with pytest.raises(bookings.BookingError) as refused:
        bookings.booking_reschedule(
            booking_id=wednesday.pk, citizen=setup["citizen"], start=at(TUESDAY, 15), now=MONDAY_8AM
        )

    assert refused.value.code == "duplicate" and tuesday.code in refused.value.message


def test_rescheduling_within_the_same_counter_slot_does_not_count_itself(setup):
    booking = book(setup)
    book(setup, citizen=make_citizen(1))  # 09:00 is now full

    same = bookings.booking_reschedule(
        booking_id=booking.pk, citizen=setup["citizen"], start=at(TUESDAY, 9), now=MONDAY_8AM
    )

    assert same.slot_start == at(TUESDAY, 9)
    assert not same.events.filter(action="rescheduled").exists()


def test_days_for_booking_lists_working_days_with_free_seats(setup):
    days = selectors.days_for_booking(settings=setup["settings"], offering=setup["birth"], now=MONDAY_8AM)

    assert [d.day.weekday() for d in days if d.day.weekday() >= 5] == []
    assert days[0].day == datetime.date(2026, 11, 30)
    assert days[0].open_slots == 13  # 09:00 onwards today (30 minutes' notice)
    assert days[1].free == 32  # 16 slots × 2 seats
    assert days[-1].day == datetime.date(2026, 12, 14)

"""Reminders go out once per booking, not at night; missed bookings become no-shows."""

import datetime
import io

from django.core.management import call_command

from dichvucong.counters import bookings
from dichvucong.counters.models import Booking
from dichvucong.counters.tests.conftest import MONDAY_8AM, TUESDAY, at
from dichvucong.notifications.models import Message


def _book(setup, start, made_at, offering="birth"):
    booking = bookings.booking_create(
        citizen=setup["citizen"],
        settings=setup["settings"],
        offering=setup[offering],
        start=start,
        now=made_at,
    )
    Booking.objects.filter(pk=booking.pk).update(created_at=made_at)
    return booking


def test_a_booking_is_reminded_once_within_24_hours(setup):
    tomorrow = _book(setup, at(TUESDAY, 9), MONDAY_8AM - datetime.timedelta(days=2))
    later = _book(setup, at(datetime.date(2026, 12, 3), 9), MONDAY_8AM - datetime.timedelta(days=2))
    evening = at(datetime.date(2026, 11, 30), 10)

    first = bookings.booking_send_reminders(now=evening)
    second = bookings.booking_send_reminders(now=evening + datetime.timedelta(minutes=15))

    assert (first, second) == (1, 0)
    assert Message.objects.filter(event="booking.reminder", channel="sms").count() == 1
    tomorrow.refresh_from_db()
    later.refresh_from_db()
    assert tomorrow.reminder_sent_at == evening and later.reminder_sent_at is None
    assert "nhac lich hen" in Message.objects.get(event="booking.reminder", channel="sms").body  # GSM-7


def test_no_reminder_at_night_nor_right_after_booking_nor_for_cancelled_bookings(setup):
    just_made = _book(setup, at(TUESDAY, 9), at(datetime.date(2026, 11, 30), 16, 30))
    cancelled = _book(setup, at(TUESDAY, 14), MONDAY_8AM - datetime.timedelta(days=1), offering="residence")
    bookings.booking_cancel(booking_id=cancelled.pk, citizen=setup["citizen"], now=MONDAY_8AM)
    _book(setup, at(TUESDAY, 10), MONDAY_8AM - datetime.timedelta(days=1), offering="residence")

    assert bookings.booking_send_reminders(now=at(datetime.date(2026, 11, 30), 22, 0)) == 0  # quiet hours
    assert (
        bookings.booking_send_reminders(now=at(datetime.date(2026, 11, 30), 17, 0)) == 1
    )  # residence, 10:00
    just_made.refresh_from_db()
    cancelled.refresh_from_db()
    assert just_made.reminder_sent_at is None and cancelled.reminder_sent_at is None


def test_missed_bookings_become_no_shows_once(setup):
    booking = _book(setup, at(TUESDAY, 9), MONDAY_8AM)

    assert bookings.booking_mark_no_shows(now=at(TUESDAY, 9, 59)) == 0
    assert bookings.booking_mark_no_shows(now=at(TUESDAY, 10, 1)) == 1
    assert bookings.booking_mark_no_shows(now=at(TUESDAY, 11)) == 0

    booking.refresh_from_db()
    assert booking.status == Booking.Status.NO_SHOW
    assert list(booking.events.values_list("action", flat=True)) == ["created", "no_show"]


def test_the_command_runs_and_reports(setup):
    out = io.StringIO()

    call_command("counters_send_reminders", stdout=out)

    assert "Đã nhắc" in out.getvalue()

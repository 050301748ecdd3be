"""Under real parallel connections (PostgreSQL): the last seat goes to one person only, kiosks never print
the same number, and two counters never call the same ticket."""

import datetime
import threading

import pytest
from django.db import connection, connections

from dichvucong.counters import bookings, tickets
from dichvucong.counters.models import Booking, QueueTicket
from dichvucong.counters.tests.conftest import MONDAY_8AM, TUESDAY, at, build_centre, make_citizen

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel connections need PostgreSQL"),
]


def run_in_threads(count: int, work) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(count)

    def worker(n: int):
        try:
            start.wait()
            work(n)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_ten_people_racing_for_the_last_two_seats():
    setup = build_centre()
    people = [make_citizen(n) for n in range(10)]
    refused: list[str] = []

    def attempt(n: int):
        try:
            bookings.booking_create(
                citizen=people[n],
                settings=setup["settings"],
                offering=setup["birth"],
                start=at(TUESDAY, 9),
                now=MONDAY_8AM,
            )
        except bookings.BookingError as error:
            refused.append(error.code)

    errors = run_in_threads(10, attempt)

    assert not errors
    assert Booking.objects.filter(slot_start=at(TUESDAY, 9), status="booked").count() == 2
    assert refused == ["full"] * 8


def test_one_person_double_clicking_gets_one_booking():
    setup = build_centre()
    outcomes: list[str] = []

    def attempt(n: int):
        try:
            bookings.booking_create(
                citizen=setup["citizen"],
                settings=setup["settings"],
                offering=setup["birth"],
                start=at(TUESDAY, 9 + n % 2),
                now=MONDAY_8AM,
            )
            outcomes.append("booked")
        except bookings.BookingError as error:
            outcomes.append(error.code)

    errors = run_in_threads(6, attempt)

    assert not errors
    assert sorted(outcomes) == ["booked"] + ["duplicate"] * 5
    assert Booking.objects.count() == 1


def test_parallel_kiosks_never_share_a_number_and_counters_never_share_a_ticket():
    setup = build_centre()
    setup["resid"].fields.add(setup["birth"].procedure.field)
    field_id = setup["birth"].procedure.field_id
    now = datetime.datetime.now(tz=MONDAY_8AM.tzinfo)

    def take(_n: int):
        for _ in range(20):
            tickets.ticket_take(settings=setup["settings"], field_id=field_id, now=now)

    assert not run_in_threads(8, take)
    numbers = list(QueueTicket.objects.values_list("number", flat=True))
    assert sorted(numbers) == list(range(1, 161))

    counters = [setup["civil"], setup["resid"]] * 3
    called: list[int] = []

    def call(n: int):
        while True:
            ticket = tickets.ticket_call_next(counter=counters[n], officer=setup["receptionist"], now=now)
            if ticket is None:
                return
            called.append(ticket.pk)

    assert not run_in_threads(6, call)
    assert len(called) == len(set(called)) == 160

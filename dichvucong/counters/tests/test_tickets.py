"""Queue numbers: numbering, call next (appointments first, by field), recall, finish, check-in."""

import datetime

import pytest

from dichvucong.counters import bookings, selectors, tickets
from dichvucong.counters.models import Booking, QueueTicket
from dichvucong.counters.tests.conftest import MONDAY_8AM, TUESDAY, at, make_citizen

Status = QueueTicket.Status


def take(setup, field=None, now=MONDAY_8AM):
    field_id = (field or setup["birth"].procedure.field).pk
    return tickets.ticket_take(settings=setup["settings"], field_id=field_id, now=now)


def test_numbers_follow_each_other_per_centre_and_day_and_restart_the_next_day(setup):
    first, second = take(setup), take(setup, field=setup["residence"].procedure.field)
    elsewhere = tickets.ticket_take(settings=setup["other_settings"], now=MONDAY_8AM)
    next_day = take(setup, now=at(TUESDAY, 7, 5))

    assert [first.label, second.label, elsewhere.label, next_day.label] == ["001", "002", "001", "001"]
    assert first.day == datetime.date(2026, 11, 30) and next_day.day == TUESDAY
    assert elsewhere.field is None  # a centre whose counters serve every field has one button


def test_the_kiosk_asks_for_a_field_when_counters_are_split_by_field(setup):
    with pytest.raises(tickets.TicketError) as refused:
        tickets.ticket_take(settings=setup["settings"], field_id=None, now=MONDAY_8AM)
    with pytest.raises(tickets.TicketError):
        tickets.ticket_take(settings=setup["settings"], field_id=setup["unserved"].procedure.field_id)

    assert refused.value.message == "Hãy chọn lĩnh vực bạn cần giải quyết."
    assert not QueueTicket.objects.exists()


def test_a_closed_kiosk_gives_no_number(setup):
    setup["settings"].kiosk_enabled = False

    with pytest.raises(tickets.TicketError, match="chưa cấp số"):
        take(setup)
    assert not QueueTicket.objects.exists()


def test_a_counter_calls_its_own_field_in_order_and_finishes_the_previous_number(setup):
    a, b = take(setup), take(setup, now=MONDAY_8AM + datetime.timedelta(minutes=1))
    resid = take(setup, field=setup["residence"].procedure.field)
    officer = setup["receptionist"]

    first = tickets.ticket_call_next(counter=setup["civil"], officer=officer, now=MONDAY_8AM)
    second = tickets.ticket_call_next(counter=setup["civil"], officer=officer, now=MONDAY_8AM)
    none = tickets.ticket_call_next(counter=setup["civil"], officer=officer, now=MONDAY_8AM)

    assert (first.pk, second.pk, none) == (a.pk, b.pk, None)
    a.refresh_from_db()
    b.refresh_from_db()
    resid.refresh_from_db()
    assert a.status == Status.SERVED and b.status == Status.SERVED  # the last call finished b too
    assert resid.status == Status.WAITING
    assert second.counter == setup["civil"] and second.called_by == officer


def test_two_counters_never_call_the_same_number(setup):
    setup["resid"].fields.add(setup["birth"].procedure.field)
    only = take(setup)

    one = tickets.ticket_call_next(counter=setup["civil"], officer=setup["receptionist"], now=MONDAY_8AM)
    two = tickets.ticket_call_next(counter=setup["resid"], officer=setup["receptionist"], now=MONDAY_8AM)

    assert one.pk == only.pk and two is None


def test_recall_and_finish_change_only_the_current_number(setup):
    take(setup)
    counter, officer = setup["civil"], setup["receptionist"]
    with pytest.raises(tickets.TicketError, match="chưa gọi số"):
        tickets.ticket_recall(counter=counter, officer=officer)
    tickets.ticket_call_next(counter=counter, officer=officer, now=MONDAY_8AM)

    recalled = tickets.ticket_recall(
        counter=counter, officer=officer, now=MONDAY_8AM + datetime.timedelta(minutes=2)
    )
    skipped = tickets.ticket_finish(counter=counter, officer=officer, outcome=Status.SKIPPED)

    assert recalled.recalls == 1 and recalled.called_at == MONDAY_8AM + datetime.timedelta(minutes=2)
    assert skipped.status == Status.SKIPPED and skipped.finished_at is not None
    with pytest.raises(tickets.TicketError):
        tickets.ticket_finish(counter=counter, officer=officer, outcome=Status.SERVED)


def _booking_for_today(setup, hh=9, citizen=None):
    """A booking at 09:00 on Monday 30/11/2026, made the week before."""
    return bookings.booking_create(
        citizen=citizen or setup["citizen"],
        settings=setup["settings"],
        offering=setup["birth"],
        start=at(datetime.date(2026, 11, 30), hh),
        now=MONDAY_8AM - datetime.timedelta(days=3),
    )


def test_check_in_gives_a_priority_number_called_before_walk_ins(setup):
    walk_in = take(setup, now=MONDAY_8AM)
    booking = _booking_for_today(setup)

    ticket = bookings.booking_check_in(
        settings=setup["settings"],
        code=booking.code.lower(),
        id_number="038090012345",
        now=at(booking.day, 8, 30),
    )
    again = bookings.booking_check_in(
        settings=setup["settings"], code=booking.code, id_number="038090012345", now=at(booking.day, 8, 31)
    )
    called = tickets.ticket_call_next(
        counter=setup["civil"], officer=setup["receptionist"], now=at(booking.day, 8, 40)
    )

    assert ticket.label == "H001" and ticket.priority and again.pk == ticket.pk
    assert called.pk == ticket.pk != walk_in.pk
    booking.refresh_from_db()
    assert booking.status == Booking.Status.ATTENDED
    assert booking.events.filter(action="checked_in", changes__ticket="H001").exists()
    assert selectors.tickets_ahead(ticket=walk_in) == 0


@pytest.mark.parametrize(
    ("code", "id_number", "now", "message"),
    [
        ("LHXXXXXX", "038090012345", (8, 30), "Không tìm thấy lịch hẹn với mã và số giấy tờ đã nhập"),
        (None, "001099012345", (8, 30), "Không tìm thấy lịch hẹn với mã và số giấy tờ đã nhập"),
        (None, "038090012345", (7, 59), "Bạn đến sớm. Hãy lấy số từ 08:00."),
        (None, "038090012345", (10, 1), "Đã quá giờ hẹn. Hãy lấy số thứ tự thường"),
    ],
    ids=["wrong-code", "wrong-id", "early", "late"],
)
def test_check_in_refusals_change_nothing(setup, code, id_number, now, message):
    booking = _booking_for_today(setup)

    with pytest.raises(bookings.BookingError) as refused:
        bookings.booking_check_in(
            settings=setup["settings"],
            code=code or booking.code,
            id_number=id_number,
            now=at(booking.day, *now),
        )

    assert message in refused.value.message
    assert not QueueTicket.objects.exists()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED


def test_check_in_on_another_day_or_at_another_centre_is_refused(setup):
    booking = bookings.booking_create(
        citizen=setup["citizen"],
        settings=setup["settings"],
        offering=setup["birth"],
        start=at(TUESDAY, 9),
        now=MONDAY_8AM,
    )

    with pytest.raises(bookings.BookingError, match="01/12/2026, không phải hôm nay"):
        bookings.booking_check_in(
            settings=setup["settings"], code=booking.code, id_number="038090012345", now=MONDAY_8AM
        )
    with pytest.raises(bookings.BookingError, match="Không tìm thấy"):
        bookings.booking_check_in(
            settings=setup["other_settings"],
            code=booking.code,
            officer=setup["outsider"],
            now=at(TUESDAY, 8, 30),
        )
    assert not QueueTicket.objects.exists()


def test_the_board_shows_the_number_each_counter_serves(setup, django_assert_num_queries):
    for n in range(3):
        take(setup, now=MONDAY_8AM + datetime.timedelta(minutes=n))
    take(setup, field=setup["residence"].procedure.field)
    tickets.ticket_call_next(counter=setup["civil"], officer=setup["receptionist"], now=MONDAY_8AM)
    tickets.ticket_call_next(counter=setup["resid"], officer=setup["receptionist"], now=MONDAY_8AM)
    make_citizen(1)

    with django_assert_num_queries(4):
        board = selectors.display_board(centre=setup["centre"], day=datetime.date(2026, 11, 30))

    assert [(row.counter.number, row.ticket.label) for row in board["rows"]] == [(1, "001"), (2, "004")]
    assert board["waiting"] == 2

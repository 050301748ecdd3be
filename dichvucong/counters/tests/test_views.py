"""Pages without JavaScript: the booking flow, my bookings, kiosk, display and the counter page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import login_with_second_factor
from dichvucong.counters import selectors, tickets
from dichvucong.counters.models import Booking, QueueTicket
from dichvucong.counters.tests.conftest import make_citizen

CENTRE = "000.01.31.H56"


def future_slot(setup, offering="birth"):
    """The first slot of the first bookable day after today (real time: the pages use the clock)."""
    offering = setup[offering]
    days = selectors.days_for_booking(settings=setup["settings"], offering=offering)
    today = timezone.localdate()
    day = next(d.day for d in days if d.day > today)
    slot = selectors.slots_for_day(settings=setup["settings"], offering=offering, day=day)[0]
    return day, slot


def confirm_url(setup, day, slot, offering="birth"):
    return reverse("counters:book_confirm", args=[CENTRE, setup[offering].pk, day.isoformat(), slot.key])


def test_each_step_asks_one_question_and_redirects_to_the_next(client, setup):
    day, slot = future_slot(setup)
    offering = setup["birth"].pk

    page = client.get("/dat-lich/")
    chosen = client.get("/dat-lich/", {"chon": CENTRE})
    procedures = client.get(f"/dat-lich/{CENTRE}/")
    days = client.get(f"/dat-lich/{CENTRE}/{offering}/")
    to_slot = client.get(f"/dat-lich/{CENTRE}/{offering}/", {"chon": day.isoformat()})
    slots = client.get(f"/dat-lich/{CENTRE}/{offering}/{day.isoformat()}/")
    to_confirm = client.get(f"/dat-lich/{CENTRE}/{offering}/{day.isoformat()}/", {"chon": slot.key})
    confirm = client.get(to_confirm.url)

    assert "Trung tâm Phục vụ hành chính công phường Hạc Thành" in page.content.decode()
    assert chosen.url == f"/dat-lich/{CENTRE}/"
    text = procedures.content.decode()
    assert "Thủ tục đăng ký khai sinh" in text and "Đăng ký thường trú" in text
    assert "hộ kinh doanh" not in text  # no counter serves that field
    assert f"{day:%d/%m/%Y} – còn 32 chỗ" in days.content.decode()
    assert to_slot.url == f"/dat-lich/{CENTRE}/{offering}/{day.isoformat()}/"
    assert f"{slot.start:%H:%M} – {slot.end:%H:%M} (còn 2 chỗ)" in slots.content.decode()
    assert to_confirm.url == confirm_url(setup, day, slot)
    assert "Đăng nhập để xác nhận" in confirm.content.decode()


def test_an_unanswered_question_shows_the_error_summary(client, setup):
    response = client.get(f"/dat-lich/{CENTRE}/", {"gui": "1"})

    text = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in text and '<a href="#id_chon_0">Hãy chọn thủ tục.</a>' in text
    assert "<legend><h1>Bạn cần làm thủ tục nào?</h1></legend>" in text


def test_unknown_centre_procedure_or_date_is_404(client, setup):
    assert client.get("/dat-lich/000.09.99.H56/").status_code == 404
    assert client.get(f"/dat-lich/{CENTRE}/{setup['unserved'].pk}/").status_code == 404
    assert client.get(f"/dat-lich/{CENTRE}/{setup['birth'].pk}/2026-13-40/").status_code == 404


def test_confirming_books_and_shows_the_code(client, setup):
    day, slot = future_slot(setup)
    client.force_login(setup["citizen"])

    response = client.post(confirm_url(setup, day, slot), follow=True)

    booking = Booking.objects.get()
    text = response.content.decode()
    assert booking.citizen == setup["citizen"] and booking.slot_start == slot.start
    assert "Đã đặt lịch hẹn" in text and booking.code in text and f"{day:%d/%m/%Y}" in text


def test_confirming_while_signed_out_sends_to_sign_in_and_books_nothing(client, setup):
    day, slot = future_slot(setup)

    response = client.post(confirm_url(setup, day, slot))

    assert response.status_code == 302 and response.url.startswith("/dang-nhap/")
    assert not Booking.objects.exists()


def test_confirming_a_full_slot_shows_why_and_books_nothing(client, setup):
    from dichvucong.counters import bookings

    day, slot = future_slot(setup)
    for n in range(2):
        bookings.booking_create(
            citizen=make_citizen(n), settings=setup["settings"], offering=setup["birth"], start=slot.start
        )
    client.force_login(setup["citizen"])

    response = client.post(confirm_url(setup, day, slot))

    assert response.status_code == 409
    assert "Khung giờ này đã hết chỗ. Hãy chọn khung giờ khác." in response.content.decode()
    assert not Booking.objects.filter(citizen=setup["citizen"]).exists()


def queries_of(client, url) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return len(captured), response


def test_my_bookings_lists_mine_in_a_fixed_number_of_queries(client, setup):
    from dichvucong.counters import bookings

    day, slot = future_slot(setup)
    client.force_login(setup["citizen"])
    bookings.booking_create(
        citizen=setup["neighbour"], settings=setup["settings"], offering=setup["birth"], start=slot.start
    )

    def book(offering):
        return bookings.booking_create(
            citizen=setup["citizen"], settings=setup["settings"], offering=setup[offering], start=slot.start
        )

    book("birth")
    count_one, one = queries_of(client, "/lich-hen/")
    book("residence")
    count_two, two = queries_of(client, "/lich-hen/")

    # One query for the bookings whatever their number; the rest is the session, the user and base.html.
    assert count_one == count_two <= 8

    assert one.content.decode().count("/lich-hen/LH") == 1
    assert two.content.decode().count("/lich-hen/LH") == 2


def test_cancel_and_reschedule_pages(client, setup):
    from dichvucong.counters import bookings

    day, slot = future_slot(setup)
    booking = bookings.booking_create(
        citizen=setup["citizen"], settings=setup["settings"], offering=setup["birth"], start=slot.start
    )
    client.force_login(setup["citizen"])
    later = selectors.slots_for_day(settings=setup["settings"], offering=setup["birth"], day=day)[3]

    detail = client.get(f"/lich-hen/{booking.code}/")
    days = client.get(f"/lich-hen/{booking.code}/doi-lich/", {"chon": day.isoformat()})
    moved = client.post(
        f"/lich-hen/{booking.code}/doi-lich/{day.isoformat()}/", {"chon": later.key}, follow=True
    )
    cancel_page = client.get(f"/lich-hen/{booking.code}/huy/")
    cancelled = client.post(f"/lich-hen/{booking.code}/huy/", follow=True)

    assert "Đổi giờ hẹn" in detail.content.decode() and "Hủy lịch hẹn" in detail.content.decode()
    assert days.url == f"/lich-hen/{booking.code}/doi-lich/{day.isoformat()}/"
    assert f"Đã đổi lịch hẹn {booking.code}." in moved.content.decode()
    assert f"từ {slot.start:%H:%M %d/%m/%Y} sang {later.start:%H:%M %d/%m/%Y}" in moved.content.decode()
    assert "Hủy lịch hẹn" in cancel_page.content.decode()
    assert f"Đã hủy lịch hẹn {booking.code}." in cancelled.content.decode()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED and booking.slot_start == later.start


def test_someone_elses_booking_is_404_and_untouched(client, setup):
    from dichvucong.counters import bookings

    _day, slot = future_slot(setup)
    booking = bookings.booking_create(
        citizen=setup["citizen"], settings=setup["settings"], offering=setup["birth"], start=slot.start
    )
    client.force_login(setup["neighbour"])

    assert client.get(f"/lich-hen/{booking.code}/").status_code == 404
    assert client.post(f"/lich-hen/{booking.code}/huy/").status_code == 404
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED


# --- kiosk, display, counter ------------------------------------------------------------------------------


def test_kiosk_gives_a_number_per_field_and_a_ticket_page(client, setup):
    page = client.get(f"/xep-hang/{CENTRE}/")
    taken = client.post(f"/xep-hang/{CENTRE}/", {"field": setup["birth"].procedure.field_id}, follow=True)
    missing = client.post(f"/xep-hang/{CENTRE}/", {})

    assert "Hộ tịch" in page.content.decode() and "Tôi đã đặt lịch hẹn" in page.content.decode()
    assert 'class="ticket-number"' in taken.content.decode() and ">001<" in taken.content.decode()
    assert "Còn 0 người chờ trước bạn." in taken.content.decode()
    assert "Hãy chọn lĩnh vực bạn cần giải quyết." in missing.content.decode()
    assert QueueTicket.objects.count() == 1


def test_kiosk_is_rate_limited_per_address(client, setup, settings):
    settings.DVC_KIOSK_TICKETS_PER_IP_MINUTE = 2
    field = setup["birth"].procedure.field_id

    codes = [client.post(f"/xep-hang/{CENTRE}/", {"field": field}).status_code for _ in range(3)]

    assert codes == [302, 302, 429]
    assert QueueTicket.objects.count() == 2


def test_kiosk_check_in_of_a_booking_today(client, setup):
    now = timezone.now()
    start = now + datetime.timedelta(minutes=20)
    booking = Booking.objects.create(
        code="LHTEST23",
        citizen=setup["citizen"],
        centre=setup["centre"],
        offering=setup["birth"],
        counter=setup["civil"],
        day=timezone.localdate(),
        slot_start=start,
        slot_end=start + datetime.timedelta(minutes=30),
    )

    wrong = client.post(f"/xep-hang/{CENTRE}/co-hen/", {"code": "LHTEST23", "id_number": "001099012345"})
    right = client.post(
        f"/xep-hang/{CENTRE}/co-hen/", {"code": "lhtest23", "id_number": "038090012345"}, follow=True
    )

    assert "Không tìm thấy lịch hẹn với mã và số giấy tờ đã nhập" in wrong.content.decode()
    assert ">H001<" in right.content.decode() and "Số ưu tiên (có lịch hẹn)" in right.content.decode()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.ATTENDED


def test_display_shows_each_counter_and_refreshes_without_javascript(
    client, setup, django_assert_max_num_queries
):
    tickets.ticket_take(settings=setup["settings"], field_id=setup["birth"].procedure.field_id)
    tickets.ticket_call_next(counter=setup["civil"], officer=setup["receptionist"])

    page = client.get(f"/xep-hang/{CENTRE}/man-hinh/")
    with django_assert_max_num_queries(6):
        fragment = client.get(f"/xep-hang/{CENTRE}/man-hinh/", headers={"HX-Request": "true"})

    text = page.content.decode()
    assert '<meta http-equiv="refresh"' in text and "Mời số <strong>001</strong> đến quầy 1" in text
    assert fragment.content.decode().lstrip().startswith('<div id="board"')
    assert "<html" not in fragment.content.decode()


def test_kiosk_pages_have_no_menu_are_never_cached_and_the_ticket_is_shown_briefly(client, setup, settings):
    settings.DVC_KIOSK_TICKET_SECONDS = 20
    start = client.get(f"/xep-hang/{CENTRE}/")
    taken = client.post(f"/xep-hang/{CENTRE}/", {"field": setup["birth"].procedure.field_id})
    shown = client.get(taken.url)
    check_in = client.get(f"/xep-hang/{CENTRE}/co-hen/")
    display = client.get(f"/xep-hang/{CENTRE}/man-hinh/")
    QueueTicket.objects.update(issued_at=timezone.now() - datetime.timedelta(seconds=21))
    later = client.get(taken.url)

    for page in (start, shown, check_in, display):
        assert "no-store" in page["Cache-Control"]
        assert 'class="site-header"' not in page.content.decode()
        assert "Điều hướng chính" not in page.content.decode()
    assert f'<meta http-equiv="refresh" content="20;url=/xep-hang/{CENTRE}/">' in shown.content.decode()
    assert f'<meta http-equiv="refresh" content="90;url=/xep-hang/{CENTRE}/">' in check_in.content.decode()
    assert ">001<" in shown.content.decode()
    assert later.status_code == 302 and later.url == f"/xep-hang/{CENTRE}/"
    assert QueueTicket.objects.count() == 1


@pytest.mark.parametrize("url", ["/mot-cua/quay/", "/mot-cua/lich-hen/000.01.31.H56/"])
def test_staff_pages_need_the_second_factor(client, setup, url):
    client.force_login(setup["receptionist"])

    response = client.get(url)

    assert response.status_code == 302 and response.url.startswith("/dang-nhap/")


def test_citizens_get_403_and_other_centres_staff_404(client, setup):
    login_with_second_factor(client, setup["outsider"])
    assert client.get(f"/mot-cua/quay/{setup['civil'].pk}/").status_code == 404
    assert client.post(f"/mot-cua/quay/{setup['civil'].pk}/thao-tac/", {"action": "next"}).status_code == 404
    assert client.get(f"/mot-cua/lich-hen/{CENTRE}/").status_code == 404
    client.force_login(setup["citizen"])
    assert client.get("/mot-cua/quay/").status_code in {302, 403}


def test_the_counter_page_calls_the_next_number(client, setup):
    login_with_second_factor(client, setup["receptionist"])
    ticket = tickets.ticket_take(settings=setup["settings"], field_id=setup["birth"].procedure.field_id)

    listing = client.get("/mot-cua/quay/")
    called = client.post(f"/mot-cua/quay/{setup['civil'].pk}/thao-tac/", {"action": "next"}, follow=True)
    recalled = client.post(f"/mot-cua/quay/{setup['civil'].pk}/thao-tac/", {"action": "recall"}, follow=True)
    done = client.post(f"/mot-cua/quay/{setup['civil'].pk}/thao-tac/", {"action": "served"}, follow=True)
    empty = client.post(f"/mot-cua/quay/{setup['civil'].pk}/thao-tac/", {"action": "next"}, follow=True)

    assert "Quầy 1 – Hộ tịch" in listing.content.decode()
    assert "Mời số 001 đến Quầy 1 – Hộ tịch." in called.content.decode()
    assert "Đã gọi lại số 001." in recalled.content.decode()
    assert "Số 001: đã phục vụ." in done.content.decode()
    assert "Không còn ai chờ." in empty.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == QueueTicket.Status.SERVED and ticket.recalls == 1


def _booking_now(setup, citizen, code):
    start = timezone.now() + datetime.timedelta(minutes=20)
    return Booking.objects.create(
        code=code,
        citizen=citizen,
        centre=setup["centre"],
        offering=setup["birth"],
        counter=setup["civil"],
        day=timezone.localdate(),
        slot_start=start,
        slot_end=start + datetime.timedelta(minutes=30),
    )


def test_the_receptionist_checks_in_a_booking_and_lists_todays_bookings(client, setup):
    booking = _booking_now(setup, setup["citizen"], "LHTODAY1")
    login_with_second_factor(client, setup["receptionist"])

    checked_in = client.post(
        f"/mot-cua/quay/{setup['civil'].pk}/thao-tac/",
        {"action": "check_in", "code": booking.code},
        follow=True,
    )
    _booking_now(setup, setup["neighbour"], "LHTODAY2")
    client.get(f"/mot-cua/lich-hen/{CENTRE}/")  # the first request after sign-in rotates the session
    count_one, _listing = queries_of(client, f"/mot-cua/lich-hen/{CENTRE}/")
    _booking_now(setup, make_citizen(7), "LHTODAY3")
    count_two, listing = queries_of(client, f"/mot-cua/lich-hen/{CENTRE}/")

    assert count_one == count_two <= 12  # bookings come with citizen, procedure and counter in one query

    assert "Đã cấp số ưu tiên H001 cho lịch hẹn LHTODAY1." in checked_in.content.decode()
    text = listing.content.decode()
    assert "LHTODAY1" in text and "LHTODAY2" in text and "Đã đến" in text

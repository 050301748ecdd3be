"""Done-when of counter management in a real browser: a citizen books an appointment and sees the
confirmation; a walk-in takes a number at the kiosk, the receptionist calls it, the hall display shows it."""

import pytest
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from dichvucong.accounts.tests.conftest import latest_code
from dichvucong.counters.models import Booking, QueueTicket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Hoa-Sen#2026xanh"
CENTRE = "000.01.31.H56"


def sign_in(page, url, identifier, code):
    page.goto(url + "/dang-nhap/")
    page.get_by_label("Số định danh cá nhân / mã số thuế / tên đăng nhập hoặc thư điện tử").fill(identifier)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_label("Mã xác thực").fill(code())
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()
    assert "/dang-nhap/" not in page.url, page.url  # citizens land on their page, staff on their work queue


def next_step(page):
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_load_state()


def test_book_an_appointment_then_kiosk_counter_and_display(live_server, browser_page, setup_live):
    page, url, data = browser_page, live_server.url, setup_live
    citizen, receptionist = data["citizen"], data["receptionist"]
    receptionist.set_password(PASSWORD)
    receptionist.save()
    device = StaticDevice.objects.create(user=receptionist, name="Mã dự phòng", confirmed=True)
    StaticToken.objects.create(device=device, token="ma000001")

    # A citizen books: centre → procedure → day → time → confirm.
    sign_in(page, url, citizen.username, lambda: latest_code("otp.login", citizen.phone))
    page.goto(url + "/dat-lich/")
    page.get_by_label("Trung tâm Phục vụ hành chính công phường Hạc Thành").check()
    next_step(page)
    page.get_by_label("Thủ tục đăng ký khai sinh").check()
    next_step(page)
    page.locator("input[name=chon]").first.check()
    next_step(page)
    page.locator("input[name=chon]").first.check()
    next_step(page)
    assert "Kiểm tra lại lịch hẹn" in page.content()
    page.get_by_role("button", name="Xác nhận đặt lịch").click()
    page.wait_for_url("**/lich-hen/LH*/")
    booking = Booking.objects.get(citizen=citizen)
    assert page.locator(".booking-code").inner_text() == booking.code
    assert "Đã đặt lịch hẹn" in page.content()
    page.goto(url + "/lich-hen/")
    assert booking.code in page.locator("main").inner_text()
    page.get_by_role("button", name="Đăng xuất").click()

    # A walk-in takes a number at the kiosk.
    page.goto(f"{url}/xep-hang/{CENTRE}/")
    page.get_by_role("button", name="Hộ tịch").click()
    page.wait_for_url("**/xep-hang/so/**")
    assert page.locator(".ticket-number").inner_text() == "001"

    # The receptionist calls it at counter 1 …
    sign_in(page, url, receptionist.username, lambda: "ma000001")
    page.goto(url + "/mot-cua/quay/")
    page.get_by_role("link", name="Quầy 1 – Hộ tịch").click()
    page.get_by_role("button", name="Gọi số tiếp theo").click()
    page.wait_for_load_state()
    assert "Mời số 001 đến Quầy 1 – Hộ tịch." in page.locator("main").inner_text()
    assert page.locator(".current-number").inner_text() == "001"
    assert QueueTicket.objects.get().status == QueueTicket.Status.CALLED

    # … and the hall display shows it.
    page.goto(f"{url}/xep-hang/{CENTRE}/man-hinh/")
    assert "Mời số 001 đến quầy 1" in page.locator(".board-latest").inner_text()
    assert page.locator(".board-number").first.inner_text() == "001"

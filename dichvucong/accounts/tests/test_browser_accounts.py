"""Done-when of the accounts issue, walked in a real browser: register, confirm by SMS code and e-mail link,
sign in with the second factor, edit the profile, and read the messages in the outbox as an administrator."""

import re

import pytest
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from dichvucong.accounts.models import User
from dichvucong.accounts.tests.conftest import CCCD, PASSWORD, latest_code
from dichvucong.agencies.models import AdministrativeUnit
from dichvucong.notifications.models import Message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def units(transactional_db):
    province = AdministrativeUnit.objects.create(
        code="38", name="Tỉnh Thanh Hóa", short_name="Thanh Hóa", unit_type="Tỉnh", level="province"
    )
    AdministrativeUnit.objects.create(
        code="14797",
        name="Phường Hạc Thành",
        short_name="Hạc Thành",
        unit_type="Phường",
        level="commune",
        parent=province,
    )


def test_citizen_registers_confirms_signs_in_and_edits_profile(live_server, browser_page, units, settings):
    page = browser_page
    url = live_server.url

    page.goto(url + "/dang-ky/")
    page.get_by_label("Số định danh cá nhân (CCCD) hoặc mã số thuế").fill(CCCD)
    page.get_by_label("Họ và tên (doanh nghiệp: tên doanh nghiệp)").fill("Nguyễn Văn An")
    page.get_by_label("Ngày sinh").fill("15/05/1990")
    page.get_by_label("Nam", exact=True).check()
    page.get_by_label("Số điện thoại di động").fill("0912 345 678")
    page.get_by_label("Thư điện tử (không bắt buộc)").fill("an@example.vn")
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng ký").click()  # no captcha on a first attempt

    page.wait_for_url("**/dang-ky/xac-thuc/")
    assert "091****678" in page.content()
    page.get_by_label("Mã xác thực").fill(latest_code("otp.register", "+84912345678"))
    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_url("**/ca-nhan/")
    assert "Đăng ký thành công" in page.content()

    link = re.search(
        r"https?://[^/\s]+(/xac-nhan-thu/\S+/)", Message.objects.get(event="account.email_confirm").body
    )
    page.goto(url + link.group(1))
    page.get_by_role("button", name="Xác nhận").click()
    assert "Đã xác nhận địa chỉ thư điện tử" in page.content()

    page.goto(url + "/")
    page.get_by_role("button", name="Đăng xuất").click()
    page.goto(url + "/dang-nhap/")
    page.get_by_label("Số định danh cá nhân / mã số thuế / tên đăng nhập hoặc thư điện tử").fill(CCCD)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/dang-nhap/ma-sms/")
    page.get_by_label("Mã xác thực").fill(latest_code("otp.login", "+84912345678"))
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/ca-nhan/")

    page.get_by_role("link", name="Sửa thông tin").click()
    page.get_by_label("Tỉnh, thành phố").select_option(label="Tỉnh Thanh Hóa")
    page.get_by_role("button", name="Cập nhật danh sách xã").click()
    page.get_by_label("Xã, phường, đặc khu").select_option(label="Phường Hạc Thành")
    page.get_by_label("Số nhà, đường, thôn, xóm").fill("12 Lê Lợi")
    page.get_by_label("Zalo").check()
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url("**/ca-nhan/")
    assert "12 Lê Lợi, Phường Hạc Thành, Tỉnh Thanh Hóa" in page.content()
    user = User.objects.get(username=CCCD)
    assert user.email_verified_at is not None and user.notify_zalo

    page.get_by_role("button", name="Đăng xuất").click()
    admin = User.objects.create_superuser("quantri", "QuanTri@Demo2026", full_name="Quản trị")
    device = StaticDevice.objects.create(user=admin, name="Mã dự phòng", confirmed=True)
    StaticToken.objects.create(device=device, token="abcd1234")
    page.goto(url + "/dang-nhap/")
    page.get_by_label("Số định danh cá nhân / mã số thuế / tên đăng nhập hoặc thư điện tử").fill("quantri")
    page.get_by_label("Mật khẩu").fill("QuanTri@Demo2026")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/dang-nhap/ma-ung-dung/")
    page.get_by_label("Mã xác thực").fill("abcd1234")
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(url + "/he-thong/thong-bao/")
    outbox = page.content()
    assert "otp.register" in outbox or "Mã OTP đăng ký tài khoản" in outbox
    assert "+84912345678" in outbox
    page.screenshot(path="/tmp/dvc-outbox.png", full_page=False)


def test_birth_date_typed_on_a_phone_keypad_without_javascript(live_server, browser_page, units):
    """Defect 9 at 360 px with JavaScript off: "31/02/1990" is explained and kept, "15.05.1990" is accepted,
    and the date field's hint and error are the elements its aria-describedby names."""
    context = browser_page.context.browser.new_context(
        viewport={"width": 360, "height": 740}, locale="vi-VN", java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(live_server.url + "/dang-ky/")
    page.get_by_label("Số định danh cá nhân (CCCD) hoặc mã số thuế").fill(CCCD)
    page.get_by_label("Họ và tên (doanh nghiệp: tên doanh nghiệp)").fill("Nguyễn Văn An")
    date = page.get_by_label("Ngày sinh")
    assert date.get_attribute("inputmode") == "numeric"
    date.fill("31/02/1990")
    page.get_by_label("Nam", exact=True).check()
    page.get_by_label("Số điện thoại di động").fill("0912 345 678")
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng ký").click()

    assert "Không có ngày 31/02/1990: tháng 2 năm 1990 chỉ có 28 ngày." in page.content()
    date = page.get_by_label("Ngày sinh")
    assert date.input_value() == "31/02/1990"
    described = date.get_attribute("aria-describedby").split()
    texts = [page.locator(f"#{name}").inner_text() for name in described]
    assert any("27101990" in text for text in texts) and any("chỉ có 28 ngày" in text for text in texts)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    date.fill("15.05.1990")
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)  # password fields are never sent back
    page.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng ký").click()
    page.wait_for_url("**/dang-ky/xac-thuc/")
    context.close()

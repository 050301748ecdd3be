"""Done-when of the rating part of issue 14 in a real browser: a citizen signs in, opens a returned dossier,
rates it and sees the thank-you and the rating on the dossier; at the counter the receptionist prints the
slip with a one-time code, and the person rates on the kiosk page (360 px wide) with that code."""

import pytest

from dichvucong.accounts.tests.conftest import latest_code
from dichvucong.dossiers.tests.test_browser_dossiers import PASSWORD, sign_in, sign_out
from dichvucong.processing.tests.test_browser_processing import as_staff, staff_codes
from dichvucong.ratings.models import Rating
from dichvucong.ratings.tests.conftest import add_other_agency_staff, returned_dossier

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OVERALL = "Nhìn chung, bạn hài lòng thế nào với việc giải quyết hồ sơ này?"


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def fill_rating(page, comment: str) -> None:
    page.get_by_role("group", name=OVERALL).get_by_label("Rất hài lòng").check()
    page.get_by_role("group", name="Thái độ của cán bộ, công chức, viên chức").get_by_label(
        "Hài lòng", exact=True
    ).check()
    page.get_by_label("Ý kiến khác (không bắt buộc)").fill(comment)
    page.get_by_role("button", name="Gửi đánh giá").click()
    page.wait_for_load_state()


def test_a_citizen_rates_online_and_a_counter_visitor_rates_on_the_kiosk(
    live_server, browser_page, pdata_live
):
    page, url, data = browser_page, live_server.url, pdata_live
    add_other_agency_staff(data)
    online, counter = returned_dossier(data, tag="o"), returned_dossier(data, tag="k")
    citizen = data["citizen"]
    citizen.set_password(PASSWORD)
    citizen.save()
    codes = staff_codes([data["receptionist"]])

    # The owner, online.
    sign_in(page, url, citizen.username, lambda: latest_code("otp.login", citizen.phone))
    page.goto(f"{url}/ho-so/{online.public_id}/")
    page.get_by_role("link", name="Đánh giá mức độ hài lòng").click()
    page.get_by_role("button", name="Gửi đánh giá").click()  # nothing chosen: the error summary
    page.wait_for_load_state()
    assert "Hãy chọn mức độ hài lòng." in page.locator(".error-summary").inner_text()
    fill_rating(page, "Nhanh, đúng hẹn <b>cảm ơn</b>")
    assert page.url.endswith(f"/ho-so/{online.public_id}/")
    assert "Cảm ơn bạn đã đánh giá" in page.content()
    block = page.get_by_test_id("dossier-rating").inner_text()
    assert "Rất hài lòng" in block and "Nhanh, đúng hẹn <b>cảm ơn</b>" in block
    sign_out(page, url)

    # The counter prints the slip with the one-time code.
    as_staff(page, url, data["receptionist"], codes)
    page.goto(f"{url}/xu-ly/ho-so/{counter.public_id}/")
    page.get_by_role("button", name="In phiếu mời đánh giá").click()
    page.wait_for_load_state()
    code = page.get_by_test_id("slip-code").inner_text().strip()
    assert page.locator(".rating-qr svg").count() == 1
    sign_out(page, url)

    # The kiosk at 360 px.
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{url}/danh-gia/")
    page.get_by_label("Mã hồ sơ").fill(counter.code)
    page.get_by_label("Mã đánh giá").fill("ZZZZ-ZZZZ")
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_load_state()
    assert "không đúng, đã được dùng hoặc đã hết hạn" in page.locator(".error-summary").inner_text()
    assert page.get_by_label("Mã hồ sơ").input_value() == counter.code  # kept
    page.get_by_label("Mã đánh giá").fill(code.lower())
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url("**/danh-gia/phieu/")
    assert no_sideways_scroll(page)
    fill_rating(page, "Tại quầy")
    assert "Cảm ơn bạn đã đánh giá" in page.content() and no_sideways_scroll(page)

    ratings = {r.dossier_id: r for r in Rating.objects.all()}
    assert (ratings[online.pk].via, ratings[online.pk].level) == ("online", 5)
    assert (ratings[counter.pk].via, ratings[counter.pk].rated_by_id) == ("kiosk", None)
    assert ratings[counter.pk].criteria == {"staff_attitude": 4}

    # The code is spent.
    page.goto(f"{url}/danh-gia/")
    page.get_by_label("Mã hồ sơ").fill(counter.code)
    page.get_by_label("Mã đánh giá").fill(code)
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_load_state()
    assert "không đúng, đã được dùng hoặc đã hết hạn" in page.content()

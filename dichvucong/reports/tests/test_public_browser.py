"""Issue 14's done-when for the public statistics page, in a real browser with JavaScript switched off at
360 px: the charts and the table show, the form changes the period, nothing is wider than the screen."""

from __future__ import annotations

import os

import pytest

from conftest import CHROMIUM, CHROMIUM_ARGS
from dichvucong.dossiers.models import Channel
from dichvucong.reports.public_views import add_months
from dichvucong.reports.tests.test_exports_data import build_world, dossier, vn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page_without_js():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium not installed at {CHROMIUM}")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(
            viewport={"width": 360, "height": 740}, locale="vi-VN", java_script_enabled=False
        )
        page = context.new_page()
        page.set_default_timeout(15000)
        yield page
        context.close()
        browser.close()


def test_charts_and_table_without_javascript_at_360_px(live_server, page_without_js, tmp_path):
    from django.utils import timezone

    world = build_world()
    month = add_months(timezone.localdate().replace(day=1), -1)
    received, due = vn(month.year, month.month, 2), vn(month.year, month.month, 12)
    dossier(world, world["a"], received=received, due=due, finished=vn(month.year, month.month, 5))
    dossier(
        world,
        world["a"],
        received=received,
        due=due,
        finished=vn(month.year, month.month, 20),
        channel=Channel.ONLINE,
    )
    page = page_without_js
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Thống kê giải quyết hồ sơ").click()
    assert page.get_by_role("heading", name="Thống kê giải quyết thủ tục hành chính").is_visible()

    charts = page.locator("svg[role=img]")
    assert charts.count() == 3
    for i in range(3):
        box = charts.nth(i).bounding_box()
        assert box["width"] <= 360 and box["height"] > 100  # scaled to the phone, still readable
    assert page.get_by_role("img", name="Hồ sơ đã giải quyết theo tháng, toàn tỉnh").is_visible()
    table = page.get_by_role("table", name="Hồ sơ theo tháng, toàn tỉnh")
    assert table.is_visible()
    row = table.get_by_role("row", name=f"{month:%m/%Y}")
    assert row.locator("td").nth(0).inner_text() == "2"  # received
    assert row.locator("td").nth(2).inner_text() == "1"  # on time
    assert row.locator("td").nth(3).inner_text() == "1"  # late
    # The page itself does not scroll sideways; the wide table scrolls in its own region.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(tmp_path / "thong-ke-360.png"), full_page=True)

    page.get_by_label("Cơ quan").select_option(label="UBND phường Sầm Sơn")
    page.get_by_label("Từ tháng").fill(f"{month:%m/%Y}")
    page.get_by_label("Đến tháng").fill(f"{month:%m/%Y}")
    page.get_by_role("button", name="Xem thống kê").click()
    table = page.get_by_role("table", name="Hồ sơ theo tháng, UBND phường Sầm Sơn")
    assert table.get_by_role("row", name=f"{month:%m/%Y}").locator("td").nth(0).inner_text() == "0"
    assert page.locator("svg[role=img]").count() == 3

    page.get_by_label("Từ tháng").fill("13/2026")
    page.get_by_role("button", name="Xem thống kê").click()
    assert page.get_by_role("alert").is_visible()
    assert "Từ tháng: nhập tháng theo dạng tháng/năm" in page.get_by_role("alert").inner_text()
    assert page.locator("svg[role=img]").count() == 3

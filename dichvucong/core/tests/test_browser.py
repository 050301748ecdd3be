"""A person on a phone finds a procedure: real Chromium through Playwright against a live server."""

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"Chromium not installed at {CHROMIUM}"),
]


@pytest.fixture
def page():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True)
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
        yield context.new_page()
        context.close()
        browser.close()


def test_citizen_searches_without_accents_and_opens_the_procedure(live_server, demo_data_live, page):
    page.goto(live_server.url + "/")
    page.get_by_label("Tìm thủ tục (gõ có dấu hoặc không dấu)").fill("dang ky khai sinh")
    page.get_by_role("button", name="Tìm kiếm").click()

    page.wait_for_url("**/thu-tuc/?q=dang+ky+khai+sinh")
    assert "Tìm thấy" in page.get_by_role("status").inner_text()
    page.get_by_role("link", name="Thủ tục đăng ký khai sinh", exact=True).click()

    assert page.get_by_role("heading", level=1).inner_text() == "Thủ tục đăng ký khai sinh"
    assert page.get_by_role("heading", name="Thành phần hồ sơ").is_visible()
    page.screenshot(
        path=str(Path(os.environ.get("SCREENSHOT_DIR", "/tmp")) / "dvc-procedure-mobile.png"), full_page=True
    )


def test_filters_work_without_javascript(live_server, demo_data_live):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True)
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(live_server.url + "/thu-tuc/")
        page.get_by_text("Bộ lọc", exact=True).click()  # the filters sit behind a <details> disclosure
        page.get_by_label("Lĩnh vực").select_option(label="Hộ tịch")
        page.get_by_label("Toàn trình").check()
        page.get_by_role("button", name="Áp dụng").click()

        assert "field=ho-tich" in page.url and "service=toan_trinh" in page.url
        titles = page.locator(".result-title").all_inner_texts()
        tags = page.locator(".result .tag").all_inner_texts()
        context.close()
        browser.close()
    assert titles, "expected fully-online civil-status procedures"
    assert tags == ["Toàn trình"] * len(titles)


def test_results_update_while_typing_when_javascript_runs(live_server, demo_data_live, page):
    page.goto(live_server.url + "/thu-tuc/")
    page.get_by_label("Từ khóa").press_sequentially("ket hon", delay=30)

    from playwright.sync_api import expect

    expect(page.locator(".result-title").first).to_contain_text("kết hôn", ignore_case=True)
    assert "q=ket%20hon" in page.url  # the address follows, so the result can be shared or reloaded
    assert page.locator("h1").count() == 1  # the fragment replaced the results, not the page

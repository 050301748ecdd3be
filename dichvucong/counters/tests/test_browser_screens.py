"""The centre's screens in a real browser: the hall display fills a 1080p screen and the kiosk forgets the
previous person's ticket. Neither shows the site's menu."""

import pytest

from dichvucong.counters import tickets

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CENTRE = "000.01.31.H56"


def test_hall_display_fills_a_1080p_screen_with_big_numbers(live_server, browser_page, setup_live):
    page, data = browser_page, setup_live
    tickets.ticket_take(settings=data["settings"], field_id=data["birth"].procedure.field_id)
    tickets.ticket_call_next(counter=data["civil"], officer=data["receptionist"])
    # A name on two lines beside one on one line: the tiles' labels and numbers still line up.
    data["civil"].name = "Hộ tịch, chứng thực, đất đai, xây dựng, thành lập hộ kinh doanh"
    data["civil"].save(update_fields=["name"])
    page.set_viewport_size({"width": 1920, "height": 1080})

    page.goto(f"{live_server.url}/xep-hang/{CENTRE}/man-hinh/")

    assert page.get_by_role("navigation").count() == 0
    assert page.locator(".site-header, .site-footer").count() == 0
    measured = page.evaluate(
        """() => {
          const box = (selector) => document.querySelector(selector).getBoundingClientRect();
          const number = document.querySelector('.board-number');
          return {
            main: box('main').height,
            tiles: box('.board-counters').height,
            number: parseFloat(getComputedStyle(number).fontSize),
            latest: parseFloat(getComputedStyle(document.querySelector('.board-latest')).fontSize),
            scrollHeight: document.documentElement.scrollHeight,
            scrollWidth: document.documentElement.scrollWidth,
          };
        }"""
    )
    assert measured["main"] >= 0.9 * 1080, measured
    assert measured["tiles"] >= 0.5 * 1080, measured  # the counters take the room, not an empty band
    assert measured["number"] >= 120, measured  # about 3 cm high letters on a 1080p 43-inch screen
    assert measured["latest"] >= 60, measured
    assert measured["scrollHeight"] <= 1080 and measured["scrollWidth"] <= 1920, measured
    tiles = page.evaluate(
        """() => [...document.querySelectorAll('.board-tile')].map((tile) => {
          const top = (selector) => Math.round(tile.querySelector(selector).getBoundingClientRect().top);
          const name = tile.querySelector('.board-counter-name'), text = document.createRange();
          text.selectNodeContents(name);  // the text's own height, not the room kept for it
          const lines = text.getBoundingClientRect().height / parseFloat(getComputedStyle(name).lineHeight);
          return {label: top('.board-counter'), number: top('.board-number'), nameLines: Math.round(lines)};
        })"""
    )
    assert len(tiles) == 2 and tiles[0]["nameLines"] == 2 and tiles[1]["nameLines"] == 1, tiles
    assert len({tile["label"] for tile in tiles}) == 1 and len({tile["number"] for tile in tiles}) == 1, tiles
    assert page.locator(".board-number").first.inner_text() == "001"
    assert "Mời số 001 đến quầy 1" in page.locator(".board-latest").inner_text()


def test_kiosk_ticket_returns_to_the_start_and_back_does_not_show_it_again(
    live_server, browser_page, setup_live, settings
):
    settings.DVC_KIOSK_TICKET_SECONDS = 2
    page = browser_page
    page.set_viewport_size({"width": 1080, "height": 1920})
    kiosk_url = f"{live_server.url}/xep-hang/{CENTRE}/"

    page.goto(kiosk_url)
    assert page.get_by_role("navigation").count() == 0
    with page.expect_response("**/xep-hang/so/**") as shown:
        page.get_by_role("button", name="Hộ tịch").click()
    assert "no-store" in shown.value.headers["cache-control"]
    assert page.locator(".ticket-number").inner_text() == "001"
    assert page.get_by_role("navigation").count() == 0
    assert page.get_by_role("link", name="Đăng nhập").count() == 0

    page.wait_for_url(kiosk_url, timeout=10000)  # by itself, without JavaScript
    assert page.locator(".ticket-number").count() == 0
    assert page.get_by_role("button", name="Hộ tịch").is_visible()

    page.go_back()
    page.wait_for_load_state()
    assert page.url == kiosk_url
    assert page.locator(".ticket-number").count() == 0


@pytest.mark.parametrize("screen", [{"width": 1920, "height": 1080}, {"width": 1080, "height": 1920}])
def test_kiosk_start_page_fits_the_screen_without_scrolling(
    live_server, browser_page, demo_data_live, screen
):
    """A kiosk cannot scroll: all the demo centre's fields and "Tôi đã đặt lịch hẹn" are on the screen."""
    page = browser_page
    page.set_viewport_size(screen)

    page.goto(f"{live_server.url}/xep-hang/{CENTRE}/")

    assert page.locator("button.kiosk-button").count() >= 10
    measured = page.evaluate(
        "() => ({scrollHeight: document.documentElement.scrollHeight, innerHeight: window.innerHeight,"
        " scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth})"
    )
    assert measured["scrollHeight"] <= measured["innerHeight"], measured
    assert measured["scrollWidth"] <= measured["innerWidth"], measured
    booked = page.get_by_role("link", name="Tôi đã đặt lịch hẹn")
    assert (
        booked.is_visible()
        and booked.bounding_box()["y"] + booked.bounding_box()["height"] <= screen["height"]
    )


def test_kiosk_ticket_buttons_are_centred_alike(live_server, browser_page, setup_live):
    page = browser_page
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{live_server.url}/xep-hang/{CENTRE}/")
    page.get_by_role("button", name="Hộ tịch").click()

    aligns = page.evaluate(
        "() => [...document.querySelectorAll('.kiosk-actions .kiosk-button')]"
        ".map((button) => getComputedStyle(button).textAlign)"
    )
    assert aligns == ["center", "center"], aligns

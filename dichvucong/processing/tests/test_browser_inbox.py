"""The staff inbox on a 360 px phone: one card per dossier, no sideways scrolling (it was 467 px wide), and
the search fields behind "Lọc" one per line at full width (they were squeezed to slivers side by side)."""

import pytest

from dichvucong.processing.tests.conftest import accepted_dossier
from dichvucong.processing.tests.test_browser_processing import as_staff, staff_codes
from dichvucong.processing.tests.test_services import walk_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_inbox_fits_a_360_px_screen(live_server, browser_page, pdata_live):
    page, url, data = browser_page, live_server.url, pdata_live
    specialist = data["chuyenvien.a"]
    dossiers = [accepted_dossier(data, tag=f"m{n}") for n in range(3)]
    for dossier in dossiers:
        walk_to(data, dossier, 1)
    codes = staff_codes([specialist])
    page.set_viewport_size({"width": 360, "height": 740})
    as_staff(page, url, specialist, codes)

    for tab in ("mine", "unit", "due_today", "late"):
        page.goto(f"{url}/xu-ly/?tab={tab}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, (tab, width)
    page.goto(f"{url}/xu-ly/?tab=mine")
    body = page.content()
    assert all(dossier.code in body for dossier in dossiers)
    first = page.locator(".inbox-table tbody tr").first
    box = first.bounding_box()
    assert box["width"] <= 360 and box["x"] >= 0  # a card, not a row running off the screen
    assert page.get_by_role("link", name=dossiers[0].code).is_visible()

    # the filters: behind "Lọc", each field on its own line at (nearly) the screen's width
    filters = page.locator("details.inbox-filters")
    assert filters.get_attribute("open") is None
    filters.locator("summary").click()
    search = page.get_by_label("Mã hồ sơ, chủ hồ sơ hoặc người nộp")
    procedure = page.get_by_label("Mã thủ tục")
    for field in (search, procedure):
        box = field.bounding_box()
        assert box["width"] >= 250 and box["x"] >= 0 and box["x"] + box["width"] <= 360, box
    assert procedure.bounding_box()["y"] > search.bounding_box()["y"] + search.bounding_box()["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    search.fill(dossiers[1].code)
    filters.get_by_role("button", name="Lọc").click()
    page.wait_for_load_state()
    assert page.locator(".inbox-table tbody tr").count() == 1
    assert page.get_by_role("link", name=dossiers[1].code).is_visible()
    assert search.input_value() == dossiers[1].code  # the filter stays open with what was typed
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

"""The catalogue on a 360 px phone: the call to action on the first screen, the agency choice, no sideways
scrolling on the procedure page, the agency choice and the search page."""

from urllib.parse import unquote

import pytest

from dichvucong.catalogue.models import AgencyProcedure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 360, "height": 740}


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_on_a_phone_the_call_to_action_is_on_the_first_screen_and_leads_to_the_submission(
    browser_page, live_server, demo_data_live
):
    page = browser_page
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/thu-tuc/1.004873/")

    cta = page.get_by_role("link", name="Nộp hồ sơ trực tuyến", exact=True)
    box = cta.bounding_box()
    assert cta.is_visible() and box["y"] + box["height"] <= PHONE["height"], box
    assert page_width(page) <= PHONE["width"]

    cta.click()
    page.wait_for_url("**/nop-truc-tuyen/")
    assert page_width(page) <= PHONE["width"]
    page.get_by_label("Tìm xã, phường hoặc cơ quan (gõ có dấu hoặc không dấu)").fill("hac thanh")
    page.get_by_role("button", name="Tìm", exact=True).click()
    page.wait_for_load_state()
    ward = AgencyProcedure.objects.get(procedure__code="1.004873", agency__name__icontains="Hạc Thành")
    page.get_by_role("link", name=ward.agency.name).click()
    page.wait_for_load_state()

    # The dossiers app's start page (or its sign-in step, which comes back to it).
    assert f"/ho-so/nop/{ward.pk}/" in unquote(page.url), page.url


def test_on_a_phone_the_search_results_come_first_and_nothing_scrolls_sideways(
    browser_page, live_server, demo_data_live
):
    page = browser_page
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/thu-tuc/?q=cccd")

    first = page.locator(".result-title a").first
    assert first.inner_text().startswith("Cấp thẻ căn cước")
    assert first.bounding_box()["y"] < PHONE["height"]
    assert not page.locator('select[name="field"]').is_visible()  # the filters are folded away
    assert page_width(page) <= PHONE["width"]

    page.get_by_text("Bộ lọc", exact=True).click()
    assert page.locator('select[name="field"]').is_visible()
    assert page_width(page) <= PHONE["width"]

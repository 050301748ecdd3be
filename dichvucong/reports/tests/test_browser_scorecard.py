"""Done-when in a real browser: the demo agency's leader signs in, opens the QĐ 766 scorecard for last month,
sees the hand-computed numbers of ``test_demo_scorecard`` and, clicking the late count, exactly the late
dossiers' codes."""

import re

import pytest

from conftest import load_demo_province
from dichvucong.accounts.models import User
from dichvucong.dossiers.models import Dossier
from dichvucong.processing.tests.test_browser_processing import as_staff, staff_codes
from dichvucong.reports.demo_history import MARK, previous_month
from dichvucong.reports.tests.test_demo_scorecard import EXPECTED, LATE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LEADER = "lanhdao.hacthanh"  # a demo login (ensure_demo_logins): leader of Ủy ban nhân dân phường Hạc Thành


def shown(text: str) -> str:
    """The page's number, written back the Python way (70,00 → 70.00)."""
    return re.sub(r"\s*(%|ngày)$", "", text.strip()).replace(".", "").replace(",", ".")


def test_the_demo_leader_sees_the_hand_computed_scorecard_and_the_late_dossiers(
    live_server, browser_page, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.DVC_DEMO_HISTORY = True
    load_demo_province()
    leader = User.objects.get(username=LEADER)
    codes = staff_codes([leader])
    page, url = browser_page, live_server.url

    as_staff(page, url, leader, codes)
    page.goto(url + "/bao-cao/chi-so-766/")
    first, _last = previous_month()
    page.get_by_label("Tháng").fill(first.strftime("%m/%Y"))
    page.get_by_role("button", name="Xem", exact=True).click()
    page.wait_for_load_state()

    for code, (numerator, denominator, percent) in EXPECTED.items():
        assert page.get_by_test_id(f"num-{code}").inner_text() == str(numerator), code
        assert page.get_by_test_id(f"den-{code}").inner_text() == str(denominator), code
        assert shown(page.get_by_test_id(f"pct-{code}").inner_text()) == str(percent), code

    late = page.get_by_test_id("part-2.1-late")
    assert late.inner_text() == "3"
    late.click()
    page.wait_for_load_state()
    listed = set(page.locator("main table tbody tr td:first-child a").all_inner_texts())
    expected = set(
        Dossier.objects.filter(client_ref__in=[f"{MARK}{n}" for n in LATE]).values_list("code", flat=True)
    )
    assert listed == expected and len(expected) == 3

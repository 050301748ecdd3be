"""The site's chrome on a 360 px phone, with the demo data and the demo logins: the header stays small and its
menu works by keyboard, and no page of any role is wider than the screen."""

import os
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from conftest import login_with_second_factor
from dichvucong.accounts.models import User
from dichvucong.catalogue.models import AgencyProcedure
from dichvucong.counters.models import Counter
from dichvucong.documents.testing import minimal_pdf_bytes
from dichvucong.dossiers import services as dossier_services
from dichvucong.processing import services as processing_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 360, "height": 740}
CENTRE, COMMITTEE = "000.01.31.H56", "000.00.31.H56"
# A demo procedure the commune offers online without a required e-form: papers attached, then submitted.
PROCEDURE = "1.004873"
PDF = minimal_pdf_bytes()


def _submitted(citizen, offering, tag: str):
    dossier = dossier_services.dossier_create_draft(applicant=citizen, offering=offering)
    for component in dossier_services.components_for(dossier):
        if component.required:
            upload = SimpleUploadedFile(
                f"{tag}.pdf", PDF + f"{tag}{component.pk}".encode(), "application/pdf"
            )
            dossier_services.dossier_attach(
                dossier=dossier, applicant=citizen, component=component, upload=upload
            )
    return dossier_services.dossier_submit(dossier_id=dossier.pk, applicant=citizen)


@pytest.fixture
def demo(demo_data_live, monkeypatch, settings, tmp_path):
    """The demo data, its logins (as `ensure_demo_logins` makes them) and three dossiers: one waiting, one
    accepted, one with the specialist (whose page has the "Ý kiến xử lý" box)."""
    monkeypatch.setenv("DVC_DEV", "1")
    settings.MEDIA_ROOT = tmp_path
    call_command("ensure_demo_logins", stdout=StringIO())
    people = {user.username: user for user in User.objects.all()}
    citizen, receptionist = people["038090012345"], people["tiepnhan.hacthanh"]
    offering = AgencyProcedure.objects.get(procedure__code=PROCEDURE, agency__code=COMMITTEE)
    waiting = _submitted(citizen, offering, "a")
    accepted = dossier_services.dossier_accept(
        dossier_id=_submitted(citizen, offering, "b").pk, officer=receptionist
    )
    in_hand = processing_services.processing_start(
        dossier_id=dossier_services.dossier_accept(
            dossier_id=_submitted(citizen, offering, "c").pk, officer=receptionist
        ).pk,
        officer=receptionist,
        assignee_id=people["chuyenvien.hacthanh"].pk,
    )
    return {
        "people": people,
        "offering": offering,
        "waiting": waiting,
        "accepted": accepted,
        "in_hand": in_hand,
    }


def as_user(page, live_server, user):
    """Signed in with the second factor passed (the sign-in pages are tested in accounts)."""
    page.context.clear_cookies()
    if user is None:
        return
    client = login_with_second_factor(Client(), user)
    name = django_settings.SESSION_COOKIE_NAME
    page.context.add_cookies([{"name": name, "value": client.cookies[name].value, "url": live_server.url}])


def header_height(page) -> float:
    return page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")


def test_header_is_compact_on_a_phone_and_its_menu_works_by_keyboard(live_server, browser_page, demo):
    page, people = browser_page, demo["people"]
    page.set_viewport_size(PHONE)
    cases = [
        (None, "Đăng nhập", "Đăng ký"),
        (people["038090012345"], "Đăng xuất", "Hồ sơ của tôi"),
        (people["tiepnhan.hacthanh"], "Đăng xuất", "Tiếp nhận hồ sơ"),
    ]
    for user, account_action, menu_item in cases:
        as_user(page, live_server, user)
        page.goto(live_server.url + "/")
        who = user.username if user else "anonymous"

        assert header_height(page) <= 0.15 * PHONE["height"], (who, header_height(page))
        assert page.locator(".header-account").get_by_text(account_action, exact=True).is_visible(), who
        catalogue_link = page.get_by_role("link", name="Thủ tục hành chính", exact=True)
        assert not catalogue_link.is_visible(), who  # folded into the menu

        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Bỏ qua, đến nội dung chính"
        for _ in range(4):  # skip link, site name, sign in/out, then the menu
            if page.evaluate("document.activeElement.tagName") == "SUMMARY":
                break
            page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Menu", who
        page.keyboard.press("Enter")
        assert catalogue_link.is_visible(), who
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Thủ tục hành chính", who
        assert page.get_by_role("link", name=menu_item, exact=True).is_visible(), who
        assert page.get_by_label("Ngôn ngữ").is_visible(), who
        page.keyboard.press("Enter")
        page.wait_for_url("**/thu-tuc/")

    # On a desk's wide screen the menu is open in the header, without a disclosure to press.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server.url + "/")
    assert page.get_by_role("link", name="Thủ tục hành chính", exact=True).is_visible()
    assert page.get_by_role("link", name="Tiếp nhận hồ sơ", exact=True).is_visible()
    assert not page.get_by_text("Menu", exact=True).is_visible()
    focused = []
    for _ in range(5):  # skip link, site name, sign out, then the first link of the menu
        page.keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement.textContent"))
    assert "Thủ tục hành chính" in focused, focused


def _pages(demo) -> dict:
    waiting, accepted, offering = demo["waiting"], demo["accepted"], demo["offering"]
    counter = Counter.objects.filter(centre__code=CENTRE).order_by("number").first()
    receptionist = demo["people"]["tiepnhan.hacthanh"]
    return {
        None: [
            "/",
            "/thu-tuc/",
            "/thu-tuc/?q=khai+sinh",
            "/thu-tuc/1.001193/",
            f"/thu-tuc/{PROCEDURE}/",
            "/su-kien-cuoc-song/",
            "/linh-vuc/",
            "/co-quan/",
            f"/co-quan/{COMMITTEE}/",
            "/dat-lich/",
            f"/dat-lich/{CENTRE}/",
            "/tra-cuu/",
            "/dang-nhap/",
            "/dang-ky/",
            "/quen-mat-khau/",
            f"/xep-hang/{CENTRE}/",
            f"/xep-hang/{CENTRE}/co-hen/",
        ],
        "038090012345": [
            "/ca-nhan/",
            "/ca-nhan/sua/",
            "/ca-nhan/bao-mat/",
            "/ca-nhan/lich-su-dang-nhap/",
            "/ca-nhan/giay-to/",
            "/ca-nhan/giay-to/tai-len/",
            "/ho-so/",
            f"/ho-so/{waiting.public_id}/",
            f"/ho-so/{accepted.public_id}/",
            "/ca-nhan/giao-dich/",
            "/lich-hen/",
            f"/ho-so/nop/{offering.pk}/",
        ],
        "tiepnhan.hacthanh": [
            "/mot-cua/tiep-nhan/",
            "/mot-cua/tiep-nhan/truc-tiep/",
            f"/mot-cua/ho-so/{waiting.public_id}/",
            "/mot-cua/so-theo-doi/",
            "/mot-cua/quay/",
            f"/mot-cua/quay/{counter.pk}/",
            f"/mot-cua/lich-hen/{CENTRE}/",
            "/mot-cua/thu-phi/",
            f"/mot-cua/thu-phi/ho-so/{accepted.public_id}/",  # its fee request form has a note box
            "/buu-dien/thu-tien/",
            "/xu-ly/",
            f"/xu-ly/ho-so/{accepted.public_id}/",
        ],
        "chuyenvien.hacthanh": ["/xu-ly/", f"/xu-ly/ho-so/{demo['in_hand'].public_id}/"],
        "quantri.hacthanh": [
            "/quan-ly/can-bo/",
            f"/quan-ly/can-bo/{receptionist.pk}/",
            "/quan-ly/can-bo/them/",
            "/quan-ly/doi-soat-tien-mat/",
            "/xu-ly/quy-trinh/",
        ],
        "buudien.hacthanh": ["/buu-chinh/"],
        "quantri": ["/he-thong/thong-bao/"],
    }


def test_no_page_of_any_role_is_wider_than_a_phone(live_server, browser_page, demo):
    page, people = browser_page, demo["people"]
    page.set_viewport_size(PHONE)
    shots = os.environ.get("SCREENSHOT_DIR")
    too_wide, broken, seen = [], [], 0
    for username, paths in _pages(demo).items():
        as_user(page, live_server, people[username] if username else None)
        for path in paths:
            response = page.goto(live_server.url + path)
            if response is None or response.status != 200:
                broken.append((username, path, response.status if response else None))
                continue
            seen += 1
            # Folded action panels (a fee request, a proposal to stop) count too: their text boxes must fit.
            page.evaluate("document.querySelectorAll('main details').forEach((d) => { d.open = true; })")
            width = page.evaluate("document.documentElement.scrollWidth")
            # A table scrolled sideways inside a wrapper hides columns just the same (the "Nộp trực tuyến"
            # button was one); only a focusable .table-scroll region, for genuinely wide data, may scroll.
            tables = page.evaluate(
                """(limit) => [...document.querySelectorAll('main table')]
                    .filter(t => !t.closest('.table-scroll') && t.getBoundingClientRect().width > limit)
                    .map(t => Math.round(t.getBoundingClientRect().width))""",
                PHONE["width"],
            )
            if tables:
                too_wide.append((username or "anonymous", path, "tables", tables))
            if width > PHONE["width"]:
                wide = page.evaluate(
                    """(limit) => [...document.querySelectorAll('main *')]
                        .filter(e => e.getBoundingClientRect().right > limit + 1)
                        .slice(0, 3).map(e => e.tagName + '.' + e.className)""",
                    PHONE["width"],
                )
                too_wide.append((username or "anonymous", path, width, wide))
            if shots:
                name = f"{username or 'anonymous'}{path}".strip("/").replace("/", "_").replace("?", "_")
                page.screenshot(path=str(Path(shots) / f"360-{name}.png"), full_page=True)
    assert not broken, broken
    assert not too_wide, "\n".join(map(str, too_wide))
    assert seen == sum(len(paths) for paths in _pages(demo).values())

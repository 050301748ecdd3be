"""A birth registration on a 360 px phone, in the general case: every page of the wizard fits the screen
(nothing wider than 360 px) and a double click on "Nộp hồ sơ" files one dossier."""

import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from dichvucong.accounts.tests.conftest import latest_code
from dichvucong.catalogue.models import AgencyProcedure
from dichvucong.documents.testing import minimal_pdf_bytes
from dichvucong.dossiers.models import Dossier, Status
from dichvucong.dossiers.tests.test_browser_dossiers import PASSWORD, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTH = 360


def fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        """(limit) => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > limit + 0.5)
            .slice(0, 5).map(e => e.tagName + '.' + e.className + '#' + e.id)""",
        WIDTH,
    )
    if os.environ.get("DVC_SCREENSHOTS"):  # a directory: keep a full-page picture of each step
        name = page.url.rstrip("/").rsplit("/", 2)[-2:]
        page.screenshot(
            path=str(Path(os.environ["DVC_SCREENSHOTS"]) / f"{'-'.join(name)}.png"), full_page=True
        )
    assert width <= WIDTH, (page.url, width, wide)


def test_birth_registration_general_case_on_a_360px_phone(
    live_server, browser_page, demo_data_live, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    page, url = browser_page, live_server.url
    page.set_viewport_size({"width": WIDTH, "height": 740})
    citizen = get_user_model().objects.create_user(
        username="038090012345",
        password=PASSWORD,
        kind="citizen",
        id_type="cccd",
        id_number="038090012345",
        full_name="Nguyễn Văn An",
        phone="+84912345678",
        address="12 Lê Lợi",
    )
    offering = AgencyProcedure.objects.filter(procedure__code="1.001193", is_active=True).first()
    sign_in(page, url, citizen.username, lambda: latest_code("otp.login", citizen.phone))

    page.goto(f"{url}/ho-so/nop/{offering.pk}/")
    fits(page)
    page.get_by_role("button", name="Bắt đầu").click()
    for number in (1, 2, 3):  # three special cases, none of them ours
        page.wait_for_url(f"**/truong-hop/{number}/")
        fits(page)
        page.get_by_label("Không").check()
        page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url("**/sua/")
    fits(page)
    assert "trường hợp thông thường" in page.content()
    page.get_by_label("Họ, chữ đệm và tên của trẻ").fill("Nguyễn Bảo Anh")
    page.get_by_label("Ngày, tháng, năm sinh của trẻ").fill("03/11/2026")
    page.get_by_label("Nữ").check()
    page.get_by_label("Nơi sinh").fill("Bệnh viện Đa khoa tỉnh Thanh Hóa")
    page.get_by_label("Mẹ", exact=True).check()
    for n, name in enumerate(("Tệp cho Giấy chứng sinh", "Tệp cho Giấy tờ tùy thân")):
        path = tmp_path / f"giay-{n}.pdf"
        path.write_bytes(minimal_pdf_bytes(name))
        page.get_by_label(name).set_input_files(str(path))
    page.get_by_label("Nhận bản điện tử trực tuyến").check()
    page.get_by_role("button", name="Xem lại trước khi nộp").click()
    page.wait_for_url("**/xem-lai/")
    fits(page)
    page.get_by_role("button", name="Nộp hồ sơ").dblclick()
    page.wait_for_url("**/da-nop/")
    fits(page)

    dossier = Dossier.objects.get(applicant=citizen)  # one dossier for the double click
    assert dossier.status == Status.SUBMITTED and dossier.case == ""
    assert dossier.files.count() == 2  # the e-form stood for the declaration

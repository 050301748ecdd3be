"""Done-when of the dossiers issue in a real browser: submit with attachments, accept (Mẫu 01 with the due
date), supplement with the paused clock, refuse (Mẫu 03), and public tracking of each."""

import io
import re

import pytest
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from pypdf import PdfReader

from dichvucong.accounts.tests.conftest import latest_code
from dichvucong.documents.testing import minimal_pdf_bytes
from dichvucong.dossiers.models import Dossier, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Hoa-Sen#2026xanh"


def sign_in(page, url, identifier, code_getter):
    page.goto(url + "/dang-nhap/")
    page.get_by_label("Số định danh cá nhân / mã số thuế / tên đăng nhập hoặc thư điện tử").fill(identifier)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_label("Mã xác thực").fill(code_getter())
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()
    # Citizens land on their personal page, staff on their work queue.
    assert page.url.endswith(("/ca-nhan/", "/mot-cua/tiep-nhan/", "/buu-chinh/", "/xu-ly/")), (
        page.url,
        page.locator("main").inner_text()[:500],
    )


def sign_out(page, url):
    page.goto(url + "/")
    page.get_by_role("button", name="Đăng xuất").click()


def submit_dossier(page, url, offering_id, tmp_path, tag: str) -> Dossier:
    page.goto(f"{url}/ho-so/nop/{offering_id}/")
    page.get_by_role("button", name="Bắt đầu").click()
    page.wait_for_url("**/sua/")
    for n, label in enumerate(("Tệp cho Tờ khai đăng ký khai sinh", "Tệp cho Giấy chứng sinh")):
        path = tmp_path / f"{tag}-{n}.pdf"
        path.write_bytes(minimal_pdf_bytes(f"{tag}-{n}"))
        page.get_by_label(label).set_input_files(str(path))
    page.get_by_label("Nhận bản điện tử trực tuyến").check()
    page.get_by_role("button", name="Xem lại trước khi nộp").click()
    page.wait_for_url("**/xem-lai/")
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_url("**/da-nop/")
    code = page.locator(".dossier-code").inner_text()
    return Dossier.objects.get(code=code)


def staff_action(page, url, dossier, button=None, panel=None, field=None, text=None, submit=None):
    page.goto(f"{url}/mot-cua/ho-so/{dossier.public_id}/")
    if panel:
        page.get_by_text(panel).click()
        page.get_by_label(field).fill(text)
        page.get_by_role("button", name=submit).click()
    else:
        page.get_by_role("button", name=button).click()
    page.wait_for_load_state()


def track(page, url, dossier) -> str:
    page.goto(url + "/tra-cuu/")
    page.get_by_label("Mã hồ sơ").fill(dossier.code)
    page.get_by_label("Số giấy tờ của chủ hồ sơ hoặc mã tra cứu trên giấy biên nhận").fill("038090012345")
    page.get_by_role("button", name="Tra cứu").click()
    return page.content()


def test_submit_accept_supplement_refuse_and_track(live_server, browser_page, setup_live, tmp_path):
    page, url, data = browser_page, live_server.url, setup_live
    citizen, receptionist = data["citizen"], data["receptionist"]
    citizen.set_password(PASSWORD)
    citizen.save()
    receptionist.set_password(PASSWORD)
    receptionist.save()
    device = StaticDevice.objects.create(user=receptionist, name="Mã dự phòng", confirmed=True)
    for token in ("ma000001", "ma000002", "ma000003"):
        StaticToken.objects.create(device=device, token=token)
    backup_codes = iter(["ma000001", "ma000002", "ma000003"])
    offering_id = data["offering"].pk

    sign_in(page, url, citizen.username, lambda: latest_code("otp.login", citizen.phone))
    first = submit_dossier(page, url, offering_id, tmp_path, "a")
    second = submit_dossier(page, url, offering_id, tmp_path, "b")
    third = submit_dossier(page, url, offering_id, tmp_path, "c")
    assert len({first.code, second.code, third.code}) == 3
    sign_out(page, url)

    sign_in(page, url, receptionist.username, lambda: next(backup_codes))
    page.goto(url + "/mot-cua/tiep-nhan/")
    assert first.code in page.content() and third.code in page.content()
    staff_action(page, url, first, button="Tiếp nhận hồ sơ")
    first.refresh_from_db()
    assert first.status == Status.ACCEPTED
    receipt = page.request.get(f"{url}/mot-cua/ho-so/{first.public_id}/mau-01.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(receipt.body())).pages)
    due = first.due_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Ho_Chi_Minh"))
    assert receipt.status == 200 and first.code in text
    assert f"{due:%d} tháng {due:%m} năm {due:%Y}" in text

    staff_action(page, url, second, button="Tiếp nhận hồ sơ")
    second.refresh_from_db()
    due_before = second.due_at
    staff_action(
        page,
        url,
        second,
        panel="Yêu cầu bổ sung (Mẫu 02)",
        field="Giấy tờ, nội dung cần bổ sung",
        text="Giấy chứng sinh: bản chụp bị mờ",
        submit="Gửi yêu cầu bổ sung",
    )
    staff_action(
        page,
        url,
        third,
        panel="Từ chối tiếp nhận (Mẫu 03)",
        field="Lý do từ chối",
        text="Không thuộc thẩm quyền giải quyết",
        submit="Từ chối",
    )
    sign_out(page, url)

    sign_in(page, url, citizen.username, lambda: latest_code("otp.login", citizen.phone))
    page.goto(f"{url}/ho-so/{second.public_id}/")
    page.get_by_label("Nội dung bổ sung").fill("Gửi lại bản chụp rõ")
    path = tmp_path / "ro.pdf"
    path.write_bytes(minimal_pdf_bytes("ban ro"))
    page.get_by_label("Giấy chứng sinh").set_input_files(str(path))
    page.get_by_role("button", name="Gửi bổ sung").click()
    assert "Đã gửi bổ sung" in page.content()
    refusal = page.request.get(f"{url}/ho-so/{third.public_id}/mau-03.pdf")
    assert refusal.status == 200 and "Không thuộc thẩm quyền" in " ".join(
        p.extract_text() for p in PdfReader(io.BytesIO(refusal.body())).pages
    )
    sign_out(page, url)

    sign_in(page, url, receptionist.username, lambda: next(backup_codes))
    staff_action(page, url, second, button="Hoàn thành bổ sung")
    second.refresh_from_db()
    assert second.status == Status.ACCEPTED and second.due_at >= due_before
    sign_out(page, url)

    assert "Được tiếp nhận" in track(page, url, first)
    assert "Hoàn thành bổ sung" in track(page, url, second)
    refused_page = track(page, url, third)
    assert "Không được tiếp nhận" in refused_page and re.search(r"N\*\*\* V\*\*\* An", refused_page)

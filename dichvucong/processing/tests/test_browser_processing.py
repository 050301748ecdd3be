"""Done-when of the processing issue in a real browser: one dossier goes counter → specialist → head →
leader → clerk → counter return with the control sheet filled and on time; another is late, its apology letter
(Mẫu 04) is drafted and approved, and the citizen sees the new date on public tracking."""

import io

import pytest
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from pypdf import PdfReader

from dichvucong.documents.testing import minimal_pdf_bytes
from dichvucong.dossiers.models import Dossier, Status
from dichvucong.dossiers.tests.test_browser_dossiers import PASSWORD, sign_out, track
from dichvucong.processing.models import ControlSheetEntry
from dichvucong.processing.tests.conftest import accepted_dossier
from dichvucong.processing.tests.test_late import next_working_day_after

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


IDENTIFIER = "Số định danh cá nhân / mã số thuế / tên đăng nhập hoặc thư điện tử"


def staff_codes(users) -> dict:
    codes = {}
    for user in users:
        user.set_password(PASSWORD)
        user.save()
        device = StaticDevice.objects.create(user=user, name="Mã dự phòng", confirmed=True)
        tokens = [f"{user.pk:03d}x{n:04d}" for n in range(6)]
        for token in tokens:
            StaticToken.objects.create(device=device, token=token)
        codes[user.username] = iter(tokens)
    return codes


def as_staff(page, url, user, codes):
    """Sign in with a backup code; staff land on their work page (not the citizens' personal page)."""
    page.goto(url + "/dang-nhap/")
    page.get_by_label(IDENTIFIER).fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_label("Mã xác thực").fill(next(codes[user.username]))
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()
    assert "/dang-nhap/" not in page.url, page.locator("main").inner_text()[:500]


def open_dossier(page, url, dossier):
    page.goto(f"{url}/xu-ly/ho-so/{dossier.public_id}/")


def click(page, name):
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()


def test_counter_to_return_then_a_late_dossier_with_mau_04(live_server, browser_page, pdata_live, tmp_path):
    page, url, data = browser_page, live_server.url, pdata_live
    people = [
        data[name] for name in ("receptionist", "chuyenvien.a", "truongphong.a", "lanhdao.a", "vanthu.a")
    ]
    codes = staff_codes(people)
    on_time = accepted_dossier(data, tag="ok")
    late_one = accepted_dossier(data, tag="late")

    # Counter: both dossiers wait in "Chờ chuyển xử lý"; send them to the specialist.
    as_staff(page, url, data["receptionist"], codes)
    page.goto(url + "/xu-ly/?tab=to_start")
    assert on_time.code in page.content() and late_one.code in page.content()
    for dossier in (on_time, late_one):
        open_dossier(page, url, dossier)
        page.get_by_label("Chuyển cho").select_option(label="Phạm Thị Dung")
        click(page, "Chuyển xử lý")
        assert "Đã chuyển hồ sơ" in page.content()
    sign_out(page, url)

    # Specialist: appraises the first, drafts Mẫu 04 for the second.
    as_staff(page, url, data["chuyenvien.a"], codes)
    page.goto(url + "/xu-ly/")
    assert "Hồ sơ của tôi (2)" in page.content()
    open_dossier(page, url, on_time)
    page.get_by_label("Ý kiến xử lý").fill("Hồ sơ đủ điều kiện, dự thảo giấy khai sinh")
    click(page, "Chuyển bước tiếp theo")
    open_dossier(page, url, late_one)
    page.get_by_text("Dự thảo văn bản xin lỗi, hẹn lại ngày trả (Mẫu 04)").click()
    page.get_by_label("Lý do chậm trả kết quả").fill("Chờ kết quả xác minh của cơ quan khác")
    new_day = next_working_day_after(Dossier.objects.get(pk=late_one.pk))
    page.get_by_label("Ngày hẹn trả mới").fill(new_day.strftime("%d/%m/%Y"))
    click(page, "Gửi dự thảo Mẫu 04")
    assert "để lãnh đạo duyệt" in page.content(), page.locator("main").inner_text()[:1500]
    sign_out(page, url)

    as_staff(page, url, data["truongphong.a"], codes)
    open_dossier(page, url, on_time)
    click(page, "Chuyển bước tiếp theo")
    sign_out(page, url)

    # Leader: signs the first, approves Mẫu 04 of the second.
    as_staff(page, url, data["lanhdao.a"], codes)
    open_dossier(page, url, on_time)
    click(page, "Ký duyệt và chuyển tiếp")
    page.goto(url + "/xu-ly/?tab=approvals")
    assert late_one.code in page.content()
    open_dossier(page, url, late_one)
    click(page, "Duyệt Mẫu 04")
    assert "ngày hẹn trả mới đã gửi cho công dân" in page.content()
    sign_out(page, url)

    # Clerk: attaches the signed result.
    as_staff(page, url, data["vanthu.a"], codes)
    open_dossier(page, url, on_time)
    result = tmp_path / "giay-khai-sinh.pdf"
    result.write_bytes(minimal_pdf_bytes("ket qua"))
    page.get_by_label("Văn bản kết quả (bản quét hoặc bản điện tử PDF)").set_input_files(str(result))
    page.get_by_label("Số, ký hiệu").fill("7/GCN-UBND")
    page.get_by_label("Ngày ký").fill(timezone.localdate().strftime("%d/%m/%Y"))
    click(page, "Chuyển kết quả về một cửa")
    assert "Đã xử lý xong" in page.content()
    sign_out(page, url)

    # Counter: returns the result and records who received it.
    as_staff(page, url, data["receptionist"], codes)
    page.goto(url + "/xu-ly/?tab=to_return")
    assert on_time.code in page.content()
    open_dossier(page, url, on_time)
    page.get_by_label("Đã kiểm tra, thu lại bản chính theo quy định").check()
    page.get_by_label("Ký nhận").fill("Đã ký nhận vào sổ")
    click(page, "Xác nhận trả kết quả")
    assert "Đã trả kết quả cho công dân" in page.content()
    table = page.locator("#phieu-kiem-soat").inner_text()
    assert "Phạm Thị Dung" in table and "Vũ Thị Giang" in table and "Quá hạn" not in table
    sheet = page.request.get(f"{url}/xu-ly/ho-so/{on_time.public_id}/phieu-kiem-soat.pdf")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(sheet.body())).pages).split())
    assert sheet.status == 200 and on_time.code in text
    sign_out(page, url)

    on_time.refresh_from_db()
    assert on_time.status == Status.RETURNED
    entries = list(ControlSheetEntry.objects.filter(dossier=on_time))
    assert len(entries) == 5 and all(e.on_time for e in entries)

    # The citizen sees the new date of the late dossier on public tracking.
    late_one.refresh_from_db()
    assert timezone.localtime(late_one.due_at).date() == new_day
    tracking = track(page, url, late_one)
    assert f"{new_day:%d/%m/%Y}" in tracking
    assert "Xin lỗi và hẹn lại ngày trả kết quả" in tracking

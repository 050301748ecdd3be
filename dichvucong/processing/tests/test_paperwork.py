"""The new forms in paperwork/processing_forms.py, as pure functions (no database)."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

from pypdf import PdfReader

from dichvucong.paperwork import Agency, Person
from dichvucong.paperwork import processing_forms as forms

VN = ZoneInfo("Asia/Ho_Chi_Minh")
AGENCY = Agency(name="UBND phường Hạc Thành", parent_name="UBND tỉnh Thanh Hóa", place_name="Thanh Hóa")
PERSON = Person(name="Nguyễn Văn An", id_number="038090012345")


def text_of(body: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages).split())


def test_apology_letter_states_the_reason_and_the_new_date():
    body = forms.render_apology_pdf(
        forms.ApologyData(
            agency=AGENCY,
            code="000.00.31.H56-261122-0001",
            applicant=PERSON,
            procedure_name="Đăng ký khai sinh",
            received_at=dt.datetime(2026, 11, 16, 9, 32, tzinfo=VN),
            old_due_at=dt.datetime(2026, 11, 23, 9, 32, tzinfo=VN),
            new_due_at=dt.datetime(2026, 11, 27, 9, 32, tzinfo=VN),
            reason="Chờ xác minh <b>của</b> cơ quan khác",
            issued_at=dt.datetime(2026, 11, 20, 10, 0, tzinfo=VN),
            signer="Vũ Thị Giang",
        )
    )
    text = text_of(body)
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text and "Mẫu số 04" in text
    assert "ngày 27 tháng 11 năm 2026" in text and "Chờ xác minh <b>của</b> cơ quan khác" in text
    assert "Vũ Thị Giang" in text and "DỰ THẢO" not in text


def test_stop_notice_lists_every_reason_and_marks_a_draft():
    body = forms.render_stop_notice_pdf(
        forms.StopData(
            agency=AGENCY,
            code="000.00.31.H56-261122-0002",
            applicant=PERSON,
            procedure_name="Đăng ký khai sinh",
            received_at=None,
            reasons=("Người yêu cầu không đủ điều kiện", "Giấy tờ không hợp lệ"),
            issued_at=dt.datetime(2026, 11, 20, 10, 0, tzinfo=VN),
            approved=False,
        )
    )
    text = text_of(body)
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text and "DỰ THẢO" in text
    assert "1. Người yêu cầu không đủ điều kiện" in text and "2. Giấy tờ không hợp lệ" in text


def test_control_sheet_has_one_row_per_handover_over_pages():
    start = dt.datetime(2026, 11, 16, 8, 0, tzinfo=VN)
    rows = tuple(
        forms.ControlRow(
            from_name=f"Bước {n} – Người {n}",
            to_name=f"Bước {n + 1} – Người {n + 1}",
            handed_at=start + dt.timedelta(hours=n),
            due_at=start + dt.timedelta(hours=n + 4),
            finished_at=start + dt.timedelta(hours=n + (5 if n == 3 else 1)),
            outcome="Quá hạn" if n == 3 else "Đúng hạn",
        )
        for n in range(40)
    )
    body = forms.render_control_sheet_pdf(
        forms.ControlSheetData(
            agency=AGENCY,
            code="000.00.31.H56-261122-0003",
            applicant=PERSON,
            procedure_name="Đăng ký khai sinh",
            received_at=start,
            due_at=start + dt.timedelta(days=7),
            rows=rows,
        )
    )
    reader = PdfReader(io.BytesIO(body))
    text = text_of(body)
    assert len(reader.pages) >= 2
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text and "Quá hạn" in text
    assert "Bước 39 – Người 39" in text and "08:00 16/11/2026" in text

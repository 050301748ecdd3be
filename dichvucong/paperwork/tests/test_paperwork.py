import datetime as dt
import io
import re
import unicodedata

import openpyxl
import pytest
from pypdf import PdfReader

from dichvucong.paperwork import (
    LEDGER_COLUMNS,
    LEDGER_HEADER_ROW,
    Component,
    FeeCharge,
    LedgerRow,
    Person,
    date_words,
    due_time_text,
    intake_time_text,
    render_ledger_pdf,
    render_ledger_xlsx,
    render_receipt_pdf,
    render_refusal_pdf,
    render_supplement_request_pdf,
)
from dichvucong.paperwork.layout import _qr_runs

from . import samples as S


def pdf_text(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    # One space between words: extraction may break lines anywhere a paragraph wraps.
    return len(reader.pages), re.sub(r"\s+", " ", unicodedata.normalize("NFC", text))


def test_time_wording():
    assert intake_time_text(S.RECEIVED) == "9 giờ 32 phút, ngày 27/10/2023"
    assert due_time_text(S.DUE) == "Vào lúc 9 giờ 00 phút, ngày 03 tháng 11 năm 2023"
    assert due_time_text(None) == "Không có ngày hẹn trả"
    assert date_words(dt.date(2024, 2, 5)) == "ngày 05 tháng 02 năm 2024"
    assert date_words(dt.date(2024, 7, 15)) == "ngày 15 tháng 7 năm 2024"
    # UTC input is shown in Vietnam time.
    assert (
        intake_time_text(dt.datetime(2023, 10, 27, 2, 32, tzinfo=dt.UTC)) == "9 giờ 32 phút, ngày 27/10/2023"
    )
    with pytest.raises(ValueError):
        intake_time_text(dt.datetime(2023, 10, 27, 9, 32))


def test_receipt_pdf_worked_example():
    pdf = render_receipt_pdf(S.receipt())
    assert pdf.startswith(b"%PDF")
    pages, text = pdf_text(pdf)
    assert pages == 1
    for expected in (
        "Mẫu số 01",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Quảng Xương, ngày 27 tháng 10 năm 2023",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "Mã hồ sơ: 000.00.06.H56-231027-0361",
        "Nguyễn Thị Hồng Nhung",
        "Lê Văn Dũng",
        "Đăng ký thành lập hộ kinh doanh",
        "Hợp đồng thuê địa điểm kinh doanh",
        "5 ngày làm việc",
        "9 giờ 32 phút, ngày 27/10/2023",
        "Vào lúc 9 giờ 00 phút, ngày 03 tháng 11 năm 2023",
        "NGƯỜI NỘP HỒ SƠ",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "(Ký, ghi rõ họ tên)",
        "Trần Quốc Tuấn",
        "0237 3 852 888",
    ):
        assert expected in text, expected


def test_receipt_without_due_date_and_decomposed_input():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hồng Nhung")
    pdf = render_receipt_pdf(S.receipt(due_at=None, applicant=Person(name=decomposed), owner=None))
    _pages, text = pdf_text(pdf)
    assert "Không có ngày hẹn trả" in text
    assert "Nguyễn Thị Hồng Nhung" in text


def test_receipt_escapes_markup_in_citizen_text():
    pdf = render_receipt_pdf(S.receipt(applicant=Person(name="A <b>&</b> B", address="x < y")))
    _pages, text = pdf_text(pdf)
    assert "A <b>&</b> B" in text


def test_long_component_list_flows_onto_more_pages():
    components = [
        Component(f"Giấy tờ kèm theo số {n}: bản kê khai chi tiết", originals=1) for n in range(1, 61)
    ]
    pdf = render_receipt_pdf(S.receipt(components=components))
    pages, text = pdf_text(pdf)
    assert pages >= 2
    assert "Giấy tờ kèm theo số 60" in text
    assert "Trang 2/" in text
    # The signature block follows the table, on the last page.
    last = PdfReader(io.BytesIO(pdf)).pages[-1].extract_text()
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in unicodedata.normalize("NFC", last)


def test_qr_matrix_is_the_tracking_url():
    import qrcode

    url = S.receipt().tracking_url
    size, runs = _qr_runs(url)
    code = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()
    drawn = [[False] * size for _ in range(size)]
    for row, start, length in runs:
        for col in range(start, start + length):
            drawn[row][col] = True
    assert drawn == [list(r) for r in matrix]


def test_supplement_request_pdf():
    pdf = render_supplement_request_pdf(S.supplement())
    assert pdf.startswith(b"%PDF")
    _pages, text = pdf_text(pdf)
    for expected in (
        "Mẫu số 02",
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        "000.00.06.H56-231027-0361",
        "Nguyễn Thị Hồng Nhung",
        "Chưa có chữ ký của bên cho thuê",
        "chậm nhất ngày 10 tháng 11 năm 2023",
        "9 giờ 32 phút, ngày 27/10/2023",
    ):
        assert expected in text, expected
    with pytest.raises(ValueError):
        render_supplement_request_pdf(S.supplement(items=[]))


def test_refusal_pdf_and_reason_required():
    pdf = render_refusal_pdf(S.refusal())
    assert pdf.startswith(b"%PDF")
    _pages, text = pdf_text(pdf)
    for expected in (
        "Mẫu số 03",
        "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
        "000.00.06.H56-231027-0361",
        "Nguyễn Thị Hồng Nhung",
        "9 giờ 32 phút, ngày 27/10/2023",
        "1. Ngành, nghề đăng ký thuộc danh mục ngành, nghề cấm đầu tư kinh doanh.",
    ):
        assert expected in text, expected
    with pytest.raises(ValueError):
        render_refusal_pdf(S.refusal(reasons=[]))
    with pytest.raises(ValueError):
        render_refusal_pdf(S.refusal(reasons=["  "]))


def test_ledger_xlsx():
    rows = S.ledger_rows(3)
    rows.append(LedgerRow("X-1", '=HYPERLINK("http://evil")', 1, "Bùi\x07 Thị Ngọc", "", "", S.RECEIVED))
    data = render_ledger_xlsx(rows, agency_name=S.AGENCY.name, period_text="Tháng 10/2023")
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert ws.cell(1, 1).value == "SỔ THEO DÕI HỒ SƠ"
    header = [ws.cell(LEDGER_HEADER_ROW, c).value for c in range(1, len(LEDGER_COLUMNS) + 1)]
    assert header == list(LEDGER_COLUMNS)
    assert header[0] == "Mã hồ sơ" and header[-1] == "Địa bàn"
    first = [ws.cell(LEDGER_HEADER_ROW + 1, c).value for c in range(1, len(LEDGER_COLUMNS) + 1)]
    assert first[0] == "000.00.06.H56-231027-0001"
    assert first[3] == "Đỗ Đức Hưng"
    assert first[6] == dt.datetime(2023, 10, 27, 9, 32)
    assert ws.cell(LEDGER_HEADER_ROW + 1, 7).number_format == "dd/mm/yyyy hh:mm"
    assert first[7] == dt.datetime(2023, 11, 3, 9, 0)
    assert ws.cell(LEDGER_HEADER_ROW + 2, 9).value is None
    assert ws.max_row == LEDGER_HEADER_ROW + 4
    evil = ws.cell(LEDGER_HEADER_ROW + 4, 2)
    assert evil.data_type == "s" and evil.value.startswith("=HYPERLINK")
    assert ws.cell(LEDGER_HEADER_ROW + 4, 4).value == "Bùi Thị Ngọc"


def test_ledger_pdf_repeats_header_and_numbers_pages():
    pdf = render_ledger_pdf(S.ledger_rows(40), agency_name=S.AGENCY.name, period_text="Tháng 10/2023")
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height
    for number, page in enumerate(reader.pages, start=1):
        text = unicodedata.normalize("NFC", page.extract_text())
        assert "Người nhận" in text and "Mã hồ sơ" in text
        assert f"Trang {number}/{len(reader.pages)}" in text
    _pages, text = pdf_text(pdf)
    assert "000.00.06.H56-231027-0040" in text
    assert "27/10/2023 09:32" in text


def test_receipt_prints_the_fees_billed_paid_or_not():
    paid_at = dt.datetime(2023, 10, 27, 2, 40, tzinfo=dt.UTC)  # 09:40 in Vietnam
    fees = (
        FeeCharge(
            amount=7500,
            description="Lệ phí cấp bản sao trích lục",
            paid=True,
            paid_at=paid_at,
            receipt_number="BLDT23-0000012",
        ),
        FeeCharge(amount=3000, description="Phí sao y"),
    )
    _pages, text = pdf_text(render_receipt_pdf(S.receipt(fees=fees, fee_note="")))
    paid_line = "7.500 đ (Lệ phí cấp bản sao trích lục) – đã nộp ngày 27/10/2023, biên lai số BLDT23-0000012"
    assert paid_line in text
    assert "3.000 đ (Phí sao y) – chưa nộp" in text
    assert "Phí, lệ phí: Không" not in text

    _pages, none = pdf_text(render_receipt_pdf(S.receipt(fee_note="")))
    assert "Phí, lệ phí: Không" in none

"""The export writers on plain data: CSV, Excel and PDF carry the numbers, dates and neutralised text."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from dichvucong.reports import exports
from dichvucong.reports.exports import Column, Sheet
from dichvucong.reports.exports_pdf import pdf_bytes
from dichvucong.reports.exports_xlsx import header_row, xlsx_bytes
from dichvucong.reports.scorecard import Row


def row(key: str, label: str = "", **counts) -> Row:
    values = dict.fromkeys(
        (
            "received",
            "received_online",
            "resolved",
            "on_time",
            "late",
            "pending",
            "pending_overdue",
            "online",
            "paid_online",
        ),
        0,
    )
    values.update(counts)
    values.setdefault("avg_days", None)
    values.setdefault("satisfaction", None)
    return Row(key=key, label=label or key, **values)


MONTHS = [
    row(
        "2026-01",
        received=1234,
        resolved=10,
        on_time=8,
        late=2,
        online=600,
        paid_online=5,
        avg_days=Decimal("3.5"),
    ),
    row("2026-02", received=0),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+84912", "'+84912"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=x", "'\t=x"),
        ("\r=x", "'\r=x"),
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("Nguyễn Văn A", "Nguyễn Văn A"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_formula_starts_are_neutralised(text, expected):
    assert exports.neutralise(text) == expected


def test_percent_never_divides_by_zero():
    assert exports.percent(0, 0) is None
    assert exports.percent(1, 3) == Decimal("33.3")
    assert exports.percent(2, 3) == Decimal("66.7")


def test_monthly_csv_has_the_numbers_and_a_totals_row():
    """January: on time 8 of 8 + 2 = 80%; online 600 of 1234 = 48.6%. February: nothing, no percent."""
    sheet = exports.monthly_sheet(
        MONTHS, agency_name="Tỉnh", start=dt.date(2026, 1, 1), end=dt.date(2026, 2, 28)
    )
    text = exports.csv_bytes(sheet).decode("utf-8")
    assert text.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert lines[0][:5] == ["Tháng", "Tiếp nhận", "Đã giải quyết", "Đúng hạn", "Trễ hạn"]
    assert lines[1] == ["01/2026", "1234", "10", "8", "2", "80.0", "600", "48.6", "5", "3.5", ""]
    assert lines[2] == ["02/2026", "0", "0", "0", "0", "", "0", "", "0", "", ""]
    assert lines[3][:5] == ["Tổng cộng", "1234", "10", "8", "2"]
    assert len(lines) == 4


def test_csv_neutralises_text_cells():
    sheet = Sheet(
        name="x", heading="h", notes=[], columns=[Column("Tên"), Column("Số", "int")], rows=[["=1+1", -3]]
    )
    lines = list(csv.reader(io.StringIO(exports.csv_bytes(sheet).decode().lstrip("\ufeff"))))
    assert lines[1] == ["'=1+1", "-3"]  # a number stays a number


def test_xlsx_types_numbers_dates_and_neutralises_text():
    sheet = Sheet(
        name="Danh sach",
        heading="Danh sách hồ sơ",
        notes=["Tỉnh Mẫu", "Từ ngày 01/01/2026 đến ngày 31/01/2026"],
        columns=[
            Column("Người nộp"),
            Column("Số", "int"),
            Column("Tỷ lệ", "percent"),
            Column("Ngày", "date"),
            Column("TB", "decimal"),
        ],
        rows=[
            ["=1+1", 1234, Decimal("80.0"), dt.date(2026, 1, 5), Decimal("3.25")],
            ['=HYPERLINK("http://evil","bấm")', 0, None, None, None],
        ],
        totals=["Tổng cộng", 1234, None, None, None],
    )
    wb = load_workbook(io.BytesIO(xlsx_bytes([sheet])))
    ws = wb["Danh sach"]
    head = header_row(sheet)
    assert ws.cell(row=1, column=1).value == "Danh sách hồ sơ"
    assert [c.value for c in ws[head]] == ["Người nộp", "Số", "Tỷ lệ", "Ngày", "TB"]
    assert ws[head][0].font.b
    assert ws.freeze_panes == f"A{head + 1}"
    first = ws[head + 1]
    assert first[0].value == "'=1+1" and first[0].data_type == "s"
    assert first[1].value == 1234 and first[1].number_format == "#,##0"
    assert first[2].value == pytest.approx(0.8) and first[2].number_format == "0.0%"
    assert first[3].value == dt.datetime(2026, 1, 5) and first[3].number_format == "DD/MM/YYYY"
    assert first[4].value == pytest.approx(3.25)
    second = ws[head + 2]
    assert second[0].value.startswith("'=HYPERLINK") and second[0].data_type == "s"
    totals = ws[head + 3]
    assert totals[0].value == "Tổng cộng" and totals[0].font.b
    # No cell anywhere holds a formula.
    assert all(cell.data_type != "f" for line in ws.iter_rows() for cell in line)


def test_pdf_has_vietnamese_text_and_vietnamese_numbers():
    sheets = exports.province_report_sheets(
        by_field=[row("f1", "Hộ tịch", received=1234, resolved=7, on_time=5, late=2, pending=3)],
        by_agency=[row("a1", "UBND xã Mẫu", received=1234, resolved=7, on_time=5, late=2, pending=3)],
        agency_name="Tỉnh Mẫu",
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 1, 31),
    )
    body = pdf_bytes(sheets, title="Báo cáo tháng")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    assert "Hộ tịch" in text and "UBND xã Mẫu" in text
    assert "1.234" in text
    assert "71,4%" in text  # 5 of 7 resolved on time
    assert "Tổng cộng" in text


def test_empty_sheets_render_in_every_format():
    sheets = exports.province_report_sheets(
        by_field=[], by_agency=[], agency_name="Tỉnh", start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31)
    )
    assert PdfReader(io.BytesIO(pdf_bytes(sheets, title="x"))).pages
    wb = load_workbook(io.BytesIO(xlsx_bytes(sheets)))
    assert wb.sheetnames == ["Theo lĩnh vực", "Theo cơ quan"]
    totals = wb["Theo lĩnh vực"][header_row(sheets[0]) + 1]
    assert [c.value for c in totals[1:4]] == ["Tổng cộng", 0, 0]

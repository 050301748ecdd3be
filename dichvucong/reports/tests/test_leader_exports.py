"""Leaders' downloads: the scorecard, a drill-down list and the monthly report as Excel and PDF, scoped like
the staff scorecard (a leader sees their agency and what is under it; province staff see all); text that a
spreadsheet would run as a formula is neutralised."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from conftest import login_with_second_factor
from dichvucong.dossiers.models import Channel
from dichvucong.reports.tests.test_exports_data import build_world, dossier, feedback, vn

PERIOD = {"tu_ngay": "01/03/2026", "den_ngay": "31/03/2026"}
SCORECARD = "/bao-cao/xuat/chi-so-766"
DRILLDOWN = "/bao-cao/xuat/chi-so-766/ho-so"
MONTHLY = "/bao-cao/xuat/bao-cao-thang"


@pytest.fixture
def world(db):
    """March 2026. At A (Hạc Thành): 3 dossiers received 03/03, due 10/03; two returned 06/03 (on time), one
    returned 16/03 (late) whose applicant typed "=1+1" as a name; a feedback titled =HYPERLINK(...). At B
    (Sầm Sơn): one dossier by "Bí Mật Sầm Sơn", still open."""
    w = build_world()
    received, due = vn(2026, 3, 3), vn(2026, 3, 10)
    dossier(w, w["a"], received=received, due=due, finished=vn(2026, 3, 6), channel=Channel.ONLINE)
    dossier(w, w["a"], received=received, due=due, finished=vn(2026, 3, 6))
    w["late"] = dossier(w, w["a"], received=received, due=due, finished=vn(2026, 3, 16), name="=1+1")
    dossier(w, w["b"], received=received, due=due, finished=None, name="Bí Mật Sầm Sơn")
    feedback(w, w["a"], title='=HYPERLINK("http://evil.example","bấm")', created=vn(2026, 3, 4))
    return w


def workbook(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "no-store" in response["Cache-Control"]
    return load_workbook(io.BytesIO(response.content))


def pdf_text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def rows_of(ws, sheet_header: int):
    return [[c.value for c in row] for row in ws.iter_rows(min_row=sheet_header + 1)]


def all_text(wb) -> str:
    return " ".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None)


def test_scorecard_excel_for_a_leader(client, world):
    """2.1 at A: 2 of 3 on time = 66,7%."""
    login_with_second_factor(client, world["leader_a"])
    wb = workbook(client.get(f"{SCORECARD}.xlsx", {**PERIOD, "co_quan": world["a"].pk}))
    ws = wb.active
    head = 3 + 3  # heading row, three notes, a blank row
    assert ws.freeze_panes == f"A{head + 1}"
    assert [c.value for c in ws[head]][:3] == ["Mã", "Nhóm", "Chỉ số"]
    by_code = {row[0]: row for row in rows_of(ws, head) if row[0]}
    assert by_code["2.1"][3:5] == [2, 3]
    assert by_code["2.1"][5] == pytest.approx(2 / 3, abs=0.001)
    assert "UBND phường Hạc Thành" in all_text(wb)
    total = [row for row in rows_of(ws, head) if row[2] == "Tổng điểm"][0]
    assert isinstance(total[6], float | int)
    # 2.2 is an average in working days, not a percentage, and carries no points: no "1,86 %" in a % column.
    average = by_code["2.2"]
    assert average[5:8] == [None, None, None]
    assert average[8].startswith("Trung bình ") and average[8].endswith("ngày làm việc; không tính điểm")


def test_scorecard_pdf(client, world):
    login_with_second_factor(client, world["leader_a"])
    text = pdf_text(client.get(f"{SCORECARD}.pdf", {**PERIOD, "co_quan": world["a"].pk}))
    assert "Quyết định 766" in text and "UBND phường Hạc Thành" in text
    assert "66,7%" in text


def test_drilldown_excel_lists_the_late_dossier_with_its_name_neutralised(client, world):
    login_with_second_factor(client, world["leader_a"])
    query = {**PERIOD, "co_quan": world["a"].pk, "code": "2.1", "part": "late"}
    wb = workbook(client.get(f"{DRILLDOWN}.xlsx", query))
    ws = wb.active
    rows = [r for r in rows_of(ws, 3 + 3) if r[0]]
    assert len(rows) == 1
    assert rows[0][1] == world["late"].code
    assert rows[0][4] == "'=1+1"
    assert ws.cell(row=3 + 3 + 1, column=5).data_type == "s"
    assert rows[0][7].strftime("%d/%m/%Y") == "03/03/2026"
    assert ws.cell(row=3 + 3 + 1, column=8).number_format == "DD/MM/YYYY"
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_feedback_drilldown_neutralises_a_formula_in_the_text(client, world):
    login_with_second_factor(client, world["leader_a"])
    query = {**PERIOD, "co_quan": world["a"].pk, "code": "5.1", "part": "all"}
    ws = workbook(client.get(f"{DRILLDOWN}.xlsx", query)).active
    rows = [r for r in rows_of(ws, 3 + 3) if r[0]]
    assert rows[0][2] == '\'=HYPERLINK("http://evil.example","bấm")'
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    text = pdf_text(client.get(f"{DRILLDOWN}.pdf", query))
    assert "HYPERLINK" in text


def test_monthly_report_for_province_staff_covers_every_agency(client, world):
    """A: received 3, resolved 3 (2 on time, 1 late), pending 0. B: received 1, pending 1.
    Totals: received 4, online 1, resolved 3, on time 2, late 1, pending 1."""
    login_with_second_factor(client, world["province_staff"])
    wb = workbook(client.get(f"{MONTHLY}.xlsx", PERIOD))
    assert wb.sheetnames == ["Theo lĩnh vực", "Theo cơ quan"]
    agencies = wb["Theo cơ quan"]
    rows = rows_of(agencies, 6)
    by_name = {row[1]: row for row in rows}
    assert by_name["UBND phường Hạc Thành"][2:9] == [3, 1, 3, 2, 1, 0, 0]
    assert by_name["UBND phường Sầm Sơn"][2:8] == [1, 0, 0, 0, 0, 1]
    assert by_name["Tổng cộng"][2:8] == [4, 1, 3, 2, 1, 1]
    fields = {row[1]: row for row in rows_of(wb["Theo lĩnh vực"], 6)}
    assert fields["Hộ tịch"][2] == 4
    text = pdf_text(client.get(f"{MONTHLY}.pdf", PERIOD))
    assert "Hộ tịch" in text and "UBND phường Sầm Sơn" in text and "Tổng cộng" in text


def test_monthly_report_of_a_leader_holds_only_their_agency(client, world):
    login_with_second_factor(client, world["leader_a"])
    wb = workbook(client.get(f"{MONTHLY}.xlsx", PERIOD))  # no agency chosen: what the leader may see
    text = all_text(wb)
    assert "Hạc Thành" in text
    assert "Sầm Sơn" not in text


@pytest.mark.parametrize(
    ("path", "extra"),
    [
        (f"{SCORECARD}.xlsx", {}),
        (f"{SCORECARD}.pdf", {}),
        (f"{MONTHLY}.xlsx", {}),
        (f"{MONTHLY}.pdf", {}),
        (f"{DRILLDOWN}.xlsx", {"code": "2.1", "part": "all"}),
        (f"{DRILLDOWN}.pdf", {"code": "2.1", "part": "all"}),
    ],
)
def test_staff_of_a_cannot_export_b(client, world, path, extra):
    login_with_second_factor(client, world["leader_a"])
    response = client.get(path, {**PERIOD, "co_quan": world["b"].pk, **extra})
    assert response.status_code in (403, 404)
    assert not response["Content-Type"].startswith(("application/pdf", "application/vnd"))
    body = response.content.decode()
    assert "Sầm Sơn" not in body and "Bí Mật" not in body


@pytest.mark.parametrize("path", [f"{SCORECARD}.xlsx", f"{MONTHLY}.pdf", f"{DRILLDOWN}.xlsx"])
def test_anonymous_and_citizens_are_refused(client, world, path):
    query = {**PERIOD, "code": "2.1", "part": "all"}
    anonymous = client.get(path, query)
    assert (
        anonymous.status_code == 302 and "/dang-nhap" in anonymous["Location"] or anonymous.status_code == 302
    )
    client.force_login(world["citizen"])
    citizen = client.get(path, query)
    assert citizen.status_code in (302, 403)
    assert not citizen["Content-Type"].startswith(("application/pdf", "application/vnd"))
    assert "Hạc Thành" not in citizen.content.decode()


def test_staff_without_the_second_factor_are_sent_to_sign_in(client, world):
    client.force_login(world["leader_a"])
    response = client.get(f"{SCORECARD}.xlsx", PERIOD)
    assert response.status_code == 302


def test_bad_dates_get_a_vietnamese_message(client, world):
    login_with_second_factor(client, world["leader_a"])
    response = client.get(f"{MONTHLY}.xlsx", {"tu_ngay": "31/02/2026", "den_ngay": "01/03/2026"})
    assert response.status_code == 400
    assert "ngày/tháng/năm" in response.content.decode()


def test_unknown_format_is_not_found(client, world):
    login_with_second_factor(client, world["leader_a"])
    assert client.get(f"{SCORECARD}.docx", PERIOD).status_code == 404


def test_an_empty_period_exports_zeros(client, world):
    login_with_second_factor(client, world["province_staff"])
    wb = workbook(client.get(f"{MONTHLY}.xlsx", {"tu_ngay": "01/01/2021", "den_ngay": "31/01/2021"}))
    totals = rows_of(wb["Theo cơ quan"], 6)[-1]
    assert totals[1:4] == ["Tổng cộng", 0, 0]
    assert "Tổng cộng" in pdf_text(
        client.get(f"{MONTHLY}.pdf", {"tu_ngay": "01/01/2021", "den_ngay": "31/01/2021"})
    )

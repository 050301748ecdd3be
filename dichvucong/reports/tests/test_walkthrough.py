"""The issue 14 walk-through: leader reports reachable from the pages (links, the monthly report page), a
plain note under the scorecard, 2.2 without points, one rule for month vs. dates, the public page's period
boxes and errors, one date-time format."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conftest import login_with_second_factor
from dichvucong.accounts.models import AgencyMembership
from dichvucong.accounts.tests.factories import StaffFactory
from dichvucong.reports.forms import ScopeForm
from dichvucong.reports.refresh import facts_refresh

QUERY = {"tu_ngay": "01/11/2026", "den_ngay": "30/11/2026"}


@pytest.fixture
def leader(tree):
    user = StaffFactory()
    AgencyMembership.objects.create(user=user, agency=tree["a"], role="leader")
    return user


def test_the_scorecard_links_its_downloads_and_the_monthly_report(client, tree, november, leader):
    facts_refresh()
    login_with_second_factor(client, leader)
    page = client.get(reverse("reports:scorecard"), {**QUERY, "co_quan": tree["a"].pk})
    html = page.content.decode()
    scope = f"tu_ngay=01%2F11%2F2026&amp;den_ngay=30%2F11%2F2026&amp;co_quan={tree['a'].pk}"
    for link in (
        f"{reverse('report_exports:scorecard', args=['xlsx'])}?{scope}",
        f"{reverse('report_exports:scorecard', args=['pdf'])}?{scope}",
        f"{reverse('reports:monthly')}?{scope}",
    ):
        assert f'href="{link}"' in html, link
    # the link gives the same scope back: the workbook covers A for November
    xlsx = client.get(reverse("report_exports:scorecard", args=["xlsx"]), {**QUERY, "co_quan": tree["a"].pk})
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content))["Chỉ số 766"]
    assert "01/11/2026" in " ".join(str(c.value) for c in sheet["A"][:6] if c.value)
    # the note is for users: no repository path, no "giả định"; 2.2 has a value and no points
    assert "docs/scorecard.md" not in html and "giả định" not in html
    assert "cách tỉnh áp dụng Quyết định 766/QĐ-TTg" in html
    assert 'data-testid="pts-2.2">—<' in html
    assert "ngày</td>" in html.split('data-testid="pct-2.2"')[1].split("\n")[0]


def test_the_drilldown_links_its_downloads_and_shows_day_then_time(client, tree, november, leader):
    facts_refresh()
    login_with_second_factor(client, leader)
    query = {**QUERY, "co_quan": tree["a"].pk, "code": "2.1", "part": "late"}
    page = client.get(reverse("reports:drilldown"), query)
    html = page.content.decode()
    assert reverse("report_exports:drilldown", args=["xlsx"]) + "?" in html
    assert reverse("report_exports:drilldown", args=["pdf"]) + "?" in html
    assert client.get(reverse("report_exports:drilldown", args=["xlsx"]), query).status_code == 200
    received = november["d2"].received_at.astimezone(datetime.timezone(datetime.timedelta(hours=7)))
    assert received.strftime("%d/%m/%Y %H:%M") in html
    assert received.strftime("%H:%M %d/%m/%Y") not in html


def test_the_monthly_report_page(client, tree, november, leader):
    facts_refresh()
    login_with_second_factor(client, leader)
    url = reverse("reports:monthly")
    page = client.get(url, {"thang": "11/2026", "co_quan": tree["a"].pk})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Kỳ báo cáo: từ 01/11/2026 đến 30/11/2026." in html
    by_field, by_agency = page.context["tables"]
    # agency A in November: 7 received (the scorecard's 1.4 denominator), one row and a totals row
    assert [cells[1][0] for cells in by_agency["rows"]] == ["UBND xã An"]
    assert by_agency["rows"][0][2][0] == "7" and by_agency["totals"][1][0] == "Tổng cộng"
    assert by_field["totals"][2][0] == "7"
    scope = f"tu_ngay=01%2F11%2F2026&amp;den_ngay=30%2F11%2F2026&amp;co_quan={tree['a'].pk}"
    for fmt in ("xlsx", "pdf"):
        assert f'href="{reverse("report_exports:monthly", args=[fmt])}?{scope}"' in html
    # default: last month, the user's agencies; another agency is refused with nothing shown
    assert client.get(url).status_code == 200
    refused = client.get(url, {"thang": "11/2026", "co_quan": tree["other"].pk})
    assert refused.status_code == 400 and refused.context["tables"] == []
    assert "không được xem" in refused.content.decode()
    assert "UBND xã Bình" not in refused.content.decode().split("</form>")[1]


def test_the_monthly_report_page_is_for_reporting_staff_only(client, tree):
    citizen = StaffFactory(kind="citizen")
    login_with_second_factor(client, citizen)
    assert client.get(reverse("reports:monthly")).status_code == 403


def form(data):
    return ScopeForm(data, agencies=[], all_visible=True)


def test_month_and_dates_together_are_refused_naming_both(db):
    both = form({"thang": "12/2026", "tu_ngay": "01/11/2026", "den_ngay": "30/11/2026"})
    assert not both.is_valid()
    message = " ".join(both.non_field_errors())
    assert "Tháng" in message and "Từ ngày" in message and "Đến ngày" in message
    month = form({"thang": "12/2026"})
    assert month.is_valid() and (month.cleaned_data["start"], month.cleaned_data["end"]) == (
        datetime.date(2026, 12, 1),
        datetime.date(2026, 12, 31),
    )


def test_the_first_month_is_01_2015_as_on_the_public_page(db):
    assert form({"thang": "01/2015"}).is_valid()
    early = form({"thang": "12/2014"})
    assert not early.is_valid() and "01/2015" in early.errors["thang"][0]
    dates = form({"tu_ngay": "31/12/2014", "den_ngay": "31/01/2015"})
    assert not dates.is_valid() and "01/01/2015" in " ".join(dates.non_field_errors())


def test_date_errors_name_their_field(db):
    bad = form({"tu_ngay": "x", "den_ngay": "y"})
    assert not bad.is_valid()
    assert bad.errors["tu_ngay"][0].startswith("Từ ngày:")
    assert bad.errors["den_ngay"][0].startswith("Đến ngày:")


def test_the_public_page_fills_the_period_and_explains_the_maximum(client, tree):
    page = client.get(reverse("public_stats:statistics"))
    html = page.content.decode()
    start, end = page.context["start"], page.context["end"]
    assert f'value="{start:%m/%Y}"' in html and f'value="{end:%m/%Y}"' in html
    assert "Kéo ngang để xem thêm cột" in html
    assert 'data-testid="max-points-note"' in html and "1.1–1.3" in html and "3.4" in html
    chosen = client.get(reverse("public_stats:statistics"), {"tu_thang": "03/2026"})
    assert 'value="03/2026"' in chosen.content.decode() and 'value="02/2027"' not in chosen.content.decode()
    assert f'value="{chosen.context["end"]:%m/%Y}"' in chosen.content.decode()


def test_public_errors_name_the_field_once_each(client, tree):
    page = client.get(reverse("public_stats:statistics"), {"tu_thang": "13/2026", "den_thang": "ab"})
    summary = page.content.decode().split('class="error-summary"')[1].split("</div>")[0]
    assert "Từ tháng: nhập tháng theo dạng" in summary and "Đến tháng: nhập tháng theo dạng" in summary
    assert 'value="13/2026"' in page.content.decode()  # what was typed is kept


def test_an_empty_filter_shows_last_month_in_its_box(client, tree, leader):
    # The second walk-through saw an empty "Tháng" box over a page reporting 01/11–30/11: the box now holds
    # the period in use, on the scorecard and on the monthly report.
    from dichvucong.reports.forms import last_month

    start, _end = last_month()
    login_with_second_factor(client, leader)
    for name in ("reports:scorecard", "reports:monthly"):
        html = client.get(reverse(name)).content.decode()
        box = html.split('name="thang"')[1].split(">")[0]
        assert f'value="{start:%m/%Y}"' in box, name


def test_the_scorecard_page_puts_the_long_report_link_on_its_own_line(client, tree, leader):
    # At 360 px the no-wrap download links overflowed when the long monthly-report link shared their line.
    login_with_second_factor(client, leader)
    html = client.get(reverse("reports:scorecard")).content.decode()
    downloads = html.split('class="actions report-downloads"')[1].split("</p>")[0]
    assert reverse("reports:monthly") not in downloads
    assert reverse("reports:monthly") in html

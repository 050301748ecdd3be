"""The public statistics page: no sign-in, works without JavaScript (charts as SVG and the same numbers in a
table), CSV and Excel downloads, zeros for an empty period, Vietnamese messages for bad input, rate limit."""

from __future__ import annotations

import csv
import io
import time
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dichvucong.dossiers.models import Channel
from dichvucong.reports import public_views
from dichvucong.reports.public_views import add_months, parse_month
from dichvucong.reports.tests.test_exports_data import build_world, dossier, vn

URL = "/thong-ke/"


def months_ago(n: int):
    return add_months(timezone.localdate().replace(day=1), -n)


@pytest.fixture
def world(db):
    """Two months ago, at A: 4 dossiers received on the 3rd (2 online), due on the 10th; 3 returned on the
    8th (on time), 1 on the 15th (late). At B: 1 received, returned late. Last month: nothing anywhere."""
    w = build_world()
    m = months_ago(2)
    received, due = vn(m.year, m.month, 3), vn(m.year, m.month, 10)
    on_time, late = vn(m.year, m.month, 8), vn(m.year, m.month, 15)
    for channel in (Channel.ONLINE, Channel.ONLINE, Channel.IN_PERSON):
        dossier(w, w["a"], received=received, due=due, finished=on_time, channel=channel)
    dossier(w, w["a"], received=received, due=due, finished=late)
    dossier(w, w["b"], received=received, due=due, finished=late)
    w["month"] = m
    return w


def params(w, agency=None, **extra) -> dict:
    m = w["month"]
    query = {"tu_thang": f"{m:%m/%Y}", "den_thang": f"{add_months(m, 1):%m/%Y}", **extra}
    if agency is not None:
        query["co_quan"] = agency.code
    return query


def table_rows(html: str) -> dict[str, list[str]]:
    """The monthly table's body and foot as {first cell: other cells} (the page's own markup)."""
    start = html.index('<table class="stats-table stats-table-sticky">')
    chunk = html[start : html.index("</table>", start) + len("</table>")]
    root = ET.fromstring(chunk)  # noqa: S314 (our own page, under test)
    rows = {}
    for tr in root.iter("tr"):
        cells = ["".join(cell.itertext()).strip() for cell in tr]
        rows[cells[0]] = cells[1:]
    return rows


@pytest.mark.parametrize(
    ("text", "expected"),
    [("03/2026", (2026, 3)), ("3/2026", (2026, 3)), ("2026-03", (2026, 3)), (" 12-2025 ", (2025, 12))],
)
def test_months_are_read_in_the_usual_forms(text, expected):
    assert (parse_month(text).year, parse_month(text).month) == expected


@pytest.mark.parametrize("text", ["13/2026", "0/2026", "2026", "abc", "", "03/26"])
def test_malformed_months_are_refused(text):
    assert parse_month(text) is None


def test_page_shows_charts_and_table_without_sign_in(client, world):
    response = client.get(URL, params(world, world["a"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<svg") == 3
    assert 'role="img"' in html and "<title" in html and "<desc" in html
    assert "<table" in html and "<caption" in html and 'scope="col"' in html and 'scope="row"' in html
    assert "<script" not in html.split("<main", 1)[1]  # nothing on the page itself needs JavaScript
    rows = table_rows(html)
    m = world["month"]
    # Received 4, resolved 4, on time 3, late 1 → 75%, online 2 of 4 → 50%.
    assert rows[f"{m:%m/%Y}"][:7] == ["4", "4", "3", "1", "75%", "2", "50%"]
    assert rows[f"{add_months(m, 1):%m/%Y}"][:7] == ["0", "0", "0", "0", "–", "0", "–"]
    assert rows["Tổng cộng"][:4] == ["4", "4", "3", "1"]
    assert "Tổng điểm" in html and "2.1" in html
    assert "public" in response["Cache-Control"] and "max-age=60" in response["Cache-Control"]


def test_province_rolls_up_every_agency(client, world):
    rows = table_rows(client.get(URL, params(world)).content.decode())
    assert rows["Tổng cộng"][:4] == ["5", "5", "3", "2"]


def test_default_period_is_the_last_twelve_months(client, world):
    html = client.get(URL).content.decode()
    rows = table_rows(html)
    assert len(rows) == 12 + 2  # the header row, 12 months, the totals row
    assert f"{timezone.localdate():%m/%Y}" in rows
    assert rows["Tổng cộng"][:1] == ["5"]


def test_csv_download_has_the_table(client, world):
    response = client.get(URL, params(world, world["a"], format="csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    m = world["month"]
    assert lines[0][0] == "Tháng"
    assert lines[1][:8] == [f"{m:%m/%Y}", "4", "4", "3", "1", "75.0", "2", "50.0"]
    assert lines[2][:5] == [f"{add_months(m, 1):%m/%Y}", "0", "0", "0", "0"]
    assert lines[3][:5] == ["Tổng cộng", "4", "4", "3", "1"]


def test_excel_download_has_numbers_as_numbers(client, world):
    response = client.get(URL, params(world, format="xlsx"))
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    first = next(v for v in values if v[0] == f"{world['month']:%m/%Y}")
    assert first[1:5] == [5, 5, 3, 2]
    assert first[5] == pytest.approx(0.6)


def test_a_period_without_data_shows_zeros(client, world):
    response = client.get(URL, {"tu_thang": "01/2020", "den_thang": "03/2020"})
    assert response.status_code == 200
    rows = table_rows(response.content.decode())
    assert rows["01/2020"][:4] == ["0", "0", "0", "0"]
    assert rows["Tổng cộng"][:4] == ["0", "0", "0", "0"]
    assert response.content.decode().count("<svg") == 3


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"tu_thang": "13/2026"}, "Từ tháng: nhập tháng theo dạng tháng/năm"),
        ({"tu_thang": "<script>"}, "Từ tháng: nhập tháng theo dạng tháng/năm"),
        ({"tu_thang": "05/2025", "den_thang": "01/2025"}, "Đến tháng: phải bằng hoặc sau Từ tháng"),
        ({"tu_thang": "01/2020", "den_thang": "12/2025"}, "tối đa 36 tháng"),
        ({"tu_thang": "01/2000"}, "Từ tháng: chọn một tháng từ 01/2015"),
        ({"co_quan": "không-có"}, "Không tìm thấy cơ quan"),
        ({"format": "exe"}, "Chỉ tải được tệp CSV hoặc Excel"),
    ],
)
def test_bad_input_gets_a_vietnamese_message_and_the_page_still_renders(client, world, query, message):
    response = client.get(URL, query)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Có lỗi cần sửa" in html and message in html
    assert "<script>" not in html.split("<main", 1)[1]
    assert html.count("<svg") == 3 and "<table" in html  # the last 12 months are shown meanwhile
    assert "private" in response["Cache-Control"]


def test_rate_limited_per_address(client, world, settings):
    settings.DVC_STATS_PER_IP_MINUTE = 2
    assert client.get(URL).status_code == 200
    assert client.get(URL, {"format": "csv"}).status_code == 200
    refused = client.get(URL)
    assert refused.status_code == 429
    assert "Quá nhiều yêu cầu" in refused.content.decode()
    other = client.get(URL, REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 200


def test_signed_in_visitors_get_a_private_page(client, world):
    client.force_login(world["citizen"])
    response = client.get(URL)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]


def test_page_is_fast_and_its_figures_are_cached(client, world, django_assert_max_num_queries):
    client.get(URL, params(world))
    started = time.perf_counter()
    with django_assert_max_num_queries(8):
        response = client.get(URL, params(world))
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    assert elapsed < 0.2


def test_footer_links_to_the_page(client, db):
    assert reverse("public_stats:statistics") in client.get("/").content.decode()


def test_months_of_the_period_fill_missing_rows(monkeypatch, world):
    real = public_views.monthcache.page_figures
    monkeypatch.setattr(public_views.monthcache, "page_figures", lambda **kwargs: ([], real(**kwargs)[1]))
    m = world["month"]
    rows, _card = public_views.statistics(agency=None, start=m, end=add_months(m, 2))
    assert [r.key for r in rows] == [f"{add_months(m, i):%Y-%m}" for i in range(3)]
    assert all(r.received == 0 for r in rows)

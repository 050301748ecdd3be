"""The SVG charts: well-formed, accessible, proportional, escaped, and drawable with no data."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from dichvucong.reports import charts
from dichvucong.reports.charts import Series

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))  # noqa: S314 (our own output, under test)


def bars(root: ET.Element) -> list[ET.Element]:
    return root.findall(f".//{SVG}rect[@data-value]")


def test_numbers_are_written_the_vietnamese_way():
    assert charts.format_int(0) == "0"
    assert charts.format_int(1234) == "1.234"
    assert charts.format_int(1234567) == "1.234.567"
    assert charts.format_int(None) == "–"
    assert charts.format_decimal(Decimal("12.345")) == "12,3"
    assert charts.format_decimal(Decimal("1234.5")) == "1.234,5"
    assert charts.format_decimal(Decimal("80.0")) == "80"
    assert charts.format_percent(Decimal("66.666")) == "66,7%"
    assert charts.format_percent(None) == "–"


@pytest.mark.parametrize(
    ("tallest", "top"), [(0, 4), (1, 4), (3, 4), (7, 8), (9, 20), (40, 40), (41, 80), (1234, 2000)]
)
def test_axis_top_is_round_and_reaches_the_tallest_bar(tallest, top):
    assert charts.nice_ceiling(tallest) == top


def test_stacked_bars_are_proportional_to_their_values():
    """Axis top for a tallest bar of 30 + 10 = 40 is 40 (4 steps of 10), so the plot height
    (300 - 34 - 46 = 220) is 40 units: 1 unit = 5.5. On time 30 → 165; late 10 → 55; 20 → 110."""
    svg = charts.stacked_bars(
        title="Hồ sơ đã giải quyết",
        desc="Đúng hạn và trễ hạn theo tháng",
        labels=["T1\n2026", "T2", "T3"],
        series=[Series("Đúng hạn", [30, 20, 0], charts.GREEN), Series("Trễ hạn", [10, 0, 0], charts.RED)],
    )
    root = parse(svg)
    rects = bars(root)
    assert len(rects) == 6
    heights = [(r.get("data-series"), int(r.get("data-value")), float(r.get("height"))) for r in rects]
    unit = (charts.HEIGHT - charts.TOP - charts.BOTTOM) / 40
    for _series, value, height in heights:
        assert height == pytest.approx(value * unit, abs=0.01)
    assert heights[0] == ("Đúng hạn", 30, pytest.approx(165))
    assert heights[1] == ("Trễ hạn", 10, pytest.approx(55))
    assert heights[2] == ("Đúng hạn", 20, pytest.approx(110))
    # The late part sits on top of the on-time part.
    on_time, late = rects[0], rects[1]
    assert float(late.get("y")) + float(late.get("height")) == pytest.approx(float(on_time.get("y")))
    assert float(on_time.get("y")) + float(on_time.get("height")) == pytest.approx(
        charts.HEIGHT - charts.BOTTOM
    )


def test_chart_is_accessible_and_scales():
    root = parse(
        charts.stacked_bars(
            title="Tiêu đề", desc="Mô tả", labels=["T1"], series=[Series("A", [1], charts.BLUE)], key="nhan"
        )
    )
    assert root.get("role") == "img"
    assert root.get("viewBox") == f"0 0 {charts.WIDTH} {charts.HEIGHT}"
    assert root.get("width") == "100%"
    assert root.get("aria-labelledby") == "nhan-title nhan-desc"
    assert root.find(f"{SVG}title").text == "Tiêu đề"
    assert root.find(f"{SVG}title").get("id") == "nhan-title"
    assert root.find(f"{SVG}desc").text == "Mô tả"


def test_tooltips_and_axis_use_vietnamese_numbers():
    svg = str(
        charts.stacked_bars(
            title="t", desc="d", labels=["T1"], series=[Series("Tiếp nhận", [1234], charts.BLUE)]
        )
    )
    assert "Tiếp nhận: 1.234" in svg
    assert ">2.000<" in svg  # the axis top for 1.234 is 2.000


def test_zero_data_draws_an_empty_chart():
    for labels in (["T1", "T2"], []):
        svg = charts.stacked_bars(
            title="t",
            desc="d",
            labels=labels,
            series=[
                Series("Đúng hạn", [0] * len(labels), charts.GREEN),
                Series("Trễ", [0] * len(labels), "red"),
            ],
        )
        root = parse(svg)
        assert all(float(r.get("height")) == 0 for r in bars(root))
    lines = parse(
        charts.percent_lines(
            title="t", desc="d", labels=["T1", "T2"], series=[Series("x", [None, None], "b")]
        )
    )
    assert lines.findall(f".//{SVG}circle") == []
    assert lines.findall(f".//{SVG}polyline") == []


def test_labels_and_names_are_escaped():
    evil = '<script>alert("x")</script> & "quote"'
    svg = str(
        charts.stacked_bars(title=evil, desc=evil, labels=[evil], series=[Series(evil, [3], charts.BLUE)])
    )
    assert "<script>" not in svg
    root = parse(svg)  # still well-formed XML
    assert root.find(f"{SVG}title").text == evil
    assert bars(root)[0].get("data-series") == evil


def test_percent_lines_place_points_on_a_0_to_100_scale_with_gaps():
    """Plot height 220: 50% → 110 above the base line (y = 300 - 46 - 110 = 144); 100% → y = 34; 0% → 254."""
    root = parse(
        charts.percent_lines(
            title="Tỷ lệ trực tuyến",
            desc="d",
            labels=["T1", "T2", "T3", "T4"],
            series=[Series("Trực tuyến", [Decimal("50"), Decimal("100"), None, Decimal("0")], charts.BLUE)],
        )
    )
    dots = root.findall(f".//{SVG}circle")
    assert [float(d.get("cy")) for d in dots] == [pytest.approx(144), pytest.approx(34), pytest.approx(254)]
    # A gap at T3: the first two points are joined; the last stands alone.
    polylines = root.findall(f".//{SVG}polyline")
    assert len(polylines) == 1
    assert len(polylines[0].get("points").split()) == 2
    assert "Trực tuyến: 50%" in ET.tostring(root, encoding="unicode")

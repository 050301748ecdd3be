"""Fast tests of the benchmark tools' pure logic (no database, no server)."""

from __future__ import annotations

import math
import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import loadgen  # noqa: E402
import seed  # noqa: E402


def test_percentile_interpolates_and_handles_edges():
    values = [float(v) for v in range(1, 101)]  # 1..100
    assert loadgen.percentile(values, 0) == 1
    assert loadgen.percentile(values, 100) == 100
    assert loadgen.percentile(values, 50) == pytest.approx(50.5)
    assert loadgen.percentile(values, 99) == pytest.approx(99.01)
    assert loadgen.percentile([7.0], 95) == 7
    assert math.isnan(loadgen.percentile([], 50))
    with pytest.raises(ValueError):
        loadgen.percentile(values, 101)


def test_summary_reports_milliseconds_and_rate():
    summary = loadgen.summarise("search", [0.001, 0.002, 0.003, 0.010], 1, 2.0, 4000, {200: 4, 500: 1})
    assert summary.requests == 4
    assert summary.errors == 1
    assert summary.rps == 2.0
    assert summary.max_ms == 10.0
    assert summary.p50_ms == pytest.approx(2.5)
    assert summary.statuses == {"200": 4, "500": 1}
    assert "search" in loadgen.format_table([summary])


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8765", "http://127.5.6.7:80/", "http://localhost:8000", "http://[::1]:8765"],
)
def test_loopback_targets_are_accepted(url):
    host, port = loadgen.validate_target(url)
    assert host in {"127.0.0.1", "127.5.6.7", "localhost", "::1"}
    assert port in {80, 8000, 8765}


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1:8765",
        "http://192.168.1.10",
        "http://0.0.0.0:8765",
        "http://example.com",
        "http://localhost.example.com",
        "http://[::2]:80",
        "https://127.0.0.1:8765",
        "ftp://127.0.0.1",
        "http://127.0.0.1:8765/thu-tuc/?q=x",
    ],
)
def test_non_loopback_or_malformed_targets_are_refused(url):
    with pytest.raises(ValueError):
        loadgen.validate_target(url)


def test_command_line_refuses_remote_host_and_unbounded_runs(capsys):
    with pytest.raises(SystemExit) as exc:
        loadgen.main(["--base-url", "http://203.0.113.5:80", "--duration", "1"])
    assert exc.value.code == 2
    assert "non-loopback" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        loadgen.main(["--duration", "121"])
    with pytest.raises(SystemExit):
        loadgen.main(["--max-requests", "0"])
    with pytest.raises(SystemExit):
        loadgen.main(["--concurrency", "4", "--processes", "5"])


def test_split_cap_and_scenario_paths():
    assert loadgen.split_cap(10, 3) == [4, 3, 3]
    assert sum(loadgen.split_cap(500_000, 16)) == 500_000
    paths = loadgen.scenario_paths("search", [], ("giấy phép",))
    assert paths == ["/thu-tuc/?q=gi%E1%BA%A5y%20ph%C3%A9p"]
    assert loadgen.scenario_paths("api-detail", ["1.001193"]) == ["/api/v1/procedures/1.001193"]
    with pytest.raises(ValueError):
        loadgen.scenario_paths("nope", [])


def test_seed_names_are_composed_from_real_ones_and_deterministic():
    real = [
        "Cấp lại Thẻ công chứng viên",
        "Đăng ký khai sinh có yếu tố nước ngoài",
        "Gia hạn giấy phép xây dựng nhà ở riêng lẻ",
        "Tàu biển xuất cảnh",
    ]
    assert seed.split_action("Cấp lại Thẻ công chứng viên") == ("Cấp lại", "Thẻ công chứng viên")
    assert seed.split_action("Tàu biển xuất cảnh") == ("", "Tàu biển xuất cảnh")
    first = seed.compose_names(real, 20, random.Random(1))
    assert first == seed.compose_names(real, 20, random.Random(1))
    assert len(set(first)) == 20 and not set(first) & set(real)
    assert seed.variant_code(42) == "8.000042"

"""CI guard for bench/scorecard.py: its core (``measure``) runs on a 200-dossier seed, so the benchmark keeps
working as the reports app changes (the real run is on 100,000–1,000,000 dossiers, see bench/README.md)."""

from __future__ import annotations

import datetime
import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scorecard as bench  # noqa: E402

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 7)


def tiny_seed(count: int) -> int:
    """``count`` dossiers of two agencies over the last 13 months, statuses and times at random (seeded)."""
    from dichvucong.agencies.models import Agency
    from dichvucong.catalogue.models import AgencyProcedure
    from dichvucong.catalogue.tests.factories import make_procedure, offer
    from dichvucong.dossiers.models import Channel, Dossier, Status

    province = Agency.objects.create(
        code="000.00.00.H98", name="Tỉnh", kind="province_committee", level="tinh"
    )
    offerings: list[AgencyProcedure] = []
    procedure = make_procedure(name="Đăng ký khai sinh")
    for n in (1, 2):
        agency = Agency.objects.create(
            code=f"000.00.0{n}.H98", name=f"Xã {n}", kind="commune_committee", level="xa", parent=province
        )
        offerings.append(offer(procedure, agency, service_level="toan_trinh"))
    rng = random.Random(766)
    start = datetime.datetime(2025, 11, 1, 8, tzinfo=datetime.UTC)
    statuses = [Status.RETURNED, Status.RETURNED, Status.RESOLVED, Status.PROCESSING, Status.REFUSED]
    rows = []
    for n in range(count):
        offering = rng.choice(offerings)
        received = start + datetime.timedelta(hours=rng.randint(0, 24 * 390))
        status = rng.choice(statuses)
        ended = status in (Status.RETURNED, Status.RESOLVED, Status.REFUSED)
        rows.append(
            Dossier(
                code=f"B-{n:05d}", procedure=procedure, version=procedure.current_version, offering=offering,
                agency=offering.agency, channel=rng.choice(list(Channel)), status=status,
                applicant_name="Người thử", submitted_at=received,
                received_at=None if status == Status.REFUSED else received,
                due_at=received + datetime.timedelta(days=rng.randint(1, 10)),
                finished_at=received + datetime.timedelta(days=rng.randint(0, 14)) if ended else None,
            )
        )  # fmt: skip
    Dossier.objects.bulk_create(rows)
    return count


def test_the_scorecard_benchmark_runs_on_a_tiny_seed(settings, tmp_path):
    from dichvucong.reports import indicators
    from dichvucong.reports.scorecard import Scope

    settings.MEDIA_ROOT = tmp_path
    tiny_seed(200)

    figures = bench.measure(runs=1, today=TODAY)

    assert figures["dossiers"] == 200 and figures["facts"] == figures["facts_written"] == 200
    for name in ("refresh_s", "scorecard_province_s", "scorecard_agency_s", "breakdown_month_s",
                 "breakdown_agency_s", "public_page_reads_s", "public_page_cold_s",
                 "public_page_s"):  # fmt: skip
        assert 0 <= figures[name] < 10, name
    assert figures["breakdown_month_rows"] == 12 and figures["breakdown_agency_rows"] == 2
    november = Scope(datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
    direct = indicators.build_scorecard(scope=november, direct=True)
    assert figures["province_received"] == direct.indicator("1.4").denominator > 0
    assert figures["province_2_1_base"] == direct.indicator("2.1").denominator

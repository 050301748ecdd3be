"""Codes never repeat or collide under parallel submitters (PostgreSQL: real concurrent connections)."""

import datetime
import threading

import pytest
from django.db import connection, connections

from dichvucong.agencies.models import Agency
from dichvucong.dossiers import codes

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel connections need PostgreSQL")
def test_parallel_submitters_never_share_a_number():
    agency = Agency.objects.create(
        code="000.00.31.H56", name="UBND phường Hạc Thành", kind="commune_committee", level="xa"
    )
    day = datetime.date(2026, 11, 23)
    results: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def submitter():
        try:
            start.wait()
            for _ in range(25):
                results.append(codes.new_code(agency=agency, day=day))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submitter) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert len(results) == len(set(results)) == 200
    assert sorted(int(code[-4:]) for code in results) == list(range(1, 201))


def test_sequence_restarts_each_day_and_is_separate_per_agency(db):
    a = Agency.objects.create(code="000.00.31.H56", name="A", kind="commune_committee", level="xa")
    b = Agency.objects.create(code="000.00.32.H56", name="B", kind="commune_committee", level="xa")
    monday, tuesday = datetime.date(2026, 11, 23), datetime.date(2026, 11, 24)

    issued = [
        codes.new_code(agency=a, day=monday),
        codes.new_code(agency=a, day=monday),
        codes.new_code(agency=b, day=monday),
        codes.new_code(agency=a, day=tuesday),
    ]

    assert issued == [
        "000.00.31.H56-261123-0001",
        "000.00.31.H56-261123-0002",
        "000.00.32.H56-261123-0001",
        "000.00.31.H56-261124-0001",
    ]


def test_code_format_is_a_setting(db, settings):
    settings.DVC_DOSSIER_CODE_FORMAT = "{agency}-{yymmdd}-{number:05d}"
    agency = Agency.objects.create(code="000.00.31.H56", name="A", kind="commune_committee", level="xa")

    assert codes.new_code(agency=agency, day=datetime.date(2026, 11, 23)) == "000.00.31.H56-261123-00001"

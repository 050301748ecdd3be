"""A double submit at the same moment (two tabs, two kiosks): one rating, the other told it is already rated
(PostgreSQL row locks; skipped on SQLite, whose writes are serialised anyway)."""

import threading

import pytest
from django.db import connection, connections

from dichvucong.ratings import services
from dichvucong.ratings.models import Rating, RatingCode
from dichvucong.ratings.tests.conftest import add_other_agency_staff, returned_dossier

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def runner(index, call):
        try:
            barrier.wait()
            call()
            outcomes[index] = "ok"
        except services.RatingError as error:
            outcomes[index] = error.code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
def test_concurrent_double_submit_makes_one_rating(pdata_live):
    data = pdata_live
    add_other_agency_staff(data)
    dossier = returned_dossier(data)
    _row, code = services.rating_code_issue(dossier=dossier, officer=data["receptionist"])

    def online():
        services.rating_submit(
            dossier=dossier, level=5, criteria={}, comment="", via="online", rated_by=data["citizen"]
        )

    def kiosk():
        services.rating_submit(
            dossier=dossier, level=1, criteria={}, comment="", via="kiosk", rated_by=None, kiosk_code=code
        )

    outcomes = run_together(online, online, kiosk, kiosk)

    assert outcomes.count("ok") == 1, outcomes
    assert set(outcomes) - {"ok"} <= {"already", "code"}
    assert Rating.objects.filter(dossier=dossier).count() == 1
    rating = Rating.objects.get()
    assert RatingCode.objects.filter(used_at__isnull=False).count() == (1 if rating.via == "kiosk" else 0)

"""Done-when: the demo agency's scorecard for last month matches a hand computation on the demo history
(``reports.demo_history``: eleven dossiers of Ủy ban nhân dân phường Hạc Thành driven through the real
services, then backdated into the previous calendar month).

Procedure 1.004873 (Giấy xác nhận tình trạng hôn nhân): 2 working days online, 3 at the counter, a fee
(fee-bearing for 3.6), a paper result (so 3.3 needs an e-result). wdN = N-th working day of the month, a
working day is 8 h, all times 9:00 unless said.

#  story                          channel  received  end (KPI 2.1)                   late?  2.2 days
01 on time                        online   wd1       resolved wd3 8:00 (due wd3 9:00) no     2 − 1 h = 1.875
02 early, rated 5 Rất hài lòng    online   wd2       resolved wd3                     no     1
03 late, rated 2 Không hài lòng   online   wd3       resolved wd7 (due wd5)           yes    4
04 one supplement wd5 → wd8       online   wd4       resolved wd9 8:00                no     4.875 − 3 = 1.875
05 two supplements (1 d each)     online   wd5       resolved wd8 11:00               yes    3.25 − 2 = 1.25
06 fee paid online (demo gateway) online   wd6       resolved wd7                     no     1
07 counter                        counter  wd7       resolved wd9 (due wd10)          no     2
08 processing, no e-result        online   last wd   open, due next month             no     —
09 processing                     counter  wd10      open, due wd13 < month end       yes    —
10 refused at intake              online   never     — (in no indicator)
11 withdrawn after acceptance     online   wd10      request wd11 (due wd12)          no     —

Received in the month: 01–09 and 11 = 10 (10 was never received).
2.1: base 10; late = 03, 05, 09 = 3; on time 7 → 70.00 %. Ended on time 01 02 04 06 07 11 = 6, ended late
     03 05 = 2, pending 08 09 = 2 (pending late 09 = 1).
2.2: completed 01–07 = 7; Σ days = 1.875 + 1 + 4 + 1.875 + 1.25 + 1 + 2 = 13 → 13 / 7 = 1.857… → 1.86 days.
3.3: online with an e-result: 01–06 = 6 / 10 → 60.00 %; online without e-result 08, 11 = 2; in person 07, 09.
3.6: every dossier is fee-bearing: base 10; paid online (flag 1/2): 06 → 10.00 %.
4.1: paper result, base 10; e-result 01–07 = 7 → 70.00 %.
4.2: files and (no paper result or e-result): online 01–06 have their papers and an e-result = 6 (07 was
     received at the counter without scans) → 60.00 %.
4.3: no file re-used → 0; 4.4: nothing acknowledged by the national portal (no sync worker ran) → 0;
4.5: the demo citizen did not sign in with VNeID → 0.
5.4: base 10; 100 − (3 late + 1 rated ≤ 2 (03)) × 100 / 10 = 60.00 %.
"""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from conftest import load_demo_province
from dichvucong.accounts.models import User
from dichvucong.agencies.models import Agency
from dichvucong.core.management.commands.ensure_demo_logins import DEMO_CITIZEN, DEMO_PASSWORD
from dichvucong.dossiers.models import Dossier, DossierEvent, Status
from dichvucong.payments.models import PaymentRequest
from dichvucong.ratings.models import Rating
from dichvucong.reports import indicators
from dichvucong.reports.demo_history import AGENCY_CODE, MARK, UNRATED, previous_month
from dichvucong.reports.scorecard import Scope, agencies_under, drilldown
from dichvucong.reports.selectors import report_root_agencies

pytestmark = pytest.mark.django_db

EXPECTED = {  # code: (numerator, denominator, percent)
    "2.1": (7, 10, Decimal("70.00")),
    "2.2": (13, 7, Decimal("1.86")),
    "3.3": (6, 10, Decimal("60.00")),
    "3.6": (1, 10, Decimal("10.00")),
    "4.1": (7, 10, Decimal("70.00")),
    "4.2": (6, 10, Decimal("60.00")),
    "4.3": (0, 10, Decimal("0.00")),
    "4.4": (0, 10, Decimal("0.00")),
    "4.5": (0, 10, Decimal("0.00")),
    "5.4": (6, 10, Decimal("60.00")),
}
LATE = ("03", "05", "09")


def load_with_history(settings, tmp_path) -> dict:
    settings.MEDIA_ROOT = tmp_path
    settings.DVC_DEMO_HISTORY = True
    return load_demo_province()


def demo_scope() -> Scope:
    agency = Agency.objects.get(code=AGENCY_CODE)
    return Scope(*previous_month(), agencies_under(agency.pk))


def codes_of(*numbers: str) -> set[str]:
    refs = [f"{MARK}{n}" for n in numbers]
    return set(Dossier.objects.filter(client_ref__in=refs).values_list("code", flat=True))


def test_the_demo_scorecard_matches_the_hand_computation(settings, tmp_path):
    counts = load_with_history(settings, tmp_path)
    assert counts["demo_766_dossiers"] == 11

    card = indicators.build_scorecard(scope=demo_scope())
    for code, expected in EXPECTED.items():
        indicator = card.indicator(code)
        assert (indicator.numerator, indicator.denominator, indicator.percent) == expected, code
    assert card.indicator("2.1").parts == {
        "on_time": 7, "late": 3, "ended_on_time": 6, "ended_late": 2, "pending": 2, "pending_late": 1,
    }  # fmt: skip
    assert card.indicator("3.3").parts == {
        "online": 6, "online_without_e_result": 2, "in_person": 2, "postal": 0,
    }  # fmt: skip
    assert card.indicator("5.4").parts == {"late": 3, "complained": 1}
    # the precomputed facts say what the direct formula says
    assert indicators.build_scorecard(scope=demo_scope(), direct=True) == card

    late = set(drilldown(scope=demo_scope(), code="2.1", part="late").values_list("code", flat=True))
    assert late == codes_of(*LATE)
    paid = PaymentRequest.objects.get(state=PaymentRequest.State.PAID, dossier__client_ref=f"{MARK}06")
    assert paid.online_payment in (1, 2) and paid.paid_via
    ratings = dict(Rating.objects.values_list("dossier__client_ref", "level"))
    assert ratings == {f"{MARK}02": 5, f"{MARK}03": 2}


def test_the_history_is_backdated_consistently_and_loads_once(settings, tmp_path, client):
    load_with_history(settings, tmp_path)
    first, last = previous_month()
    demo = Dossier.objects.filter(client_ref__startswith=MARK)
    assert demo.count() == 11
    events = DossierEvent.objects.filter(dossier__in=demo).order_by("dossier_id", "pk")
    by_dossier: dict[int, list] = {}
    for event in events:
        by_dossier.setdefault(event.dossier_id, []).append(event.created_at)
    for dossier in demo:
        times = by_dossier[dossier.pk]
        assert times == sorted(times), dossier.client_ref  # the replay order is kept
        for moment in times:
            assert first <= timezone.localtime(moment).date() <= last, dossier.client_ref
        assert dossier.code.split("-")[1] == timezone.localtime(dossier.submitted_at).strftime("%y%m%d")
        if dossier.received_at:
            assert dossier.due_at > dossier.received_at
    before = [m.objects.count() for m in (Dossier, DossierEvent, PaymentRequest, Rating)]
    card = indicators.build_scorecard(scope=demo_scope())

    again = load_demo_province()

    assert again["demo_766_dossiers"] == 0
    assert [m.objects.count() for m in (Dossier, DossierEvent, PaymentRequest, Rating)] == before
    assert indicators.build_scorecard(scope=demo_scope()) == card

    # the demo logins made afterwards keep the same accounts; the leader opens the scorecard of the agency
    call_command("ensure_demo_logins", stdout=StringIO())
    leader = User.objects.get(username="lanhdao.hacthanh")
    assert leader.check_password(DEMO_PASSWORD)
    assert [a.code for a in report_root_agencies(user=leader)] == [AGENCY_CODE]
    assert indicators.build_scorecard(scope=demo_scope()) == card

    # the demo citizen owns the history's dossiers: 01 is returned and not rated, so signing in as
    # 038090012345 one can try the rating (the dossier page offers it, the rating page shows its form)
    citizen = User.objects.get(username=DEMO_CITIZEN["username"])
    assert citizen.check_password(DEMO_PASSWORD)
    unrated = Dossier.objects.get(client_ref=f"{MARK}{UNRATED}")
    assert unrated.applicant_id == citizen.pk and unrated.status == Status.RETURNED
    assert not Rating.objects.filter(dossier=unrated).exists()
    client.force_login(citizen)
    detail = client.get(reverse("dossiers:detail", args=[unrated.public_id]))
    rate_url = reverse("ratings:rate", args=[unrated.public_id])
    assert detail.status_code == 200 and rate_url in detail.content.decode()
    form = client.get(rate_url)
    assert form.status_code == 200 and 'name="level"' in form.content.decode()

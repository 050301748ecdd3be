"""Every formula pinned on the hand-computed November set (conftest.november); the computation is written
next to each expectation. Scope: agency "UBND xã An" (d11 of the other commune is outside)."""

import datetime
from decimal import Decimal

from dichvucong.reports import indicators
from dichvucong.reports.scorecard import Scope, agencies_under
from dichvucong.reports.tests.conftest import AFTER, NOVEMBER


def card(tree, *, direct=True, start=NOVEMBER[0], end=NOVEMBER[1]):
    scope = Scope(start, end, agencies_under(tree["a"].pk))
    result = indicators.build_scorecard(scope=scope, direct=direct, now=AFTER)
    return {i.code: i for i in result.indicators}, result


def test_every_indicator_by_hand(tree, november):
    ind, result = card(tree)
    # received in November in agency A: d1 d2 d3 d4 d5 d6 d8 = 7 (d7, d9 never received; d10 in October)
    assert ind["1.4"].denominator == 7
    assert (ind["1.4"].numerator, ind["1.4"].percent) == (1, Decimal("14.29"))  # only d1 synced
    assert ind["1.4"].points == Decimal("0.86")  # 14.29 × 6 / 100
    # 2.1 base: received before 1/12, not ended before 1/11: the 7 + d10 = 8
    # late: d2 (10/11 > 5/11), d4 (two supplements), d8 (open at 1/12 > due 25/11), d10 (2/11 > 30/10) = 4
    # on time: d1, d3 (supplement subtracted), d5 (pending supplement = end 18/11), d6 (withdrawal 11/11) = 4
    assert ind["2.1"].parts == {
        "on_time": 4, "late": 4, "ended_on_time": 4, "ended_late": 3, "pending": 1, "pending_late": 1,
    }  # fmt: skip
    assert (ind["2.1"].percent, ind["2.1"].points) == (Decimal("50.00"), Decimal("10.00"))  # 50 % × 20
    # 2.2 completed and received in November: d1 4 days (Mon 2 → Fri 6), d2 6 (2 → Tue 10),
    # d3 8 (Tue 3 → Fri 13) − 2.75 (Wed 4 9:00 → Fri 17:00 = 6 h + 8 h + 8 h = 22 h) = 5.25,
    # d4 7 (3 → Thu 12) − 1 (4 → 5) − 0.75 (Fri 6 9:00 → 17:00 = 6 h) = 5.25
    # average (4 + 6 + 5.25 + 5.25) / 4 = 5.125
    assert (ind["2.2"].denominator, ind["2.2"].percent) == (4, Decimal("5.13"))
    # 3.3: a paper-result procedure, so online = channel online AND an e-result: d1 d3 d4 = 3 of 7;
    # d5 d6 d8 online without e-result; d2 at the counter
    assert ind["3.3"].parts == {"online": 3, "online_without_e_result": 3, "in_person": 1, "postal": 0}
    assert (ind["3.3"].percent, ind["3.3"].points) == (Decimal("42.86"), Decimal("5.14"))  # 42.86 × 6 / 50
    # 3.6: every dossier is of a fee-bearing procedure; paid online flag 1 (d1) and 2 (d3); d2 paid flag 3
    assert (ind["3.6"].numerator, ind["3.6"].denominator) == (2, 7)
    # 4.1: e-result d1 d3 d4 of 7 paper-result dossiers
    assert (ind["4.1"].numerator, ind["4.1"].denominator) == (3, 7)
    # 4.2: files AND e-result: d1 d3 (d2 has a file but no e-result) = 2
    assert ind["4.2"].numerator == 2
    assert ind["4.3"].numerator == 1  # d2's file re-used from the store
    assert ind["4.4"].numerator == 1  # d1: synced with its e-result link
    assert ind["4.5"].numerator == 1  # d1: VNeID
    # 3.1 / 3.2 / 3.5: one offering, toàn trình, online dossiers in November, fee requests paid
    assert (ind["3.1"].parts, ind["3.1"].percent) == ({"online": 1, "full": 1, "partial": 0, "none": 0}, 100)
    assert (ind["3.2"].numerator, ind["3.2"].denominator) == (1, 1)
    assert (ind["3.5"].numerator, ind["3.5"].denominator) == (1, 1)
    # 5.1: 3 PAKN created in November (d8's 21/11, X1 5/11, X2 25/11); received: d8's and X1 = 2
    assert (ind["5.1"].numerator, ind["5.1"].denominator) == (2, 3)
    # 5.2: late = d8's (resolve clock late) ⇒ on time 2 of 3
    assert ind["5.2"].parts == {"on_time": 2, "late": 1}
    # 5.3: first received in November: d8's and X1; d8's is late ⇒ 1 of 2 satisfied
    assert (ind["5.3"].numerator, ind["5.3"].denominator, ind["5.3"].percent) == (1, 2, Decimal("50.00"))
    # 5.4 = 100 − (4/8 late + 2/8 with PAKN (d8) or dislike (d2)) = 100 − 75 = 25; points 25 × 6 / 90
    assert ind["5.4"].parts == {"late": 4, "complained": 2}
    assert (ind["5.4"].percent, ind["5.4"].points) == (Decimal("25.00"), Decimal("1.67"))
    assert result.max_points == Decimal("86.00")
    assert result.total_points == sum(i.points for i in result.indicators)


def test_supplement_time_is_subtracted_and_two_supplements_are_late(tree, november):
    ind, _ = card(tree)
    on_time = set(_ids(tree, "2.1", "on_time"))
    late = set(_ids(tree, "2.1", "late"))
    assert november["d3"].pk in on_time  # 13/11 − 4 days of supplement = 9/11 ≤ 10/11
    assert november["d4"].pk in late  # finished 12/11, due 30/11, but asked twice
    assert november["d5"].pk in on_time  # pending single supplement: the request is the end
    assert november["d6"].pk in on_time and november["d7"].pk not in on_time | late


def test_withdrawal_counts_only_for_accepted_dossiers(tree, november):
    base = set(_ids(tree, "2.1", "all"))
    assert november["d6"].pk in base
    assert november["d7"].pk not in base and november["d9"].pk not in base
    assert november["d11"].pk not in base  # another agency


def test_online_needs_an_e_result_for_a_paper_result_procedure(tree, november):
    from dichvucong.catalogue.models import ResultDocument

    assert november["d5"].pk in _ids(tree, "3.3", "online_without_e_result")
    ResultDocument.objects.filter(version=tree["procedure"].current_version).delete()  # no paper result now
    ind, _ = card(tree)
    assert ind["3.3"].numerator == 6  # every online dossier counts: d1 d3 d4 d5 d6 d8
    assert ind["4.1"].denominator == 0 and ind["4.1"].percent is None


def test_paid_online_flags(tree, november):
    paid = set(_ids(tree, "3.6", "paid_online"))
    assert paid == {november["d1"].pk, november["d3"].pk}  # flags 1 and 2; d2's flag 3 is not online


def test_period_without_data_gives_zeros(tree, november):
    ind, result = card(tree, start=datetime.date(2020, 1, 1), end=datetime.date(2020, 1, 31))
    # catalogue indicators (3.1, 3.2, 3.5) keep their offerings as base; the rest is empty, no error
    assert all(
        i.denominator == 0 and i.percent is None for c, i in ind.items() if c not in ("3.1", "3.2", "3.5")
    )
    assert (ind["3.2"].numerator, ind["3.5"].numerator) == (0, 0)
    assert result.total_points == ind["3.1"].points == Decimal("4.00")
    rows = indicators.breakdown(
        scope=Scope(datetime.date(2020, 1, 1), datetime.date(2020, 1, 31), (tree["a"].pk,)),
        by="month",
        direct=True,
    )
    assert [(r.key, r.received, r.resolved, r.avg_days, r.satisfaction) for r in rows] == [
        ("2020-01", 0, 0, None, None)
    ]


def test_breakdown_rows(tree, november):
    scope = Scope(*NOVEMBER, agencies_under(tree["province"].pk))
    rows = {r.key: r for r in indicators.breakdown(scope=scope, by="agency", direct=True)}
    a = rows[str(tree["a"].pk)]
    assert (a.received, a.resolved, a.on_time, a.late, a.pending, a.pending_overdue) == (7, 7, 4, 3, 1, 1)
    assert (a.online, a.paid_online, a.received_online) == (3, 2, 6)
    other = rows[str(tree["other"].pk)]
    assert (other.received, other.resolved, other.late) == (1, 1, 1)  # 20/11 > 9/11


def _ids(tree, code, part):
    scope = Scope(*NOVEMBER, agencies_under(tree["a"].pk))
    period = indicators.period_of(scope, now=AFTER)
    facts = indicators.direct_facts(scope, period)
    return indicators.matching(facts, period, code, part)

import datetime

import pytest

from dichvucong.delivery.carriers.demo import demo_waybill, s10_check_digit
from dichvucong.delivery.states import State, can_move

T0 = datetime.datetime(2026, 3, 9, 8, 0, tzinfo=datetime.UTC)
LATER = T0 + datetime.timedelta(hours=2)


@pytest.mark.parametrize(
    ("current", "new", "occurred_at", "expected"),
    [
        (State.CREATED, State.ACCEPTED, LATER, True),
        (State.ACCEPTED, State.OUT_FOR_DELIVERY, LATER, True),  # skipped steps are fine
        (State.OUT_FOR_DELIVERY, State.IN_TRANSIT, LATER, False),  # never backwards
        (State.OUT_FOR_DELIVERY, State.OUT_FOR_DELIVERY, LATER, False),  # same state again
        (State.OUT_FOR_DELIVERY, State.DELIVERED, T0 - datetime.timedelta(hours=1), True),  # final wins
        (State.DELIVERED, State.FAILED, LATER, False),  # final stays
        (State.DELIVERED, State.RETURNED, LATER, False),
        (State.CANCELLED, State.ACCEPTED, LATER, False),
        (State.FAILED, State.OUT_FOR_DELIVERY, LATER, True),  # a new attempt after the failure
        (State.FAILED, State.OUT_FOR_DELIVERY, T0 - datetime.timedelta(hours=1), False),  # a late old report
        (State.FAILED, State.FAILED, LATER, True),  # the next attempt failed too
        (State.FAILED, State.PICKED_UP, LATER, False),
        (State.FAILED, State.RETURNED, LATER, True),
        (State.ACCEPTED, "nonsense", LATER, False),
    ],
)
def test_a_report_moves_a_shipment_only_forward(current, new, occurred_at, expected):
    assert can_move(current=current, new=new, occurred_at=occurred_at, current_at=T0) is expected


def test_demo_waybills_are_s10_with_a_valid_check_digit_and_stable_per_reference():
    assert s10_check_digit("47312482") == 9  # UPU S10 worked example: RR 47312482 9 GB
    waybill = demo_waybill("000.00.31.H56-261122-0001-T1")
    assert waybill == demo_waybill("000.00.31.H56-261122-0001-T1")
    assert len(waybill) == 13 and waybill.startswith("DM") and waybill.endswith("VN")
    assert int(waybill[10]) == s10_check_digit(waybill[2:10])

"""The demo carrier: works offline, inside this process. An order is accepted at once with an S10-style
waybill derived from our reference (so asking twice gives the same waybill); after that the shipment moves
only when postal staff record what they did on the postal pages, or through the "simulate" action that
demo mode shows on those pages."""

from __future__ import annotations

import hashlib

from dichvucong.delivery.carriers.base import Carrier, OrderRequest, OrderResult
from dichvucong.delivery.carriers.registry import register
from dichvucong.delivery.states import State

S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


def s10_check_digit(serial: str) -> int:
    """UPU S10 check digit of an 8-digit serial number."""
    total = sum(int(digit) * weight for digit, weight in zip(serial, S10_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: 0, 11: 5}.get(check, check)


def demo_waybill(reference: str) -> str:
    serial = f"{int(hashlib.sha256(reference.encode()).hexdigest(), 16) % 10**8:08d}"
    return f"DM{serial}{s10_check_digit(serial)}VN"


@register
class DemoCarrier(Carrier):
    name = "demo"
    label = "Bưu điện (thử nghiệm, không gửi đơn thật)"
    is_demo = True

    def create_order(self, order: OrderRequest) -> OrderResult:
        return OrderResult.ok(
            waybill=demo_waybill(order.reference), state=State.ACCEPTED, carrier_status="demo"
        )

    def cancel_order(self, *, waybill: str) -> OrderResult:
        return OrderResult.ok(waybill=waybill, state=State.CANCELLED, carrier_status="demo")

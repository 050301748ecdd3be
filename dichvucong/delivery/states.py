"""Shipment states and the one rule for moving between them (shared by webhooks, polling and staff pages).

Carriers report events late, twice or out of order. A report moves a shipment only forward: to a state of
higher rank, or, after a failed delivery attempt, back out for another attempt if the report is newer than
the failure. Delivered, returned and cancelled are final. A report that does not move the shipment is kept
in its history (``ShipmentEvent``) but changes nothing else.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    PICKUP = "pickup", _("Thu gom bản giấy tại nhà")
    DELIVERY = "delivery", _("Phát kết quả tại nhà")


class State(models.TextChoices):
    CREATED = "created", _("Chờ gửi yêu cầu cho bưu điện")
    REQUESTED = "requested", _("Đã gửi yêu cầu cho bưu điện")
    ACCEPTED = "accepted", _("Bưu điện đã nhận yêu cầu")
    PICKED_UP = "picked_up", _("Bưu tá đã nhận bưu gửi")
    IN_TRANSIT = "in_transit", _("Đang vận chuyển")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Đang phát")
    DELIVERED = "delivered", _("Đã phát thành công")
    FAILED = "failed", _("Phát không thành công")
    RETURNED = "returned", _("Đã chuyển hoàn")
    CANCELLED = "cancelled", _("Đã hủy")


RANK = {
    State.CREATED: 0,
    State.REQUESTED: 1,
    State.ACCEPTED: 2,
    State.PICKED_UP: 3,
    State.IN_TRANSIT: 4,
    State.OUT_FOR_DELIVERY: 5,
    State.FAILED: 6,
    State.DELIVERED: 7,
    State.RETURNED: 7,
    State.CANCELLED: 7,
}
FINAL = frozenset({State.DELIVERED, State.RETURNED, State.CANCELLED})
# A shipment in one of these states still needs someone (carrier or postal staff) to act.
ACTIVE = frozenset(set(State.values) - FINAL)
# Shipments that block a new order of the same kind for the same dossier (a returned one does not: the
# agency may send the result again; a cancelled one does not either).
BLOCKING = frozenset(set(State.values) - {State.RETURNED, State.CANCELLED})
RETRY_FROM_FAILED = frozenset({State.IN_TRANSIT, State.OUT_FOR_DELIVERY})


def can_move(
    *,
    current: str,
    new: str,
    occurred_at: datetime.datetime | None = None,
    current_at: datetime.datetime | None = None,
) -> bool:
    """Whether a report of ``new`` (at ``occurred_at``) moves a shipment that is in ``current`` (since
    ``current_at``)."""
    if current in FINAL or new not in RANK:
        return False
    newer = occurred_at is not None and current_at is not None and occurred_at > current_at
    if current == State.FAILED and new in RETRY_FROM_FAILED | {State.FAILED}:
        return newer  # another delivery attempt (or its failure) after the failed one
    return RANK[new] > RANK[current]


# Timeline entries written on the dossier for each state reached, by kind: (action, Vietnamese label).
TIMELINE = {
    (Kind.PICKUP, State.ACCEPTED): (
        "postal_pickup_scheduled",
        "Bưu điện đã lên lịch nhận hồ sơ giấy tại nhà",
    ),
    (Kind.PICKUP, State.PICKED_UP): ("postal_picked_up", "Bưu tá đã nhận hồ sơ giấy tại nhà"),
    (Kind.PICKUP, State.IN_TRANSIT): ("postal_pickup_in_transit", "Hồ sơ giấy đang được chuyển đến cơ quan"),
    (Kind.PICKUP, State.DELIVERED): ("postal_originals_delivered", "Bưu điện đã giao hồ sơ giấy cho cơ quan"),
    (Kind.PICKUP, State.FAILED): ("postal_pickup_failed", "Bưu tá không nhận được hồ sơ giấy"),
    (Kind.PICKUP, State.CANCELLED): ("postal_pickup_cancelled", "Đã hủy yêu cầu nhận hồ sơ giấy tại nhà"),
    (Kind.DELIVERY, State.ACCEPTED): ("postal_delivery_scheduled", "Bưu điện đã nhận yêu cầu phát kết quả"),
    (Kind.DELIVERY, State.PICKED_UP): ("postal_result_picked_up", "Bưu điện đã nhận kết quả tại cơ quan"),
    (Kind.DELIVERY, State.IN_TRANSIT): ("postal_in_transit", "Kết quả đang được vận chuyển"),
    (Kind.DELIVERY, State.OUT_FOR_DELIVERY): ("postal_out_for_delivery", "Bưu tá đang phát kết quả"),
    (Kind.DELIVERY, State.DELIVERED): ("postal_delivered", "Bưu điện đã phát kết quả cho người nhận"),
    (Kind.DELIVERY, State.FAILED): ("postal_delivery_failed", "Phát kết quả không thành công"),
    (Kind.DELIVERY, State.RETURNED): ("postal_returned_to_sender", "Kết quả được chuyển hoàn về cơ quan"),
    (Kind.DELIVERY, State.CANCELLED): ("postal_delivery_cancelled", "Đã hủy yêu cầu phát kết quả"),
}
ORDER_CREATED = {
    Kind.PICKUP: ("postal_pickup_requested", "Đăng ký bưu điện nhận hồ sơ giấy tại nhà"),
    Kind.DELIVERY: ("postal_delivery_requested", "Đăng ký phát kết quả qua bưu chính công ích"),
}

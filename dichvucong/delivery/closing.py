"""Postal orders follow the dossier (after-commit subscription registered in ``DeliveryConfig.ready()``).

A home pickup of the paper originals the post office has not collected yet makes no sense once the dossier
is refused, withdrawn or stopped, resolved or returned: it is cancelled with the carrier (its cancel call)
and closed here, so no postman is sent and the postal staff's list drops it. A delivery of the result that has
not left the agency is cancelled when the dossier is finished another way (returned at the counter, stopped).
Parcels already collected are left to finish their journey (the originals or the result exist on paper).

The carrier is called from a task, outside any transaction. A cancel the carrier refuses or cannot answer
leaves the order open with ``last_error`` (postal staff see it on their list and can cancel it by hand);
``delivery_sweep`` tries again.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from dichvucong.delivery.carriers.base import StatusReport
from dichvucong.delivery.carriers.registry import carrier_get
from dichvucong.delivery.models import Shipment, ShipmentEvent
from dichvucong.delivery.states import ACTIVE, RANK, Kind, State
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.models import Status as DossierStatus
from dichvucong.dossiers.workflow import Transitioned, subscribe

logger = logging.getLogger(__name__)

# Dossier status → the kinds of order it closes, and why (written on the shipment and the dossier timeline).
CLOSES = {
    DossierStatus.REFUSED: ((Kind.PICKUP, Kind.DELIVERY), "Hồ sơ không được tiếp nhận"),
    DossierStatus.STOPPED: ((Kind.PICKUP, Kind.DELIVERY), "Hồ sơ đã dừng giải quyết hoặc được rút"),
    DossierStatus.RESOLVED: ((Kind.PICKUP,), "Hồ sơ đã giải quyết xong"),
    DossierStatus.RETURNED: ((Kind.PICKUP, Kind.DELIVERY), "Hồ sơ đã trả kết quả"),
}


def _closable(dossier_status: str):
    kinds, _reason = CLOSES.get(dossier_status, ((), ""))
    not_collected = [state for state in ACTIVE if RANK[state] < RANK[State.PICKED_UP]]
    return Shipment.objects.filter(kind__in=kinds, state__in=sorted(not_collected))


def shipments_close_for_dossier(*, dossier_id: int) -> list[Shipment]:
    """Cancel the dossier's orders its status makes pointless; returns those now cancelled. Idempotent."""
    dossier = Dossier.objects.filter(pk=dossier_id).only("status").first()
    if dossier is None or dossier.status not in CLOSES:
        return []
    reason = CLOSES[dossier.status][1]
    closed = []
    for shipment_id in list(
        _closable(dossier.status).filter(dossier_id=dossier_id).values_list("pk", flat=True)
    ):
        shipment = shipment_close(shipment_id=shipment_id, reason=reason)
        if shipment is not None and shipment.state == State.CANCELLED:
            closed.append(shipment)
    return closed


def shipment_close(*, shipment_id: int, reason: str) -> Shipment | None:
    """Cancel one order not collected yet: with the carrier first when it has a waybill, then here."""
    shipment = Shipment.objects.filter(pk=shipment_id).first()
    if shipment is None or shipment.state not in ACTIVE or RANK[shipment.state] >= RANK[State.PICKED_UP]:
        return shipment
    if shipment.waybill:
        try:
            result = carrier_get(shipment.carrier).cancel_order(waybill=shipment.waybill)
        except Exception as error:  # an adapter bug must not stop the other orders
            logger.exception("delivery: cancelling %s with %s crashed", shipment.waybill, shipment.carrier)
            result = None
            error_text = f"{type(error).__name__}: {error}"
        else:
            error_text = result.error
        if result is None or not result.accepted:
            message = f"Hồ sơ đã kết thúc nhưng chưa hủy được đơn với bưu điện: {error_text}"[:1000]
            Shipment.objects.filter(pk=shipment_id).update(last_error=message, updated_at=timezone.now())
            logger.warning("delivery: order %s not cancelled: %s", shipment.reference, error_text)
            return Shipment.objects.get(pk=shipment_id)
    from dichvucong.delivery.services import _apply  # the one place a shipment's state changes

    with transaction.atomic():
        shipment = (
            Shipment.objects.select_for_update(of=("self",))
            .select_related("dossier__procedure", "dossier__agency", "dossier__applicant")
            .get(pk=shipment_id)
        )
        report = StatusReport(
            waybill=shipment.waybill, state=State.CANCELLED, occurred_at=timezone.now(), note=reason
        )
        applied = _apply(shipment=shipment, report=report, source=ShipmentEvent.Source.SYSTEM)
        if applied.outcome == "applied":
            shipment.next_request_at = None
            shipment.last_error = ""
            shipment.save(update_fields=["next_request_at", "last_error", "updated_at"])
    logger.info("delivery: order %s closed with its dossier: %s", shipment.reference, reason)
    return shipment


def stale_dossier_ids(*, limit: int = 200) -> list[int]:
    """Dossiers whose status closes an order that is still open (for the sweeper)."""
    ids: set[int] = set()
    for status in CLOSES:
        ids.update(
            _closable(status).filter(dossier__status=status).values_list("dossier_id", flat=True)[:limit]
        )
    return sorted(ids)[:limit]


def on_dossier_finished(change: Transitioned) -> None:
    dossier_id = change.dossier_id
    transaction.on_commit(lambda: _enqueue(dossier_id), robust=True)


def _enqueue(dossier_id: int) -> None:
    from dichvucong.delivery.tasks import close_dossier_shipments

    close_dossier_shipments.enqueue(dossier_id)


def connect() -> None:
    """Called from ``DeliveryConfig.ready()``."""
    subscribe(on_dossier_finished, to_statuses=set(CLOSES))

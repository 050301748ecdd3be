"""What a shipment reaching a state does outside this app: a dossier timeline entry, a message to the
citizen and, when the result has been delivered, the dossier's ``return_result`` transition.

All of it runs inside the caller's transaction (notifications are sent after commit)."""

from __future__ import annotations

import logging

from dichvucong.accounts.models import User
from dichvucong.delivery.carriers.registry import carrier_label
from dichvucong.delivery.models import Shipment
from dichvucong.delivery.states import ORDER_CREATED, TIMELINE, Kind, State
from dichvucong.dossiers.models import Dossier, DossierEvent
from dichvucong.dossiers.notices import notify_applicant
from dichvucong.dossiers.workflow import SYSTEM, TransitionRefused, transition

logger = logging.getLogger(__name__)

# (kind, state reached) → notification event sent to the applicant.
NOTIFY = {
    (Kind.PICKUP, State.ACCEPTED): "delivery.pickup_scheduled",
    (Kind.DELIVERY, State.OUT_FOR_DELIVERY): "delivery.out_for_delivery",
    (Kind.DELIVERY, State.DELIVERED): "delivery.delivered",
    (Kind.DELIVERY, State.FAILED): "delivery.failed",
}


def timeline_add(*, shipment: Shipment, action: str, label: str, actor: User | None, note: str = "") -> None:
    """A dossier timeline entry that is not a status change (``postal_*``): the label travels in data."""
    dossier: Dossier = shipment.dossier
    DossierEvent.objects.create(
        dossier=dossier,
        action=action,
        from_status=dossier.status,
        to_status=dossier.status,
        actor=actor,
        actor_role="postal" if actor is not None else SYSTEM,
        agency=dossier.agency,
        note=note[:1000],
        data={
            "label": label,
            "shipment": str(shipment.public_id),
            "kind": shipment.kind,
            "waybill": shipment.waybill,
            "carrier": shipment.carrier,
        },
    )


def order_created(*, shipment: Shipment, actor: User | None) -> None:
    action, label = ORDER_CREATED[shipment.kind]
    timeline_add(shipment=shipment, action=action, label=label, actor=actor)


def _notify(shipment: Shipment, event: str) -> None:
    notify_applicant(
        shipment.dossier,
        event,
        waybill=shipment.waybill,
        carrier=carrier_label(shipment.carrier),
        reasons=shipment.failure_reason,
        delivered_to=shipment.delivered_to,
    )


def _note(shipment: Shipment) -> str:
    parts = [f"Vận đơn {shipment.waybill}" if shipment.waybill else ""]
    if shipment.state == State.DELIVERED and shipment.delivered_to:
        parts.append(f"người nhận: {shipment.delivered_to}")
    if shipment.state in (State.FAILED, State.RETURNED) and shipment.failure_reason:
        parts.append(f"lý do: {shipment.failure_reason}")
    return "; ".join(part for part in parts if part)


def state_reached(*, shipment: Shipment, actor: User | None) -> str:
    """Record the new state on the dossier; returns "" or why the dossier could not follow (logged)."""
    entry = TIMELINE.get((shipment.kind, shipment.state))
    if entry:
        timeline_add(shipment=shipment, action=entry[0], label=entry[1], actor=actor, note=_note(shipment))
    event = NOTIFY.get((shipment.kind, shipment.state))
    if event:
        _notify(shipment, event)
    if shipment.kind == Kind.DELIVERY and shipment.state == State.DELIVERED:
        return _return_result(shipment=shipment, actor=actor)
    return ""


def _return_result(*, shipment: Shipment, actor: User | None) -> str:
    """Đã trả kết quả: by the postal staff member who recorded it, or by the system for a verified carrier
    report. A dossier that is no longer waiting for its result (returned at the counter meanwhile) stays as
    it is; the refusal is logged and the shipment keeps its delivered state."""

    def effect(_dossier: Dossier) -> dict:
        return {
            "shipment": str(shipment.public_id),
            "waybill": shipment.waybill,
            "carrier": shipment.carrier,
            "delivered_to": shipment.delivered_to,
            "delivered_at": shipment.delivered_at.isoformat() if shipment.delivered_at else None,
            "id_checked": shipment.id_checked,
        }

    note = f"Phát qua bưu chính, {_note(shipment)}"
    try:
        transition(
            dossier_id=shipment.dossier_id, action="return_result", actor=actor, note=note, effect=effect
        )
    except TransitionRefused as refused:
        logger.warning(
            "delivery: shipment %s delivered but dossier %s not returned: %s",
            shipment.public_id,
            shipment.dossier_id,
            refused.message,
        )
        return refused.message
    shipment.dossier.refresh_from_db(fields=["status"])
    return ""

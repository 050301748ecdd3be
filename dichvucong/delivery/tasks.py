"""Background tasks (Django Tasks API, queue "default"). Idempotent and safe to retry."""

from __future__ import annotations

from django_tasks import task

from dichvucong.delivery import services


@task(queue_name="default")
def request_shipment(shipment_id: int) -> str:
    shipment = services.shipment_request(shipment_id=shipment_id)
    return shipment.state if shipment else "missing"


@task(queue_name="default")
def poll_shipment(shipment_id: int) -> int:
    return len(services.shipment_poll(shipment_id=shipment_id))


@task(queue_name="default")
def close_dossier_shipments(dossier_id: int) -> int:
    from dichvucong.delivery.closing import shipments_close_for_dossier

    return len(shipments_close_for_dossier(dossier_id=dossier_id))


@task(queue_name="default")
def sweep() -> dict:
    return services.delivery_sweep()

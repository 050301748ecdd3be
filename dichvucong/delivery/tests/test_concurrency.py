"""One open order per dossier and kind, and one applied report per replayed webhook, under parallel callers
(PostgreSQL: real concurrent connections)."""

import threading

import pytest
from django.db import connection, connections

from dichvucong.delivery import services
from dichvucong.delivery.carriers.base import StatusReport
from dichvucong.delivery.models import Shipment, ShipmentEvent
from dichvucong.delivery.states import Kind, State
from dichvucong.delivery.tests.conftest import resolved_dossier
from dichvucong.dossiers.models import DossierEvent, Status

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel connections need PostgreSQL"),
]


def run_parallel(target, n=8) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(n)

    def worker():
        try:
            start.wait()
            target()
        except BaseException as error:  # noqa: BLE001 - reported by the caller
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_parallel_hooks_and_sweepers_create_one_order(world_live):
    dossier = resolved_dossier(world_live)
    ids: list[int] = []

    errors = run_parallel(
        lambda: ids.append(services.shipment_create_for_dossier(dossier_id=dossier.pk, kind=Kind.DELIVERY).pk)
    )

    assert not errors
    assert len(set(ids)) == 1 and Shipment.objects.filter(dossier=dossier).count() == 1


def test_a_webhook_replayed_in_parallel_returns_the_result_once(world_live, settings):
    dossier = resolved_dossier(world_live)
    shipment = services.shipment_create_for_dossier(
        dossier_id=dossier.pk, kind=Kind.DELIVERY, carrier="vnpost"
    )
    Shipment.objects.filter(pk=shipment.pk).update(waybill="EB123456785VN", state=State.OUT_FOR_DELIVERY)
    report = StatusReport(
        waybill="EB123456785VN", state=State.DELIVERED, carrier_status="14", event_id="ev-9"
    )
    outcomes: list[str] = []

    errors = run_parallel(
        lambda: outcomes.append(
            services.shipment_apply_carrier_report(carrier="vnpost", report=report, source="webhook").outcome
        )
    )

    assert not errors
    assert sorted(outcomes) == ["applied"] + ["duplicate"] * 7
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED
    assert DossierEvent.objects.filter(dossier=dossier, action="return_result").count() == 1
    assert ShipmentEvent.objects.filter(shipment=shipment, state=State.DELIVERED).count() == 1

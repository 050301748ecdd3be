"""The sweeper creates the orders a missed hook did not, once, and leaves finished work alone."""

import io

import pytest
from django.core.management import call_command

from dichvucong.delivery import services
from dichvucong.delivery.models import Shipment
from dichvucong.delivery.states import Kind, State
from dichvucong.delivery.tests.conftest import resolved_dossier, submitted_dossier

pytestmark = pytest.mark.django_db


def test_missing_orders_are_created_and_sent_once(world, committed):
    delivery = resolved_dossier(world, tag="d")
    pickup = submitted_dossier(world, home_pickup=True, tag="p")
    resolved_dossier(world, result_delivery="counter", tag="c")  # no post: nothing to do
    submitted_dossier(world, tag="n")  # no pickup asked

    with committed():
        out = io.StringIO()
        call_command("delivery_sweep", stdout=out)

    assert "created=2" in out.getvalue()
    shipments = {s.dossier_id: s for s in Shipment.objects.all()}
    assert set(shipments) == {delivery.pk, pickup.pk}
    assert shipments[delivery.pk].kind == Kind.DELIVERY and shipments[pickup.pk].kind == Kind.PICKUP
    assert all(s.state == State.ACCEPTED and s.waybill for s in shipments.values())

    with committed():
        counts = services.delivery_sweep()
    assert counts == {"created": 0, "requested": 0, "polled": 0, "closed": 0, "errors": 0}
    assert Shipment.objects.count() == 2


def test_an_order_whose_task_was_lost_is_sent_by_the_sweeper(world):
    dossier = resolved_dossier(world)
    shipment = services.shipment_create_for_dossier(dossier_id=dossier.pk, kind=Kind.DELIVERY)  # no commit

    counts = services.delivery_sweep()

    shipment.refresh_from_db()
    assert counts["requested"] == 1 and shipment.state == State.ACCEPTED


def test_a_returned_order_is_not_recreated_by_the_sweeper(world, committed):
    dossier = resolved_dossier(world)
    with committed():
        shipment = services.shipment_create_for_dossier(dossier_id=dossier.pk, kind=Kind.DELIVERY)
    Shipment.objects.filter(pk=shipment.pk).update(state=State.RETURNED)

    assert services.delivery_sweep()["created"] == 0

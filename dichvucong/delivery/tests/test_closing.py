"""Postal orders close with the dossier: a home pickup nobody has collected yet is cancelled with the carrier
(demo and VNPost) when the dossier is refused, stopped, resolved or returned, and leaves the postal staff's
list; a cancel the carrier refuses keeps the order listed with the reason, and the sweeper tries again."""

import pytest

from conftest import login_with_second_factor
from dichvucong.delivery import selectors, services
from dichvucong.delivery.models import Shipment
from dichvucong.delivery.states import Kind, State
from dichvucong.delivery.tests.conftest import resolved_dossier, submitted_dossier
from dichvucong.dossiers import services as dossier_services
from dichvucong.dossiers.models import DossierEvent, Status
from dichvucong.dossiers.workflow import transition

pytestmark = pytest.mark.django_db


def _pickup(world, committed, **kwargs):
    with committed():
        dossier = submitted_dossier(world, home_pickup=True, result_delivery="counter", **kwargs)
    shipment = Shipment.objects.get(dossier=dossier, kind=Kind.PICKUP)
    return dossier, shipment


def _refuse(world, dossier, committed):
    with committed():
        dossier_services.dossier_refuse(
            dossier_id=dossier.pk, officer=world["receptionist"], reasons=["Không thuộc thẩm quyền"]
        )


def test_refusal_cancels_the_home_pickup_and_the_postal_list_drops_it(client, world, committed):
    dossier, shipment = _pickup(world, committed)
    assert shipment.state == State.ACCEPTED and shipment.waybill
    assert selectors.postal_orders(user=world["postal"])["pickups"] == [shipment]

    _refuse(world, dossier, committed)

    shipment.refresh_from_db()
    assert shipment.state == State.CANCELLED and shipment.next_request_at is None
    assert shipment.events.last().note == "Hồ sơ không được tiếp nhận"
    assert DossierEvent.objects.filter(dossier=dossier, action="postal_pickup_cancelled").exists()
    assert selectors.postal_orders(user=world["postal"])["pickups"] == []
    login_with_second_factor(client, world["postal"])
    page = client.get("/buu-chinh/").content.decode()
    open_part = page.split('id="closed"')[0]
    assert shipment.waybill not in open_part


def test_vnpost_pickup_is_cancelled_through_the_adapter_when_the_dossier_is_resolved(
    world, committed, fake_vnpost, settings
):
    settings.DVC_DELIVERY_CARRIER = "vnpost"
    fake_vnpost.reply({"originalID": "EB123456785VN", "status": 2})
    dossier, shipment = _pickup(world, committed)
    assert shipment.carrier == "vnpost" and shipment.waybill == "EB123456785VN"
    dossier_services.dossier_accept(dossier_id=dossier.pk, officer=world["receptionist"])
    transition(dossier_id=dossier.pk, action="start_processing", actor=world["specialist"])

    fake_vnpost.reply([{"caseId": "C1"}])
    with committed():
        transition(dossier_id=dossier.pk, action="resolve", actor=world["leader"])

    assert fake_vnpost.requests[-1].path.endswith("/customer-partner/orderCancel")
    assert fake_vnpost.requests[-1].json() == {"OriginalId": "EB123456785VN"}
    shipment.refresh_from_db()
    assert shipment.state == State.CANCELLED


def test_a_cancel_the_carrier_refuses_stays_listed_and_the_sweeper_retries(
    world, committed, fake_vnpost, settings
):
    settings.DVC_DELIVERY_CARRIER = "vnpost"
    fake_vnpost.reply({"originalID": "EB123456785VN", "status": 2})
    dossier, shipment = _pickup(world, committed)

    fake_vnpost.reply({"message": "Không hủy được"}, status=400)
    _refuse(world, dossier, committed)
    shipment.refresh_from_db()
    assert shipment.state == State.ACCEPTED
    assert "chưa hủy được đơn với bưu điện" in shipment.last_error
    assert selectors.postal_orders(user=world["postal"])["pickups"] == [shipment]

    fake_vnpost.reply([{"caseId": "C2"}])
    assert services.delivery_sweep()["closed"] == 1
    shipment.refresh_from_db()
    assert shipment.state == State.CANCELLED and shipment.last_error == ""
    assert services.delivery_sweep()["closed"] == 0


def test_originals_already_collected_are_not_cancelled(world, committed):
    dossier, shipment = _pickup(world, committed)
    services.shipment_record(shipment_id=shipment.pk, staff=world["postal"], action="picked_up")

    _refuse(world, dossier, committed)

    shipment.refresh_from_db()
    assert shipment.state == State.PICKED_UP  # the paper is in the post: it still reaches the agency


def test_result_returned_at_the_counter_cancels_the_waiting_delivery(world, committed):
    dossier = resolved_dossier(world)
    with committed():
        shipment = services.shipment_create_for_dossier(dossier_id=dossier.pk, kind=Kind.DELIVERY)
    shipment.refresh_from_db()
    assert shipment.state == State.ACCEPTED

    with committed():
        transition(dossier_id=dossier.pk, action="return_result", actor=world["receptionist"])

    shipment.refresh_from_db()
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED and shipment.state == State.CANCELLED
    assert selectors.postal_orders(user=world["postal"])["deliveries"] == []

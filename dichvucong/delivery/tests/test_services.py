"""Creating orders, the demo carrier, postal staff recording each step, and what the dossier and the
citizen see of it."""

import pytest

from dichvucong.delivery import services
from dichvucong.delivery.models import Shipment, ShipmentEvent
from dichvucong.delivery.states import Kind, State
from dichvucong.delivery.tests.conftest import resolved_dossier, snapshot, submitted_dossier
from dichvucong.dossiers.models import DossierEvent, Status
from dichvucong.notifications.models import Message

pytestmark = pytest.mark.django_db


def _order(world, committed, **kwargs):
    dossier = resolved_dossier(world, **kwargs)
    with committed():
        shipment = services.shipment_create_for_dossier(dossier_id=dossier.pk, kind=Kind.DELIVERY)
    shipment.refresh_from_db()
    return dossier, shipment


def test_a_resolved_post_dossier_gets_a_delivery_order_accepted_by_the_demo_carrier(world, committed):
    dossier, shipment = _order(world, committed)

    assert shipment.state == State.ACCEPTED and shipment.carrier == "demo"
    assert shipment.waybill.startswith("DM") and shipment.request_attempts == 1
    assert shipment.recipient_name == "Nguyễn Văn An"
    assert shipment.recipient_address.startswith("Số 12 phố Lê Lợi")
    assert shipment.sender_name == "UBND phường Hạc Thành"
    postal = DossierEvent.objects.filter(dossier=dossier, action__startswith="postal_").order_by("id")
    assert [(e.action, e.data["label"]) for e in postal] == [
        ("postal_delivery_requested", "Đăng ký phát kết quả qua bưu chính công ích"),
        ("postal_delivery_scheduled", "Bưu điện đã nhận yêu cầu phát kết quả"),
    ]
    assert postal.last().data["waybill"] == shipment.waybill
    dossier.refresh_from_db()
    assert dossier.status == Status.RESOLVED


def test_creating_again_returns_the_open_order_and_writes_nothing(world, committed):
    dossier, shipment = _order(world, committed)
    before = snapshot(dossier)

    with committed():
        again = services.shipment_create_for_dossier(dossier_id=dossier.pk, kind=Kind.DELIVERY)

    assert again.pk == shipment.pk
    assert snapshot(dossier) == before


@pytest.mark.parametrize(
    ("result_delivery", "kind", "message"),
    [
        ("counter", Kind.DELIVERY, "không đăng ký nhận kết quả qua bưu chính"),
        ("post", Kind.PICKUP, "không đăng ký bưu điện nhận bản giấy"),
        ("post", "teleport", "Loại bưu gửi không hợp lệ"),
    ],
)
def test_an_order_the_dossier_did_not_ask_for_is_refused(world, result_delivery, kind, message):
    dossier = resolved_dossier(world, result_delivery=result_delivery)
    before = snapshot(dossier)

    with pytest.raises(services.DeliveryError, match=message):
        services.shipment_create_for_dossier(dossier_id=dossier.pk, kind=kind)

    assert snapshot(dossier) == before


def test_no_delivery_before_the_result_exists(world):
    dossier = submitted_dossier(world)
    before = snapshot(dossier)

    with pytest.raises(services.DeliveryError, match="Chỉ phát kết quả khi hồ sơ đã xử lý xong"):
        services.shipment_create_for_dossier(dossier_id=dossier.pk, kind=Kind.DELIVERY)

    assert snapshot(dossier) == before


def test_home_pickup_is_scheduled_and_the_citizen_told(world, committed):
    dossier = submitted_dossier(world, home_pickup=True)

    with committed():
        shipment = services.shipment_create_for_dossier(dossier_id=dossier.pk, kind=Kind.PICKUP)
    shipment.refresh_from_db()

    assert shipment.state == State.ACCEPTED
    assert shipment.sender_name == "Nguyễn Văn An" and shipment.recipient_name == "UBND phường Hạc Thành"
    sms = Message.objects.get(event="delivery.pickup_scheduled", channel="sms")
    assert dossier.code in sms.body
    assert DossierEvent.objects.filter(dossier=dossier, action="postal_pickup_scheduled").exists()


def test_postal_staff_collect_and_hand_over_paper_originals(world, committed):
    dossier = submitted_dossier(world, home_pickup=True)
    with committed():
        shipment = services.shipment_create_for_dossier(dossier_id=dossier.pk, kind=Kind.PICKUP)

    services.shipment_record(shipment_id=shipment.pk, staff=world["postal"], action="picked_up")
    services.shipment_record(
        shipment_id=shipment.pk, staff=world["postal"], action="delivered", recipient_name="Trần Thị Bình"
    )

    shipment.refresh_from_db()
    dossier.refresh_from_db()
    assert shipment.state == State.DELIVERED and shipment.delivered_to == "Trần Thị Bình"
    assert dossier.status == Status.SUBMITTED  # a pickup never returns a result
    actions = list(DossierEvent.objects.filter(dossier=dossier).values_list("action", flat=True))
    assert actions[-2:] == ["postal_picked_up", "postal_originals_delivered"]


def test_postal_staff_deliver_the_result_and_the_dossier_is_returned(world, committed):
    dossier, shipment = _order(world, committed)
    postal = world["postal"]

    services.shipment_record(shipment_id=shipment.pk, staff=postal, action="out_for_delivery")
    services.shipment_record(
        shipment_id=shipment.pk,
        staff=postal,
        action="delivered",
        recipient_name="Nguyễn Văn An",
        id_checked=True,
    )

    shipment.refresh_from_db()
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED
    assert shipment.state == State.DELIVERED and shipment.id_checked and shipment.delivery_attempts == 1
    returned = DossierEvent.objects.get(dossier=dossier, action="return_result")
    assert returned.actor == postal and returned.actor_role == "postal"
    assert returned.data["waybill"] == shipment.waybill and returned.data["delivered_to"] == "Nguyễn Văn An"
    assert returned.data["id_checked"] is True
    events = list(Message.objects.filter(channel="sms").values_list("event", flat=True))
    assert "delivery.out_for_delivery" in events and "delivery.delivered" in events
    assert [e.state for e in ShipmentEvent.objects.filter(shipment=shipment)] == [
        State.CREATED,
        State.ACCEPTED,
        State.OUT_FOR_DELIVERY,
        State.DELIVERED,
    ]


def test_failed_attempt_then_a_new_attempt_then_return_to_sender(world, committed):
    dossier, shipment = _order(world, committed)
    postal = world["postal"]

    services.shipment_record(shipment_id=shipment.pk, staff=postal, action="out_for_delivery")
    services.shipment_record(
        shipment_id=shipment.pk, staff=postal, action="failed", reason="Không có người ở nhà"
    )
    services.shipment_record(shipment_id=shipment.pk, staff=postal, action="out_for_delivery")
    services.shipment_record(shipment_id=shipment.pk, staff=postal, action="failed", reason="Sai địa chỉ")
    services.shipment_record(
        shipment_id=shipment.pk, staff=postal, action="returned", reason="Hết số lần phát"
    )

    shipment.refresh_from_db()
    dossier.refresh_from_db()
    assert shipment.state == State.RETURNED and shipment.delivery_attempts == 2
    assert shipment.failure_reason == "Hết số lần phát"
    assert dossier.status == Status.RESOLVED  # the citizen can still collect at the counter
    assert Message.objects.filter(event="delivery.failed", channel="sms").count() == 2
    assert DossierEvent.objects.filter(dossier=dossier, action="postal_returned_to_sender").exists()
    # A returned order no longer blocks a new one.
    again = services.shipment_create_for_dossier(dossier_id=dossier.pk, kind=Kind.DELIVERY)
    assert again.pk != shipment.pk and again.reference.endswith("-T2")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"action": "delivered", "recipient_name": ""}, "họ tên người ký nhận"),
        ({"action": "delivered", "recipient_name": "An", "id_checked": False}, "kiểm tra giấy tờ tùy thân"),
        ({"action": "failed", "reason": "  "}, "Nhập lý do"),
        ({"action": "teleport"}, "Thao tác không hợp lệ"),
        ({"action": "picked_up", "expected_state": "created"}, "vừa được cập nhật"),
    ],
)
def test_bad_staff_input_is_refused_and_changes_nothing(world, committed, kwargs, message):
    dossier, shipment = _order(world, committed)
    before = snapshot(dossier)

    with pytest.raises(services.DeliveryError, match=message):
        services.shipment_record(shipment_id=shipment.pk, staff=world["postal"], **kwargs)

    assert snapshot(dossier) == before


def test_a_step_the_state_does_not_allow_is_refused(world, committed):
    dossier, shipment = _order(world, committed)
    services.shipment_record(shipment_id=shipment.pk, staff=world["postal"], action="out_for_delivery")
    before = snapshot(dossier)

    with pytest.raises(services.DeliveryError) as refused:
        services.shipment_record(shipment_id=shipment.pk, staff=world["postal"], action="picked_up")

    assert refused.value.code == "illegal"
    assert snapshot(dossier) == before


@pytest.mark.parametrize("who", ["other_postal", "receptionist", "citizen"])
def test_only_postal_staff_of_the_dossiers_agency_record_steps(world, committed, who):
    dossier, shipment = _order(world, committed)
    before = snapshot(dossier)

    with pytest.raises(services.DeliveryError) as refused:
        services.shipment_record(
            shipment_id=shipment.pk, staff=world[who], action="delivered", recipient_name="X", id_checked=True
        )

    assert refused.value.code == "forbidden"
    assert snapshot(dossier) == before


def test_cancel_before_pickup_only(world, committed):
    dossier, shipment = _order(world, committed)

    services.shipment_cancel(
        shipment_id=shipment.pk, staff=world["postal"], reason="Công dân đến nhận tại quầy"
    )

    shipment.refresh_from_db()
    assert shipment.state == State.CANCELLED
    assert DossierEvent.objects.filter(dossier=dossier, action="postal_delivery_cancelled").exists()
    before = snapshot(dossier)
    with pytest.raises(services.DeliveryError):
        services.shipment_cancel(shipment_id=shipment.pk, staff=world["postal"], reason="lần nữa")
    assert snapshot(dossier) == before


def test_simulation_is_for_demo_mode_and_the_demo_carrier(world, committed, settings):
    dossier, shipment = _order(world, committed)
    settings.DVC_DEMO_MODE = False
    before = snapshot(dossier)
    with pytest.raises(services.DeliveryError):
        services.shipment_simulate(shipment_id=shipment.pk, staff=world["postal"], state=State.DELIVERED)
    assert snapshot(dossier) == before

    settings.DVC_DEMO_MODE = True
    services.shipment_simulate(shipment_id=shipment.pk, staff=world["postal"], state=State.DELIVERED)

    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED
    assert DossierEvent.objects.get(dossier=dossier, action="return_result").actor is None


def test_the_order_stays_unique_per_dossier_and_kind_in_the_database(world, committed):
    from django.db import IntegrityError, transaction

    dossier, shipment = _order(world, committed)
    with pytest.raises(IntegrityError), transaction.atomic():
        Shipment.objects.create(
            dossier=dossier,
            kind=Kind.DELIVERY,
            carrier="demo",
            reference="x-1",
            sender_name="a",
            sender_address="b",
            recipient_name="c",
            recipient_address="d",
        )


def test_a_photo_of_the_signature_is_kept_as_proof(world, committed):
    from dichvucong.documents.tests import files

    dossier, shipment = _order(world, committed)

    services.shipment_record(
        shipment_id=shipment.pk,
        staff=world["postal"],
        action="delivered",
        recipient_name="Nguyễn Văn An",
        id_checked=True,
        proof=files.upload(files.PNG, "chu-ky.png"),
    )

    shipment.refresh_from_db()
    assert shipment.proof_document.owner == world["postal"]
    assert shipment.proof_document.title == f"Bằng chứng phát {shipment.waybill}"


def test_a_proof_that_is_not_an_image_is_refused_and_changes_nothing(world, committed):
    from dichvucong.documents.tests import files

    dossier, shipment = _order(world, committed)
    before = snapshot(dossier)

    with pytest.raises(services.DeliveryError) as refused:
        services.shipment_record(
            shipment_id=shipment.pk,
            staff=world["postal"],
            action="delivered",
            recipient_name="Nguyễn Văn An",
            id_checked=True,
            proof=files.upload(files.SVG, "chu-ky.png", "image/png"),
        )

    assert refused.value.field == "proof"
    assert snapshot(dossier) == before

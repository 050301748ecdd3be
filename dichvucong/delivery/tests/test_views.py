"""Postal staff pages: access, the order list (query count pinned), recording steps with plain forms, CSRF,
and the citizen's fragment."""

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse

from conftest import login_with_second_factor
from dichvucong.delivery import services
from dichvucong.delivery.states import Kind, State
from dichvucong.delivery.tests.conftest import resolved_dossier, snapshot, submitted_dossier
from dichvucong.dossiers.models import Status

pytestmark = pytest.mark.django_db
ORDERS = reverse("delivery:orders")


def order(world, committed, tag=""):
    dossier = resolved_dossier(world, tag=tag)
    with committed():
        shipment = services.shipment_create_for_dossier(dossier_id=dossier.pk, kind=Kind.DELIVERY)
    shipment.refresh_from_db()
    return dossier, shipment


def test_postal_pages_need_the_second_factor_and_the_postal_role(world):
    client = Client()
    client.force_login(world["postal"])
    assert client.get(ORDERS).status_code == 302  # no second factor: sign in again

    receptionist = login_with_second_factor(Client(), world["receptionist"])
    assert receptionist.get(ORDERS).status_code == 403

    postal = login_with_second_factor(Client(), world["postal"])
    assert postal.get(ORDERS).status_code == 200


def test_the_order_list_shows_the_work_in_a_fixed_number_of_queries(
    world, committed, django_assert_num_queries
):
    client = login_with_second_factor(Client(), world["postal"])
    _dossier, first = order(world, committed, tag="1")
    client.get(ORDERS)  # warm the session and the template cache

    with django_assert_num_queries(10) as first_count:
        response = client.get(ORDERS)
    assert first.waybill in response.content.decode()

    for n in range(2, 5):
        order(world, committed, tag=str(n))
    with committed():
        pickup = services.shipment_create_for_dossier(
            dossier_id=submitted_dossier(world, home_pickup=True, tag="p").pk, kind=Kind.PICKUP
        )
    with django_assert_num_queries(len(first_count.captured_queries)):
        response = client.get(ORDERS)
    body = response.content.decode()
    assert "Cần phát kết quả (4)" in body and "Cần đi nhận hồ sơ giấy (1)" in body
    pickup.refresh_from_db()
    assert pickup.waybill in body


def test_other_agencies_orders_are_not_shown_or_reachable(world, committed):
    _dossier, shipment = order(world, committed)
    client = login_with_second_factor(Client(), world["other_postal"])

    assert shipment.waybill not in client.get(ORDERS).content.decode()
    detail = reverse("delivery:order_detail", args=[shipment.public_id])
    assert client.get(detail).status_code == 404
    assert client.post(detail, {"action": "out_for_delivery"}).status_code == 404
    shipment.refresh_from_db()
    assert shipment.state == State.ACCEPTED


def test_postal_staff_record_delivery_with_the_forms(world, committed):
    dossier, shipment = order(world, committed)
    client = login_with_second_factor(Client(), world["postal"])
    detail = reverse("delivery:order_detail", args=[shipment.public_id])

    page = client.get(detail).content.decode()
    assert "Bắt đầu phát kết quả" in page and "Ghi nhận đã phát kết quả" in page

    response = client.post(detail, {"action": "out_for_delivery", "state": "accepted"})
    assert response.status_code == 302

    before = snapshot(dossier)
    response = client.post(
        detail, {"action": "delivered", "recipient_name": "Nguyễn Văn An", "state": "out_for_delivery"}
    )
    assert response.status_code == 200 and "kiểm tra giấy tờ tùy thân" in response.content.decode()
    assert snapshot(dossier) == before

    response = client.post(
        detail,
        {
            "action": "delivered",
            "recipient_name": "Nguyễn Văn An",
            "id_checked": "on",
            "state": "out_for_delivery",
        },
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED
    page = client.get(detail).content.decode()
    assert "Đã phát thành công" in page and "Nguyễn Văn An" in page


def test_a_stale_form_is_refused_with_a_message(world, committed):
    dossier, shipment = order(world, committed)
    client = login_with_second_factor(Client(), world["postal"])
    detail = reverse("delivery:order_detail", args=[shipment.public_id])
    client.post(detail, {"action": "out_for_delivery", "state": "accepted"})
    before = snapshot(dossier)

    response = client.post(detail, {"action": "picked_up", "state": "accepted"}, follow=True)

    assert "vừa được cập nhật" in response.content.decode()
    assert snapshot(dossier) == before


def test_forms_need_the_csrf_token(world, committed):
    dossier, shipment = order(world, committed)
    client = login_with_second_factor(Client(enforce_csrf_checks=True), world["postal"])
    before = snapshot(dossier)

    response = client.post(
        reverse("delivery:order_detail", args=[shipment.public_id]), {"action": "out_for_delivery"}
    )

    assert response.status_code == 403
    assert snapshot(dossier) == before


def test_the_simulate_panel_shows_only_in_demo_mode(world, committed, settings):
    _dossier, shipment = order(world, committed)
    client = login_with_second_factor(Client(), world["postal"])
    detail = reverse("delivery:order_detail", args=[shipment.public_id])
    settings.DVC_DEMO_MODE = True
    assert "Mô phỏng" in client.get(detail).content.decode()
    settings.DVC_DEMO_MODE = False
    page = client.get(detail).content.decode()
    assert "Mô phỏng" not in page
    assert "Bưu điện (thử nghiệm, không gửi đơn thật)" in page  # an old demo order still shows its carrier


def test_the_citizen_fragment_masks_the_waybill_and_names_on_public_tracking(world, committed):
    dossier, shipment = order(world, committed)
    services.shipment_record(
        shipment_id=shipment.pk,
        staff=world["postal"],
        action="delivered",
        recipient_name="Nguyễn Văn An",
        id_checked=True,
    )
    template = Template("{% load delivery %}{% dossier_shipments dossier public=public %}")

    own = template.render(Context({"dossier": dossier, "public": False}))
    public = template.render(Context({"dossier": dossier, "public": True}))

    assert shipment.waybill in own and "Nguyễn Văn An" in own and "Số 12 phố Lê Lợi" in own
    assert shipment.waybill not in public and "Nguyễn Văn An" not in public and "Lê Lợi" not in public
    assert "N*** V*** An" in public and shipment.waybill[-4:] in public
    assert "Đã phát thành công" in public

"""The national postal carrier's adapter against a local HTTP server: the exact request, the answers read,
retries after errors and timeouts, polling, cancel. Nothing leaves 127.0.0.1."""

import datetime

import pytest
from django.utils import timezone

from dichvucong.core.http import JsonResponse
from dichvucong.delivery import services
from dichvucong.delivery.carriers.base import OrderRequest, Party
from dichvucong.delivery.carriers.vnpost import (
    VnpostCarrier,
    VnpostConfig,
    build_create_order,
    parse_time,
    read_create_answer,
)
from dichvucong.delivery.models import Shipment
from dichvucong.delivery.states import Kind, State
from dichvucong.delivery.tests.conftest import resolved_dossier
from dichvucong.dossiers.models import Status

ORDER = OrderRequest(
    reference="000.00.31.H56-261122-0001-T1",
    kind="delivery",
    sender=Party("UBND phường Hạc Thành", "0237 3850 000", "Số 1 Hạc Thành"),
    recipient=Party("Nguyễn Văn An", "+84912345678", "Số 12 phố Lê Lợi"),
    dossier_code="000.00.31.H56-261122-0001",
    content="Kết quả giải quyết hồ sơ 000.00.31.H56-261122-0001",
    cod_amount=8000,
)


def test_create_order_body_is_the_myvnpost_json():
    config = VnpostConfig(token="t", service_code="DVC01", cod_addon="GTG021")

    body = build_create_order(config=config, order=ORDER)

    assert body["orderCreationStatus"] == 1 and body["type"] == "GUI"
    info = body["informationOrder"]
    assert (info["senderName"], info["receiverName"], info["receiverPhone"]) == (
        "UBND phường Hạc Thành",
        "Nguyễn Văn An",
        "+84912345678",
    )
    assert info["saleOrderCode"] == ORDER.reference and info["serviceCode"] == "DVC01"
    assert info["addonService"] == [{"code": "GTG021", "propValue": "8000"}]
    assert "addonService" in build_create_order(config=VnpostConfig(), order=ORDER)["informationOrder"]
    assert build_create_order(config=VnpostConfig(), order=ORDER)["informationOrder"]["addonService"] == []


@pytest.mark.parametrize(
    ("status", "data", "expected"),
    [
        (200, {"originalID": "EB1", "totalFee": 22000, "status": 1}, ("ok", "EB1", State.REQUESTED)),
        (200, {"data": {"originalID": "EB2", "status": "2"}}, ("ok", "EB2", State.ACCEPTED)),
        (200, [{"OriginalId": "EB3"}], ("ok", "EB3", State.REQUESTED)),
        (200, {"message": "Sai mã dịch vụ"}, ("permanent", "", "")),
        (200, None, ("permanent", "", "")),
        (400, {"message": "Bad request"}, ("permanent", "", "")),
        (401, {"message": "Token expired"}, ("retry", "", "")),
        (429, None, ("retry", "", "")),
        (503, None, ("retry", "", "")),
    ],
)
def test_create_answers_are_read(status, data, expected):
    result = read_create_answer(config=VnpostConfig(), response=JsonResponse(status, data, str(data)))

    kind = "ok" if result.accepted else ("retry" if result.retryable else "permanent")
    assert (kind, result.waybill, result.state) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-03-09T10:00:00+07:00", "2026-03-09T03:00:00+00:00"),
        ("2026-03-09T10:00:00", "2026-03-09T03:00:00+00:00"),
        ("09/03/2026 10:00:00", "2026-03-09T03:00:00+00:00"),
        ("20260309100000", "2026-03-09T03:00:00+00:00"),
        ("hôm qua", None),
        ("", None),
    ],
)
def test_carrier_times_are_read_as_vietnam_time(raw, expected):
    value = parse_time(raw)
    assert (value.astimezone(datetime.UTC).isoformat() if value else None) == expected


def test_create_order_over_http_sends_the_token_and_reads_the_waybill(fake_vnpost):
    fake_vnpost.reply({"originalID": "EB123456785VN", "status": 1, "totalFee": 22000})

    result = VnpostCarrier().create_order(ORDER)

    assert result.accepted and result.waybill == "EB123456785VN"
    (request,) = fake_vnpost.requests
    assert request.path == "/MYVNP_API/customer-partner/CreateOrder"
    assert request.headers["token"] == "token-thu"
    assert request.json()["informationOrder"]["receiverName"] == "Nguyễn Văn An"


def test_a_timeout_or_a_closed_port_is_retryable(fake_vnpost, settings):
    fake_vnpost.reply({"originalID": "late"}, delay=1.5)
    assert VnpostCarrier().create_order(ORDER).retryable

    settings.DVC_VNPOST_BASE_URL = "http://127.0.0.1:9/MYVNP_API"
    result = VnpostCarrier().create_order(ORDER)
    assert not result.accepted and result.retryable


def test_the_order_goes_to_the_carrier_after_commit_and_is_retried_after_an_error(
    world, fake_vnpost, committed
):
    dossier = resolved_dossier(world)
    fake_vnpost.reply({"message": "Hệ thống bận"}, status=503)

    with committed():
        shipment = services.shipment_create_for_dossier(
            dossier_id=dossier.pk, kind=Kind.DELIVERY, carrier="vnpost"
        )
    shipment.refresh_from_db()

    assert shipment.state == State.CREATED and not shipment.waybill
    assert shipment.request_attempts == 1 and "HTTP 503" in shipment.last_error
    assert shipment.next_request_at > timezone.now()
    assert services.delivery_sweep()["requested"] == 0  # not due yet
    assert len(fake_vnpost.requests) == 1

    Shipment.objects.filter(pk=shipment.pk).update(
        next_request_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    fake_vnpost.reply({"originalID": "EB123456785VN", "status": 2})
    counts = services.delivery_sweep()

    shipment.refresh_from_db()
    assert counts["requested"] == 1
    assert (
        shipment.state == State.ACCEPTED and shipment.waybill == "EB123456785VN" and shipment.last_error == ""
    )
    assert [r.json()["informationOrder"]["saleOrderCode"] for r in fake_vnpost.requests] == [
        shipment.reference
    ] * 2


def test_an_order_the_carrier_refuses_is_given_up_and_can_be_sent_again(world, fake_vnpost, committed):
    dossier = resolved_dossier(world)
    fake_vnpost.reply({"message": "Địa chỉ không hợp lệ"}, status=400)
    with committed():
        shipment = services.shipment_create_for_dossier(
            dossier_id=dossier.pk, kind=Kind.DELIVERY, carrier="vnpost"
        )
    shipment.refresh_from_db()
    assert shipment.next_request_at is None and "Không gửi được đơn" in shipment.last_error
    assert services.delivery_sweep()["requested"] == 0

    fake_vnpost.reply({"originalID": "EB123456785VN"})
    with committed():
        services.shipment_retry_request(shipment_id=shipment.pk, staff=world["postal"])

    shipment.refresh_from_db()
    assert shipment.waybill == "EB123456785VN" and shipment.state == State.REQUESTED


def test_polling_applies_the_carriers_status(world, fake_vnpost, committed, settings):
    settings.DVC_VNPOST_TRACKING_PATH = "/customer-partner/GetOrderTracking"
    dossier = resolved_dossier(world)
    fake_vnpost.reply({"originalID": "EB123456785VN", "status": 2})
    with committed():
        shipment = services.shipment_create_for_dossier(
            dossier_id=dossier.pk, kind=Kind.DELIVERY, carrier="vnpost"
        )
    fake_vnpost.reply(
        {
            "data": [
                {"status": 12, "statusDate": "09/03/2026 08:00:00"},
                {"status": 14, "statusDate": "09/03/2026 10:30:00", "receiverName": "Nguyễn Văn An"},
            ]
        }
    )

    counts = services.delivery_sweep()

    assert counts["polled"] == 1
    assert fake_vnpost.requests[-1].json() == {"OriginalId": "EB123456785VN"}
    shipment.refresh_from_db()
    dossier.refresh_from_db()
    assert shipment.state == State.DELIVERED and shipment.delivered_to == "Nguyễn Văn An"
    assert dossier.status == Status.RETURNED
    assert services.delivery_sweep()["polled"] == 0  # polled recently, and final now


def test_cancel_calls_the_carrier(world, fake_vnpost, committed):
    dossier = resolved_dossier(world)
    fake_vnpost.reply({"originalID": "EB123456785VN", "status": 2})
    with committed():
        shipment = services.shipment_create_for_dossier(
            dossier_id=dossier.pk, kind=Kind.DELIVERY, carrier="vnpost"
        )
    fake_vnpost.reply({"message": "Không hủy được"}, status=400)
    with pytest.raises(services.DeliveryError, match="Bưu điện chưa hủy đơn"):
        services.shipment_cancel(shipment_id=shipment.pk, staff=world["postal"], reason="Công dân đổi ý")
    shipment.refresh_from_db()
    assert shipment.state == State.ACCEPTED

    fake_vnpost.reply([{"caseId": "C1"}])
    services.shipment_cancel(shipment_id=shipment.pk, staff=world["postal"], reason="Công dân đổi ý")

    shipment.refresh_from_db()
    assert shipment.state == State.CANCELLED
    assert fake_vnpost.requests[-1].path.endswith("/customer-partner/orderCancel")
    assert fake_vnpost.requests[-1].json() == {"OriginalId": "EB123456785VN"}

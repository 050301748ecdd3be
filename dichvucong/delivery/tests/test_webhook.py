"""The carrier webhook: a verified "delivered" returns the result; bad signatures, replays, unknown waybills
and reports out of order are refused or ignored, logged, and change nothing they should not."""

import json
import time

import pytest
from django.test import Client
from django.urls import path
from ninja import NinjaAPI

from config import urls as site_urls
from dichvucong.delivery import services
from dichvucong.delivery.api import router
from dichvucong.delivery.models import Shipment, WebhookLog
from dichvucong.delivery.states import Kind, State
from dichvucong.delivery.tests.conftest import resolved_dossier, signed_headers, snapshot, submitted_dossier
from dichvucong.dossiers.models import DossierEvent, Status

api = NinjaAPI(title="delivery-webhook-test", urls_namespace="delivery-webhook-test", docs_url=None)
api.add_router("/", router)
urlpatterns = [path("api/v1/", api.urls), *site_urls.urlpatterns]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]
URL = "/api/v1/delivery/webhooks/vnpost"
WAYBILL = "EB123456785VN"


def vnpost_order(world, *, kind=Kind.DELIVERY, waybill=WAYBILL, state=State.ACCEPTED):
    """An order with the national carrier, as if CreateOrder had answered (no commit: no carrier call)."""
    is_delivery = kind == Kind.DELIVERY
    dossier = resolved_dossier(world) if is_delivery else submitted_dossier(world, home_pickup=True)
    shipment = services.shipment_create_for_dossier(dossier_id=dossier.pk, kind=kind, carrier="vnpost")
    Shipment.objects.filter(pk=shipment.pk).update(waybill=waybill, state=state, next_request_at=None)
    return dossier, Shipment.objects.get(pk=shipment.pk)


def post(body, *, headers=None, sign=True, **sign_kwargs) -> tuple:
    raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    extra = signed_headers(raw, **sign_kwargs) if sign else {}
    extra.update(headers or {})
    response = Client().post(URL, data=raw, content_type="application/json", **extra)
    return response, response.json() if response.content else None


def report(status, *, waybill=WAYBILL, at="2026-03-09T10:00:00+07:00", **more):
    return {"originalID": waybill, "status": status, "time": at, **more}


def test_a_signed_delivered_report_returns_the_result_with_proof(world, vnpost_settings):
    dossier, shipment = vnpost_order(world)

    response, data = post(report("14", receiverName="Nguyễn Văn An", eventId="ev-1"))

    assert response.status_code == 200, data
    assert data == {"result": "applied", "reports": [{"waybill": WAYBILL, "result": "applied"}]}
    shipment.refresh_from_db()
    dossier.refresh_from_db()
    assert shipment.state == State.DELIVERED and shipment.delivered_to == "Nguyễn Văn An"
    assert shipment.carrier_status == "14"
    assert dossier.status == Status.RETURNED
    returned = DossierEvent.objects.get(dossier=dossier, action="return_result")
    assert returned.actor is None and returned.actor_role == "system"
    assert returned.data["delivered_to"] == "Nguyễn Văn An"
    log = WebhookLog.objects.get()
    assert (log.verified, log.outcome, log.http_status, log.shipment_id) == (
        True,
        "applied",
        200,
        shipment.pk,
    )
    assert log.waybill == WAYBILL and "x-vnpost-signature" in {k.lower() for k in log.headers}


def test_a_replay_is_answered_duplicate_and_changes_nothing(world, vnpost_settings):
    dossier, _shipment = vnpost_order(world)
    body = report("14", receiverName="Nguyễn Văn An")
    post(body)
    before = snapshot(dossier)

    response, data = post(body)

    assert response.status_code == 200 and data["result"] == "duplicate"
    assert snapshot(dossier) == before
    assert DossierEvent.objects.filter(dossier=dossier, action="return_result").count() == 1
    assert list(WebhookLog.objects.values_list("outcome", flat=True).order_by("id")) == [
        "applied",
        "duplicate",
    ]


@pytest.mark.parametrize(
    "case",
    ["missing", "wrong_secret", "tampered", "expired", "future", "no_timestamp", "garbage"],
)
def test_a_bad_signature_is_refused_logged_and_changes_nothing(world, vnpost_settings, case):
    dossier, shipment = vnpost_order(world)
    before = snapshot(dossier)
    body = json.dumps(report("14", receiverName="Kẻ giả mạo"), ensure_ascii=False).encode()
    now = int(time.time())
    headers = {
        "missing": {},
        "wrong_secret": signed_headers(body, secret="khoa-khac"),
        "tampered": signed_headers(body.replace(b'"14"', b'"12"')),
        "expired": signed_headers(body, timestamp=now - 3600),
        "future": signed_headers(body, timestamp=now + 3600),
        "no_timestamp": {"HTTP_X_VNPOST_SIGNATURE": signed_headers(body)["HTTP_X_VNPOST_SIGNATURE"]},
        "garbage": {"HTTP_X_VNPOST_SIGNATURE": "không-phải-hex", "HTTP_X_VNPOST_TIMESTAMP": str(now)},
    }[case]

    response, data = post(body, headers=headers, sign=False)

    assert response.status_code == 401
    assert snapshot(dossier) == before
    log = WebhookLog.objects.get()
    assert (log.verified, log.outcome, log.http_status, log.shipment_id) == (
        False,
        "bad_signature",
        401,
        None,
    )
    assert "Kẻ giả mạo" in log.body


def test_without_a_configured_secret_every_call_is_refused(world, settings):
    settings.DVC_VNPOST_WEBHOOK_SECRET = ""
    dossier, _shipment = vnpost_order(world)
    before = snapshot(dossier)

    response, _data = post(report("14"), secret="")

    assert response.status_code == 401
    assert snapshot(dossier) == before


def test_an_unknown_waybill_is_logged_and_ignored(world, vnpost_settings):
    dossier, _shipment = vnpost_order(world)
    before = snapshot(dossier)

    response, data = post(report("14", waybill="EE000000000VN"))

    assert response.status_code == 200
    assert data == {"result": "ignored", "reports": [{"waybill": "EE000000000VN", "result": "ignored"}]}
    assert snapshot(dossier) == before
    assert WebhookLog.objects.get().outcome == "unknown_waybill"


def test_a_waybill_of_another_carrier_is_unknown_to_this_one(world, vnpost_settings, committed):
    dossier = resolved_dossier(world)
    with committed():
        demo = services.shipment_create_for_dossier(dossier_id=dossier.pk, kind=Kind.DELIVERY)
    demo.refresh_from_db()
    before = snapshot(dossier)

    response, data = post(report("14", waybill=demo.waybill))

    assert response.status_code == 200 and data["result"] == "ignored"
    assert snapshot(dossier) == before


def test_reports_out_of_order_never_move_a_shipment_backwards(world, vnpost_settings):
    dossier, shipment = vnpost_order(world)
    post(report("12", at="2026-03-09T09:00:00+07:00"))  # delivering
    post(report("14", at="2026-03-09T10:00:00+07:00"))  # delivered
    before = snapshot(dossier)

    response, data = post(report("10", at="2026-03-09T08:00:00+07:00"))  # in transit, arriving late

    assert response.status_code == 200 and data["result"] == "stale"
    shipment.refresh_from_db()
    assert shipment.state == State.DELIVERED
    after = snapshot(dossier)
    assert after[:3] == before[:3] and after[4] == before[4]
    assert after[3] == before[3] + 1  # the late report is kept in the history, not applied
    assert not shipment.events.order_by("-id").first().applied


def test_a_failed_attempt_then_a_newer_attempt_then_delivered(world, vnpost_settings):
    dossier, shipment = vnpost_order(world)
    for code, hour in (("12", 8), ("15", 9), ("12", 13), ("14", 14)):
        response, _ = post(report(code, at=f"2026-03-09T{hour:02d}:00:00+07:00", reason="Vắng nhà"))
        assert response.status_code == 200

    shipment.refresh_from_db()
    dossier.refresh_from_db()
    assert shipment.state == State.DELIVERED and shipment.delivery_attempts == 2
    assert dossier.status == Status.RETURNED


def test_delivered_for_a_pickup_does_not_return_the_result(world, vnpost_settings):
    dossier, shipment = vnpost_order(world, kind=Kind.PICKUP)

    response, _ = post(report("14"))

    assert response.status_code == 200
    shipment.refresh_from_db()
    dossier.refresh_from_db()
    assert shipment.state == State.DELIVERED and dossier.status == Status.SUBMITTED
    assert DossierEvent.objects.filter(dossier=dossier, action="postal_originals_delivered").exists()


def test_delivered_when_the_result_was_already_returned_at_the_counter(world, vnpost_settings):
    from dichvucong.dossiers.workflow import transition

    dossier, shipment = vnpost_order(world)
    transition(dossier_id=dossier.pk, action="return_result", actor=world["receptionist"])

    response, _ = post(report("14"))

    assert response.status_code == 200
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED
    assert DossierEvent.objects.filter(dossier=dossier, action="return_result").count() == 1
    assert "Không thể" in WebhookLog.objects.get().detail


@pytest.mark.parametrize(
    ("body", "status", "outcome"),
    [
        (b"{not json", 400, "invalid"),
        (json.dumps({"hello": "world"}).encode(), 400, "invalid"),
        (json.dumps(report("999")).encode(), 400, "invalid"),  # a status code we do not know
    ],
)
def test_signed_but_unreadable_bodies_are_refused(world, vnpost_settings, body, status, outcome):
    dossier, _shipment = vnpost_order(world)
    before = snapshot(dossier)

    response, _ = post(body)

    assert response.status_code == status
    assert snapshot(dossier) == before
    log = WebhookLog.objects.get()
    assert (log.verified, log.outcome) == (True, outcome)


@pytest.mark.parametrize("carrier", ["demo", "khong-co", "x" * 200])
def test_carriers_without_webhooks_are_not_found(world, vnpost_settings, carrier):
    body = json.dumps(report("14")).encode()

    response = Client().post(
        f"/api/v1/delivery/webhooks/{carrier}",
        data=body,
        content_type="application/json",
        **signed_headers(body),
    )

    assert response.status_code == 404
    assert WebhookLog.objects.get().outcome == "unknown_carrier"


def test_a_large_body_is_refused(world, vnpost_settings, settings):
    settings.DVC_DELIVERY_WEBHOOK_MAX_BYTES = 1000
    dossier, _shipment = vnpost_order(world)
    before = snapshot(dossier)

    response, _ = post(report("14", note="x" * 2000))

    assert response.status_code == 413
    assert snapshot(dossier) == before


def test_several_reports_in_one_call(world, vnpost_settings):
    dossier, shipment = vnpost_order(world)

    response, data = post(
        {"data": [report("12", at="2026-03-09T09:00:00"), report("14", waybill="EE000000000VN")]}
    )

    assert response.status_code == 200
    assert data["reports"] == [
        {"waybill": WAYBILL, "result": "applied"},
        {"waybill": "EE000000000VN", "result": "ignored"},
    ]
    shipment.refresh_from_db()
    assert shipment.state == State.OUT_FOR_DELIVERY
    assert shipment.state_at.isoformat() == "2026-03-09T02:00:00+00:00"  # Vietnam time when no offset

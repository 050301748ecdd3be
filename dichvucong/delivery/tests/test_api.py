"""The shipments API: who sees a dossier's shipments, postal staff's list and actions (second factor)."""

import pytest
from django.test import Client
from django.urls import path
from ninja import NinjaAPI

from config import urls as site_urls
from conftest import login_with_second_factor
from dichvucong.accounts.services import api_token_create
from dichvucong.delivery import services
from dichvucong.delivery.api import router
from dichvucong.delivery.states import Kind
from dichvucong.delivery.tests.conftest import resolved_dossier, snapshot
from dichvucong.dossiers.models import Status

api = NinjaAPI(title="delivery-test", urls_namespace="delivery-api-test", docs_url=None)
api.add_router("/", router)
urlpatterns = [path("api/v1/", api.urls), *site_urls.urlpatterns]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]
JSON = "application/json"


def bearer(user) -> dict:
    _token, key = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def ordered(world, committed):
    dossier = resolved_dossier(world)
    with committed():
        shipment = services.shipment_create_for_dossier(dossier_id=dossier.pk, kind=Kind.DELIVERY)
    shipment.refresh_from_db()
    return dossier, shipment


def test_the_applicant_and_agency_staff_see_a_dossiers_shipments_others_get_404(world, ordered):
    dossier, shipment = ordered
    url = f"/api/v1/dossiers/{dossier.public_id}/shipments"

    mine = Client().get(url, **bearer(world["citizen"]))
    assert mine.status_code == 200
    (row,) = mine.json()
    assert row["waybill"] == shipment.waybill and row["state"] == "accepted"
    assert row["state_label"] == "Bưu điện đã nhận yêu cầu" and row["kind_label"] == "Phát kết quả tại nhà"
    assert Client().get(url, **bearer(world["postal"])).status_code == 200
    assert Client().get(url, **bearer(world["receptionist"])).status_code == 200
    for who in ("stranger", "other_postal", "outsider"):
        assert Client().get(url, **bearer(world[who])).status_code == 404, who
    assert Client().get(url).status_code == 401


def test_postal_routes_need_the_second_factor_and_the_role(world, ordered):
    client = Client()
    client.force_login(world["postal"])  # a session without the second factor
    assert client.get("/api/v1/delivery/shipments").status_code == 403
    assert Client().get("/api/v1/delivery/shipments", **bearer(world["receptionist"])).status_code == 403

    response = login_with_second_factor(Client(), world["postal"]).get("/api/v1/delivery/shipments")
    assert response.status_code == 200 and response.json()["count"] == 1
    other = Client().get("/api/v1/delivery/shipments", **bearer(world["other_postal"]))
    assert other.status_code == 200 and other.json()["count"] == 0


def test_postal_action_over_the_api(world, ordered):
    dossier, shipment = ordered
    auth = bearer(world["postal"])
    url = f"/api/v1/delivery/shipments/{shipment.public_id}/actions"

    response = Client().post(url, {"action": "out_for_delivery"}, content_type=JSON, **auth)
    assert response.status_code == 200 and response.json()["state"] == "out_for_delivery"
    assert sorted(response.json()["actions"]) == ["delivered", "failed", "returned"]

    before = snapshot(dossier)
    missing = Client().post(url, {"action": "delivered"}, content_type=JSON, **auth)
    assert missing.status_code == 422 and missing.json()["field"] == "recipient_name"
    illegal = Client().post(url, {"action": "picked_up"}, content_type=JSON, **auth)
    assert illegal.status_code == 409 and illegal.json()["code"] == "illegal"
    stale = Client().post(
        url, {"action": "failed", "reason": "x", "expected_state": "accepted"}, content_type=JSON, **auth
    )
    assert stale.status_code == 409 and stale.json()["code"] == "stale"
    bad = Client().post(url, {"action": "teleport"}, content_type=JSON, **auth)
    assert bad.status_code == 422
    foreign = Client().post(
        url, {"action": "failed", "reason": "x"}, content_type=JSON, **bearer(world["other_postal"])
    )
    assert foreign.status_code == 404
    assert snapshot(dossier) == before

    done = Client().post(
        url,
        {"action": "delivered", "recipient_name": "Nguyễn Văn An", "id_checked": True},
        content_type=JSON,
        **auth,
    )
    assert done.status_code == 200 and done.json()["state"] == "delivered"
    assert [e["state"] for e in done.json()["events"]][-1] == "delivered"
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED


def test_the_webhook_is_documented_with_its_errors():
    schema = api.get_openapi_schema()
    webhook = schema["paths"]["/api/v1/delivery/webhooks/{carrier}"]["post"]
    assert set(webhook["responses"]) >= {200, 400, 401, 404, 413}
    assert "security" not in webhook or webhook["security"] == []
    action = schema["paths"]["/api/v1/delivery/shipments/{public_id}/actions"]["post"]
    assert set(action["responses"]) >= {200, 403, 404, 409, 422}

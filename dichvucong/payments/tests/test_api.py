import pytest

from conftest import login_with_second_factor
from dichvucong.dossiers.models import Status
from dichvucong.payments.models import CashCollection, PaymentRequest, Transaction

from .conftest import FEE, accepted_dossier

BASE = "/api/v1/payments"


def test_citizen_lists_starts_and_reads(client, requested, pay_setup):
    client.force_login(pay_setup["citizen"])
    listing = client.get(f"{BASE}/requests").json()
    assert len(listing) == 1 and listing[0]["amount"] == FEE and listing[0]["state"] == "unpaid"
    started = client.post(
        f"{BASE}/requests/{requested.public_id}/start", {"gateway": "demo"}, content_type="application/json"
    )
    assert started.status_code == 200
    body = started.json()
    assert (
        "/thanh-toan-thu/vpcpay.html?" in body["redirect_url"] and body["transaction"]["state"] == "initiated"
    )
    detail = client.get(f"{BASE}/transactions/{body['transaction']['id']}")
    assert detail.status_code == 200 and detail.json()["reference"] == body["transaction"]["reference"]
    assert client.get(f"{BASE}/requests/{requested.public_id}/receipt.pdf").status_code == 404  # not paid yet
    assert client.get(f"{BASE}/gateways").json()[0]["name"] == "demo"


def test_errors(client, requested, pay_setup):
    client.force_login(pay_setup["stranger"])
    assert client.get(f"{BASE}/requests/{requested.public_id}").status_code == 404
    started = client.post(
        f"{BASE}/requests/{requested.public_id}/start", {"gateway": "demo"}, content_type="application/json"
    )
    assert started.status_code == 404
    client.force_login(pay_setup["citizen"])
    bad = client.post(
        f"{BASE}/requests/{requested.public_id}/start", {"gateway": "nope"}, content_type="application/json"
    )
    assert bad.status_code == 422 and bad.json()["field"] == "gateway"
    PaymentRequest.objects.filter(pk=requested.pk).update(state="paid")
    paid = client.post(
        f"{BASE}/requests/{requested.public_id}/start", {"gateway": "demo"}, content_type="application/json"
    )
    assert paid.status_code == 409 and paid.json()["code"] == "already_paid"
    assert not Transaction.objects.exists()
    assert client.get(f"{BASE}/requests").status_code == 200
    client.logout()
    assert client.get(f"{BASE}/requests").status_code == 401


def test_staff_request_and_cash(client, pay_setup):
    dossier = accepted_dossier(pay_setup)
    client.force_login(pay_setup["receptionist"])  # no second factor
    url = f"{BASE}/staff/dossiers/{dossier.public_id}/requests"
    assert client.post(url, {}, content_type="application/json").status_code == 403
    login_with_second_factor(client, pay_setup["receptionist"])
    quote = client.get(f"{BASE}/staff/dossiers/{dossier.public_id}/quote").json()
    assert quote["amount"] == FEE
    negative = client.post(url, {"reduction": -5}, content_type="application/json")
    assert negative.status_code == 422
    created = client.post(url, {"deadline_days": 5}, content_type="application/json")
    assert created.status_code == 201 and created.json()["amount"] == FEE
    dossier.refresh_from_db()
    assert dossier.status == Status.PAYMENT_REQUESTED
    again = client.post(url, {}, content_type="application/json")
    assert again.status_code == 409

    request_id = created.json()["id"]
    login_with_second_factor(client, pay_setup["outsider_postal"])
    cash = {"amount": FEE, "receipt_number": "BD-1", "payer_name": "An"}
    assert (
        client.post(
            f"{BASE}/staff/requests/{request_id}/cash", cash, content_type="application/json"
        ).status_code
        == 404
    )
    login_with_second_factor(client, pay_setup["postal"])
    wrong = client.post(
        f"{BASE}/staff/requests/{request_id}/cash", {**cash, "amount": 1}, content_type="application/json"
    )
    assert wrong.status_code == 422
    done = client.post(f"{BASE}/staff/requests/{request_id}/cash", cash, content_type="application/json")
    assert done.status_code == 201 and done.json()["payment_request"]["state"] == "paid"
    assert CashCollection.objects.count() == 1


@pytest.mark.parametrize("path", ["/requests", "/gateways"])
def test_openapi_documents_the_routes(client, path):
    schema = client.get("/api/v1/openapi.json").json()
    assert f"/api/v1/payments{path}" in schema["paths"]
    start = schema["paths"]["/api/v1/payments/requests/{request_id}/start"]["post"]["responses"]
    assert {"200", "404", "409", "422", "429"} <= set(start)

"""The demo gateway (fake bank) exists only in demo mode, its secret never comes from a public key, and its
bank page sends the browser back only to this site (issue 11, finding 1)."""

import hashlib
import hmac
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from dichvucong.payments.gateways import vnpay_protocol as vnp
from dichvucong.payments.gateways.demo import DemoGateway, DemoSecretRefused, demo_secret
from dichvucong.payments.gateways.registry import enabled_gateways, enabled_names, gateway_get
from dichvucong.payments.models import CallbackLog, PaymentRequest, Transaction

from .helpers import signed_callback, snapshot

OLD_DEV_KEY = "dev-only-insecure-key-do-not-use-in-production"
BANK = "/thanh-toan-thu/vpcpay.html"


@pytest.fixture
def production(settings, monkeypatch):
    """Demo mode off, DVC_PAYMENT_GATEWAYS unset (neither setting nor environment)."""
    settings.DVC_DEMO_MODE = False
    if hasattr(settings, "DVC_PAYMENT_GATEWAYS"):
        del settings.DVC_PAYMENT_GATEWAYS
    monkeypatch.delenv("DVC_PAYMENT_GATEWAYS", raising=False)
    return settings


def bank_url(txn: Transaction, *, return_url: str, secret: str | None = None) -> str:
    """An order for the fake bank, signed with the demo secret (or ``secret``)."""
    params = DemoGateway().payment_params(
        transaction=txn, return_url=return_url, client_ip="127.0.0.1", site_url="http://testserver"
    )
    params["vnp_SecureHash"] = vnp.sign(params, secret or demo_secret())
    return f"{BANK}?{urlencode(params)}"


# --- outside demo mode ----------------------------------------------------------------------------


def test_outside_demo_mode_no_gateway_is_enabled_by_default_and_the_api_lists_no_demo(
    client, pay_setup, production
):
    client.force_login(pay_setup["citizen"])

    listed = client.get("/api/v1/payments/gateways")

    assert listed.status_code == 200 and listed.json() == []
    assert enabled_names() == [] and enabled_gateways() == []
    with pytest.raises(LookupError):
        gateway_get("demo")
    with pytest.raises(LookupError):
        gateway_get("demo", enabled_only=False)


def test_outside_demo_mode_the_demo_gateway_stays_off_even_when_configured(client, pay_setup, production):
    production.DVC_PAYMENT_GATEWAYS = "demo,vnpay"
    client.force_login(pay_setup["citizen"])

    names = [row["name"] for row in client.get("/api/v1/payments/gateways").json()]

    assert names == ["vnpay"] and enabled_names() == ["vnpay"]


def test_outside_demo_mode_a_payment_cannot_start_through_the_demo_gateway(
    client, requested, pay_setup, production
):
    client.force_login(pay_setup["citizen"])
    before = snapshot(requested)

    api = client.post(
        f"/api/v1/payments/requests/{requested.public_id}/start",
        {"gateway": "demo"},
        content_type="application/json",
    )
    web = client.post(f"/ca-nhan/giao-dich/thanh-toan/{requested.public_id}/", {"gateway": "demo"})

    assert api.status_code == 422
    assert web.status_code == 200 and "thanh-toan-thu" not in web.content.decode()
    assert snapshot(requested) == before and Transaction.objects.count() == 0


def test_outside_demo_mode_the_demo_bank_page_is_404_and_takes_no_payment(
    client, txn, requested, pay_setup, production
):
    url = bank_url(txn, return_url="http://testserver/thanh-toan/ket-qua/demo/")
    client.force_login(pay_setup["citizen"])
    before = snapshot(requested)

    shown = client.get(url)
    paid = client.post(url, {"bank_code": "NCB", "action": "pay"})

    assert shown.status_code == 404 and paid.status_code == 404
    assert snapshot(requested) == before
    assert CallbackLog.objects.count() == 0


def test_outside_demo_mode_a_validly_signed_demo_ipn_marks_nothing_paid(client, txn, requested, production):
    before = snapshot(requested)

    answer = client.get("/thanh-toan/ipn/demo/", signed_callback(txn)).json()

    assert answer["RspCode"] != "00"
    assert snapshot(requested) == before
    txn.refresh_from_db()
    assert txn.state == Transaction.State.INITIATED
    assert PaymentRequest.objects.get(pk=requested.pk).state == PaymentRequest.State.PENDING
    assert CallbackLog.objects.get().outcome == "unknown_gateway"


def test_outside_demo_mode_a_trusted_demo_return_marks_nothing_paid(
    client, txn, requested, pay_setup, production
):
    production.DVC_PAYMENTS_TRUST_RETURN = True
    client.force_login(pay_setup["citizen"])
    before = snapshot(requested)

    client.get("/thanh-toan/ket-qua/demo/", signed_callback(txn))

    assert snapshot(requested) == before
    assert CallbackLog.objects.get().outcome == "unknown_gateway"


# --- the secret ------------------------------------------------------------------------------------


def _derived(key: str) -> str:
    return hmac.new(key.encode(), b"dvc-demo-payment-gateway", hashlib.sha256).hexdigest()


@pytest.mark.parametrize("secret", [OLD_DEV_KEY, _derived(OLD_DEV_KEY)])
def test_an_ipn_forged_with_the_old_development_key_is_refused(client, txn, requested, secret):
    before = snapshot(requested)

    answer = client.get("/thanh-toan/ipn/demo/", signed_callback(txn, secret=secret)).json()

    assert answer == {"RspCode": "97", "Message": "Invalid signature"}
    assert snapshot(requested) == before
    assert CallbackLog.objects.get().outcome == "bad_signature"


def test_the_secret_is_never_derived_from_the_public_development_key(client, txn, requested, settings):
    forged_order = bank_url(txn, return_url="https://evil.example/", secret=_derived(OLD_DEV_KEY))
    settings.SECRET_KEY = OLD_DEV_KEY  # an operator who kept the old published key
    before = snapshot(requested)

    with pytest.raises(DemoSecretRefused):
        demo_secret()
    answer = client.get("/thanh-toan/ipn/demo/", signed_callback(txn, secret=_derived(OLD_DEV_KEY))).json()
    page = client.get(forged_order)

    assert answer["RspCode"] != "00"
    assert page.status_code == 400 and page.get("Location") is None
    assert snapshot(requested) == before


@pytest.mark.parametrize("key", ["short-key", "dev-only-insecure-" + "x" * 40])
def test_the_secret_is_never_derived_from_a_short_or_public_secret_key(settings, key):
    settings.SECRET_KEY = key
    with pytest.raises(DemoSecretRefused):
        demo_secret()
    settings.SECRET_KEY = "k" * 50
    settings.DVC_DEMO_GATEWAY_SECRET = "too-short"
    with pytest.raises(DemoSecretRefused):
        demo_secret()


# --- the bank page's return URL ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "return_url",
    [
        "https://evil.example/thanh-toan/ket-qua/demo/",
        "https://evil.example",
        "//evil.example/thanh-toan/ket-qua/demo/",
        "http://testserver@evil.example/thanh-toan/ket-qua/demo/",
        "javascript:alert(1)",
        "http://testserver/dang-xuat/",
    ],
)
def test_the_demo_bank_sends_the_browser_back_only_to_this_site(
    client, txn, requested, pay_setup, return_url
):
    url = bank_url(txn, return_url=return_url)  # a self-signed order: the secret is known to the signer
    client.force_login(pay_setup["citizen"])
    before = snapshot(requested)

    shown = client.get(url)
    paid = client.post(url, {"bank_code": "NCB", "action": "pay"})

    for response in (shown, paid):
        assert response.status_code == 400 and response.get("Location") is None
        assert "không thuộc cổng dịch vụ công này" in response.content.decode()
    assert snapshot(requested) == before
    assert CallbackLog.objects.count() == 0


def test_the_demo_bank_accepts_the_return_url_on_the_public_host(client, txn, pay_setup, settings):
    settings.DVC_PUBLIC_URL = "https://dichvucong.example.gov.vn"
    settings.ALLOWED_HOSTS = ["testserver", "dichvucong.example.gov.vn"]
    url = bank_url(txn, return_url="https://dichvucong.example.gov.vn/thanh-toan/ket-qua/demo/")
    client.force_login(pay_setup["citizen"])

    back = client.post(url, {"bank_code": "NCB", "action": "pay"})

    assert back.status_code == 302
    parts = urlsplit(back["Location"])
    assert (parts.netloc, parts.path) == ("dichvucong.example.gov.vn", "/thanh-toan/ket-qua/demo/")
    assert parse_qs(parts.query)["vnp_ResponseCode"] == ["00"]

"""The real VNPAY adapter: the payment URL, callbacks, and querydr/refund against a local fake VNPAY API
(http.server in a thread) that checks our request hash and signs its answers as VNPAY does (§1.9)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from dichvucong.payments import services
from dichvucong.payments.gateways import vnpay_protocol as vnp
from dichvucong.payments.gateways.registry import gateway_get
from dichvucong.payments.models import Refund, Transaction

from .helpers import signed_callback

SECRET = "TESTSECRETKEY0123456789ABCDEFGHIJ"
TMN = "DVCTEST1"


class FakeVnpay(BaseHTTPRequestHandler):
    requests: list = []
    sign_answers = True

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeVnpay.requests.append(body)
        order = vnp.QUERYDR_REQUEST_ORDER if body["vnp_Command"] == "querydr" else vnp.REFUND_REQUEST_ORDER
        if vnp.pipe_hash(body, order, SECRET) != body.get("vnp_SecureHash"):
            answer = {"vnp_ResponseCode": "97", "vnp_Message": "Invalid Checksum"}
        else:
            answer = {
                "vnp_ResponseId": "r1",
                "vnp_Command": body["vnp_Command"],
                "vnp_ResponseCode": "00",
                "vnp_Message": "Success",
                "vnp_TmnCode": TMN,
                "vnp_TxnRef": body["vnp_TxnRef"],
                "vnp_Amount": body.get("vnp_Amount", "1500000"),
                "vnp_BankCode": "NCB",
                "vnp_PayDate": "20260310093000",
                "vnp_TransactionNo": "12345678",
                "vnp_TransactionType": body.get("vnp_TransactionType", "01"),
                "vnp_TransactionStatus": "00" if body["vnp_Command"] == "querydr" else "05",
                "vnp_OrderInfo": body["vnp_OrderInfo"],
                "vnp_PromotionCode": "",
                "vnp_PromotionAmount": "",
            }
            response_order = (
                vnp.QUERYDR_RESPONSE_ORDER if body["vnp_Command"] == "querydr" else vnp.REFUND_RESPONSE_ORDER
            )
            answer["vnp_SecureHash"] = vnp.pipe_hash(
                answer, response_order, SECRET if self.sign_answers else "x"
            )
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_vnpay(settings):
    server = HTTPServer(("127.0.0.1", 0), FakeVnpay)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeVnpay.requests = []
    FakeVnpay.sign_answers = True
    settings.DVC_PAYMENT_GATEWAYS = ["demo", "vnpay"]
    settings.DVC_VNPAY_TMN_CODE = TMN
    settings.DVC_VNPAY_HASH_SECRET = SECRET
    settings.DVC_VNPAY_API_URL = (
        f"http://127.0.0.1:{server.server_address[1]}/merchant_webapi/api/transaction"
    )
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def vnpay_txn(requested, pay_setup, fake_vnpay):
    txn, url = services.payment_start(
        request=requested,
        payer=pay_setup["citizen"],
        gateway_name="vnpay",
        client_ip="203.0.113.5",
        site_url="https://dichvucong.example.gov.vn",
        bank_code="NCB",
    )
    return txn, url


def test_payment_url_is_signed_for_the_sandbox(vnpay_txn):
    txn, url = vnpay_txn
    parts = urlsplit(url)
    assert (
        f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"
    )
    params = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert vnp.verify(params, SECRET)
    assert params["vnp_Amount"] == str(txn.amount * 100) and params["vnp_TxnRef"] == txn.reference
    assert params["vnp_ReturnUrl"] == "https://dichvucong.example.gov.vn/thanh-toan/ket-qua/vnpay/"
    assert params["vnp_OrderInfo"].isascii() and "vnp_SecureHashType" not in params
    assert params["vnp_BankCode"] == "NCB" and params["vnp_IpAddr"] == "203.0.113.5"
    assert params["vnp_ExpireDate"] > params["vnp_CreateDate"]


def test_vnpay_ipn_uses_the_same_verification(client, vnpay_txn, requested):
    txn, _url = vnpay_txn
    forged = client.get("/thanh-toan/ipn/vnpay/", signed_callback(txn, vnp_TmnCode=TMN))  # demo secret
    assert forged.json()["RspCode"] == "97"
    good = client.get("/thanh-toan/ipn/vnpay/", signed_callback(txn, secret=SECRET, vnp_TmnCode=TMN))
    assert good.json() == {"RspCode": "00", "Message": "Confirm Success"}
    txn.refresh_from_db()
    assert txn.state == Transaction.State.SUCCEEDED


def test_querydr_against_the_fake_api(vnpay_txn):
    txn, _url = vnpay_txn
    result = gateway_get("vnpay").query(transaction=txn, client_ip="10.0.0.1")
    assert result.ok and result.data["vnp_TransactionStatus"] == "00"
    sent = FakeVnpay.requests[-1]
    assert (
        sent["vnp_Command"] == "querydr"
        and sent["vnp_TxnRef"] == txn.reference
        and len(sent["vnp_RequestId"]) <= 32
    )


def test_unsigned_answers_are_not_trusted(vnpay_txn):
    txn, _url = vnpay_txn
    FakeVnpay.sign_answers = False
    result = gateway_get("vnpay").query(transaction=txn, client_ip="10.0.0.1")
    assert not result.ok and result.code == "bad_signature"


def test_refund_through_the_fake_api(client, vnpay_txn, pay_setup):
    txn, _url = vnpay_txn
    client.get("/thanh-toan/ipn/vnpay/", signed_callback(txn, secret=SECRET, vnp_TmnCode=TMN))
    refund = services.refund_create(
        transaction_id=txn.pk, officer=pay_setup["receptionist"], amount=txn.amount, reason="Hồ sơ bị từ chối"
    )
    assert refund.state == Refund.State.DONE
    sent = FakeVnpay.requests[-1]
    assert sent["vnp_Command"] == "refund" and sent["vnp_TransactionType"] == "02"
    assert sent["vnp_Amount"] == str(txn.amount * 100) and sent["vnp_TransactionNo"] == "12345678"
    txn.refresh_from_db()
    assert txn.state == Transaction.State.REFUNDED
    with pytest.raises(services.PaymentError):
        services.refund_create(transaction_id=txn.pk, officer=pay_setup["receptionist"], amount=1, reason="x")


def test_unreachable_api_is_a_failed_result_not_an_exception(vnpay_txn, settings):
    txn, _url = vnpay_txn
    settings.DVC_VNPAY_API_URL = "http://127.0.0.1:9/closed"
    settings.DVC_VNPAY_TIMEOUT = 2
    result = gateway_get("vnpay").query(transaction=txn, client_ip="10.0.0.1")
    assert not result.ok and result.code == "transport"

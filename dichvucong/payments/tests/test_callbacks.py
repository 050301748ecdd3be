"""Bad input and attacks on the gateway callbacks: each is refused or ignored, logged, and changes nothing
it should not. IPN answers are VNPAY's exact JSON {"RspCode", "Message"}."""

import pytest

from dichvucong.dossiers.models import DossierEvent, Status
from dichvucong.payments import cash, services
from dichvucong.payments.models import CallbackLog, PaymentRequest, Refund, Transaction

from .helpers import signed_callback, snapshot

IPN = "/thanh-toan/ipn/demo/"


def ipn(client, params) -> dict:
    response = client.get(IPN, params)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return response.json()


def last_log() -> CallbackLog:
    return CallbackLog.objects.order_by("-pk").first()


def test_valid_ipn_confirms(client, txn, requested):
    assert ipn(client, signed_callback(txn)) == {"RspCode": "00", "Message": "Confirm Success"}
    requested.refresh_from_db()
    assert requested.state == PaymentRequest.State.PAID and requested.dossier.status == Status.ACCEPTED


def test_wrong_signature_is_97_and_changes_nothing(client, txn, requested):
    before = snapshot(requested)
    params = signed_callback(txn)
    params["vnp_SecureHash"] = "0" * 128
    assert ipn(client, params) == {"RspCode": "97", "Message": "Invalid signature"}
    assert snapshot(requested) == before
    log = last_log()
    assert log.outcome == "bad_signature" and not log.signature_valid and log.response_code == "97"


def test_signed_with_another_secret_or_another_merchant_is_97(client, txn, requested):
    before = snapshot(requested)
    assert ipn(client, signed_callback(txn, secret="guessed"))["RspCode"] == "97"
    assert ipn(client, signed_callback(txn, vnp_TmnCode="OTHERTMN"))["RspCode"] == "97"
    assert ipn(client, signed_callback(txn, sign=False))["RspCode"] == "97"
    assert snapshot(requested) == before
    assert CallbackLog.objects.filter(outcome="bad_signature").count() == 3


def test_amount_changed_after_signing_is_97(client, txn, requested):
    before = snapshot(requested)
    params = signed_callback(txn)
    params["vnp_Amount"] = "100"
    assert ipn(client, params)["RspCode"] == "97"
    assert snapshot(requested) == before


@pytest.mark.parametrize("amount", ["100", "0", "abc", "150000001", ""])
def test_signed_callback_with_another_amount_is_04(client, txn, requested, amount):
    before = snapshot(requested)
    assert ipn(client, signed_callback(txn, vnp_Amount=amount)) == {
        "RspCode": "04",
        "Message": "Invalid amount",
    }
    assert snapshot(requested) == before
    assert last_log().outcome == "amount_mismatch"


def test_unknown_reference_is_01(client, txn, requested):
    before = snapshot(requested)
    answer = ipn(client, signed_callback(txn, vnp_TxnRef="DVC000000NOSUCHREF"))
    assert answer == {"RspCode": "01", "Message": "Order not found"}
    assert snapshot(requested) == before
    assert last_log().outcome == "unknown_reference"


def test_replayed_success_is_02_and_applies_once(client, txn, requested):
    params = signed_callback(txn)
    assert ipn(client, params)["RspCode"] == "00"
    after_first = snapshot(requested)
    assert ipn(client, params) == {"RspCode": "02", "Message": "Order already confirmed"}
    assert ipn(client, params)["RspCode"] == "02"
    assert snapshot(requested) == after_first
    assert DossierEvent.objects.filter(action="payment_received").count() == 1
    assert CallbackLog.objects.filter(outcome="duplicate").count() == 2


def test_success_after_failure_is_02_and_keeps_the_failure(client, txn, requested):
    assert (
        ipn(client, signed_callback(txn, vnp_ResponseCode="24", vnp_TransactionStatus="02"))["RspCode"]
        == "00"
    )
    after_failure = snapshot(requested)
    assert after_failure["request"][0] == PaymentRequest.State.UNPAID
    assert ipn(client, signed_callback(txn))["RspCode"] == "02"
    assert snapshot(requested) == after_failure
    assert last_log().outcome == "success_after_failure"


def test_failure_after_success_is_02_and_keeps_the_payment(client, txn, requested):
    assert ipn(client, signed_callback(txn))["RspCode"] == "00"
    paid = snapshot(requested)
    assert (
        ipn(client, signed_callback(txn, vnp_ResponseCode="99", vnp_TransactionStatus="02"))["RspCode"]
        == "02"
    )
    assert snapshot(requested) == paid
    assert last_log().outcome == "failure_after_success"


def test_success_status_needs_both_codes(client, txn, requested):
    assert (
        ipn(client, signed_callback(txn, vnp_ResponseCode="00", vnp_TransactionStatus="01"))["RspCode"]
        == "00"
    )
    txn.refresh_from_db()
    assert txn.state == Transaction.State.FAILED
    requested.refresh_from_db()
    assert requested.state == PaymentRequest.State.UNPAID


def test_paying_twice_records_the_second_payment_for_refund(client, txn, requested, pay_setup):
    second, _url = services.payment_start(
        request=requested, payer=pay_setup["citizen"], gateway_name="demo", client_ip="1.1.1.1", site_url="x"
    )
    assert ipn(client, signed_callback(txn))["RspCode"] == "00"
    requested.refresh_from_db()
    receipt = requested.receipt_number
    assert ipn(client, signed_callback(second, vnp_TransactionNo="87654321"))["RspCode"] == "00"
    second.refresh_from_db()
    requested.refresh_from_db()
    assert second.state == Transaction.State.SUCCEEDED and second.needs_refund
    assert requested.receipt_number == receipt and requested.paid_via == "demo"
    assert Refund.objects.get().transaction == second
    assert DossierEvent.objects.filter(action="payment_received").count() == 1
    # and a third start is refused: the request is paid
    with pytest.raises(services.PaymentError) as refused:
        services.payment_start(
            request=requested, payer=pay_setup["citizen"], gateway_name="demo", client_ip="", site_url="x"
        )
    assert refused.value.code == "already_paid"


def test_late_success_after_cash_payment_is_kept_for_refund(client, txn, requested, pay_setup):
    cash.cash_record(
        request_id=requested.pk,
        collector=pay_setup["postal"],
        amount=requested.amount,
        receipt_number="BD-0001",
        payer_name="Nguyễn Văn An",
    )
    before = snapshot(requested)
    assert ipn(client, signed_callback(txn))["RspCode"] == "00"
    txn.refresh_from_db()
    assert txn.needs_refund
    after = snapshot(requested)
    assert after["request"] == before["request"] and after["dossier"] == before["dossier"]
    assert after["refunds"] == 1


def test_an_error_while_applying_is_99_and_rolls_back(client, txn, requested, monkeypatch):
    before = snapshot(requested)

    def boom(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_mark_paid", boom)
    assert ipn(client, signed_callback(txn)) == {"RspCode": "99", "Message": "Unknow error"}
    assert snapshot(requested) == before
    assert last_log().outcome == "error" and "disk full" in last_log().detail


def test_gateway_not_enabled_answers_01_and_is_logged(client, txn, requested, settings):
    before = snapshot(requested)
    response = client.get("/thanh-toan/ipn/vnpay/", signed_callback(txn))
    assert response.json()["RspCode"] == "01"
    assert snapshot(requested) == before
    assert last_log().outcome == "unknown_gateway"


def test_ipn_accepts_only_get(client, txn):
    assert client.post(IPN, signed_callback(txn)).status_code == 405


def test_return_with_a_bad_signature_changes_nothing(client, txn, requested, pay_setup):
    client.force_login(pay_setup["citizen"])
    before = snapshot(requested)
    params = signed_callback(txn, secret="forged")
    response = client.get("/thanh-toan/ket-qua/demo/", params, follow=True)
    assert response.status_code == 200 and "Đang xác nhận" in response.content.decode()
    assert snapshot(requested) == before
    assert last_log().kind == "return" and last_log().outcome == "bad_signature"


def test_trusting_the_return_is_an_explicit_setting(client, txn, requested, pay_setup, settings):
    settings.DVC_PAYMENTS_TRUST_RETURN = True
    client.force_login(pay_setup["citizen"])
    client.get("/thanh-toan/ket-qua/demo/", signed_callback(txn))
    requested.refresh_from_db()
    assert requested.state == PaymentRequest.State.PAID

"""Fees follow the dossier: billed when it is accepted (NĐ 118/2025), cancelled when it is refused, withdrawn
or stopped, and money already taken goes back (VNPAY and demo gateways) or to the cashier (cash)."""

import pytest
from django.contrib.auth import get_user_model

from conftest import login_with_second_factor
from dichvucong.accounts.models import AgencyMembership
from dichvucong.dossiers import services as dossier_services
from dichvucong.dossiers.models import Dossier, Status
from dichvucong.dossiers.workflow import transition
from dichvucong.notifications.models import Message
from dichvucong.payments import cash, services
from dichvucong.payments.models import PaymentRequest, Refund, Transaction

from .conftest import FEE, submitted_dossier
from .helpers import signed_callback
from .test_vnpay_adapter import SECRET, TMN, FakeVnpay, fake_vnpay  # noqa: F401 (fixture)

User = get_user_model()


@pytest.fixture
def run_commits(django_capture_on_commit_callbacks):
    """`with run_commits(): ...` runs what would run after commit (transition subscribers, refunds)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def leader(pay_setup):
    user = User.objects.create_user(
        username="lanhdao.a", password="x", kind="staff", full_name="Vũ Thị Giang"
    )
    AgencyMembership.objects.create(user=user, agency=pay_setup["commune"], role="leader")
    return user


def billed_at_submission(data, settings, run_commits) -> PaymentRequest:
    settings.DVC_BILL_AT_SUBMISSION = True
    with run_commits():
        dossier = submitted_dossier(data)
    return PaymentRequest.objects.get(dossier=dossier)


def refuse(data, dossier, run_commits) -> None:
    with run_commits():
        dossier_services.dossier_refuse(
            dossier_id=dossier.pk, officer=data["receptionist"], reasons=["Không thuộc thẩm quyền"]
        )


def accepted_and_billed(data, run_commits) -> PaymentRequest:
    dossier = submitted_dossier(data)
    with run_commits():
        dossier_services.dossier_accept(dossier_id=dossier.pk, officer=data["receptionist"])
    return PaymentRequest.objects.get(dossier=dossier)


def events(name: str) -> int:
    return Message.objects.filter(event=name).count()


# --- billing follows reception -----------------------------------------------------------------------------


def test_online_fee_is_billed_when_the_dossier_is_accepted_not_when_submitted(pay_setup, run_commits):
    with run_commits():
        dossier = submitted_dossier(pay_setup)
    assert not PaymentRequest.objects.filter(dossier=dossier).exists()  # nothing due before tiếp nhận

    with run_commits():
        dossier_services.dossier_accept(dossier_id=dossier.pk, officer=pay_setup["receptionist"])
    request = PaymentRequest.objects.get(dossier=dossier)
    assert request.amount == FEE and request.state == PaymentRequest.State.UNPAID
    assert not request.pauses_dossier
    assert Dossier.objects.get(pk=dossier.pk).status == Status.ACCEPTED
    assert events("payment.requested") >= 1  # one row per channel


def test_refused_dossier_is_never_billed_by_default(pay_setup, run_commits):
    with run_commits():
        dossier = submitted_dossier(pay_setup)
    refuse(pay_setup, dossier, run_commits)
    assert not PaymentRequest.objects.filter(dossier=dossier).exists()
    assert events("payment.requested") == 0


# --- refusal cancels; a cancelled request cannot be paid --------------------------------------------------


def test_refusal_cancels_the_request_and_the_pay_page_refuses(client, pay_setup, settings, run_commits):
    request = billed_at_submission(pay_setup, settings, run_commits)
    refuse(pay_setup, request.dossier, run_commits)

    request.refresh_from_db()
    assert request.state == PaymentRequest.State.CANCELLED and request.cancelled_at is not None
    assert "không được tiếp nhận" in request.note
    assert events("payment.cancelled") >= 1
    assert "da huy" in Message.objects.get(event="payment.cancelled", channel="sms").body

    client.force_login(pay_setup["citizen"])
    page = client.get(f"/ca-nhan/giao-dich/thanh-toan/{request.public_id}/")
    body = page.content.decode()
    assert "bạn không phải nộp khoản này" in body and "Tiếp tục thanh toán" not in body
    response = client.post(
        f"/ca-nhan/giao-dich/thanh-toan/{request.public_id}/", {"gateway": "demo"}, follow=True
    )
    assert "Yêu cầu thanh toán đã bị hủy" in response.content.decode()
    assert not Transaction.objects.exists()
    with pytest.raises(services.PaymentError):
        services.payment_start(
            request=request,
            payer=pay_setup["citizen"],
            gateway_name="demo",
            client_ip="127.0.0.1",
            site_url="http://testserver",
        )
    assert not Transaction.objects.exists()


def test_ipn_for_a_cancelled_request_answers_02_and_takes_nothing(client, pay_setup, settings, run_commits):
    """The citizen was on the bank page when the dossier was refused: the IPN is answered as for an order no
    longer waiting, the request stays cancelled, no receipt, the dossier untouched, the money goes back."""
    request = billed_at_submission(pay_setup, settings, run_commits)
    txn, bank_url = services.payment_start(
        request=request,
        payer=pay_setup["citizen"],
        gateway_name="demo",
        client_ip="127.0.0.1",
        site_url="http://testserver",
    )
    refuse(pay_setup, request.dossier, run_commits)
    dossier_before = Dossier.objects.values("status", "due_at", "paused_at").get(pk=request.dossier_id)
    dossier_events = request.dossier.events.count()

    # The demo bank no longer charges it.
    client.force_login(pay_setup["citizen"])
    bank = client.post(bank_url.replace("http://testserver", ""), {"bank_code": "NCB", "action": "pay"})
    assert bank.status_code == 400 and "đã bị hủy" in bank.content.decode()
    txn.refresh_from_db()
    assert txn.state == Transaction.State.INITIATED

    # The browser comes back from a bank that did charge it: the return page says the fee is cancelled and
    # the return changes nothing.
    back = client.get("/thanh-toan/ket-qua/demo/", signed_callback(txn), follow=True)
    assert "bạn không phải nộp khoản này" in back.content.decode()
    txn.refresh_from_db()
    assert txn.state == Transaction.State.INITIATED
    request.refresh_from_db()
    assert request.state == PaymentRequest.State.CANCELLED

    # A real bank did charge it: the IPN arrives.
    with run_commits():
        answer = client.get("/thanh-toan/ipn/demo/", signed_callback(txn)).json()
    assert answer == {"RspCode": "02", "Message": "Order already confirmed"}
    request.refresh_from_db()
    assert request.state == PaymentRequest.State.CANCELLED
    assert request.receipt_number is None and request.paid_at is None
    assert (
        Dossier.objects.values("status", "due_at", "paused_at").get(pk=request.dossier_id) == dossier_before
    )
    assert request.dossier.events.count() == dossier_events
    assert events("payment.paid") == 0 and events("payment.receipt") == 0
    txn.refresh_from_db()
    assert txn.state == Transaction.State.REFUNDED and not txn.needs_refund
    assert Refund.objects.get().state == Refund.State.DONE
    assert events("payment.refunded") >= 1

    # The same IPN again changes nothing more.
    again = client.get("/thanh-toan/ipn/demo/", signed_callback(txn)).json()
    assert again["RspCode"] == "02" and Refund.objects.count() == 1


# --- money already taken -----------------------------------------------------------------------------------


def test_paid_through_demo_then_refused_is_refunded_through_the_gateway(
    client, pay_setup, settings, run_commits
):
    request = billed_at_submission(pay_setup, settings, run_commits)
    txn, _url = services.payment_start(
        request=request,
        payer=pay_setup["citizen"],
        gateway_name="demo",
        client_ip="127.0.0.1",
        site_url="http://testserver",
    )
    with run_commits():
        assert client.get("/thanh-toan/ipn/demo/", signed_callback(txn)).json()["RspCode"] == "00"
    request.refresh_from_db()
    assert request.state == PaymentRequest.State.PAID

    refuse(pay_setup, request.dossier, run_commits)

    refund = Refund.objects.get()
    assert refund.state == Refund.State.DONE and refund.amount == FEE
    assert refund.transaction == txn and refund.payment_request == request
    txn.refresh_from_db()
    assert txn.state == Transaction.State.REFUNDED
    assert events("payment.refunded") >= 1 and events("payment.refund_pending") == 0
    request.refresh_from_db()
    assert request.state == PaymentRequest.State.PAID  # the receipt stays valid; the refund is its own row

    refuse_again = Refund.objects.count()
    from dichvucong.payments.closing import payment_requests_close

    with run_commits():
        payment_requests_close(dossier_id=request.dossier_id, reason="lặp lại")
    assert Refund.objects.count() == refuse_again  # idempotent


def test_paid_through_vnpay_then_stopped_is_refunded_through_the_adapter(
    client,
    pay_setup,
    leader,
    run_commits,
    fake_vnpay,  # noqa: F811
):
    request = accepted_and_billed(pay_setup, run_commits)
    txn, _url = services.payment_start(
        request=request,
        payer=pay_setup["citizen"],
        gateway_name="vnpay",
        client_ip="203.0.113.5",
        site_url="https://dichvucong.example.gov.vn",
    )
    with run_commits():
        ipn = client.get("/thanh-toan/ipn/vnpay/", signed_callback(txn, secret=SECRET, vnp_TmnCode=TMN))
    assert ipn.json()["RspCode"] == "00"
    transition(dossier_id=request.dossier_id, action="start_processing", actor=leader)

    with run_commits():
        transition(dossier_id=request.dossier_id, action="stop", actor=leader, note="Mẫu 05")

    sent = FakeVnpay.requests[-1]
    assert sent["vnp_Command"] == "refund" and sent["vnp_TxnRef"] == txn.reference
    assert sent["vnp_Amount"] == str(FEE * 100) and sent["vnp_TransactionType"] == "02"
    refund = Refund.objects.get()
    assert refund.state == Refund.State.DONE and refund.gateway_response["code"] == "00"
    txn.refresh_from_db()
    assert txn.state == Transaction.State.REFUNDED
    assert events("payment.refunded") >= 1


def test_a_refund_the_gateway_refuses_goes_to_the_cashier(
    client,
    pay_setup,
    leader,
    run_commits,
    fake_vnpay,  # noqa: F811
):
    request = accepted_and_billed(pay_setup, run_commits)
    txn, _url = services.payment_start(
        request=request,
        payer=pay_setup["citizen"],
        gateway_name="vnpay",
        client_ip="203.0.113.5",
        site_url="https://dichvucong.example.gov.vn",
    )
    with run_commits():
        client.get("/thanh-toan/ipn/vnpay/", signed_callback(txn, secret=SECRET, vnp_TmnCode=TMN))
    FakeVnpay.sign_answers = False  # an answer we cannot trust is not a refund
    with run_commits():
        transition(dossier_id=request.dossier_id, action="stop", actor=leader)
    refund = Refund.objects.get()
    assert refund.state == Refund.State.FAILED and refund.awaits_cashier
    txn.refresh_from_db()
    assert txn.state == Transaction.State.SUCCEEDED
    assert events("payment.refund_pending") >= 1 and events("payment.refunded") == 0


def test_cash_paid_then_withdrawn_is_flagged_for_the_cashier(client, pay_setup, leader, run_commits):
    request = accepted_and_billed(pay_setup, run_commits)
    cash.cash_record(
        request_id=request.pk,
        collector=pay_setup["postal"],
        amount=FEE,
        receipt_number="BD-2026-0009",
        payer_name="Nguyễn Văn An",
    )
    transition(dossier_id=request.dossier_id, action="request_withdrawal", actor=pay_setup["citizen"])
    with run_commits():
        transition(dossier_id=request.dossier_id, action="approve_withdrawal", actor=leader)

    refund = Refund.objects.get()
    assert refund.state == Refund.State.CASHIER and refund.transaction is None and refund.amount == FEE
    assert events("payment.refund_pending") >= 1
    assert (
        "sẽ được hoàn trả"
        in Message.objects.filter(event="payment.refund_pending", channel="email").get().body
    )

    # The receptionist sees it on the refunds page; an empty note is refused and changes nothing.
    login_with_second_factor(client, pay_setup["receptionist"])
    page = client.get("/mot-cua/thu-phi/hoan-tien/")
    assert page.status_code == 200
    body = page.content.decode()
    assert request.dossier.code in body and "15.000 đ" in body and "BD-2026-0009" in body
    staff_dossier = client.get(f"/mot-cua/thu-phi/ho-so/{request.dossier.public_id}/").content.decode()
    assert "Chờ thủ quỹ hoàn trả" in staff_dossier and "/mot-cua/thu-phi/hoan-tien/" in staff_dossier
    refused = client.post("/mot-cua/thu-phi/hoan-tien/", {"refund": refund.pk, "note": " "})
    assert refused.status_code == 200 and "Hãy ghi cách hoàn trả" in refused.content.decode()
    refund.refresh_from_db()
    assert refund.state == Refund.State.CASHIER

    done = client.post(
        "/mot-cua/thu-phi/hoan-tien/", {"refund": refund.pk, "note": "Trả tiền mặt tại quầy cho ông An"}
    )
    assert done.status_code == 302
    refund.refresh_from_db()
    assert refund.state == Refund.State.DONE and refund.handled_by == pay_setup["receptionist"]
    assert events("payment.refunded") >= 1
    listing = client.get("/mot-cua/thu-phi/hoan-tien/").content.decode()
    assert "Không có khoản nào chờ hoàn trả" in listing and "Trả tiền mặt tại quầy cho ông An" in listing


def test_another_agencys_staff_cannot_close_a_refund(client, pay_setup, leader, run_commits):
    request = accepted_and_billed(pay_setup, run_commits)
    cash.cash_record(
        request_id=request.pk,
        collector=pay_setup["postal"],
        amount=FEE,
        receipt_number="BD-2026-0010",
        payer_name="Nguyễn Văn An",
    )
    with run_commits():
        transition(dossier_id=request.dossier_id, action="start_processing", actor=leader)
        transition(dossier_id=request.dossier_id, action="stop", actor=leader)
    refund = Refund.objects.get()
    login_with_second_factor(client, pay_setup["outsider"])
    assert request.dossier.code not in client.get("/mot-cua/thu-phi/hoan-tien/").content.decode()
    response = client.post("/mot-cua/thu-phi/hoan-tien/", {"refund": refund.pk, "note": "x"})
    assert response.status_code == 404
    refund.refresh_from_db()
    assert refund.state == Refund.State.CASHIER


def test_api_shows_the_cancelled_request_refuses_to_start_it_and_shows_the_refund(
    client, pay_setup, settings, run_commits
):
    request = billed_at_submission(pay_setup, settings, run_commits)
    txn, _url = services.payment_start(
        request=request,
        payer=pay_setup["citizen"],
        gateway_name="demo",
        client_ip="127.0.0.1",
        site_url="http://testserver",
    )
    with run_commits():
        client.get("/thanh-toan/ipn/demo/", signed_callback(txn))
    other = PaymentRequest.objects.create(
        dossier=request.dossier, agency=request.agency, gross_amount=3000, amount=3000, items=[]
    )
    refuse(pay_setup, request.dossier, run_commits)

    client.force_login(pay_setup["citizen"])
    listing = {row["id"]: row for row in client.get("/api/v1/payments/requests").json()}
    assert listing[str(other.public_id)]["state"] == "cancelled"
    assert listing[str(other.public_id)]["cancelled_at"]
    paid = listing[str(request.public_id)]
    assert (
        paid["state"] == "paid"
        and paid["refunds"][0]["state"] == "done"
        and paid["refunds"][0]["amount"] == FEE
    )
    started = client.post(
        f"/api/v1/payments/requests/{other.public_id}/start",
        {"gateway": "demo"},
        content_type="application/json",
    )
    assert started.status_code == 409 and started.json()["code"] == "cancelled"
    assert Transaction.objects.filter(payment_request=other).count() == 0

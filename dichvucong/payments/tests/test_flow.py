"""The whole online flow through the demo gateway, driven with the test client: pay → fake bank → IPN →
return → paid (the dossier resumes, the clock moves) → e-receipt."""

import io
from urllib.parse import parse_qs, urlsplit

import pytest
from pypdf import PdfReader

from dichvucong.dossiers.models import Status
from dichvucong.notifications.models import Message
from dichvucong.payments.models import CallbackLog, OnlinePayment, PaymentRequest, Transaction

from .conftest import FEE


def pdf_text(body: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def start_payment(client, request) -> str:
    response = client.post(f"/ca-nhan/giao-dich/thanh-toan/{request.public_id}/", {"gateway": "demo"})
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def test_pay_through_the_demo_gateway_end_to_end(client, requested, pay_setup):
    citizen = pay_setup["citizen"]
    dossier = requested.dossier
    dossier.refresh_from_db()
    assert dossier.status == Status.PAYMENT_REQUESTED and dossier.paused_at is not None
    due_before = dossier.due_at
    assert Message.objects.filter(event="payment.requested").exists()
    client.force_login(citizen)

    listing = client.get("/ca-nhan/giao-dich/")
    assert dossier.code in listing.content.decode() and "15.000 đ" in listing.content.decode()

    bank_url = start_payment(client, requested)
    parts = urlsplit(bank_url)
    assert parts.path == "/thanh-toan-thu/vpcpay.html"
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query["vnp_Amount"] == str(FEE * 100) and query["vnp_TmnCode"] == "DVCDEMO1"
    assert query["vnp_ReturnUrl"] == "http://testserver/thanh-toan/ket-qua/demo/"
    txn = Transaction.objects.get(reference=query["vnp_TxnRef"])
    assert txn.state == Transaction.State.INITIATED
    requested.refresh_from_db()
    assert requested.state == PaymentRequest.State.PENDING

    page = client.get(bank_url)
    assert page.status_code == 200 and "15.000 đ" in page.content.decode()
    back = client.post(bank_url, {"bank_code": "NCB", "action": "pay"})
    assert back.status_code == 302 and back["Location"].startswith(
        "http://testserver/thanh-toan/ket-qua/demo/?"
    )

    txn.refresh_from_db()
    assert txn.state == Transaction.State.SUCCEEDED and txn.bank_code == "NCB" and txn.gateway_transaction_no
    ipn = CallbackLog.objects.get(kind="ipn")
    assert ipn.signature_valid and ipn.outcome == "applied" and ipn.response_code == "00"

    shown = client.get(back["Location"], follow=True)
    assert "Thanh toán thành công" in shown.content.decode()
    assert CallbackLog.objects.filter(kind="return", outcome="already_confirmed").count() == 0
    assert CallbackLog.objects.get(kind="return").outcome == "duplicate"

    requested.refresh_from_db()
    assert requested.state == PaymentRequest.State.PAID
    assert requested.online_payment == OnlinePayment.PROVINCE and requested.paid_via == "demo"
    dossier.refresh_from_db()
    assert dossier.status == Status.ACCEPTED and dossier.paused_at is None and dossier.due_at >= due_before
    assert dossier.events.filter(action="payment_received", actor__isnull=True, actor_role="system").exists()
    assert set(Message.objects.filter(event__startswith="payment.").values_list("event", flat=True)) == {
        "payment.requested",
        "payment.paid",
        "payment.receipt",
    }

    receipt = client.get(f"/ca-nhan/giao-dich/bien-lai/{requested.public_id}.pdf")
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"
    assert receipt["Cache-Control"] == "private, no-store"
    text = pdf_text(receipt.content)
    assert requested.receipt_number in text and dossier.code in text and "15.000 đ" in text
    assert "Mười lăm nghìn đồng" in text and txn.reference in text

    # Nobody else sees the receipt; the stranger's list is empty.
    client.force_login(pay_setup["stranger"])
    assert client.get(f"/ca-nhan/giao-dich/bien-lai/{requested.public_id}.pdf").status_code == 404
    assert dossier.code not in client.get("/ca-nhan/giao-dich/").content.decode()


def test_cancelling_on_the_bank_page_fails_the_transaction_and_allows_a_retry(client, requested, pay_setup):
    client.force_login(pay_setup["citizen"])
    bank_url = start_payment(client, requested)
    back = client.post(bank_url, {"bank_code": "NCB", "action": "cancel"})
    txn = Transaction.objects.get()
    assert txn.state == Transaction.State.FAILED and txn.response_code == "24"
    requested.refresh_from_db()
    assert requested.state == PaymentRequest.State.UNPAID
    page = client.get(back["Location"], follow=True).content.decode()
    assert "Thanh toán không thành công" in page and "Thanh toán lại" in page
    requested.dossier.refresh_from_db()
    assert requested.dossier.status == Status.PAYMENT_REQUESTED

    start_payment(client, requested)
    assert Transaction.objects.count() == 2


def test_return_before_the_ipn_shows_waiting_and_changes_nothing(client, requested, pay_setup):
    from dichvucong.payments import demo_bank

    client.force_login(pay_setup["citizen"])
    bank_url = start_payment(client, requested)
    params = {k: v[0] for k, v in parse_qs(urlsplit(bank_url).query).items()}
    result = demo_bank.result_params(params, pay=True, bank_code="NCB")
    page = client.get("/thanh-toan/ket-qua/demo/?" + demo_bank.signed_query(result), follow=True)
    body = page.content.decode()
    assert "Đang xác nhận" in body and 'http-equiv="refresh"' in body
    assert Transaction.objects.get().state == Transaction.State.INITIATED
    assert CallbackLog.objects.get().outcome == "return_verified"
    requested.refresh_from_db()
    assert requested.state == PaymentRequest.State.PENDING


def test_demo_bank_refuses_an_order_not_signed_by_us(client, requested, pay_setup):
    client.force_login(pay_setup["citizen"])
    bank_url = start_payment(client, requested)
    tampered = bank_url.replace(f"vnp_Amount={FEE * 100}", "vnp_Amount=100")
    response = client.get(tampered)
    assert response.status_code == 400 and "code=70" in response.content.decode()
    assert client.post(tampered, {"bank_code": "NCB", "action": "pay"}).status_code == 400
    assert Transaction.objects.get().state == Transaction.State.INITIATED


def test_demo_secret_is_not_public_and_derives_from_the_secret_key(settings):
    from dichvucong.payments.gateways.demo import demo_secret

    first = demo_secret()
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    assert demo_secret() != first and len(first) == 64
    settings.DVC_DEMO_GATEWAY_SECRET = "configured-demo-secret-of-32-chars-or-more"
    assert demo_secret() == "configured-demo-secret-of-32-chars-or-more"


@pytest.mark.parametrize("state", ["paid", "cancelled"])
def test_pay_page_refuses_a_closed_request(client, requested, pay_setup, state):
    PaymentRequest.objects.filter(pk=requested.pk).update(state=state)
    client.force_login(pay_setup["citizen"])
    response = client.post(f"/ca-nhan/giao-dich/thanh-toan/{requested.public_id}/", {"gateway": "demo"})
    assert response.status_code == 302 and "thanh-toan-thu" not in response["Location"]
    assert not Transaction.objects.exists()


def test_someone_elses_payment_request_is_a_404(client, requested, pay_setup):
    client.force_login(pay_setup["stranger"])
    assert client.get(f"/ca-nhan/giao-dich/thanh-toan/{requested.public_id}/").status_code == 404
    assert (
        client.post(f"/ca-nhan/giao-dich/thanh-toan/{requested.public_id}/", {"gateway": "demo"}).status_code
        == 404
    )
    assert not Transaction.objects.exists()


def test_unknown_gateway_is_refused(client, requested, pay_setup):
    client.force_login(pay_setup["citizen"])
    response = client.post(f"/ca-nhan/giao-dich/thanh-toan/{requested.public_id}/", {"gateway": "vnpay"})
    assert response.status_code == 200  # the form refuses a gateway that is not enabled
    assert not Transaction.objects.exists()


def test_transaction_list_query_count_does_not_grow(client, pay_setup, django_assert_max_num_queries):
    from dichvucong.payments.fees import fee_quote
    from dichvucong.payments.services import payment_request_create, payment_start

    from .conftest import accepted_dossier

    client.force_login(pay_setup["citizen"])
    for _ in range(4):
        dossier = accepted_dossier(pay_setup)
        request = payment_request_create(
            dossier_id=dossier.pk,
            officer=pay_setup["receptionist"],
            quote=fee_quote(dossier=dossier),
            deadline=None,
        )
        for _ in range(2):
            payment_start(
                request=request,
                payer=pay_setup["citizen"],
                gateway_name="demo",
                client_ip="127.0.0.1",
                site_url="http://testserver",
            )
    with django_assert_max_num_queries(9):
        response = client.get("/ca-nhan/giao-dich/")
    assert response.content.decode().count("Chờ thanh toán") == 4

"""How fees read on the citizen's and the staff's pages (QA walk at 360 px): a refund shows on the request's
status, an attempt never finished does not stay "Khởi tạo", the gateway has its name, the dossier page puts a
payable fee near the top, and the review page quotes the fee before submitting."""

import pytest
from django.urls import reverse

from conftest import login_with_second_factor
from dichvucong.dossiers import services as dossier_services
from dichvucong.dossiers.workflow import transition
from dichvucong.payments import cash, services
from dichvucong.payments.models import PaymentRequest, Refund, Transaction

from .conftest import FEE, accepted_dossier
from .helpers import signed_callback
from .test_closing import accepted_and_billed, billed_at_submission, leader, refuse, run_commits  # noqa: F401

STATE = '<strong class="payment-state">{}</strong>'


def start(request, data) -> Transaction:
    txn, _url = services.payment_start(
        request=request,
        payer=data["citizen"],
        gateway_name="demo",
        client_ip="127.0.0.1",
        site_url="http://testserver",
    )
    return txn


def test_a_refunded_fee_reads_refunded_and_the_abandoned_attempt_not_in_progress(
    client,
    pay_setup,
    settings,
    run_commits,  # noqa: F811
):
    request = billed_at_submission(pay_setup, settings, run_commits)
    abandoned = start(request, pay_setup)  # the citizen went back from the bank's page
    paid = start(request, pay_setup)
    with run_commits():
        assert client.get("/thanh-toan/ipn/demo/", signed_callback(paid)).json()["RspCode"] == "00"
    refuse(pay_setup, request.dossier, run_commits)
    assert Refund.objects.get().state == Refund.State.DONE
    abandoned.refresh_from_db()
    assert abandoned.state == Transaction.State.INITIATED  # display only: the row is not changed

    client.force_login(pay_setup["citizen"])
    mine = client.get("/ca-nhan/giao-dich/").content.decode()
    assert STATE.format("Đã hoàn trả") in mine and STATE.format("Đã thanh toán") not in mine
    assert "Khởi tạo" not in mine and "Đã hủy / Không dùng" in mine
    assert "Cổng thanh toán thử nghiệm" in mine and ">demo<" not in mine

    login_with_second_factor(client, pay_setup["receptionist"])
    staff = client.get(reverse("payments:staff_dossier", args=[request.dossier.public_id])).content.decode()
    assert STATE.format("Đã hoàn trả") in staff and STATE.format("Đã thanh toán") not in staff
    assert "Khởi tạo" not in staff and "Đã hủy / Không dùng" in staff


def test_a_refund_waiting_for_the_cashier_reads_pending(client, pay_setup, leader, run_commits):  # noqa: F811
    request = accepted_and_billed(pay_setup, run_commits)
    cash.cash_record(
        request_id=request.pk,
        collector=pay_setup["postal"],
        amount=FEE,
        receipt_number="BD-2026-0010",
        payer_name="Nguyễn Văn An",
    )
    transition(dossier_id=request.dossier_id, action="request_withdrawal", actor=pay_setup["citizen"])
    with run_commits():
        transition(dossier_id=request.dossier_id, action="approve_withdrawal", actor=leader)
    assert Refund.objects.get().state == Refund.State.CASHIER

    client.force_login(pay_setup["citizen"])
    assert STATE.format("Đang chờ hoàn trả") in client.get("/ca-nhan/giao-dich/").content.decode()
    login_with_second_factor(client, pay_setup["receptionist"])
    staff = client.get(reverse("payments:staff_dossier", args=[request.dossier.public_id])).content.decode()
    assert STATE.format("Đang chờ hoàn trả") in staff and "Tiền mặt" in staff


def test_an_attempt_not_finished_on_an_open_request_reads_not_completed(client, requested, pay_setup):
    txn = start(requested, pay_setup)
    client.force_login(pay_setup["citizen"])
    mine = client.get("/ca-nhan/giao-dich/").content.decode()
    assert "Chưa hoàn tất" in mine and "Khởi tạo" not in mine
    page = client.get(f"/ca-nhan/giao-dich/{txn.public_id}/").content.decode()
    assert "Chưa hoàn tất" in page and 'http-equiv="refresh"' in page  # still waiting for the bank


def test_transaction_page_names_the_gateway_and_lets_the_code_wrap(client, requested, pay_setup):
    first = start(requested, pay_setup)
    second = start(requested, pay_setup)
    client.get("/thanh-toan/ipn/demo/", signed_callback(second))
    requested.refresh_from_db()
    assert requested.state == PaymentRequest.State.PAID

    client.force_login(pay_setup["citizen"])
    page = client.get(f"/ca-nhan/giao-dich/{first.public_id}/").content.decode()
    assert f'<h1 class="break-anywhere">Giao dịch {first.reference}</h1>' in page
    assert "<dd>Cổng thanh toán thử nghiệm (không trừ tiền thật)" in page and "<dd>demo" not in page
    assert "Đã hủy / Không dùng" in page and "khoản phí đã được nộp bằng lần thanh toán khác" in page
    assert 'http-equiv="refresh"' not in page  # nothing left to wait for


def test_dossier_page_puts_a_payable_fee_near_the_top(client, requested, pay_setup):
    client.force_login(pay_setup["citizen"])
    page = client.get(f"/ho-so/{requested.dossier.public_id}/").content.decode()
    pay_url = reverse("payments:pay", args=[requested.public_id])
    notice = page.index('data-testid="fee-notice"')
    assert notice < page.index("Giấy tờ đã nộp") < page.index('id="s-fees"')
    assert (
        f'<a class="button" href="{pay_url}">Thanh toán 15.000 đ</a>'
        in page[notice : page.index("Giấy tờ đã nộp")]
    )


def test_no_fee_notice_when_nothing_is_payable(client, pay_setup):
    dossier = accepted_dossier(pay_setup)  # billed at acceptance only through the after-commit subscriber
    assert not PaymentRequest.objects.filter(dossier=dossier).exists()
    client.force_login(pay_setup["citizen"])
    assert 'data-testid="fee-notice"' not in client.get(f"/ho-so/{dossier.public_id}/").content.decode()


@pytest.mark.parametrize(
    ("at_submission", "note"),
    [(False, "chỉ được tính khi hồ sơ được tiếp nhận"), (True, "được tính khi bạn nộp hồ sơ")],
)
def test_review_page_quotes_the_fee_and_when_it_is_billed(client, pay_setup, settings, at_submission, note):
    settings.DVC_BILL_AT_SUBMISSION = at_submission
    dossier = dossier_services.dossier_create_draft(
        applicant=pay_setup["citizen"], offering=pay_setup["offering"]
    )
    client.force_login(pay_setup["citizen"])
    page = client.get(f"/ho-so/{dossier.public_id}/xem-lai/").content.decode()
    estimate = page[page.index('data-testid="fee-estimate"') :]
    assert (
        "Phí, lệ phí dự kiến" in estimate and "<strong>15.000 đ</strong>" in estimate
    )  # online: no copy fee
    assert note in estimate
    assert not PaymentRequest.objects.exists()  # a quote, nothing billed

"""The citizen's dossier page shows each fee (amount, status in words, pay button or receipt) and Mẫu 01
prints the fee billed and paid, in agreement with the e-receipt."""

import re

import pytest

from dichvucong.dossiers import services as dossier_services
from dichvucong.payments import services
from dichvucong.payments.models import PaymentRequest

from .conftest import submitted_dossier
from .helpers import signed_callback
from .test_flow import pdf_text as raw_pdf_text


def pdf_text(body: bytes) -> str:
    return re.sub(r"\s+", " ", raw_pdf_text(body))


@pytest.fixture
def run_commits(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _accepted_and_billed(data, run_commits) -> PaymentRequest:
    dossier = submitted_dossier(data)
    with run_commits():
        dossier_services.dossier_accept(dossier_id=dossier.pk, officer=data["receptionist"])
    return PaymentRequest.objects.get(dossier=dossier)


def _pay(client, data, request, run_commits) -> None:
    txn, _url = services.payment_start(
        request=request,
        payer=data["citizen"],
        gateway_name="demo",
        client_ip="127.0.0.1",
        site_url="http://testserver",
    )
    with run_commits():
        assert client.get("/thanh-toan/ipn/demo/", signed_callback(txn)).json()["RspCode"] == "00"
    request.refresh_from_db()


def _fees_section(client, dossier) -> str:
    page = client.get(f"/ho-so/{dossier.public_id}/")
    assert page.status_code == 200
    body = page.content.decode()
    start = body.index('id="s-fees"')
    return body[start : body.index("</section>", start)]


def test_dossier_page_shows_the_fee_with_a_pay_button_then_the_receipt(client, pay_setup, run_commits):
    request = _accepted_and_billed(pay_setup, run_commits)
    client.force_login(pay_setup["citizen"])
    pay_url = f"/ca-nhan/giao-dich/thanh-toan/{request.public_id}/"

    fees = _fees_section(client, request.dossier)
    assert "15.000 đ" in fees and "Chưa thanh toán" in fees
    assert f'href="{pay_url}"' in fees and "Thanh toán 15.000 đ" in fees

    _pay(client, pay_setup, request, run_commits)
    fees = _fees_section(client, request.dossier)
    assert "Đã thanh toán" in fees and pay_url not in fees
    assert f"/ca-nhan/giao-dich/bien-lai/{request.public_id}.pdf" in fees and request.receipt_number in fees


def test_dossier_page_of_a_refused_dossier_shows_the_fee_cancelled_without_a_button(
    client, pay_setup, settings, run_commits
):
    settings.DVC_BILL_AT_SUBMISSION = True
    with run_commits():
        dossier = submitted_dossier(pay_setup)
    request = PaymentRequest.objects.get(dossier=dossier)
    with run_commits():
        dossier_services.dossier_refuse(
            dossier_id=dossier.pk, officer=pay_setup["receptionist"], reasons=["Không thuộc thẩm quyền"]
        )
    client.force_login(pay_setup["citizen"])
    fees = _fees_section(client, dossier)
    assert "15.000 đ" in fees and "Đã hủy, không phải nộp" in fees
    assert f"/ca-nhan/giao-dich/thanh-toan/{request.public_id}/" not in fees


def test_another_citizen_sees_no_fee_of_the_dossier(client, pay_setup, run_commits):
    request = _accepted_and_billed(pay_setup, run_commits)
    client.force_login(pay_setup["stranger"])
    assert client.get(f"/ho-so/{request.dossier.public_id}/").status_code == 404


def test_mau_01_prints_the_fee_billed_and_paid_as_the_e_receipt(client, pay_setup, run_commits):
    request = _accepted_and_billed(pay_setup, run_commits)
    client.force_login(pay_setup["citizen"])
    form_url = f"/ho-so/{request.dossier.public_id}/mau-01.pdf"

    unpaid = pdf_text(client.get(form_url).content)
    assert "15.000 đ" in unpaid and "chưa nộp" in unpaid and "Phí, lệ phí: Không" not in unpaid

    _pay(client, pay_setup, request, run_commits)
    paid = pdf_text(client.get(form_url).content)
    assert "15.000 đ" in paid and "đã nộp ngày" in paid and request.receipt_number in paid
    assert "Phí, lệ phí: Không" not in paid
    receipt = pdf_text(client.get(f"/ca-nhan/giao-dich/bien-lai/{request.public_id}.pdf").content)
    assert "15.000 đ" in receipt and request.receipt_number in receipt

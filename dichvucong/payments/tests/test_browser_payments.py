"""Done-when in a real browser: a fee-bearing dossier in status 6 is paid through the demo gateway
(redirect to the fake bank, the IPN over real HTTP, the return), the transaction list shows it, and the
e-receipt PDF opens."""

import io

import pytest
from pypdf import PdfReader

from dichvucong.accounts.tests.conftest import latest_code
from dichvucong.dossiers.models import Status
from dichvucong.dossiers.tests.test_browser_dossiers import sign_in
from dichvucong.payments.fees import fee_quote
from dichvucong.payments.models import CallbackLog, PaymentRequest
from dichvucong.payments.services import payment_request_create

from .conftest import accepted_dossier

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pay_a_fee_through_the_demo_gateway_and_open_the_receipt(
    live_server, browser_page, pay_setup_live, settings
):
    settings.DVC_BILL_AT_SUBMISSION = False  # this agency asks for the fee after acceptance (status 6)
    settings.DVC_BILL_AT_ACCEPTANCE = False
    page, url, data = browser_page, live_server.url, pay_setup_live
    citizen = data["citizen"]
    dossier = accepted_dossier(data)
    request = payment_request_create(
        dossier_id=dossier.pk, officer=data["receptionist"], quote=fee_quote(dossier=dossier), deadline=None
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.PAYMENT_REQUESTED

    sign_in(page, url, citizen.username, lambda: latest_code("otp.login", citizen.phone))
    page.goto(url + "/ca-nhan/giao-dich/")
    assert dossier.code in page.content() and "Chưa thanh toán" in page.content()
    page.get_by_role("link", name="Thanh toán phí/lệ phí").click()
    page.get_by_label("Cổng thanh toán thử nghiệm (không trừ tiền thật)").check()
    page.get_by_role("button", name="Tiếp tục thanh toán").click()
    page.wait_for_url("**/thanh-toan-thu/vpcpay.html?**")
    assert "15.000 đ" in page.content()
    page.get_by_label("Ngân hàng Quốc Dân (NCB)").check()
    page.get_by_role("button", name="Thanh toán", exact=True).click()
    page.wait_for_url("**/ca-nhan/giao-dich/*/")
    assert "Thanh toán thành công" in page.content(), page.locator("main").inner_text()[:500]

    ipn = CallbackLog.objects.get(kind="ipn")
    assert ipn.outcome == "applied" and ipn.remote_addr != "in-process"  # a real HTTP request
    request.refresh_from_db()
    assert request.state == PaymentRequest.State.PAID
    dossier.refresh_from_db()
    assert dossier.status == Status.ACCEPTED

    receipt = page.request.get(f"{url}/ca-nhan/giao-dich/bien-lai/{request.public_id}.pdf")
    assert receipt.status == 200 and receipt.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(receipt.body())).pages)
    assert request.receipt_number in text and dossier.code in text and "15.000 đ" in text
    with page.expect_response(f"**/bien-lai/{request.public_id}.pdf") as opened:
        page.get_by_role("link", name="Xem biên lai điện tử (PDF)").click()
    assert opened.value.status == 200

    page.goto(url + "/ca-nhan/giao-dich/")
    assert "Đã thanh toán" in page.content() and request.receipt_number in page.content()


def test_phone_dossier_page_pay_button_then_refund_when_stopped(
    live_server, browser_page, pay_setup_live, settings
):
    """At 360 px: the fee billed on acceptance shows on the dossier page with a pay button; once paid the
    button gives way to the receipt; when the dossier is then stopped the money goes back (demo gateway)."""
    from django.contrib.auth import get_user_model

    from dichvucong.accounts.models import AgencyMembership
    from dichvucong.dossiers.workflow import transition

    page, url, data = browser_page, live_server.url, pay_setup_live
    page.set_viewport_size({"width": 360, "height": 740})
    citizen = data["citizen"]
    dossier = accepted_dossier(data)  # the subscription bills 15.000 đ after the real commit
    request = PaymentRequest.objects.get(dossier=dossier)
    assert request.state == PaymentRequest.State.UNPAID and not request.pauses_dossier

    sign_in(page, url, citizen.username, lambda: latest_code("otp.login", citizen.phone))
    page.goto(f"{url}/ho-so/{dossier.public_id}/")
    fees = page.locator("#s-fees").locator("xpath=..")
    assert "15.000 đ" in fees.inner_text() and "Chưa thanh toán" in fees.inner_text()
    button = page.get_by_role("link", name="Thanh toán 15.000 đ").first  # the notice at the top
    assert button.bounding_box()["y"] < page.get_by_role("heading", name="Giấy tờ đã nộp").bounding_box()["y"]
    assert button.bounding_box()["x"] + button.bounding_box()["width"] <= 360
    button.click()
    page.get_by_label("Cổng thanh toán thử nghiệm (không trừ tiền thật)").check()
    page.get_by_role("button", name="Tiếp tục thanh toán").click()
    page.wait_for_url("**/thanh-toan-thu/vpcpay.html?**")
    page.get_by_label("Ngân hàng Quốc Dân (NCB)").check()
    page.get_by_role("button", name="Thanh toán", exact=True).click()
    page.wait_for_url("**/ca-nhan/giao-dich/*/")

    page.goto(f"{url}/ho-so/{dossier.public_id}/")
    fees = page.locator("#s-fees").locator("xpath=..").inner_text()
    request.refresh_from_db()
    assert "Đã thanh toán" in fees and request.receipt_number in fees and "Thanh toán 15.000 đ" not in fees

    leader = get_user_model().objects.create_user(
        username="lanhdao.b", password="x", kind="staff", full_name="Vũ Thị Giang"
    )
    AgencyMembership.objects.create(user=leader, agency=data["commune"], role="leader")
    transition(dossier_id=dossier.pk, action="stop", actor=leader, note="Mẫu 05")
    page.goto(f"{url}/ho-so/{dossier.public_id}/")
    assert "Đã hoàn trả 15.000 đ" in page.locator("#s-fees").locator("xpath=..").inner_text()


def test_phone_transaction_page_fits_360_px_and_names_the_gateway(
    live_server, browser_page, pay_setup_live, settings
):
    """At 360 px the heading "Giao dịch DVC…" wraps inside the screen and the gateway reads by its name."""
    from django.conf import settings as django_settings
    from django.test import Client

    from dichvucong.payments.services import payment_start

    page, url, data = browser_page, live_server.url, pay_setup_live
    page.set_viewport_size({"width": 360, "height": 740})
    dossier = accepted_dossier(data)
    request = PaymentRequest.objects.get(dossier=dossier)
    txn, _url = payment_start(
        request=request, payer=data["citizen"], gateway_name="demo", client_ip="127.0.0.1", site_url=url
    )
    txn.reference = "DVC261207A17353904D"  # the code the QA walk saw at 399 px
    txn.save(update_fields=["reference"])
    client = Client()
    client.force_login(data["citizen"])
    name = django_settings.SESSION_COOKIE_NAME
    page.context.add_cookies([{"name": name, "value": client.cookies[name].value, "url": url}])

    page.goto(f"{url}/ca-nhan/giao-dich/{txn.public_id}/")
    heading = page.get_by_role("heading", level=1)
    assert txn.reference in heading.inner_text()
    text_right = page.evaluate(
        """() => { const range = document.createRange();
                   range.selectNodeContents(document.querySelector('h1'));
                   return Math.max(...[...range.getClientRects()].map(r => r.right)); }"""
    )
    assert text_right <= 360, text_right  # the text itself (399 px before), not only the heading's box
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    gateway = page.locator("dt", has_text="Cổng thanh toán").locator("xpath=following-sibling::dd[1]")
    assert gateway.inner_text().startswith("Cổng thanh toán thử nghiệm")

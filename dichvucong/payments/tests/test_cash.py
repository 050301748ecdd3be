import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from pypdf import PdfReader

from conftest import login_with_second_factor
from dichvucong.dossiers.models import DossierEvent, Status
from dichvucong.payments import cash, services
from dichvucong.payments.models import CashCollection, OnlinePayment, PaymentRequest, Reconciliation

from .conftest import FEE, accepted_dossier
from .helpers import snapshot


def collect(request, user, receipt="BD-2026-0001", amount=FEE, **kwargs):
    return cash.cash_record(
        request_id=request.pk,
        collector=user,
        amount=amount,
        receipt_number=receipt,
        payer_name="Nguyễn Văn An",
        **kwargs,
    )


def test_postal_staff_record_cash_and_the_dossier_resumes(requested, pay_setup):
    collection = collect(requested, pay_setup["postal"])
    requested.refresh_from_db()
    assert requested.state == PaymentRequest.State.PAID and requested.paid_via == "cash"
    assert requested.online_payment == OnlinePayment.NOT_ONLINE and requested.receipt_number == "BD-2026-0001"
    assert requested.dossier.status == Status.ACCEPTED
    event = DossierEvent.objects.get(action="payment_received")
    assert event.actor == pay_setup["postal"] and event.actor_role == "postal"
    assert collection.collected_by == pay_setup["postal"]


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"amount": FEE - 1}, "amount"),
        ({"amount": -FEE}, "amount"),
        ({"receipt": ""}, "receipt_number"),
        ({"receipt": "<script>"}, "receipt_number"),
        ({"collected_at": timezone.now() + datetime.timedelta(days=1)}, "future"),
    ],
)
def test_bad_cash_records_are_refused_and_change_nothing(requested, pay_setup, kwargs, error):
    before = snapshot(requested)
    with pytest.raises(services.PaymentError) as refused:
        collect(requested, pay_setup["postal"], **kwargs)
    assert refused.value.code == error
    assert snapshot(requested) == before and not CashCollection.objects.exists()


def test_cash_twice_or_by_an_outsider_is_refused(requested, pay_setup):
    with pytest.raises(PermissionDenied):
        collect(requested, pay_setup["outsider_postal"])
    with pytest.raises(PermissionDenied):
        collect(requested, pay_setup["citizen"])
    collect(requested, pay_setup["postal"])
    with pytest.raises(services.PaymentError):
        collect(requested, pay_setup["postal"], receipt="BD-2026-0002")
    assert CashCollection.objects.count() == 1


def test_a_receipt_number_is_used_once(requested, pay_setup):
    collect(requested, pay_setup["postal"])
    other_dossier = accepted_dossier(pay_setup)
    from dichvucong.payments.fees import fee_quote

    other = services.payment_request_create(
        dossier_id=other_dossier.pk,
        officer=pay_setup["receptionist"],
        quote=fee_quote(dossier=other_dossier),
        deadline=None,
    )
    before = snapshot(other)
    with pytest.raises(services.PaymentError) as refused:
        collect(other, pay_setup["postal"], receipt="bd-2026-0001")
    assert refused.value.code == "duplicate_receipt"
    assert snapshot(other) == before


def test_postal_page_records_cash_and_the_receipt_pdf_says_cash(client, requested, pay_setup):
    login_with_second_factor(client, pay_setup["postal"])
    code = requested.dossier.code
    page = client.get("/buu-dien/thu-tien/", {"ma": code})
    assert page.status_code == 200 and "15.000 đ" in page.content.decode()
    response = client.post(
        f"/buu-dien/thu-tien/?ma={code}",
        {"amount": FEE, "receipt_number": "BD-9", "payer_name": "Nguyễn Văn An"},
    )
    assert response.status_code == 302
    requested.refresh_from_db()
    assert requested.state == PaymentRequest.State.PAID
    client.force_login(pay_setup["citizen"])
    pdf = client.get(f"/ca-nhan/giao-dich/bien-lai/{requested.public_id}.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "BD-9" in text and "Tiền mặt" in text and "postal" not in text


def test_agency_admin_reconciles_cash_per_period(client, requested, pay_setup):
    collect(requested, pay_setup["postal"])
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        cash.cash_reconcile(
            admin=pay_setup["postal"], agency=pay_setup["commune"], start=today, end=today, remitted_total=FEE
        )
    result = cash.cash_reconcile(
        admin=pay_setup["admin"],
        agency=pay_setup["commune"],
        start=today,
        end=today,
        remitted_total=FEE - 1000,
    )
    assert result.ledger_total == FEE and result.difference == -1000
    assert result.mismatches[0]["by_collector"] == {"buudien.a": FEE}
    assert CashCollection.objects.get().reconciliation == result
    with pytest.raises(services.PaymentError):  # each collection is reconciled once
        cash.cash_reconcile(
            admin=pay_setup["admin"], agency=pay_setup["commune"], start=today, end=today, remitted_total=FEE
        )


def test_reconcile_page(client, requested, pay_setup):
    collect(requested, pay_setup["postal"])
    login_with_second_factor(client, pay_setup["admin"])
    today = timezone.localdate().strftime("%d/%m/%Y")
    query = f"?agency={pay_setup['commune'].pk}&start={today}&end={today}"
    page = client.get("/quan-ly/doi-soat-tien-mat/" + query)
    assert page.status_code == 200 and "15.000 đ" in page.content.decode()
    response = client.post("/quan-ly/doi-soat-tien-mat/" + query, {"remitted_total": FEE})
    assert response.status_code == 302
    result = Reconciliation.objects.get()
    assert result.kind == "cash" and result.mismatches == []
    login_with_second_factor(client, pay_setup["postal"])
    assert client.get("/quan-ly/doi-soat-tien-mat/").status_code == 403


def test_nobody_records_cash_for_a_dossier_of_their_own(requested, pay_setup):
    """Segregation of duties (issue 11, finding 10): the collector whose own dossier it is may not take the
    money for it, even with the cash role at its agency."""
    postal = pay_setup["postal"]
    postal.id_number = requested.dossier.applicant_id_number or "038090012345"
    postal.save(update_fields=["id_number"])
    if not requested.dossier.applicant_id_number:
        type(requested.dossier).objects.filter(pk=requested.dossier.pk).update(
            applicant_id_number=postal.id_number
        )
    before = snapshot(requested)

    with pytest.raises(services.PaymentError) as refused:
        collect(requested, postal)

    assert refused.value.code == "own_dossier"
    assert snapshot(requested) == before and not CashCollection.objects.exists()

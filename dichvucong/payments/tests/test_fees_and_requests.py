import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from dichvucong.catalogue.models import FeeItem
from dichvucong.dossiers.models import DossierEvent, Status
from dichvucong.dossiers.workflow import TransitionRefused
from dichvucong.payments import services
from dichvucong.payments.fees import FeeError, custom_quote, fee_quote
from dichvucong.payments.models import PaymentRequest

from .conftest import FEE, accepted_dossier, submitted_dossier


def test_local_items_for_the_channel_replace_national_ones(pay_setup):
    dossier = submitted_dossier(pay_setup)
    FeeItem.objects.create(version=dossier.version, name="Lệ phí quốc gia", amount=None)
    quote = fee_quote(dossier=dossier)
    assert [line.name for line in quote.lines] == [
        "Lệ phí cấp bản sao trích lục"
    ]  # per-copy is in_person only
    assert quote.amount == FEE and not quote.ambiguous and not quote.unpriced


def test_national_items_apply_without_local_ones(pay_setup):
    dossier = submitted_dossier(pay_setup)
    FeeItem.objects.filter(offering=dossier.offering).delete()
    FeeItem.objects.create(version=dossier.version, name="Phí A", amount=8000, per="per_copy")
    FeeItem.objects.create(version=dossier.version, name="Lệ phí theo HĐND", amount=None)
    FeeItem.objects.create(version=dossier.version, name="Miễn", amount=0, is_free=True)
    item = FeeItem.objects.get(name="Phí A")
    quote = fee_quote(dossier=dossier, quantities={item.pk: 3})
    assert quote.amount == 24000 and quote.unpriced == ["Lệ phí theo HĐND"]
    assert [line.amount for line in quote.lines] == [24000, 0]


def test_alternative_rates_are_ambiguous_and_not_billed_at_submission(pay_setup):
    dossier = submitted_dossier(pay_setup)
    FeeItem.objects.create(offering=dossier.offering, name="Mức giảm cho sinh viên", amount=7000)
    assert fee_quote(dossier=dossier).ambiguous
    assert services.payment_request_for_submission(dossier=dossier) is None


def test_submission_hook_bills_an_unambiguous_fee_once_without_a_status_change(pay_setup):
    dossier = submitted_dossier(pay_setup)
    first = services.payment_request_for_submission(dossier=dossier)
    assert first.amount == FEE and not first.pauses_dossier and first.deadline > timezone.localdate()
    assert services.payment_request_for_submission(dossier=dossier) == first
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"reduction": -1}, "reduction"),
        ({"reduction": FEE + 1, "reduction_reason": "x"}, "reduction"),
        ({"reduction": 1000}, "reason"),
        ({"reduction": True}, "reduction"),
        ({"item_ids": [999999]}, "unknown_item"),
    ],
)
def test_bad_reductions_and_items_are_refused(pay_setup, kwargs, code):
    dossier = submitted_dossier(pay_setup)
    with pytest.raises(FeeError) as refused:
        fee_quote(dossier=dossier, **kwargs)
    assert refused.value.code == code


@pytest.mark.parametrize("quantity", [0, -3, 1001, True, "2"])
def test_absurd_quantities_are_refused(pay_setup, quantity):
    dossier = submitted_dossier(pay_setup)
    dossier.channel = "in_person"
    item = FeeItem.objects.get(per="per_copy")
    with pytest.raises(FeeError):
        fee_quote(dossier=dossier, quantities={item.pk: quantity})


def test_a_total_over_the_ceiling_is_refused(pay_setup):
    dossier = submitted_dossier(pay_setup)
    dossier.channel = "in_person"
    item = FeeItem.objects.get(per="per_copy")
    FeeItem.objects.filter(pk=item.pk).update(amount=1_000_000_000)
    with pytest.raises(FeeError) as refused:
        fee_quote(dossier=dossier, quantities={item.pk: 2})
    assert refused.value.code == "too_large"


@pytest.mark.parametrize("amount", [0, -5, 10**10, 1.5, None])
def test_custom_lines_must_be_positive_and_sane(amount):
    with pytest.raises(FeeError):
        custom_quote(lines=[{"name": "Thuế", "amount": amount}])


def test_request_payment_pauses_the_clock_and_sets_status_6(pay_setup):
    dossier = accepted_dossier(pay_setup)
    request = services.payment_request_create(
        dossier_id=dossier.pk,
        officer=pay_setup["specialist"],
        quote=fee_quote(dossier=dossier, exempt=False),
        deadline=timezone.localdate() + datetime.timedelta(days=5),
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.PAYMENT_REQUESTED and dossier.resume_status == Status.ACCEPTED
    assert dossier.paused_at is not None and request.pauses_dossier
    event = DossierEvent.objects.get(action="request_payment")
    assert event.data["amount"] == FEE


def test_full_exemption_needs_a_reason_and_then_nothing_is_due(pay_setup):
    dossier = accepted_dossier(pay_setup)
    with pytest.raises(FeeError):
        fee_quote(dossier=dossier, exempt=True)
    quote = fee_quote(dossier=dossier, exempt=True, reduction_reason="Hộ nghèo")
    with pytest.raises(FeeError) as refused:
        services.payment_request_create(
            dossier_id=dossier.pk, officer=pay_setup["receptionist"], quote=quote, deadline=None
        )
    assert refused.value.code == "nothing_due"
    dossier.refresh_from_db()
    assert dossier.status == Status.ACCEPTED and not PaymentRequest.objects.exists()


def test_a_reduction_is_recorded_with_its_reason(pay_setup):
    dossier = accepted_dossier(pay_setup)
    quote = fee_quote(dossier=dossier, reduction=5000, reduction_reason="Người có công")
    request = services.payment_request_create(
        dossier_id=dossier.pk, officer=pay_setup["receptionist"], quote=quote, deadline=None
    )
    assert (request.gross_amount, request.reduction, request.amount) == (FEE, 5000, 10000)


def test_a_submitted_dossier_gets_a_request_without_status_change(pay_setup):
    dossier = submitted_dossier(pay_setup)
    request = services.payment_request_create(
        dossier_id=dossier.pk,
        officer=pay_setup["receptionist"],
        quote=fee_quote(dossier=dossier),
        deadline=None,
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED and not request.pauses_dossier


def test_second_open_request_outsiders_and_past_deadlines_are_refused(requested, pay_setup):
    dossier = requested.dossier
    with pytest.raises((FeeError, TransitionRefused)):
        services.payment_request_create(
            dossier_id=dossier.pk,
            officer=pay_setup["receptionist"],
            quote=fee_quote(dossier=dossier),
            deadline=None,
        )
    with pytest.raises(PermissionDenied):
        services.payment_request_create(
            dossier_id=dossier.pk,
            officer=pay_setup["outsider"],
            quote=fee_quote(dossier=dossier),
            deadline=None,
        )
    with pytest.raises(PermissionDenied):  # postal staff do not ask for fees
        services.payment_request_create(
            dossier_id=dossier.pk,
            officer=pay_setup["postal"],
            quote=fee_quote(dossier=dossier),
            deadline=None,
        )
    other = accepted_dossier(pay_setup)
    with pytest.raises(FeeError):
        services.payment_request_create(
            dossier_id=other.pk,
            officer=pay_setup["receptionist"],
            quote=fee_quote(dossier=other),
            deadline=timezone.localdate() - datetime.timedelta(days=1),
        )
    assert PaymentRequest.objects.count() == 1


def test_an_expired_request_cannot_be_paid_online(requested, pay_setup):
    PaymentRequest.objects.filter(pk=requested.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    requested.refresh_from_db()
    with pytest.raises(services.PaymentError) as refused:
        services.payment_start(
            request=requested, payer=pay_setup["citizen"], gateway_name="demo", client_ip="", site_url="x"
        )
    assert refused.value.code == "past_deadline"


def test_cancel_is_refused_while_the_dossier_waits_on_the_request(requested, pay_setup):
    with pytest.raises(services.PaymentError):
        services.payment_request_cancel(
            request_id=requested.pk, officer=pay_setup["receptionist"], reason="nhầm"
        )
    dossier = submitted_dossier(pay_setup)
    other = services.payment_request_create(
        dossier_id=dossier.pk,
        officer=pay_setup["receptionist"],
        quote=fee_quote(dossier=dossier),
        deadline=None,
    )
    services.payment_request_cancel(
        request_id=other.pk, officer=pay_setup["receptionist"], reason="Nhầm mức phí"
    )
    other.refresh_from_db()
    assert other.state == PaymentRequest.State.CANCELLED


def test_staff_page_requests_payment(client, pay_setup):
    from conftest import login_with_second_factor

    dossier = accepted_dossier(pay_setup)
    login_with_second_factor(client, pay_setup["receptionist"])
    page = client.get(f"/mot-cua/thu-phi/ho-so/{dossier.public_id}/")
    assert page.status_code == 200 and "15.000 đ" in page.content.decode()
    item = FeeItem.objects.get(per="fixed", offering=dossier.offering)
    response = client.post(
        f"/mot-cua/thu-phi/ho-so/{dossier.public_id}/",
        {"action": "request", "deadline": "31/12/2099", f"item_{item.pk}": "on", "reduction": ""},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.PAYMENT_REQUESTED
    client.force_login(pay_setup["citizen"])  # a citizen cannot open the staff page
    assert client.get(f"/mot-cua/thu-phi/ho-so/{dossier.public_id}/").status_code in (302, 403)
    login_with_second_factor(client, pay_setup["outsider"])
    assert client.get(f"/mot-cua/thu-phi/ho-so/{dossier.public_id}/").status_code == 404

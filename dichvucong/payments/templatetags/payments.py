"""Payments on other apps' pages (the caller has already checked that the user may see the dossier):

- ``{% dossier_fees dossier %}``: each fee with its amount, its status in words, the pay button while it
  can be paid, the e-receipt once paid, and any refund;
- ``{% dossier_fee_notice dossier %}``: a short notice with the pay button, for the top of the dossier page;
- ``{% dossier_fee_estimate dossier %}``: the fee the catalogue quotes for a draft, and when it is billed;
- filters ``payment_state``, ``txn_state`` and ``gateway_label``: states and gateways in words."""

from django import template
from django.conf import settings

from dichvucong.core.formatting import format_vnd
from dichvucong.payments import selectors
from dichvucong.payments.fees import FeeError, fee_quote
from dichvucong.payments.gateways import registry

register = template.Library()


@register.inclusion_tag("payments/_dossier_fees.html")
def dossier_fees(dossier) -> dict:
    return {"fees": selectors.dossier_fees(dossier=dossier), "dossier": dossier}


@register.inclusion_tag("payments/_fee_notice.html")
def dossier_fee_notice(dossier) -> dict:
    payable = [fee for fee in selectors.dossier_fees(dossier=dossier) if fee.payable]
    return {"payable": payable, "dossier": dossier}


@register.inclusion_tag("payments/_fee_estimate.html")
def dossier_fee_estimate(dossier) -> dict:
    """The catalogue's quote for the dossier as it stands, before anything is billed."""
    try:
        quote = fee_quote(dossier=dossier)
    except FeeError:
        quote = None
    if settings.DVC_BILL_AT_SUBMISSION:
        billed = "submission"
    elif getattr(settings, "DVC_BILL_AT_ACCEPTANCE", True):
        billed = "acceptance"
    else:
        billed = "staff"
    return {
        "quote": quote,
        "amount_text": format_vnd(quote.amount) if quote else "",
        "billed": billed,
    }


@register.filter
def payment_state(payment_request) -> str:
    return selectors.payment_request_state_label(payment_request)


@register.filter
def txn_state(txn, payment_request=None) -> str:
    return selectors.transaction_state_label(txn, payment_request or None)


@register.filter
def gateway_label(name: str) -> str:
    return registry.gateway_label(name or "")

"""``{% load payments %}{% dossier_fees dossier %}`` on the citizen's dossier page: each fee with its amount,
its status in words, the pay button while it can be paid, the e-receipt once paid, and any refund. The
caller has already checked that the user may see the dossier."""

from django import template

from dichvucong.payments import selectors

register = template.Library()


@register.inclusion_tag("payments/_dossier_fees.html")
def dossier_fees(dossier) -> dict:
    return {"fees": selectors.dossier_fees(dossier=dossier), "dossier": dossier}

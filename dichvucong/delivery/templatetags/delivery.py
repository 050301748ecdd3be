"""``{% load delivery %}{% dossier_shipments dossier %}`` on the citizen's dossier page, and
``{% dossier_shipments dossier public=True %}`` on public tracking (waybill and names masked)."""

from django import template

from dichvucong.delivery import selectors
from dichvucong.delivery.carriers.registry import carrier_label
from dichvucong.dossiers.selectors import mask_name

register = template.Library()


@register.inclusion_tag("delivery/_shipments.html")
def dossier_shipments(dossier, public: bool = False) -> dict:
    rows = []
    for shipment in selectors.dossier_shipments(dossier=dossier):
        rows.append(
            {
                "shipment": shipment,
                "carrier": carrier_label(shipment.carrier),
                "waybill": selectors.mask_waybill(shipment.waybill) if public else shipment.waybill,
                "delivered_to": mask_name(shipment.delivered_to) if public else shipment.delivered_to,
                "events": [e for e in shipment.events.all() if e.state != "created"],
            }
        )
    return {"rows": rows, "public": public}

"""Reads of shipments, always given the asking user."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from dichvucong.accounts.models import StaffRole, User
from dichvucong.accounts.selectors import agencies_for_user
from dichvucong.delivery.models import Shipment, ShipmentEvent
from dichvucong.delivery.states import ACTIVE, Kind, State
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.selectors import STAFF_ROLES


def postal_agencies(*, user: User):
    return agencies_for_user(user=user, roles=[StaffRole.POSTAL])


def _postal_base(*, user: User) -> QuerySet[Shipment]:
    return Shipment.objects.select_related("dossier__procedure", "dossier__agency").filter(
        dossier__agency__in=postal_agencies(user=user)
    )


def postal_orders(*, user: User) -> dict[str, list[Shipment]]:
    """The postal staff member's work: open pickups and deliveries (oldest first), and the latest closed."""
    base = _postal_base(user=user)
    open_orders = list(base.filter(state__in=sorted(ACTIVE)).order_by("created_at", "id")[:500])
    return {
        "pickups": [s for s in open_orders if s.kind == Kind.PICKUP],
        "deliveries": [s for s in open_orders if s.kind == Kind.DELIVERY],
        "closed": list(base.exclude(state__in=sorted(ACTIVE)).order_by("-updated_at", "-id")[:20]),
    }


def postal_order_list(*, user: User, kind: str = "", state: str = "") -> QuerySet[Shipment]:
    queryset = _postal_base(user=user)
    if kind:
        queryset = queryset.filter(kind=kind)
    if state == "open":
        queryset = queryset.filter(state__in=sorted(ACTIVE))
    elif state:
        queryset = queryset.filter(state=state)
    return queryset.order_by("created_at", "id")


def postal_order_get(*, user: User, public_id) -> Shipment:
    """The shipment with its history if the user is postal staff at the dossier's agency; 404 otherwise."""
    shipment = (
        _postal_base(user=user)
        .select_related("dossier__applicant", "proof_document")
        .prefetch_related(Prefetch("events", queryset=ShipmentEvent.objects.select_related("actor")))
        .filter(public_id=public_id)
        .first()
    )
    if shipment is None:
        raise Http404("Không tìm thấy đơn bưu chính")
    return shipment


def dossier_shipments(*, dossier: Dossier) -> list[Shipment]:
    """Shipments of a dossier the caller already may see, newest first, with their histories."""
    return list(
        Shipment.objects.filter(dossier=dossier)
        .prefetch_related(Prefetch("events", queryset=ShipmentEvent.objects.filter(applied=True)))
        .order_by("-created_at", "-id")
    )


def dossier_for_shipments(*, user: User, public_id) -> Dossier:
    """A dossier whose shipments the user may see: its applicant, or staff (postal included) at its agency."""
    if not user.is_authenticated:
        raise Http404
    roles = [*STAFF_ROLES, StaffRole.POSTAL]
    dossier = Dossier.objects.filter(public_id=public_id).select_related("agency").first()
    if dossier is None:
        raise Http404
    if dossier.applicant_id == user.pk:
        return dossier
    if (
        not user.is_citizen_like
        and agencies_for_user(user=user, roles=roles).filter(pk=dossier.agency_id).exists()
    ):
        return dossier
    raise Http404


def mask_waybill(waybill: str) -> str:
    """ "EB123456789VN" -> "EB*******89VN": enough to recognise on the parcel, not to track it elsewhere."""
    if len(waybill) <= 6:
        return "*" * len(waybill)
    return waybill[:2] + "*" * (len(waybill) - 6) + waybill[-4:]


def is_final(shipment: Shipment) -> bool:
    return shipment.state not in ACTIVE


__all__ = [
    "State",
    "dossier_for_shipments",
    "dossier_shipments",
    "is_final",
    "mask_waybill",
    "postal_order_get",
    "postal_order_list",
    "postal_orders",
]

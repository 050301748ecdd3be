"""Where a new feedback goes: the competent agency, or the province's one-stop centre to be routed by hand.

- about a dossier: the agency handling the dossier;
- about an agency: that agency;
- about a procedure: the place the sender chose ("Nơi thực hiện", one of the agencies offering the
  procedure), else the only agency offering it; offered by several (or none) and no place chosen: the
  centre, flagged ``needs_routing`` (a system administrator or the centre's staff route it)."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from dichvucong.agencies.models import Agency
from dichvucong.catalogue.models import AgencyProcedure, Procedure
from dichvucong.dossiers.models import Dossier
from dichvucong.feedback.models import Subject


def province_centre() -> Agency | None:
    """The agency that routes by hand what no single agency is competent for: the setting
    ``DVC_FEEDBACK_CENTRE_CODE``, else the provincial public-service centre, else the provincial committee."""
    code = getattr(settings, "DVC_FEEDBACK_CENTRE_CODE", "")
    if code:
        return Agency.objects.filter(code=code).first()
    for kind in (Agency.Kind.PROVINCIAL_SERVICE_CENTRE, Agency.Kind.PROVINCE_COMMITTEE):
        agency = Agency.objects.filter(kind=kind).order_by("code").first()
        if agency is not None:
            return agency
    return None


def offering_agencies(procedure: Procedure | None) -> QuerySet[Agency]:
    """The agencies in operation that offer ``procedure`` now (the choices of "Nơi thực hiện")."""
    if procedure is None:
        return Agency.objects.none()
    offered = AgencyProcedure.objects.filter(procedure=procedure, is_active=True).values("agency_id")
    in_operation = Q(valid_to__isnull=True) | Q(valid_to__gte=timezone.localdate())
    return Agency.objects.filter(in_operation, pk__in=offered).order_by("name")


def offers(agency: Agency, procedure: Procedure) -> bool:
    return offering_agencies(procedure).filter(pk=agency.pk).exists()


def route_for(
    *,
    subject: str,
    procedure: Procedure | None,
    agency: Agency | None,
    dossier: Dossier | None,
    place: Agency | None = None,
) -> tuple[Agency | None, bool]:
    """The competent agency, and whether it still has to be routed by hand (sent to the centre).
    ``place`` must already have been checked to offer ``procedure`` (``offers``)."""
    if subject == Subject.DOSSIER and dossier is not None:
        return dossier.agency, False
    if subject == Subject.AGENCY and agency is not None:
        return agency, False
    if subject == Subject.PROCEDURE and procedure is not None:
        if place is not None:
            return place, False
        offering = list(
            AgencyProcedure.objects.filter(procedure=procedure, is_active=True)
            .values_list("agency_id", flat=True)
            .distinct()[:2]
        )
        if len(offering) == 1:
            return Agency.objects.get(pk=offering[0]), False
    return province_centre(), True

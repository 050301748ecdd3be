"""Who may see which agencies' figures: staff (not postal workers) see the agencies where they hold a role
and everything under them; system administrators see the whole province."""

from __future__ import annotations

from dichvucong.accounts.models import AgencyMembership, StaffRole, User
from dichvucong.accounts.selectors import is_system_admin
from dichvucong.agencies.models import Agency
from dichvucong.reports.scorecard import agencies_under

REPORT_ROLES = (
    StaffRole.LEADER,
    StaffRole.HEAD_OF_UNIT,
    StaffRole.SPECIALIST,
    StaffRole.RECEPTIONIST,
    StaffRole.CLERK,
    StaffRole.AGENCY_ADMIN,
    StaffRole.SYSTEM_ADMIN,
)


def report_root_agencies(*, user: User):
    """Agencies where the user holds a reporting role (the roots of what they see)."""
    if not user.is_authenticated:
        return Agency.objects.none()
    if is_system_admin(user=user):
        return Agency.objects.filter(parent__isnull=True).order_by("code")
    ids = AgencyMembership.objects.filter(user=user, is_active=True, role__in=REPORT_ROLES).values(
        "agency_id"
    )
    return Agency.objects.filter(pk__in=ids).order_by("code")


def visible_agency_ids(*, user: User) -> frozenset[int]:
    """Every agency whose figures and dossiers the user may see in the reports."""
    found: set[int] = set()
    for pk in report_root_agencies(user=user).values_list("pk", flat=True):
        if pk not in found:
            found.update(agencies_under(pk))
    return frozenset(found)


def visible_agencies(*, user: User) -> list[Agency]:
    ids = visible_agency_ids(user=user)
    return list(Agency.objects.filter(pk__in=ids).order_by("code"))

"""Reads for accounts, always given the asking user: nobody sees another agency's staff."""

from __future__ import annotations

from django.db.models import F, Prefetch, QuerySet
from django.http import Http404
from django.urls import NoReverseMatch, reverse

from dichvucong.accounts.models import AgencyMembership, LoginEvent, StaffRole, User
from dichvucong.agencies.models import Agency


def agencies_for_user(*, user: User, roles: list[str] | None = None) -> QuerySet[Agency]:
    """Agencies where the user holds an active role (optionally one of ``roles``)."""
    if not user.is_authenticated:
        return Agency.objects.none()
    memberships = AgencyMembership.objects.filter(user=user, is_active=True)
    if roles:
        memberships = memberships.filter(role__in=roles)
    return Agency.objects.filter(pk__in=memberships.values("agency_id")).order_by("code")


def is_system_admin(*, user: User) -> bool:
    """A superuser, or a person with an active system administrator role: may lock accounts everywhere."""
    if not user.is_authenticated or not user.is_active:
        return False
    return (
        user.is_superuser
        or AgencyMembership.objects.filter(user=user, role=StaffRole.SYSTEM_ADMIN, is_active=True).exists()
    )


def agencies_administered_by(*, user: User) -> QuerySet[Agency]:
    """System administrators administer every agency; agency administrators their own agencies."""
    if not user.is_authenticated:
        return Agency.objects.none()
    if is_system_admin(user=user):
        return Agency.objects.order_by("code")
    return agencies_for_user(user=user, roles=[StaffRole.AGENCY_ADMIN])


def staff_list_for_admin(*, user: User, agency_code: str = "") -> QuerySet[User]:
    agencies = agencies_administered_by(user=user)
    if agency_code:
        agencies = agencies.filter(code=agency_code)
    visible = AgencyMembership.objects.filter(agency__in=agencies)
    return (
        User.objects.filter(kind=User.Kind.STAFF, memberships__in=visible)
        .distinct()
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=AgencyMembership.objects.filter(agency__in=agencies)
                .select_related("agency")
                .order_by("agency__code", "role"),
                to_attr="visible_memberships",
            )
        )
        .order_by("full_name", "username")
    )


def staff_get_for_admin(*, user: User, staff_id: int) -> User:
    """A staff member the asking administrator may manage; 404 otherwise (ids cannot be probed)."""
    staff = staff_list_for_admin(user=user).filter(pk=staff_id).first()
    if staff is None:
        raise Http404("Không tìm thấy cán bộ")
    return staff


def login_history(*, user: User, limit: int = 50) -> list[LoginEvent]:
    return list(LoginEvent.objects.filter(user=user).order_by("-created_at")[:limit])


# Where staff start their day after signing in: the first work page of their roles, in this order (the same
# pages the header links to; see core.context_processors.WORK_LINKS). A page of an app that is not installed
# is skipped.
STAFF_LANDING: tuple[tuple[str, str], ...] = (
    (StaffRole.RECEPTIONIST, "dossiers:queue"),
    (StaffRole.SPECIALIST, "processing:inbox"),
    (StaffRole.HEAD_OF_UNIT, "processing:inbox"),
    (StaffRole.LEADER, "processing:inbox"),
    (StaffRole.CLERK, "processing:inbox"),
    (StaffRole.POSTAL, "delivery:orders"),
    (StaffRole.AGENCY_ADMIN, "accounts:staff_list"),
    (StaffRole.SYSTEM_ADMIN, "accounts:staff_list"),
)


def landing_url_for(*, user: User) -> str:
    """The page a person lands on after signing in when no ``next`` was asked: staff their work queue,
    everyone else (and staff without an active role) their personal page."""
    if user.kind == User.Kind.STAFF:
        roles = set(AgencyMembership.objects.filter(user=user, is_active=True).values_list("role", flat=True))
        if user.is_superuser:
            roles.add(StaffRole.SYSTEM_ADMIN)
        for role, url_name in STAFF_LANDING:
            if role in roles:
                try:
                    return reverse(url_name)
                except NoReverseMatch:
                    continue
    return reverse("accounts:profile")


def user_vouched_fields(*, user: User) -> frozenset[str]:
    """The profile fields whose value came from the national e-ID (VNeID) claims: shown as verified and not
    editable by hand (identity_providers.VOUCHED_FIELDS). Read from the claims of the latest VNeID sign-in."""
    from dichvucong.accounts import identity_providers, oidc, verification
    from dichvucong.accounts.models import ExternalIdentity

    if user.identity_verified_by != User.IdentityProof.VNEID:
        return frozenset()
    raw = (
        ExternalIdentity.objects.filter(user=user, provider=oidc.OidcIdentityProvider.name)
        .order_by(F("last_login_at").desc(nulls_last=True))
        .values_list("claims", flat=True)
        .first()
    )
    if not raw:
        return frozenset()
    try:
        claims = oidc.claims_from_national(raw)
    except verification.IdentityError:
        return frozenset()
    current = {name: getattr(user, name) for name in identity_providers.VOUCHED_FIELDS}
    if current["date_of_birth"]:
        current["date_of_birth"] = current["date_of_birth"].isoformat()
    return frozenset(name for name, value in current.items() if value and getattr(claims, name) == value)

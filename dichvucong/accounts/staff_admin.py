"""Writes for staff administration: create staff, grant and revoke roles, remove from an agency, lock.

Who may do what:

- an agency administrator acts at the agencies they administer only: creates staff there, grants and
  revokes roles there, and removes a person from that agency (every role there ends; roles elsewhere
  and the account itself are untouched);
- only a system administrator (a superuser, or an active ``system_admin`` role) locks or unlocks an
  account, because a locked account loses every agency at once.

Every change writes an ``AuditEvent`` naming the agency it happened at (a global lock names none and lists
the agencies the person held roles at). Keyword-only and typed, like accounts.services.
"""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.db import transaction

from dichvucong.accounts import selectors
from dichvucong.accounts.models import AgencyMembership, AuditEvent, StaffRole, User
from dichvucong.accounts.services import AccountError
from dichvucong.agencies.models import Agency
from dichvucong.core.clientip import client_ip_or_none


def audit(
    *,
    actor: User | None,
    action: str,
    target: User | None = None,
    agency: Agency | None = None,
    changes: dict | None = None,
    request=None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor,
        action=action,
        target_user=target,
        agency=agency,
        changes=changes or {},
        ip_address=client_ip_or_none(request),  # the address the rate limits see
    )


def grantable_roles(*, actor: User) -> list[str]:
    """The roles ``actor`` may give (the forms offer these, the services accept only these): a system
    administrator role only by a superuser."""
    return [role for role in StaffRole.values if role != StaffRole.SYSTEM_ADMIN or actor.is_superuser]


def _require_admin_of(*, actor: User, agency: Agency) -> None:
    if not selectors.agencies_administered_by(user=actor).filter(pk=agency.pk).exists():
        raise AccountError("Bạn không có quyền quản lý cán bộ của cơ quan này.", code="forbidden")


@transaction.atomic
def staff_create(
    *,
    actor: User,
    agency: Agency,
    role: str,
    username: str,
    full_name: str,
    email: str,
    phone: str,
    password: str,
    request=None,
) -> User:
    _require_admin_of(actor=actor, agency=agency)
    if role not in grantable_roles(actor=actor):
        raise AccountError("Vai trò không hợp lệ.", code="role")
    if get_user_model().objects.filter(username=username).exists():
        raise AccountError("Tên đăng nhập đã được dùng.", code="username")
    user = User.objects.create_user(
        username=username,
        password=password,
        kind=User.Kind.STAFF,
        full_name=full_name,
        email=email,
        phone=phone,
    )
    AgencyMembership.objects.create(user=user, agency=agency, role=role)
    audit(
        actor=actor,
        action="staff.create",
        target=user,
        agency=agency,
        changes={"username": username, "role": role},
        request=request,
    )
    return user


@transaction.atomic
def staff_grant_role(*, actor: User, user: User, agency: Agency, role: str, request=None) -> AgencyMembership:
    _require_admin_of(actor=actor, agency=agency)
    if role not in grantable_roles(actor=actor):
        raise AccountError("Vai trò không hợp lệ.", code="role")
    if user.kind != User.Kind.STAFF:
        raise AccountError("Chỉ tài khoản cán bộ mới được giao vai trò.", code="kind")
    membership, created = AgencyMembership.objects.get_or_create(user=user, agency=agency, role=role)
    if not created and not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
        created = True
    if created:
        audit(
            actor=actor,
            action="staff.grant_role",
            target=user,
            agency=agency,
            changes={"role": [None, role]},
            request=request,
        )
    return membership


@transaction.atomic
def staff_revoke_role(*, actor: User, membership: AgencyMembership, request=None) -> None:
    membership = AgencyMembership.objects.select_for_update().get(pk=membership.pk)
    _require_admin_of(actor=actor, agency=membership.agency)
    if membership.user_id == actor.pk and membership.role == StaffRole.AGENCY_ADMIN:
        raise AccountError("Bạn không thể tự thu hồi quyền quản trị của mình.", code="self")
    if not membership.is_active:
        return
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    audit(
        actor=actor,
        action="staff.revoke_role",
        target=membership.user,
        agency=membership.agency,
        changes={"role": [membership.role, None]},
        request=request,
    )


@transaction.atomic
def staff_remove_from_agency(*, actor: User, user: User, agency: Agency, request=None) -> list[str]:
    """End every role ``user`` holds at ``agency`` (what an agency administrator does instead of locking).

    Roles at other agencies and the account stay as they are. Returns the roles ended ([] when none was
    active); one audit row names the agency and the roles.
    """
    _require_admin_of(actor=actor, agency=agency)
    if user.pk == actor.pk:
        raise AccountError("Bạn không thể tự gỡ vai trò của mình.", code="self")
    memberships = list(
        AgencyMembership.objects.select_for_update()
        .filter(user=user, agency=agency, is_active=True)
        .order_by("role")
    )
    if not memberships:
        if not AgencyMembership.objects.filter(user=user, agency=agency).exists():
            raise AccountError("Cán bộ không thuộc cơ quan này.", code="forbidden")
        return []
    roles = [membership.role for membership in memberships]
    AgencyMembership.objects.filter(pk__in=[m.pk for m in memberships]).update(is_active=False)
    audit(
        actor=actor,
        action="staff.remove_from_agency",
        target=user,
        agency=agency,
        changes={"roles": [roles, []]},
        request=request,
    )
    return roles


@transaction.atomic
def staff_set_active(*, actor: User, user: User, active: bool, request=None) -> None:
    """Lock or unlock an account everywhere: a system administrator's action only.

    A locked account signs out of every session (new session salt). The audit row lists the agencies the
    person held roles at, since the lock reaches all of them.
    """
    if not selectors.is_system_admin(user=actor):
        raise AccountError(
            "Chỉ quản trị hệ thống mới khóa hoặc mở khóa tài khoản. "
            "Quản trị cơ quan có thể gỡ mọi vai trò của cán bộ tại cơ quan mình.",
            code="forbidden",
        )
    if user.kind != User.Kind.STAFF:
        raise AccountError("Chỉ khóa được tài khoản cán bộ ở trang này.", code="kind")
    if user.pk == actor.pk:
        raise AccountError("Bạn không thể tự khóa tài khoản của mình.", code="self")
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.is_active == active:
        return
    User.objects.filter(pk=user.pk).update(is_active=active, session_salt=secrets.token_hex(8))
    user.is_active = active
    agencies = sorted(set(AgencyMembership.objects.filter(user=user).values_list("agency__code", flat=True)))
    audit(
        actor=actor,
        action="staff.activate" if active else "staff.deactivate",
        target=user,
        changes={"is_active": [not active, active], "agencies": agencies},
        request=request,
    )

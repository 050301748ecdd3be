"""Sign in with an ID number (or staff username) or a verified e-mail address."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.db.models import F

from dichvucong.accounts.models import User


def normalise_identifier(identifier: str | None) -> str:
    identifier = (identifier or "").strip()
    return identifier.lower() if "@" in identifier else identifier.replace(" ", "")


def axes_username(request, credentials: dict | None) -> str:
    """django-axes counts failures per (normalised identifier, IP)."""
    value = (credentials or {}).get("username") or request.POST.get("identifier", "")
    return normalise_identifier(value)


def accounts_for_identifier(*, identifier: str) -> list[User]:
    """Who may be signing in with ``identifier``: the account with that username (or unique verified e-mail),
    and every citizen-like account holding it as ID number. Several unverified accounts may hold one number
    (verification.py); the proven holder, if any, comes first."""
    from dichvucong.accounts.services import user_find_by_identifier

    identifier = normalise_identifier(identifier)
    by_name = user_find_by_identifier(identifier=identifier)
    found = [by_name] if by_name is not None else []
    if identifier and "@" not in identifier:
        holders = (
            User.objects.filter(
                id_number=identifier,
                kind__in=[User.Kind.CITIZEN, User.Kind.BUSINESS, User.Kind.ORGANISATION],
            )
            .exclude(pk__in=[u.pk for u in found])
            .order_by(F("identity_verified_at").asc(nulls_last=True), "pk")[:10]
        )
        found.extend(holders)
    return found


class IdentifierBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password:
            return None
        candidates = accounts_for_identifier(identifier=username)
        if not candidates:
            User().set_password(password)  # same work as a real check: no timing hint that the ID is unknown
            return None
        # When several unverified accounts share an ID number, the one whose password matches signs in.
        for user in candidates:
            if user.check_password(password) and self.user_can_authenticate(user):
                return user
        return None

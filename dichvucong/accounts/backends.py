"""Sign in with an ID number (or staff username) or a verified e-mail address."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from dichvucong.accounts.models import User


def normalise_identifier(identifier: str | None) -> str:
    identifier = (identifier or "").strip()
    return identifier.lower() if "@" in identifier else identifier.replace(" ", "")


def axes_username(request, credentials: dict | None) -> str:
    """django-axes counts failures per (normalised identifier, IP)."""
    value = (credentials or {}).get("username") or request.POST.get("identifier", "")
    return normalise_identifier(value)


class IdentifierBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        from dichvucong.accounts.services import user_find_by_identifier

        if not username or not password:
            return None
        user = user_find_by_identifier(identifier=normalise_identifier(username))
        if user is None:
            User().set_password(password)  # same work as a real check: no timing hint that the ID is unknown
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

"""Registry of external identity providers (OpenID Connect), ready for the national e-ID to plug in.

A provider turns an authorization-code callback into verified claims; ``external_identity_sign_in``
then finds the linked account (or links one by ID number). The demo provider runs offline so the whole
flow works on a laptop. A real OIDC provider (discovery, PKCE, ID-token checks) is added by a later issue
as another ``IdentityProvider`` subclass registered under its own name.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db import transaction
from django.utils import timezone

from dichvucong.accounts.models import ExternalIdentity, User


@dataclass(frozen=True)
class Claims:
    """What a provider vouches for, in the names the national portal uses (SoDinhDanh, HoVaTen, …)."""

    subject: str
    id_number: str = ""
    full_name: str = ""
    phone: str = ""
    email: str = ""
    raw: dict = field(default_factory=dict)


class IdentityProvider:
    name: str = ""
    label: str = ""

    def authorization_url(self, *, redirect_uri: str, state: str, nonce: str) -> str:
        raise NotImplementedError

    def claims_from_callback(self, *, code: str, redirect_uri: str, nonce: str) -> Claims:
        raise NotImplementedError


class DemoIdentityProvider(IdentityProvider):
    """Offline stand-in: the "code" is the ID number of a demo person it vouches for."""

    name = "demo"
    label = "Định danh dùng thử"

    def authorization_url(self, *, redirect_uri: str, state: str, nonce: str) -> str:
        return f"{redirect_uri}?{urlencode({'state': state, 'code': 'demo'})}"

    def claims_from_callback(self, *, code: str, redirect_uri: str, nonce: str) -> Claims:
        id_number = code if code.isdigit() else "038090012345"
        return Claims(
            subject=f"demo-{id_number}",
            id_number=id_number,
            full_name="Nguyễn Văn An",
            raw={"SoDinhDanh": id_number, "HoVaTen": "Nguyễn Văn An"},
        )


_REGISTRY: dict[str, IdentityProvider] = {}


def register(provider: IdentityProvider) -> IdentityProvider:
    if not provider.name:
        raise ValueError("provider needs a name")
    _REGISTRY[provider.name] = provider
    return provider


def get(name: str) -> IdentityProvider:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise LookupError(f"Unknown identity provider {name!r}") from None


def names() -> list[str]:
    return sorted(_REGISTRY)


register(DemoIdentityProvider())


def new_state() -> tuple[str, str]:
    """A (state, nonce) pair to keep in the session across the redirect."""
    return secrets.token_urlsafe(24), secrets.token_urlsafe(24)


@transaction.atomic
def external_identity_link(*, user: User, provider: str, claims: Claims) -> ExternalIdentity:
    """Link an account to an external identity; an identity already linked elsewhere is refused."""
    get(provider)
    existing = (
        ExternalIdentity.objects.select_for_update().filter(provider=provider, subject=claims.subject).first()
    )
    if existing is not None and existing.user_id != user.pk:
        raise ValueError("Danh tính này đã được liên kết với một tài khoản khác.")
    identity, _created = ExternalIdentity.objects.update_or_create(
        provider=provider, subject=claims.subject, defaults={"user": user, "claims": claims.raw}
    )
    return identity


@transaction.atomic
def external_identity_sign_in(*, provider: str, claims: Claims) -> User | None:
    """The account for verified claims: by an existing link, else by the same ID number (then linked)."""
    identity = (
        ExternalIdentity.objects.select_related("user")
        .filter(provider=provider, subject=claims.subject)
        .first()
    )
    if identity is None and claims.id_number:
        user = User.objects.filter(
            id_number=claims.id_number, kind__in=[User.Kind.CITIZEN, User.Kind.BUSINESS]
        ).first()
        if user is None:
            return None
        identity = external_identity_link(user=user, provider=provider, claims=claims)
    if identity is None or not identity.user.is_active:
        return None
    ExternalIdentity.objects.filter(pk=identity.pk).update(last_login_at=timezone.now(), claims=claims.raw)
    return identity.user

"""Registry of external identity providers (OpenID Connect), ready for the national e-ID to plug in.

A provider turns an authorization-code callback into verified claims. ``external_identity_sign_in`` then
finds the linked account, or the account whose holder PROVED the ID number (verification.py), or creates
one; it never links to an account that merely typed the number at registration: the sign-in proves the
number, so every unverified holder of it is displaced. ``external_identity_claim`` lets a signed-in person
prove their own account's number the same way.

Enabled providers come from ``DVC_IDENTITY_PROVIDERS`` (comma list; default "demo" in demo mode, none
otherwise). The demo provider runs offline so the whole flow works on a laptop; outside demo mode it is
refused here at run time (and core.startup refuses to start with it configured). The national e-ID over
OpenID Connect (discovery, PKCE, ID-token checks) is ``oidc.OidcIdentityProvider``, registered as "vneid" by
the app's ready(); only providers that ``signs_in`` are offered on the sign-in page.
"""

from __future__ import annotations

import datetime
import os
import secrets
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dichvucong.accounts import verification
from dichvucong.accounts.models import ExternalIdentity, User
from dichvucong.core.modes import demo_mode


@dataclass(frozen=True)
class Claims:
    """What a provider vouches for, in the names the national portal uses (SoDinhDanh, HoVaTen, …)."""

    subject: str
    id_number: str = ""
    id_type: str = ""  # empty: a personal number (CCCD, or CMND for 9 digits)
    kind: str = User.Kind.CITIZEN
    full_name: str = ""
    date_of_birth: str = ""  # ISO date (the claims travel through the session as JSON)
    gender: str = ""
    phone: str = ""
    email: str = ""
    raw: dict = field(default_factory=dict)
    id_token: str = ""  # kept for the provider's end_session (log out there too)

    @property
    def number_type(self) -> str:
        return self.id_type or verification.id_type_for_number(self.id_number)

    def as_session(self) -> dict:
        return dict(self.__dict__)

    @classmethod
    def from_session(cls, data: dict) -> Claims:
        return cls(**{key: value for key, value in data.items() if key in cls.__dataclass_fields__})


class IdentityProvider:
    name: str = ""
    label: str = ""
    is_demo: bool = False  # an offline stand-in: usable only in demo mode
    signs_in: bool = False  # offered on the sign-in page (the demo stand-in only proves a declared number)

    def configured(self) -> bool:
        return True

    def authorization_url(
        self, *, redirect_uri: str, state: str, nonce: str, login_hint: str = "", code_challenge: str = ""
    ) -> str:
        raise NotImplementedError

    def claims_from_callback(
        self, *, code: str, redirect_uri: str, nonce: str, code_verifier: str = ""
    ) -> Claims:
        raise NotImplementedError

    def end_session_url(self, *, id_token_hint: str, post_logout_redirect_uri: str) -> str:
        """Where to send the browser so the provider's session ends too; empty when it has none."""
        return ""


class DemoIdentityProvider(IdentityProvider):
    """Offline stand-in: it vouches only for the number it is handed as the login hint, which is the number
    the signed-in account itself declared (the "code" carries it back). It never makes a number up: without
    a hint there is no code, and the callback is refused. The code can be rewritten in the browser, so
    ``external_identity_claim`` also refuses the demo provider for an account without a declared number and
    any claimed number other than the declared one."""

    name = "demo"
    label = "Định danh dùng thử"
    is_demo = True

    @staticmethod
    def _valid(number: str) -> bool:
        return bool(number) and number.isascii() and number.isalnum()

    def authorization_url(
        self, *, redirect_uri: str, state: str, nonce: str, login_hint: str = "", code_challenge: str = ""
    ) -> str:
        query = {"state": state}
        if self._valid(login_hint):
            query["code"] = login_hint
        return f"{redirect_uri}?{urlencode(query)}"

    def claims_from_callback(
        self, *, code: str, redirect_uri: str, nonce: str, code_verifier: str = ""
    ) -> Claims:
        if not self._valid(code):
            raise verification.IdentityError(DEMO_NEEDS_NUMBER, code="no_number")
        return Claims(
            subject=f"demo-{code}",
            id_number=code,
            full_name="Nguyễn Văn An",
            raw={"SoDinhDanh": code, "HoVaTen": "Nguyễn Văn An"},
        )


DEMO_NEEDS_NUMBER = _(
    "Định danh dùng thử chỉ xác nhận số giấy tờ mà tài khoản của bạn đã khai. Tài khoản chưa có số giấy "
    "tờ: hãy mang giấy tờ gốc đến bộ phận một cửa để được hỗ trợ."
)


_REGISTRY: dict[str, IdentityProvider] = {}


def register(provider: IdentityProvider) -> IdentityProvider:
    if not provider.name:
        raise ValueError("provider needs a name")
    _REGISTRY[provider.name] = provider
    return provider


def enabled_names() -> list[str]:
    """``DVC_IDENTITY_PROVIDERS`` (setting, else environment): a comma list; default "demo" in demo mode."""
    raw = getattr(settings, "DVC_IDENTITY_PROVIDERS", None)
    if raw is None:
        raw = os.environ.get("DVC_IDENTITY_PROVIDERS", "demo" if demo_mode() else "")
    if isinstance(raw, str):
        raw = raw.split(",")
    return [str(name).strip().lower() for name in raw if str(name).strip()]


def get(name: str) -> IdentityProvider:
    """An enabled provider; unknown, disabled and (outside demo mode) demo providers are refused."""
    provider = _REGISTRY.get(name)
    if provider is None or name not in enabled_names() or not provider.configured():
        raise LookupError(f"Identity provider {name!r} is unknown or not enabled")
    if provider.is_demo and not demo_mode():
        raise LookupError(f"Identity provider {name!r} is a demo provider: only in demo mode (DVC_DEMO=1)")
    return provider


def names() -> list[str]:
    """The providers people may prove their number with here (the national e-ID first)."""
    usable = []
    for name in sorted(_REGISTRY, key=lambda n: (_REGISTRY[n].is_demo, n)):
        try:
            get(name)
        except LookupError:
            continue
        usable.append(name)
    return usable


def sign_in_names() -> list[str]:
    """The providers offered on the sign-in page."""
    return [name for name in names() if _REGISTRY[name].signs_in]


register(DemoIdentityProvider())


def new_state() -> tuple[str, str]:
    """A (state, nonce) pair to keep in the session across the redirect."""
    return secrets.token_urlsafe(24), secrets.token_urlsafe(24)


def _proves(user: User, claims: Claims) -> bool:
    """The account's holder proved the number these claims carry (or the claims carry none)."""
    if not claims.id_number:
        return True
    return user.identity_verified_at is not None and user.id_number == claims.id_number


@transaction.atomic
def external_identity_link(*, user: User, provider: str, claims: Claims) -> ExternalIdentity:
    """Link an account to an external identity. Refused (ValueError) when the identity is linked elsewhere,
    or when the claims carry an ID number the account has not proven (prove it first: verification.py)."""
    get(provider)
    existing = (
        ExternalIdentity.objects.select_for_update().filter(provider=provider, subject=claims.subject).first()
    )
    if existing is not None and existing.user_id != user.pk:
        raise ValueError("Danh tính này đã được liên kết với một tài khoản khác.")
    if not _proves(user, claims):
        raise ValueError("Tài khoản chưa được xác minh với số định danh này.")
    identity, _created = ExternalIdentity.objects.update_or_create(
        provider=provider, subject=claims.subject, defaults={"user": user, "claims": claims.raw}
    )
    return identity


def _prove(*, user: User, claims: Claims) -> None:
    verification.identity_verify(
        user=user,
        method=User.IdentityProof.VNEID,
        id_type=claims.number_type,
        id_number=claims.id_number,
    )


# The profile fields the provider vouches for: copied at every sign-in, shown as verified, not editable.
VOUCHED_FIELDS = ("full_name", "date_of_birth", "gender", "phone", "email")


def _profile_from_claims(*, user: User, claims: Claims) -> None:
    """Copy what the provider vouches for onto the account (phone and e-mail marked verified)."""
    now = timezone.now()
    changed = []
    values = {
        "full_name": claims.full_name,
        "date_of_birth": datetime.date.fromisoformat(claims.date_of_birth) if claims.date_of_birth else None,
        "gender": claims.gender,
        "phone": claims.phone,
        "email": claims.email,
    }
    for name, value in values.items():
        if value and getattr(user, name) != value:
            setattr(user, name, value)
            changed.append(name)
    if claims.phone and user.phone_verified_at is None:
        user.phone_verified_at = now
        changed.append("phone_verified_at")
    if claims.email and (user.email_verified_at is None or "email" in changed):
        user.email_verified_at = now
        changed.append("email_verified_at")
    if changed:
        user.save(update_fields=changed)


def _account_from_claims(*, claims: Claims) -> User:
    """A new account for a person (or business) the provider vouches for (no password: they sign in with
    it)."""
    user = User(
        username=f"dinhdanh-{secrets.token_hex(8)}",  # replaced by the number once proven
        kind=claims.kind,
        id_type=claims.number_type,
        id_number=claims.id_number,
        full_name=claims.full_name or claims.id_number,
        password=make_password(None),
    )
    user.save()
    return user


def external_identity_unverified_holders(*, provider: str, claims: Claims) -> list[User]:
    """The accounts that declared this number without proving it, when the sign-in would otherwise make a
    new account: the person may prove one is theirs (its password) and have it linked instead; otherwise
    they give way to the new account. Empty when the identity is linked or someone proved the number."""
    if not claims.id_number:
        return []
    if ExternalIdentity.objects.filter(provider=provider, subject=claims.subject).exists():
        return []
    holders = verification.identity_holders(id_type=claims.number_type, id_number=claims.id_number)
    if holders.filter(identity_verified_at__isnull=False).exists():
        return []
    return list(holders.filter(is_active=True, kind__in=verification.CITIZEN_KINDS).order_by("pk"))


@transaction.atomic
def external_identity_link_existing(*, user: User, provider: str, claims: Claims) -> User:
    """A person who proved control of an unverified account holding the claims' number (its password, in
    the view) has it proven and linked; other unverified holders give way. Refused as external_identity_claim
    is (verification.IdentityError, nothing changed)."""
    external_identity_claim(user=user, provider=provider, claims=claims)
    user.refresh_from_db()
    _profile_from_claims(user=user, claims=claims)
    ExternalIdentity.objects.filter(provider=provider, subject=claims.subject).update(
        last_login_at=timezone.now()
    )
    return user


@transaction.atomic
def external_identity_sign_in(*, provider: str, claims: Claims) -> User | None:
    """The account for verified claims, or None (inactive account, or a number another account proved).

    1. The account linked to this identity, if it proved the number the claims carry.
    2. Else the account whose holder proved the number, then linked.
    3. Else a new account, proven and linked. Accounts that only typed the number lose it
       (verification.identity_verify): a sign-in never links to them by ID number.
    A link to an account that has not proven the claims' number was made by ID number before numbers were
    proven (possibly to someone who typed another person's number): it is dropped, not trusted.
    """
    get(provider)
    identity = (
        ExternalIdentity.objects.select_related("user")
        .filter(provider=provider, subject=claims.subject)
        .first()
    )
    if identity is not None and not _proves(identity.user, claims):
        identity.delete()
        identity = None
    if identity is not None:
        user = identity.user
        if not user.is_active:
            return None
    elif not claims.id_number:
        return None
    else:
        user = verification.identity_verified_holder(id_type=claims.number_type, id_number=claims.id_number)
        if user is None:
            user = _account_from_claims(claims=claims)
            try:
                _prove(user=user, claims=claims)
            except verification.IdentityError:  # proven for another account meanwhile
                transaction.set_rollback(True)
                return None
        elif not user.is_active or user.kind not in verification.CITIZEN_KINDS:
            return None
        identity = external_identity_link(user=user, provider=provider, claims=claims)
    ExternalIdentity.objects.filter(pk=identity.pk).update(last_login_at=timezone.now(), claims=claims.raw)
    _profile_from_claims(user=user, claims=claims)
    return user


@transaction.atomic
def external_identity_claim(*, user: User, provider: str, claims: Claims) -> list[User]:
    """A signed-in person proves their account's ID number with the provider; returns the accounts displaced.

    The claims must carry the number the account holds (an account displaced earlier, holding none, takes
    it). Refused (verification.IdentityError, nothing changed) for another number, for a number another
    account proved, or for an identity linked to another account."""
    source = get(provider)
    if not claims.id_number:
        raise verification.IdentityError(
            _("Nhà cung cấp định danh không gửi số định danh."), code="no_number"
        )
    declared = User.objects.filter(pk=user.pk).values_list("id_number", flat=True).first() or ""
    if source.is_demo and not declared:  # the demo provider vouches only for a number the account declared
        raise verification.IdentityError(DEMO_NEEDS_NUMBER, code="no_number")
    if declared and declared != claims.id_number:
        raise verification.IdentityError(
            "Số định danh trên tài khoản định danh điện tử khác số giấy tờ của tài khoản này. "
            "Hãy đến bộ phận một cửa, mang theo giấy tờ gốc, để được kiểm tra.",
            code="mismatch",
        )
    linked = ExternalIdentity.objects.filter(provider=provider, subject=claims.subject).first()
    if linked is not None and linked.user_id != user.pk:
        raise verification.IdentityError(
            "Tài khoản định danh điện tử này đã được liên kết với một tài khoản khác.", code="linked"
        )
    displaced = verification.identity_verify(
        user=user,
        method=User.IdentityProof.VNEID,
        id_type=user.id_type or claims.number_type,
        id_number=claims.id_number,
    )
    external_identity_link(user=user, provider=provider, claims=claims)
    return displaced

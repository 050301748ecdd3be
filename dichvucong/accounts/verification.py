"""Proving that an account's ID number belongs to its holder, and what follows for everyone else.

A number typed at registration is only a claim: several unverified accounts may hold the same number and
none of them blocks the real holder. The number is proven by a sign-in with the national e-ID (VNeID,
``identity_providers``) or by a receptionist who checked the physical card at the counter. Then:

- the account is marked verified (when, how, by whom); the number is unique among verified accounts (a
  database constraint), so a second proof of the same number for another account is refused;
- every other account that held the number unverified loses it (the old value is kept in an AuditEvent) and
  is told why and whom to contact; the verified holder is told too. Messages go only to each account's own
  verified phone number / e-mail address.
"""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from dichvucong.accounts.models import AuditEvent, StaffRole, User
from dichvucong.agencies.models import Agency
from dichvucong.notifications.events import EMAIL, SMS
from dichvucong.notifications.services import notify

Proof = User.IdentityProof
CITIZEN_KINDS = (User.Kind.CITIZEN, User.Kind.BUSINESS, User.Kind.ORGANISATION)


class IdentityError(Exception):
    """A refused verification, with a message for the person (Vietnamese) and a stable code."""

    def __init__(self, message: str, *, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


TAKEN_MESSAGE = (
    "Số giấy tờ này đã được xác minh cho một tài khoản khác. Nếu đó là số của bạn, hãy đến bộ phận "
    "một cửa và mang theo giấy tờ gốc để được hỗ trợ."
)


def id_type_for_number(id_number: str) -> str:
    """The kind of a personal number proven by the e-ID: 12 digits CCCD, 9 digits the old CMND."""
    return User.IdType.CMND if len(id_number) == 9 else User.IdType.CCCD


def identity_holders(*, id_type: str, id_number: str) -> QuerySet[User]:
    """Every account holding this number, verified or not."""
    if not id_number:
        return User.objects.none()
    return User.objects.filter(id_type=id_type, id_number=id_number)


def identity_verified_holder(*, id_type: str, id_number: str) -> User | None:
    """The account whose holder proved this number, if any."""
    return (
        identity_holders(id_type=id_type, id_number=id_number)
        .filter(identity_verified_at__isnull=False)
        .first()
    )


def identity_account_for_number(*, id_number: str) -> User | None:
    """The account a record about this number belongs to (a dossier filed at the counter): the holder who
    proved it; else the one account that declared it; None when several declared it and none proved it
    (any of them may be someone who typed another person's number)."""
    if not id_number:
        return None
    holders = list(
        User.objects.filter(id_number=id_number, kind__in=CITIZEN_KINDS).order_by(
            F("identity_verified_at").asc(nulls_last=True), "pk"
        )[:2]
    )
    if holders and (holders[0].identity_verified_at is not None or len(holders) == 1):
        return holders[0]
    return None


def identity_displacement(*, user: User) -> dict | None:
    """Why an account holds no number: the latest time its number was removed because the holder proved it
    (when, how, the number masked); None when the account holds a number or never lost one."""
    if user.id_number:
        return None
    event = (
        AuditEvent.objects.filter(action="identity.displace", target_user=user)
        .order_by("-created_at")
        .first()
    )
    if event is None:
        return None
    old_number = (event.changes.get("id_number") or [""])[0] or ""
    return {
        "at": event.created_at,
        "method": event.changes.get("method", ""),
        "masked_number": _mask_number(old_number) if old_number else "",
    }


def username_for_identity(*, id_number: str, exclude_pk: int | None = None) -> str:
    """The sign-in name for a new account with this number: the number itself while it is free, else the
    number with a suffix ("038090012345.2"); people sign in with the number and their password either way."""
    taken = User.objects.filter(Q(username=id_number) | Q(username__startswith=f"{id_number}."))
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    names = set(taken.values_list("username", flat=True))
    if id_number not in names:
        return id_number
    n = 2
    while f"{id_number}.{n}" in names:
        n += 1
    return f"{id_number}.{n}"


def _free_username(user: User) -> str:
    name = f"taikhoan-{user.pk}"
    while User.objects.filter(username=name).exists():
        name = f"taikhoan-{user.pk}-{secrets.token_hex(2)}"
    return name


_IDENTITY_FIELDS = (
    "id_type",
    "id_number",
    "username",
    "identity_verified_at",
    "identity_verified_by",
    "identity_verified_actor",
)


def _mask_number(id_number: str) -> str:
    return f"***{id_number[-4:]}"


def _verified_channels(user: User) -> list[str]:
    """A message about the account goes only to addresses the account proved it owns."""
    channels = []
    if user.phone and user.phone_verified_at:
        channels.append(SMS)
    if user.email and user.email_verified_at:
        channels.append(EMAIL)
    return channels


def _notify_verified(*, user: User, event: str, context: dict) -> None:
    channels = _verified_channels(user)
    if channels:
        notify(event=event, user=user, channels=channels, context={"full_name": user.full_name, **context})


@transaction.atomic
def identity_verify(
    *,
    user: User,
    method: str,
    id_type: str,
    id_number: str,
    actor: User | None = None,
    agency: Agency | None = None,
    ip_address: str | None = None,
) -> list[User]:
    """Mark ``user`` as the proven holder of (id_type, id_number); returns the accounts displaced.

    Refused (IdentityError, nothing changed) when another account already proved the number, or when
    ``user`` already proved a different number. Proving again what the account already proved changes
    nothing and sends nothing. An unverified account that held another number takes the proven one.
    """
    if method not in (Proof.VNEID, Proof.COUNTER):
        raise ValueError(f"unknown proof method {method!r}")
    if not id_number or id_type not in User.IdType.values or id_type == User.IdType.NONE:
        raise IdentityError("Số giấy tờ không hợp lệ.", code="invalid")
    # Lock the account and every holder of the number, always in primary-key order (no deadlock between
    # two verifications of the same number).
    locked = list(
        User.objects.select_for_update()
        .filter(Q(pk=user.pk) | Q(id_type=id_type, id_number=id_number))
        .order_by("pk")
    )
    account = next((u for u in locked if u.pk == user.pk), None)
    if account is None or not account.is_active:
        raise IdentityError("Tài khoản không còn hoạt động.", code="inactive")
    if account.kind not in CITIZEN_KINDS:
        raise IdentityError("Chỉ tài khoản công dân, tổ chức mới được xác minh danh tính.", code="kind")
    if account.identity_verified_at is not None:
        if (account.id_type, account.id_number) == (id_type, id_number):
            return []
        raise IdentityError(
            "Tài khoản này đã được xác minh với một số giấy tờ khác. Vui lòng đến bộ phận một cửa.",
            code="verified_other",
        )
    others = [u for u in locked if u.pk != account.pk]
    if any(u.identity_verified_at is not None for u in others):
        raise IdentityError(TAKEN_MESSAGE, code="taken")

    now = timezone.now()
    displaced = []
    for other in others:
        old = {"id_type": other.id_type, "id_number": other.id_number, "username": other.username}
        other.id_type, other.id_number = User.IdType.NONE, ""
        if other.username == id_number or other.username.startswith(f"{id_number}."):
            other.username = _free_username(other)
        other.save(update_fields=["id_type", "id_number", "username"])
        AuditEvent.objects.create(
            actor=actor,
            action="identity.displace",
            target_user=other,
            agency=agency,
            changes={
                "id_type": [old["id_type"], ""],
                "id_number": [old["id_number"], ""],
                "username": [old["username"], other.username],
                "verified_holder": account.pk,
                "method": method,
            },
            ip_address=ip_address,
        )
        displaced.append(other)

    before = {"id_type": account.id_type, "id_number": account.id_number, "username": account.username}
    account.id_type, account.id_number = id_type, id_number
    account.identity_verified_at, account.identity_verified_by = now, method
    account.identity_verified_actor = actor
    if (
        account.username != id_number
        and not User.objects.filter(username=id_number).exclude(pk=account.pk).exists()
    ):
        account.username = (
            id_number  # the proven holder signs in (and resets a password) with the bare number
        )
    try:
        with transaction.atomic():
            account.save(update_fields=[*_IDENTITY_FIELDS])
    except IntegrityError as exc:  # another verification of the number committed first
        raise IdentityError(TAKEN_MESSAGE, code="taken") from exc
    AuditEvent.objects.create(
        actor=actor,
        action="identity.verify",
        target_user=account,
        agency=agency,
        changes={
            "id_type": [before["id_type"], id_type],
            "id_number": [before["id_number"], id_number],
            "username": [before["username"], account.username],
            "method": method,
            "displaced": [u.pk for u in displaced],
        },
        ip_address=ip_address,
    )
    user.refresh_from_db(fields=[*_IDENTITY_FIELDS])

    method_label = (
        "đăng nhập bằng tài khoản định danh điện tử VNeID"
        if method == Proof.VNEID
        else "kiểm tra giấy tờ gốc tại bộ phận một cửa"
    )
    _notify_verified(
        user=account,
        event="account.identity_verified",
        context={
            "masked_number": _mask_number(id_number),
            "method": method_label,
            "displaced": len(displaced),
        },
    )
    for other in displaced:
        _notify_verified(
            user=other,
            event="account.identity_displaced",
            context={"masked_number": _mask_number(id_number), "username": other.username},
        )
    return displaced


def identity_verify_at_counter(
    *,
    staff: User,
    user: User,
    agency: Agency,
    id_number: str,
    card_checked: bool,
    ip_address: str | None = None,
) -> list[User]:
    """A receptionist of ``agency`` checked the physical card of the person at the counter.

    The number typed from the card must be the one the account holds. Refused (nothing changed) without a
    receptionist role at the agency, without the confirmation that the card was checked, or for a number
    another account already proved."""
    from dichvucong.accounts.selectors import agencies_for_user

    if not agencies_for_user(user=staff, roles=[StaffRole.RECEPTIONIST]).filter(pk=agency.pk).exists():
        raise IdentityError("Bạn không có quyền xác minh danh tính tại cơ quan này.", code="forbidden")
    if not card_checked:
        raise IdentityError("Hãy xác nhận bạn đã đối chiếu giấy tờ gốc.", code="unconfirmed")
    typed = "".join(id_number.split())
    if not user.id_number or typed != user.id_number:
        raise IdentityError("Số trên giấy tờ gốc không khớp với số giấy tờ của tài khoản.", code="mismatch")
    return identity_verify(
        user=user,
        method=Proof.COUNTER,
        id_type=user.id_type,
        id_number=user.id_number,
        actor=staff,
        agency=agency,
        ip_address=ip_address,
    )

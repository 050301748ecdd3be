"""Writes for accounts: registration, one-time codes, sign-in steps, password reset, profile, staff.

Views and the API only parse input and call these. Every function is keyword-only and typed.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from dataclasses import asdict, dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from dichvucong.accounts import limits, verification
from dichvucong.accounts.models import (
    ApiToken,
    LoginEvent,
    OneTimeCode,
    User,
)
from dichvucong.accounts.passwords import password_errors
from dichvucong.core import ratelimit
from dichvucong.core.clientip import client_ip_or_none
from dichvucong.notifications.services import notify

OTP_TTL = datetime.timedelta(minutes=5)
OTP_MAX_ATTEMPTS = 5
OTP_RESEND_SECONDS = 60
REGISTRATION_TTL_SECONDS = 15 * 60
EMAIL_CONFIRM_SALT = "dichvucong.accounts.email-confirm"
EMAIL_CONFIRM_MAX_AGE = 48 * 3600
API_TOKEN_LIFETIME = datetime.timedelta(days=30)


class AccountError(Exception):
    """A refused account action, with a message for the person (Vietnamese)."""

    def __init__(self, message: str, *, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


# --- one-time codes -------------------------------------------------------------------------


def _code_hash(code: str, *, salt: str) -> str:
    key = f"{settings.SECRET_KEY}:otp:{salt}".encode()
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()


def _new_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def otp_send(*, user: User, purpose: str) -> OneTimeCode:
    """Send a fresh 6-digit code by SMS; refused during the resend cool-down."""
    now = timezone.now()
    latest = OneTimeCode.objects.filter(user=user, purpose=purpose).order_by("-created_at").first()
    # The cool-down only protects a code that can still be used; a used one never blocks a new sign-in.
    if latest and latest.used_at is None and (now - latest.created_at).total_seconds() < OTP_RESEND_SECONDS:
        wait = OTP_RESEND_SECONDS - int((now - latest.created_at).total_seconds())
        raise AccountError(f"Vui lòng đợi {wait} giây rồi gửi lại mã.", code="cooldown")
    code = _new_code()
    with transaction.atomic():
        OneTimeCode.objects.filter(user=user, purpose=purpose, used_at__isnull=True).update(used_at=now)
        otp = OneTimeCode.objects.create(
            user=user,
            purpose=purpose,
            phone=user.phone,
            code_hash=_code_hash(code, salt=f"{user.pk}:{purpose}"),
            created_at=now,
            expires_at=now + OTP_TTL,
        )
        notify(
            event=f"otp.{purpose}",
            user=user,
            phone=user.phone,
            channels=["sms"],
            context={"otp": code, "minutes": 5},
        )
    return otp


def otp_verify(*, user: User, purpose: str, code: str) -> None:
    """Accept the newest unused, unexpired code; each wrong try counts, five wrong tries void it."""
    with transaction.atomic():  # the attempt is counted even though the caller gets an error
        otp = (
            OneTimeCode.objects.select_for_update()
            .filter(user=user, purpose=purpose, used_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if otp is None or otp.expires_at < timezone.now():
            outcome = "expired"
        elif otp.attempts >= OTP_MAX_ATTEMPTS:
            outcome = "too_many"
        else:
            otp.attempts += 1
            if hmac.compare_digest(
                otp.code_hash, _code_hash((code or "").strip(), salt=f"{user.pk}:{purpose}")
            ):
                otp.used_at = timezone.now()
                outcome = "ok"
            else:
                outcome = "wrong"
            otp.save(update_fields=["attempts", "used_at"])
    if outcome == "expired":
        raise AccountError("Mã xác thực đã hết hạn. Hãy bấm “Gửi lại mã”.", code="expired")
    if outcome == "too_many":
        raise AccountError("Bạn đã nhập sai quá nhiều lần. Hãy bấm “Gửi lại mã”.", code="too_many")
    if outcome == "wrong":
        left = OTP_MAX_ATTEMPTS - otp.attempts
        raise AccountError(f"Mã xác thực không đúng. Bạn còn {left} lần thử.", code="wrong")


# --- registration -----------------------------------------------------------------------------


@dataclass
class RegistrationData:
    kind: str
    id_type: str
    id_number: str
    full_name: str
    phone: str
    email: str = ""
    date_of_birth: str = ""  # ISO date
    gender: str = ""
    password_hash: str = ""


def _registration_key(registration_id: str) -> str:
    return f"accounts:registration:{registration_id}"


def _phone_limit_error() -> AccountError:
    return AccountError(
        f"Số điện thoại này đã nhận {limits.codes_per_phone()} mã đăng ký trong một giờ qua. "
        "Hãy nhập mã đã nhận, hoặc thử lại sau một giờ.",
        code="phone_limit",
    )


def registration_start(*, data: RegistrationData, password: str, client_ip: str = "") -> str:
    """Hold the registration until the phone is proven; returns the registration id.

    A typed ID number proves nothing, so it never blocks anyone: accounts that only declared the number
    (unverified) do not stop another registration with it, and lose it when its holder proves it
    (accounts/verification.py). Only a number whose holder PROVED it (VNeID or the counter) is refused:
    the answer then looks the same (enumeration), no code is sent to the new phone, and the proven holder
    is told by SMS and e-mail that someone tried, with the way to "Quên mật khẩu".

    Limits (accounts/limits.py): sign-up codes per phone number, and successful sign-ups per network
    address (``client_ip``); AccountError ``phone_limit`` / ``ip_limit`` when reached, nothing stored or sent.
    """
    if not limits.registration_code_allowed(phone=data.phone):
        raise _phone_limit_error()
    if client_ip and not limits.registration_success_allowed(ip=client_ip):
        raise AccountError(
            "Đã có nhiều tài khoản được đăng ký từ địa chỉ mạng này trong một giờ qua. "
            "Vui lòng thử lại sau một giờ.",
            code="ip_limit",
        )
    data.password_hash = make_password(password)
    existing = verification.identity_verified_holder(id_type=data.id_type, id_number=data.id_number)
    code = _new_code()
    registration_id = secrets.token_urlsafe(16)
    state = {
        "data": asdict(data),
        "code_hash": _code_hash(code, salt=registration_id),
        "created": timezone.now().timestamp(),
        "attempts": 0,
        "duplicate": existing is not None,
    }
    cache.set(_registration_key(registration_id), state, REGISTRATION_TTL_SECONDS)
    with transaction.atomic():
        if existing is not None:
            notify(
                event="account.duplicate_registration",
                user=existing,
                phone=existing.phone,
                email=existing.email,
                context={"full_name": existing.full_name, "reset_url": _absolute("accounts:password_reset")},
            )
        else:
            notify(
                event="otp.register", phone=data.phone, channels=["sms"], context={"otp": code, "minutes": 5}
            )
    return registration_id


def registration_pending(*, registration_id: str) -> RegistrationData | None:
    state = cache.get(_registration_key(registration_id or ""))
    return RegistrationData(**state["data"]) if state else None


def registration_resend(*, registration_id: str) -> None:
    key = _registration_key(registration_id)
    state = cache.get(key)
    if state is None:
        raise AccountError("Phiên đăng ký đã hết hạn. Vui lòng đăng ký lại.", code="expired")
    elapsed = timezone.now().timestamp() - state["created"]
    if elapsed < OTP_RESEND_SECONDS:
        raise AccountError(
            f"Vui lòng đợi {int(OTP_RESEND_SECONDS - elapsed)} giây rồi gửi lại mã.", code="cooldown"
        )
    if not limits.registration_code_allowed(phone=state["data"]["phone"]):
        raise _phone_limit_error()
    code = _new_code()
    state.update(
        code_hash=_code_hash(code, salt=registration_id), created=timezone.now().timestamp(), attempts=0
    )
    cache.set(key, state, REGISTRATION_TTL_SECONDS)
    if not state["duplicate"]:
        with transaction.atomic():
            notify(
                event="otp.register",
                phone=state["data"]["phone"],
                channels=["sms"],
                context={"otp": code, "minutes": 5},
            )


DUPLICATE_IDENTITY_MESSAGE = (
    "Số giấy tờ này đã có tài khoản. Nếu là bạn, hãy dùng “Quên mật khẩu”, đăng nhập bằng tài khoản "
    "định danh điện tử VNeID, hoặc đến bộ phận một cửa mang theo giấy tờ gốc để được hỗ trợ."
)


def registration_verify(*, registration_id: str, code: str) -> User:
    """Create the account once the phone code matches; the code works once."""
    key = _registration_key(registration_id or "")
    state = cache.get(key)
    if state is None or timezone.now().timestamp() - state["created"] > OTP_TTL.total_seconds():
        raise AccountError("Mã xác thực đã hết hạn. Hãy bấm “Gửi lại mã”.", code="expired")
    # Attempts are counted atomically, per code (a resent code starts again): a read of the pending state
    # then a write let parallel guesses all see the same count. (Windows are whole days: at midnight a
    # code's count could restart once.)
    attempts = ratelimit.count(
        f"register-code:{registration_id}:{state['code_hash'][:16]}", window_seconds=86400
    )
    if attempts > OTP_MAX_ATTEMPTS:
        raise AccountError("Bạn đã nhập sai quá nhiều lần. Hãy bấm “Gửi lại mã”.", code="too_many")
    matches = hmac.compare_digest(state["code_hash"], _code_hash((code or "").strip(), salt=registration_id))
    if state["duplicate"] or not matches:
        left = OTP_MAX_ATTEMPTS - attempts
        raise AccountError(f"Mã xác thực không đúng. Bạn còn {left} lần thử.", code="wrong")
    if not cache.delete(key):  # another request consumed it first (double click)
        raise AccountError("Mã xác thực đã được sử dụng.", code="used")
    data = RegistrationData(**state["data"])
    try:
        with transaction.atomic():
            # The number may have been proven by its holder since the code was sent.
            if verification.identity_verified_holder(id_type=data.id_type, id_number=data.id_number):
                raise IntegrityError("identity proven meanwhile")
            user = User(
                # the bare number while free; several unverified accounts may declare one number
                username=verification.username_for_identity(id_number=data.id_number),
                kind=data.kind,
                id_type=data.id_type,
                id_number=data.id_number,
                full_name=data.full_name,
                date_of_birth=datetime.date.fromisoformat(data.date_of_birth) if data.date_of_birth else None,
                gender=data.gender,
                phone=data.phone,
                phone_verified_at=timezone.now(),
                email=data.email,
                password=data.password_hash,
            )
            for attempt in range(3):  # two sign-ups with one number at once may pick the same name
                try:
                    with transaction.atomic():
                        user.save()
                    break
                except IntegrityError:
                    if attempt == 2:
                        raise
                    user.username = verification.username_for_identity(id_number=data.id_number)
            notify(
                event="account.welcome",
                user=user,
                phone=user.phone,
                email=user.email,
                context={"full_name": user.full_name, "site_url": _absolute("home")},
            )
            if user.email:
                email_confirmation_send(user=user)
    except IntegrityError as exc:
        raise AccountError(DUPLICATE_IDENTITY_MESSAGE, code="duplicate") from exc
    return user


# --- e-mail confirmation ----------------------------------------------------------------------


def _email_state(user: User) -> str:
    verified = user.email_verified_at.isoformat() if user.email_verified_at else ""
    return hashlib.sha256(f"{user.email}|{verified}".encode()).hexdigest()[:16]


def email_confirmation_token(*, user: User) -> str:
    return signing.TimestampSigner(salt=EMAIL_CONFIRM_SALT).sign_object(
        {"u": user.pk, "s": _email_state(user)}
    )


def _absolute(view_name: str, *args) -> str:
    from django.urls import reverse

    return settings.DVC_PUBLIC_URL.rstrip("/") + reverse(view_name, args=args)


def email_confirmation_send(*, user: User) -> None:
    url = _absolute("accounts:email_confirm", email_confirmation_token(user=user))
    notify(
        event="account.email_confirm",
        user=user,
        email=user.email,
        channels=["email"],
        context={"full_name": user.full_name, "confirm_url": url, "hours": EMAIL_CONFIRM_MAX_AGE // 3600},
    )


@transaction.atomic
def email_confirm(*, token: str) -> User:
    """Confirm an e-mail address from the signed link; expired, tampered or reused links are refused."""
    signer = signing.TimestampSigner(salt=EMAIL_CONFIRM_SALT)
    try:
        payload = signer.unsign_object(token, max_age=EMAIL_CONFIRM_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise AccountError("Liên kết xác nhận đã hết hạn. Hãy gửi lại thư xác nhận.", code="expired") from exc
    except signing.BadSignature as exc:
        raise AccountError("Liên kết xác nhận không hợp lệ.", code="invalid") from exc
    user = User.objects.select_for_update().filter(pk=payload.get("u")).first()
    if user is None or payload.get("s") != _email_state(user) or user.email_verified_at:
        raise AccountError("Liên kết xác nhận đã được sử dụng hoặc không còn hiệu lực.", code="used")
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email_verified_at"])
    return user


# --- sign-in records, sign out everywhere, tokens -------------------------------------------


def login_event_record(*, user: User, outcome: str, method: str = "", request=None) -> LoginEvent:
    return LoginEvent.objects.create(
        user=user,
        outcome=outcome,
        method=method,
        ip_address=client_ip_or_none(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:300] if request else ""),
    )


@transaction.atomic
def user_sign_out_everywhere(*, user: User) -> None:
    """Every session and API token of the user stops working."""
    User.objects.filter(pk=user.pk).update(session_salt=secrets.token_hex(8))
    user.refresh_from_db(fields=["session_salt"])
    ApiToken.objects.filter(user=user).delete()
    login_event_record(user=user, outcome=LoginEvent.Outcome.LOGOUT_ALL)


def api_token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        key_hash=hashlib.sha256(key.encode()).hexdigest(),
        name=name[:100],
        expires_at=timezone.now() + API_TOKEN_LIFETIME,
    )
    return token, key


TOKEN_USE_RECORDED_EVERY = datetime.timedelta(minutes=5)


def api_token_user(*, key: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hashlib.sha256((key or "").encode()).hexdigest(), expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOKEN_USE_RECORDED_EVERY:
        # Recorded once every few minutes, not on every request (a write per API call costs more than
        # the call itself); enough for "last used" on the token list.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# --- password ---------------------------------------------------------------------------------


@transaction.atomic
def user_set_password(*, user: User, password: str, keep_session_of=None) -> None:
    """Set a new password, end every other session and token, and tell the owner."""
    user.set_password(password)
    user.session_salt = secrets.token_hex(8)
    user.save(update_fields=["password", "session_salt"])
    ApiToken.objects.filter(user=user).delete()
    notify(
        event="account.password_changed",
        user=user,
        phone=user.phone,
        email=user.email,
        context={"full_name": user.full_name, "changed_at": timezone.localtime().strftime("%H:%M %d/%m/%Y")},
    )
    if keep_session_of is not None:
        from django.contrib.auth import update_session_auth_hash

        update_session_auth_hash(keep_session_of, user)


def user_find_by_identifier(*, identifier: str) -> User | None:
    """The account for an ID number / username, or a unique verified e-mail address."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    if "@" in identifier:
        matches = list(User.objects.filter(email__iexact=identifier, email_verified_at__isnull=False)[:2])
        return matches[0] if len(matches) == 1 else None
    return User.objects.filter(username=identifier.replace(" ", "")).first()


RESET_CODE_REFUSED = (
    "Mã xác thực không đúng hoặc không còn hiệu lực. Hãy kiểm tra lại mã; nếu mã đã quá 5 phút "
    "hoặc bạn đã nhập sai 5 lần, hãy yêu cầu mã mới."
)


class PasswordRejected(AccountError):
    """The reset code was right but the new password breaks a rule about the person's own data."""

    def __init__(self, problems: list[str]):
        super().__init__(problems[0], code="password")
        self.problems = problems


def password_reset_complete(*, user: User | None, code: str, password: str) -> User:
    """Set a new password with the code sent by ``password_reset_request``.

    Every refusal before the code is known to be right has one message (``RESET_CODE_REFUSED``, code
    ``wrong``): an unknown identifier, an inactive account, no code sent, an expired, voided or wrong code
    alike, and no count of remaining tries (it existed only for real accounts, so it told which ID
    numbers have one). Wrong tries still count on the code (five void it). Only once the code is right are
    the rules about the person's own data (name, ID number, phone, e-mail in the password) checked: when
    one is broken ``PasswordRejected`` is raised and the code stays usable.
    """
    if user is None or not user.is_active:
        raise AccountError(RESET_CODE_REFUSED, code="wrong")
    problems = password_errors(
        password, id_number=user.id_number, full_name=user.full_name, phone=user.phone, email=user.email
    )
    with transaction.atomic():
        try:
            otp_verify(user=user, purpose=OneTimeCode.Purpose.PASSWORD_RESET, code=code)
        except AccountError:
            outcome = "refused"  # the wrong try stays counted: this block commits
        else:
            if problems:
                transaction.set_rollback(True)  # the right code is not spent on a password we refuse
                outcome = "password"
            else:
                user_set_password(user=user, password=password)
                outcome = "ok"
    if outcome == "refused":
        raise AccountError(RESET_CODE_REFUSED, code="wrong")
    if outcome == "password":
        raise PasswordRejected(problems)
    return user


def password_reset_request(*, identifier: str, channel: str) -> None:
    """Send a reset code (SMS) or link (e-mail) if the account exists; the caller says the same either way."""
    user = user_find_by_identifier(identifier=identifier)
    if user is None or not user.is_active:
        return
    if channel == "sms" and user.phone:
        try:
            otp_send(user=user, purpose=OneTimeCode.Purpose.PASSWORD_RESET)
        except AccountError:
            return  # cool-down: the earlier code is still valid
    elif channel == "email" and user.email:
        from django.contrib.auth.tokens import default_token_generator
        from django.utils.encoding import force_bytes
        from django.utils.http import urlsafe_base64_encode

        uid = urlsafe_base64_encode(force_bytes(user.pk))
        url = _absolute("accounts:password_reset_link", uid, default_token_generator.make_token(user))
        with transaction.atomic():
            notify(
                event="account.password_reset_link",
                user=user,
                email=user.email,
                channels=["email"],
                context={
                    "full_name": user.full_name,
                    "reset_url": url,
                    "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
                },
            )


# --- profile ---------------------------------------------------------------------------------

PROFILE_FIELDS = ("email", "address", "commune", "notify_sms", "notify_email", "notify_zalo")


@transaction.atomic
def user_update_profile(*, user: User, **changes) -> list[str]:
    """Update the editable profile fields; a new e-mail address must be confirmed again."""
    changed = []
    for name, value in changes.items():
        if name not in PROFILE_FIELDS:
            raise ValueError(f"not editable: {name}")
        if getattr(user, name) != value:
            setattr(user, name, value)
            changed.append(name)
    if "email" in changed:
        user.email_verified_at = None
        changed.append("email_verified_at")
    if changed:
        user.save(update_fields=changed)
        if "email" in changed and user.email:
            email_confirmation_send(user=user)
    return changed

"""Account API: register, verify the phone code, get a token (two factors), profile, preferences."""

from __future__ import annotations

import contextlib
import datetime

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse
from django_otp import match_token, user_has_device
from ninja import Field as SchemaField
from ninja import Router, Schema, Status
from ninja.security import HttpBearer, django_auth

from dichvucong.accounts import captcha, forms, limits, selectors, services
from dichvucong.accounts.identity import mask_phone
from dichvucong.accounts.models import LoginEvent, OneTimeCode, User
from dichvucong.agencies.models import AdministrativeUnit
from dichvucong.core.api_schemas import FormErrors, Message
from dichvucong.core.ratelimit import client_ip, hit

router = Router(tags=["Tài khoản"])


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` from POST /auth/token."""

    def authenticate(self, request, token):
        user = services.api_token_user(key=token)
        if user is not None:
            request.bearer_user = user  # has_second_factor() reads it instead of looking the token up again
        return user


token_or_session = [TokenAuth(), django_auth]


def has_second_factor(request: HttpRequest) -> bool:
    """Staff API routes: a session verified by django-otp, or a bearer token (tokens are issued to staff
    only after the authenticator code)."""
    user = request.auth
    session_user = getattr(request, "user", None)
    if session_user is not None and session_user.is_authenticated and session_user.pk == user.pk:
        is_verified = getattr(session_user, "is_verified", None)
        if is_verified is not None and is_verified():
            return True
    return getattr(request, "bearer_user", None) == user


class TooManyOut(Schema):
    detail: str
    retry_after: int = SchemaField(description="Số giây cần đợi (bằng tiêu đề Retry-After)")


class CaptchaOut(Schema):
    question: str
    token: str


class RegisterIn(Schema):
    kind: str = User.Kind.CITIZEN
    id_number: str
    full_name: str
    date_of_birth: str = SchemaField("", description="yyyy-mm-dd (dd/mm/yyyy cũng được)")
    gender: str = ""
    phone: str
    email: str = ""
    password: str
    captcha_token: str = SchemaField("", description="Bắt buộc sau vài lần thử từ cùng địa chỉ mạng")
    captcha_answer: str = ""


class RegisterOut(Schema):
    registration_id: str
    masked_phone: str


class VerifyIn(Schema):
    registration_id: str
    code: str


class TokenIn(Schema):
    identifier: str
    password: str
    code: str = SchemaField("", description="Mã SMS (công dân) hoặc mã ứng dụng xác thực (cán bộ)")
    device_name: str = ""


class TokenOut(Schema):
    token: str
    expires_at: datetime.datetime


class SecondFactorOut(Schema):
    detail: str
    second_factor: str  # "sms" | "totp"


class ProfileOut(Schema):
    username: str
    kind: str
    id_type: str
    id_number: str
    full_name: str
    date_of_birth: datetime.date | None
    phone: str
    phone_verified: bool
    email: str
    email_verified: bool
    identity_verified: bool = SchemaField(
        description="Số giấy tờ đã được chứng minh (VNeID hoặc kiểm tra tại bộ phận một cửa); "
        "số chưa xác minh có thể bị gỡ khi người chủ thật xác minh"
    )
    identity_verified_by: str = SchemaField(description='"vneid", "counter" hoặc "" (chưa xác minh)')
    address: str
    commune_code: str | None = SchemaField(None, alias="commune.code")
    province_code: str | None = SchemaField(None, alias="commune.parent.code")

    @staticmethod
    def resolve_phone_verified(obj) -> bool:
        return obj.phone_verified_at is not None

    @staticmethod
    def resolve_email_verified(obj) -> bool:
        return obj.email_verified_at is not None

    @staticmethod
    def resolve_identity_verified(obj) -> bool:
        return obj.identity_verified_at is not None


class ProfileIn(Schema):
    email: str | None = None
    address: str | None = SchemaField(None, max_length=300)
    commune_code: str | None = None


class PreferencesOut(Schema):
    sms: bool
    email: bool
    zalo: bool


def _form_errors(form) -> dict[str, list[str]]:
    return {field: [str(message) for message in errors] for field, errors in form.errors.items()}


@router.get("/captcha", response=CaptchaOut, summary="Câu hỏi kiểm tra (dùng một lần)")
def captcha_new(request: HttpRequest):
    challenge = captcha.new_challenge()
    return {"question": challenge.question, "token": challenge.token}


@router.post(
    "/accounts/register",
    response={202: RegisterOut, 422: FormErrors, 429: Message},
    summary="Bắt đầu đăng ký: kiểm tra thông tin và gửi mã OTP",
)
def register(request: HttpRequest, payload: RegisterIn):
    """As the page: after a few attempts from one address the captcha (GET /captcha) becomes required
    (422 with an error on ``captcha_answer``); sign-ups are limited per phone and per address (429)."""
    ip = client_ip(request)
    needs_captcha = limits.registration_needs_captcha(ip=ip)
    if not limits.registration_attempt(ip=ip):
        return Status(429, {"detail": "Quá nhiều yêu cầu đăng ký từ địa chỉ mạng này. Vui lòng thử lại sau."})
    data = payload.dict()
    form_class = forms.RegistrationWithCaptchaForm if needs_captcha else forms.RegistrationForm
    form = form_class({**data, "password1": data["password"], "password2": data["password"]})
    if not form.is_valid():
        return Status(422, {"detail": "Thông tin đăng ký chưa hợp lệ.", "errors": _form_errors(form)})
    try:
        registration_id = services.registration_start(
            data=form.registration_data(), password=form.cleaned_data["password1"], client_ip=ip
        )
    except services.AccountError as error:
        return Status(429, {"detail": error.message})
    return Status(
        202, {"registration_id": registration_id, "masked_phone": mask_phone(form.cleaned_data["phone"])}
    )


@router.post(
    "/accounts/register/verify",
    response={201: TokenOut, 400: Message},
    summary="Xác nhận mã OTP, tạo tài khoản và trả về mã truy cập",
)
def register_verify(request: HttpRequest, payload: VerifyIn):
    try:
        user = services.registration_verify(registration_id=payload.registration_id, code=payload.code)
    except services.AccountError as error:
        return Status(400, {"detail": error.message})
    token, key = services.api_token_create(user=user, name="Đăng ký qua API")
    services.login_event_record(
        user=user, outcome=LoginEvent.Outcome.SUCCESS, method="token", request=request
    )
    return Status(201, {"token": key, "expires_at": token.expires_at})


@router.post(
    "/auth/token",
    response={200: TokenOut, 202: SecondFactorOut, 401: Message, 403: Message, 429: TooManyOut},
    summary="Đăng nhập lấy mã truy cập (kèm lớp xác thực thứ hai)",
)
def token_create(request: HttpRequest, payload: TokenIn, response: HttpResponse):
    """429 (with ``Retry-After``): too many wrong passwords from this network address
    (``DVC_LOGIN_FAILURES_PER_IP_WINDOW`` in ``DVC_LOGIN_FAILURE_WINDOW_SECONDS``, any identifiers; the
    password is then not checked), or this identifier from this address failed ``AXES_FAILURE_LIMIT`` times.
    """
    ip = client_ip(request)
    wait = limits.login_blocked_for(ip=ip)
    if wait:
        return _too_many(response, limits.login_throttled_payload(seconds=wait))
    user = authenticate(request, username=payload.identifier, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        return _too_many(response, limits.lockout_payload())
    if user is None:
        limits.login_failure_record(ip=ip)
        return Status(401, {"detail": "Số giấy tờ (hoặc tên đăng nhập) hoặc mật khẩu không đúng."})
    method = "password"
    if user.kind == User.Kind.STAFF:
        if not user_has_device(user):
            return Status(403, {"detail": "Hãy đăng nhập trên trang web một lần để cài ứng dụng xác thực."})
        if not payload.code:
            return Status(202, {"detail": "Nhập mã từ ứng dụng xác thực.", "second_factor": "totp"})
        if (
            not hit(f"totp:{user.pk}", limit=10, window_seconds=900)
            or match_token(user, payload.code) is None
        ):
            return Status(401, {"detail": "Mã xác thực không đúng."})
        method = "totp"
    elif settings.DVC_CITIZEN_SMS_2FA and user.phone:
        if not payload.code:
            with contextlib.suppress(services.AccountError):  # cool-down: the previous code is still valid
                services.otp_send(user=user, purpose=OneTimeCode.Purpose.LOGIN)
            return Status(202, {"detail": f"Đã gửi mã tới {mask_phone(user.phone)}.", "second_factor": "sms"})
        try:
            services.otp_verify(user=user, purpose=OneTimeCode.Purpose.LOGIN, code=payload.code)
        except services.AccountError as error:
            return Status(401, {"detail": error.message})
        method = "sms_otp"
    token, key = services.api_token_create(user=user, name=payload.device_name or "API")
    services.login_event_record(user=user, outcome=LoginEvent.Outcome.SUCCESS, method=method, request=request)
    return Status(200, {"token": key, "expires_at": token.expires_at})


def _too_many(response: HttpResponse, payload: dict) -> Status:
    response["Retry-After"] = str(payload["retry_after"])
    return Status(429, payload)


@router.post("/auth/logout-all", auth=token_or_session, response={204: None}, summary="Đăng xuất mọi nơi")
def logout_all(request: HttpRequest):
    services.user_sign_out_everywhere(user=request.auth)
    return Status(204, None)


@router.get("/me", auth=token_or_session, response=ProfileOut, summary="Thông tin cá nhân")
def me(request: HttpRequest):
    return User.objects.select_related("commune__parent").get(pk=request.auth.pk)


@router.patch(
    "/me", auth=token_or_session, response={200: ProfileOut, 422: FormErrors}, summary="Sửa thông tin cá nhân"
)
def me_update(request: HttpRequest, payload: ProfileIn):
    user = request.auth
    changes: dict = {}
    errors: dict[str, list[str]] = {}
    if payload.email is not None:
        form = forms.ProfileForm({"email": payload.email})
        form.is_valid()
        if "email" in form.errors:
            errors["email"] = [str(message) for message in form.errors["email"]]
        elif form.cleaned_data["email"] != user.email and "email" in selectors.user_vouched_fields(user=user):
            errors["email"] = ["Thư điện tử lấy từ tài khoản định danh điện tử VNeID; không sửa ở đây được."]
        else:
            changes["email"] = form.cleaned_data["email"]
    if payload.address is not None:
        changes["address"] = payload.address.strip()
    if payload.commune_code is not None:
        commune = AdministrativeUnit.objects.filter(
            code=payload.commune_code, level=AdministrativeUnit.Level.COMMUNE
        ).first()
        if payload.commune_code and commune is None:
            errors["commune_code"] = ["Không có xã, phường với mã này."]
        changes["commune"] = commune
    if errors:
        return Status(422, {"detail": "Thông tin chưa hợp lệ.", "errors": errors})
    services.user_update_profile(user=user, **changes)
    return Status(200, User.objects.select_related("commune__parent").get(pk=user.pk))


@router.get("/me/preferences", auth=token_or_session, response=PreferencesOut, summary="Kênh nhận thông báo")
def preferences(request: HttpRequest):
    user = request.auth
    return {"sms": user.notify_sms, "email": user.notify_email, "zalo": user.notify_zalo}


@router.put(
    "/me/preferences", auth=token_or_session, response=PreferencesOut, summary="Đổi kênh nhận thông báo"
)
def preferences_update(request: HttpRequest, payload: PreferencesOut):
    user = request.auth
    services.user_update_profile(
        user=user, notify_sms=payload.sms, notify_email=payload.email, notify_zalo=payload.zalo
    )
    return {"sms": user.notify_sms, "email": user.notify_email, "zalo": user.notify_zalo}

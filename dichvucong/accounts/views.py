"""Account pages: registration, sign-in with a second factor, password reset, personal page (staff
administration: staff_views)."""

from __future__ import annotations

import contextlib
import functools
import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from dichvucong.accounts import (
    forms,
    identity_providers,
    limits,
    selectors,
    services,
    verification,
    vneid_views,
)
from dichvucong.accounts.identity import mask_phone
from dichvucong.accounts.models import LoginEvent, OneTimeCode, User
from dichvucong.core.ratelimit import client_ip, hit

BACKEND = "dichvucong.accounts.backends.IdentifierBackend"
PENDING_LOGIN = "accounts:pending_login"
REGISTRATION = "accounts:registration_id"
RESET_IDENTIFIER = "accounts:reset_identifier"
CAPTCHA_AFTER_FAILURES = 3
PENDING_LOGIN_SECONDS = 10 * 60


def lockout_response(request, response=None, credentials=None) -> HttpResponse:
    """django-axes: the (identifier, IP) pair failed too often; it unlocks by itself after the cool-off.

    The API (paths under /api/) gets the JSON it documents: ``{"detail": ..., "retry_after": seconds}``.
    """
    payload = limits.lockout_payload()
    if request.path_info.startswith("/api/"):
        answer = JsonResponse(payload, status=429)
    else:
        minutes = max(1, payload["retry_after"] // 60)
        answer = render(request, "accounts/locked.html", {"minutes": minutes}, status=429)
    answer["Retry-After"] = str(payload["retry_after"])
    return answer


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# --- registration -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """Failures never block an address (a ward office's Wi-Fi): after a few attempts the form adds the
    captcha; successful sign-ups are limited per address and per phone (accounts/limits.py)."""
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    ip = client_ip(request)
    needs_captcha = limits.registration_needs_captcha(ip=ip)
    form_class = forms.RegistrationWithCaptchaForm if needs_captcha else forms.RegistrationForm
    form = form_class(request.POST or None)
    if request.method == "POST":
        if not limits.registration_attempt(ip=ip):
            return render(request, "accounts/rate_limited.html", status=429)
        if form.is_valid():
            try:
                registration_id = services.registration_start(
                    data=form.registration_data(), password=form.cleaned_data["password1"], client_ip=ip
                )
            except services.AccountError as error:
                if error.code == "ip_limit":
                    return render(request, "accounts/rate_limited.html", status=429)
                form.add_error("phone", error.message)
            else:
                request.session[REGISTRATION] = registration_id
                return redirect("accounts:register_verify")
        form.ask_passwords_again()  # the page comes back: the passwords are not shown again
        if not needs_captcha and limits.registration_needs_captcha(ip=ip):
            form = _with_captcha(form)
    return render(request, "accounts/register.html", {"form": form})


def _with_captcha(form: forms.RegistrationForm) -> forms.RegistrationWithCaptchaForm:
    """The same answers and errors, now with the captcha question (the address just reached the limit)."""
    captcha_form = forms.RegistrationWithCaptchaForm(form.data)
    data = form.data.copy()
    data.update({"captcha_token": captcha_form.initial["captcha_token"], "captcha_answer": ""})
    captcha_form.data = data
    captcha_form._errors = form.errors  # what to fix; no "please answer" for a question not yet shown
    return captcha_form


@require_http_methods(["GET", "POST"])
def register_verify(request: HttpRequest) -> HttpResponse:
    registration_id = request.session.get(REGISTRATION, "")
    pending = services.registration_pending(registration_id=registration_id)
    if pending is None:
        messages.error(request, "Phiên đăng ký đã hết hạn. Vui lòng đăng ký lại.")
        return redirect("accounts:register")
    form = forms.CodeForm(request.POST or None)
    if request.method == "POST":
        try:
            if "resend" in request.POST:
                services.registration_resend(registration_id=registration_id)
                messages.success(request, "Đã gửi lại mã xác thực.")
                return redirect("accounts:register_verify")
            if form.is_valid():
                user = services.registration_verify(
                    registration_id=registration_id, code=form.cleaned_data["code"]
                )
                request.session.pop(REGISTRATION, None)
                return _complete_login(request, user, method="sms_otp", welcome=True)
        except services.AccountError as error:
            form.add_error(None if "resend" in request.POST else "code", error.message)
    return render(
        request, "accounts/register_verify.html", {"form": form, "masked_phone": mask_phone(pending.phone)}
    )


@require_http_methods(["GET", "POST"])
def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button; only the POST confirms (mail scanners open links without asking)."""
    if request.method == "POST":
        try:
            services.email_confirm(token=token)
        except services.AccountError as error:
            return render(request, "accounts/email_confirm.html", {"error": error.message}, status=400)
        return render(request, "accounts/email_confirm.html", {"done": True})
    return render(request, "accounts/email_confirm.html", {"token": token})


# --- sign-in -----------------------------------------------------------------------------------


def _failures_key(request: HttpRequest) -> str:
    return f"login-failures:{client_ip(request)}"


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    from django.contrib.auth import authenticate
    from django.core.cache import cache

    if request.user.is_authenticated:
        return redirect(selectors.landing_url_for(user=request.user))
    needs_captcha = (cache.get(_failures_key(request)) or 0) >= CAPTCHA_AFTER_FAILURES
    form_class = forms.LoginWithCaptchaForm if needs_captcha else forms.LoginForm
    form = form_class(request.POST or None)
    if request.method == "POST":
        # Per address, whatever the identifier and whether or not the captcha was answered (defect 11).
        wait = limits.login_blocked_for(ip=client_ip(request))
        if wait:
            return _login_throttled(request, wait)
    if request.method == "POST" and form.is_valid():
        identifier = form.cleaned_data["identifier"]
        user = authenticate(request, username=identifier, password=form.cleaned_data["password"])
        if getattr(request, "axes_locked_out", False):
            return lockout_response(request)
        if user is None:
            limits.login_failure_record(ip=client_ip(request))
            failures = (cache.get(_failures_key(request)) or 0) + 1
            cache.set(_failures_key(request), failures, 3600)
            known = services.user_find_by_identifier(identifier=identifier)
            if known is not None:
                services.login_event_record(
                    user=known, outcome=LoginEvent.Outcome.WRONG_PASSWORD, method="password", request=request
                )
            form.add_error(None, "Số giấy tờ (hoặc tên đăng nhập) hoặc mật khẩu không đúng.")
        else:
            cache.delete(_failures_key(request))
            return _second_factor(request, user)
    context = {
        "form": form,
        "next": request.GET.get("next", ""),
        "vneid_sign_in": identity_providers.sign_in_names(),
    }
    return render(request, "accounts/login.html", context)


def _login_throttled(request: HttpRequest, wait: int) -> HttpResponse:
    payload = limits.login_throttled_payload(seconds=wait)
    response = render(request, "accounts/login_throttled.html", {"detail": payload["detail"]}, status=429)
    response["Retry-After"] = str(wait)
    return response


def _second_factor(request: HttpRequest, user: User) -> HttpResponse:
    next_url = _safe_next(request, selectors.landing_url_for(user=user))
    if user.kind == User.Kind.STAFF:
        request.session[PENDING_LOGIN] = {"user": user.pk, "at": timezone.now().timestamp(), "next": next_url}
        return redirect("accounts:login_totp" if user_has_device(user) else "accounts:totp_setup")
    if settings.DVC_CITIZEN_SMS_2FA and user.phone:
        request.session[PENDING_LOGIN] = {"user": user.pk, "at": timezone.now().timestamp(), "next": next_url}
        with contextlib.suppress(services.AccountError):  # cool-down: the code sent a moment ago is valid
            services.otp_send(user=user, purpose=OneTimeCode.Purpose.LOGIN)
        return redirect("accounts:login_otp")
    return _complete_login(request, user, method="password", next_url=next_url)


def _pending_user(request: HttpRequest) -> tuple[User | None, str]:
    pending = request.session.get(PENDING_LOGIN) or {}
    if not pending or timezone.now().timestamp() - pending.get("at", 0) > PENDING_LOGIN_SECONDS:
        return None, ""
    user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
    return user, pending.get("next", "")


def _complete_login(request, user: User, *, method: str, device=None, next_url: str = "", welcome=False):
    request.session.pop(PENDING_LOGIN, None)
    login(request, user, backend=BACKEND)  # new session key: no session fixation
    if device is not None:
        otp_login(request, device)
    services.login_event_record(user=user, outcome=LoginEvent.Outcome.SUCCESS, method=method, request=request)
    if welcome:
        messages.success(request, "Đăng ký thành công. Chào mừng bạn đến với Dịch vụ công.")
        if user.username != user.id_number:  # another account declared the number first: a suffixed name
            messages.info(
                request,
                _(
                    "Tên đăng nhập của bạn là %(username)s (không phải số giấy tờ). Hãy ghi lại tên này "
                    "để đăng nhập; bạn cũng xem được nó trên trang cá nhân."
                )
                % {"username": user.username},
            )
    return redirect(next_url or reverse(settings.LOGIN_REDIRECT_URL))


def _pending_required(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        user, next_url = _pending_user(request)
        if user is None:
            messages.error(request, "Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.")
            return redirect("accounts:login")
        return view(request, user, next_url, *args, **kwargs)

    return wrapper


@require_http_methods(["GET", "POST"])
@_pending_required
def login_otp(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    form = forms.CodeForm(request.POST or None)
    if request.method == "POST":
        try:
            if "resend" in request.POST:
                services.otp_send(user=user, purpose=OneTimeCode.Purpose.LOGIN)
                messages.success(request, "Đã gửi lại mã xác thực.")
                return redirect("accounts:login_otp")
            if form.is_valid():
                services.otp_verify(
                    user=user, purpose=OneTimeCode.Purpose.LOGIN, code=form.cleaned_data["code"]
                )
                return _complete_login(request, user, method="sms_otp", next_url=next_url)
        except services.AccountError as error:
            if error.code == "wrong":
                services.login_event_record(
                    user=user, outcome=LoginEvent.Outcome.WRONG_CODE, method="sms_otp", request=request
                )
            form.add_error(None if "resend" in request.POST else "code", error.message)
    return render(request, "accounts/login_otp.html", {"form": form, "masked_phone": mask_phone(user.phone)})


@require_http_methods(["GET", "POST"])
@_pending_required
def login_totp(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    form = forms.AppCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not hit(f"totp:{user.pk}", limit=10, window_seconds=900):
            form.add_error("code", "Bạn đã thử quá nhiều lần. Vui lòng đợi 15 phút.")
        else:
            device = match_token(user, form.cleaned_data["code"])
            if device is not None:
                method = "backup_code" if isinstance(device, StaticDevice) else "totp"
                return _complete_login(request, user, method=method, device=device, next_url=next_url)
            services.login_event_record(
                user=user, outcome=LoginEvent.Outcome.WRONG_CODE, method="totp", request=request
            )
            form.add_error("code", "Mã xác thực không đúng. Hãy nhập mã 6 số đang hiện trên ứng dụng.")
    return render(request, "accounts/login_totp.html", {"form": form})


def _qr_svg(data: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


@require_http_methods(["GET", "POST"])
@_pending_required
def totp_setup(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    """Staff enrol an authenticator app on first sign-in and get ten single-use backup codes."""
    if user_has_device(user):
        return redirect("accounts:login_totp")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
        user=user, name="Ứng dụng xác thực", confirmed=False
    )
    form = forms.CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            backup, _created = StaticDevice.objects.get_or_create(user=user, name="Mã dự phòng")
            backup.token_set.all().delete()
            codes = [StaticToken.random_token() for _ in range(10)]
            StaticToken.objects.bulk_create(StaticToken(device=backup, token=code) for code in codes)
            response = _complete_login(request, user, method="totp", device=device, next_url=next_url)
            return render(
                request, "accounts/backup_codes.html", {"codes": codes, "next_url": response["Location"]}
            )
        form.add_error("code", "Mã chưa đúng. Kiểm tra giờ trên điện thoại và nhập mã 6 số mới nhất.")
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "qr_svg": _qr_svg(device.config_url),
    }
    return render(request, "accounts/totp_setup.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        services.login_event_record(user=request.user, outcome=LoginEvent.Outcome.LOGOUT, request=request)
    provider_logout = vneid_views.end_session_redirect(request)  # signed in with VNeID: end that session too
    logout(request)
    messages.success(request, "Bạn đã đăng xuất.")
    if provider_logout:
        return vneid_views.handoff(
            request, provider_logout, intro=_("Đang đăng xuất khỏi tài khoản định danh điện tử VNeID.")
        )
    return redirect(settings.LOGOUT_REDIRECT_URL)


@require_POST
@login_required
def logout_all(request: HttpRequest) -> HttpResponse:
    services.user_sign_out_everywhere(user=request.user)
    logout(request)
    messages.success(request, "Bạn đã đăng xuất khỏi mọi thiết bị.")
    return redirect(settings.LOGOUT_REDIRECT_URL)


# --- password reset ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    form = forms.PasswordResetRequestForm(request.POST or None)
    if request.method == "POST":
        if not hit(f"reset:{client_ip(request)}", limit=settings.DVC_RESETS_PER_IP_HOUR, window_seconds=3600):
            return render(request, "accounts/rate_limited.html", status=429)
        if form.is_valid():
            channel = form.cleaned_data["channel"]
            services.password_reset_request(identifier=form.cleaned_data["identifier"], channel=channel)
            request.session[RESET_IDENTIFIER] = form.cleaned_data["identifier"]
            if channel == "email":
                return render(request, "accounts/password_reset_sent.html", {"channel": "email"})
            return redirect("accounts:password_reset_code")
    return render(request, "accounts/password_reset.html", {"form": form})


@require_http_methods(["GET", "POST"])
def password_reset_code(request: HttpRequest) -> HttpResponse:
    identifier = request.session.get(RESET_IDENTIFIER)
    if not identifier:
        return redirect("accounts:password_reset")
    # The form checks only what is the same for every identifier; rules about the person's own data are
    # checked once the code is right (services.password_reset_complete), so the page never tells whether
    # the ID number has an account.
    form = forms.ResetCodeForm(request.POST or None, user=None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_reset_complete(
                user=services.user_find_by_identifier(identifier=identifier),
                code=form.cleaned_data["code"],
                password=form.cleaned_data["password1"],
            )
        except services.PasswordRejected as error:
            for problem in error.problems:
                form.add_error("password1", problem)
        except services.AccountError as error:
            form.add_error("code", error.message)
        else:
            request.session.pop(RESET_IDENTIFIER, None)
            messages.success(request, "Đã đặt mật khẩu mới. Hãy đăng nhập bằng mật khẩu mới.")
            return redirect("accounts:login")
    return render(request, "accounts/password_reset_code.html", {"form": form})


@require_http_methods(["GET", "POST"])
def password_reset_link(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        user = None
    if user is None or not default_token_generator.check_token(user, token):
        return render(request, "accounts/password_reset_link.html", {"invalid": True}, status=400)
    form = forms.NewPasswordMixin(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        services.user_set_password(user=user, password=form.cleaned_data["password1"])
        messages.success(request, "Đã đặt mật khẩu mới. Hãy đăng nhập bằng mật khẩu mới.")
        return redirect("accounts:login")
    return render(request, "accounts/password_reset_link.html", {"form": form})


# --- personal page -----------------------------------------------------------------------------


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = User.objects.select_related("commune", "commune__parent").get(pk=request.user.pk)
    return render(
        request,
        "accounts/profile.html",
        {
            "profile": user,
            "identity_providers": identity_providers.names(),
            "vouched": selectors.user_vouched_fields(user=user),
            "displacement": verification.identity_displacement(user=user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    user = request.user
    initial = {
        "email": user.email,
        "address": user.address,
        "province": user.commune.parent.code if user.commune_id else "",
        "commune": user.commune.code if user.commune_id else "",
        "notify_sms": user.notify_sms,
        "notify_email": user.notify_email,
        "notify_zalo": user.notify_zalo,
    }
    form = forms.ProfileForm(request.POST or None, initial=initial)
    if "email" in selectors.user_vouched_fields(user=user):  # came from VNeID: not editable by hand
        form.fields["email"].disabled = True
        form.fields["email"].help_text = _("Lấy từ tài khoản định danh điện tử VNeID; không sửa ở đây được.")
    if request.method == "POST" and "refresh" not in request.POST and form.is_valid():
        data = form.cleaned_data
        changed = services.user_update_profile(
            user=user,
            email=data["email"],
            address=data["address"],
            commune=data["commune"],
            notify_sms=data["notify_sms"],
            notify_email=data["notify_email"],
            notify_zalo=data["notify_zalo"],
        )
        if "email" in changed and user.email:
            messages.success(request, "Đã lưu. Hãy mở thư xác nhận vừa gửi tới địa chỉ mới.")
        else:
            messages.success(request, "Đã lưu thông tin cá nhân.")
        return redirect("accounts:profile")
    if "refresh" in request.POST:
        form.errors.clear()  # the person only asked for the commune list of the chosen province
    return render(request, "accounts/profile_edit.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def security(request: HttpRequest) -> HttpResponse:
    form = forms.ChangePasswordForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_set_password(
            user=request.user, password=form.cleaned_data["password1"], keep_session_of=request
        )
        messages.success(request, "Đã đổi mật khẩu. Các thiết bị khác đã bị đăng xuất.")
        return redirect("accounts:security")
    return render(request, "accounts/security.html", {"form": form})


@login_required
def login_history_view(request: HttpRequest) -> HttpResponse:
    return render(
        request, "accounts/login_history.html", {"events": selectors.login_history(user=request.user)}
    )


@login_required
@require_POST
def email_confirm_resend(request: HttpRequest) -> HttpResponse:
    if request.user.email and not request.user.email_verified_at:
        if hit(f"email-confirm:{request.user.pk}", limit=3, window_seconds=3600):
            services.email_confirmation_send(user=request.user)
            messages.success(request, "Đã gửi lại thư xác nhận.")
        else:
            messages.error(request, "Bạn đã yêu cầu gửi lại quá nhiều lần. Vui lòng thử lại sau.")
    return redirect("accounts:profile")

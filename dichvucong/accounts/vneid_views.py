"""Sign-in with the national e-ID (VNeID) over OpenID Connect (accounts.oidc does the protocol).

1. ``vneid_login_start`` (POST from the sign-in page): a fresh state, nonce and PKCE verifier kept in the
   session, then the browser goes to the provider.
2. ``vneid_login_callback``: the state must be the one we sent; the code is exchanged and the ID token checked
   (signature, issuer, audience, expiry, nonce), then the claims. A refused callback counts as a failed
   sign-in from the address (the same per-address limit as passwords) and changes nothing.
3. The account: the one linked, or the one whose holder proved the number, or, when accounts only declared the
   number, ``vneid_link`` lets the person prove one is theirs with its password (it is then linked); otherwise
   a new account is made from the claims and the unverified ones give way.
Log out ends the provider's session too (``end_session_redirect``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dichvucong.accounts import identity_providers, limits, oidc, selectors, services, verification
from dichvucong.accounts.identity_providers import Claims
from dichvucong.accounts.models import LoginEvent, User
from dichvucong.core.ratelimit import client_ip

BACKEND = "dichvucong.accounts.backends.IdentifierBackend"
PENDING = "accounts:vneid_login"  # state, nonce, PKCE verifier, provider, next, started at
LINK = "accounts:vneid_link"  # claims waiting for the person to choose: link an account or a new one
SIGNED_IN = "accounts:vneid_session"  # provider and ID token of a VNeID sign-in (for end_session)
PENDING_SECONDS = 10 * 60
LINK_ATTEMPTS = 5


def _callback_uri(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("accounts:vneid_callback"))


def _failed(request: HttpRequest, message: str, *, status: int = 400, count: bool = True) -> HttpResponse:
    if count:
        limits.login_failure_record(ip=client_ip(request))
    return render(request, "accounts/vneid_error.html", {"message": message}, status=status)


def _throttled(request: HttpRequest, wait: int) -> HttpResponse:
    payload = limits.login_throttled_payload(seconds=wait)
    response = render(request, "accounts/login_throttled.html", {"detail": payload["detail"]}, status=429)
    response["Retry-After"] = str(wait)
    return response


def handoff(request: HttpRequest, url: str, *, intro: str) -> HttpResponse:
    """Send the browser to the provider through a page of ours (an immediate refresh and a link), not a
    redirect: the page's CSP allows forms to post only to us (form-action 'self'), which browsers apply to
    the redirects that follow a form too."""
    return render(request, "accounts/vneid_handoff.html", {"url": url, "intro": intro})


def _next(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(candidate, {request.get_host()}, require_https=request.is_secure()):
        return candidate
    return ""


@require_POST
def vneid_login_start(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(selectors.landing_url_for(user=request.user))
    wait = limits.login_blocked_for(ip=client_ip(request))
    if wait:
        return _throttled(request, wait)
    names = identity_providers.sign_in_names()
    if not names:
        raise Http404("Chưa bật đăng nhập bằng VNeID")
    provider = identity_providers.get(names[0])
    state, nonce = identity_providers.new_state()
    verifier, challenge = oidc.pkce_pair()
    try:
        url = provider.authorization_url(
            redirect_uri=_callback_uri(request), state=state, nonce=nonce, code_challenge=challenge
        )
    except verification.IdentityError as error:
        return _failed(request, error.message, status=503, count=False)
    request.session[PENDING] = {
        "provider": provider.name,
        "state": state,
        "nonce": nonce,
        "verifier": verifier,
        "next": _next(request),
        "at": timezone.now().timestamp(),
    }
    return handoff(request, url, intro=_("Bạn đang được chuyển đến trang đăng nhập của VNeID."))


def vneid_login_callback(request: HttpRequest) -> HttpResponse:
    pending = request.session.pop(PENDING, None)
    wait = limits.login_blocked_for(ip=client_ip(request))
    if wait:
        return _throttled(request, wait)
    if request.GET.get("error"):
        return _failed(request, _("Bạn đã hủy đăng nhập bằng VNeID."), count=False)
    state = request.GET.get("state", "")
    if (
        not pending
        or not state
        or not constant_time_compare(state, pending["state"])
        or timezone.now().timestamp() - pending.get("at", 0) > PENDING_SECONDS
    ):
        return _failed(
            request, _("Phiên đăng nhập bằng VNeID đã hết hạn hoặc không hợp lệ. Vui lòng thử lại.")
        )
    try:
        provider = identity_providers.get(pending["provider"])
        claims = provider.claims_from_callback(
            code=request.GET.get("code", ""),
            redirect_uri=_callback_uri(request),
            nonce=pending["nonce"],
            code_verifier=pending["verifier"],
        )
    except LookupError:
        raise Http404("Nhà cung cấp định danh không còn được dùng") from None
    except oidc.ProviderUnavailable as error:
        return _failed(request, error.message, status=503, count=False)
    except verification.IdentityError as error:
        return _failed(request, error.message)
    if identity_providers.external_identity_unverified_holders(provider=provider.name, claims=claims):
        request.session[LINK] = {
            "provider": provider.name,
            "claims": claims.as_session(),
            "next": pending.get("next", ""),
            "at": timezone.now().timestamp(),
            "attempts": 0,
        }
        return redirect("accounts:vneid_link")
    return _sign_in(request, provider=provider.name, claims=claims, next_url=pending.get("next", ""))


def _sign_in(request: HttpRequest, *, provider: str, claims: Claims, next_url: str) -> HttpResponse:
    try:
        user = identity_providers.external_identity_sign_in(provider=provider, claims=claims)
    except verification.IdentityError as error:
        return _failed(request, error.message, status=409, count=False)
    if user is None:
        return _failed(
            request,
            _(
                "Không đăng nhập được vào tài khoản gắn với số định danh này (tài khoản đã bị khóa, hoặc số "
                "định danh đã được xác minh cho một tài khoản khác). Hãy đến bộ phận một cửa, mang theo giấy "
                "tờ gốc, để được hỗ trợ."
            ),
            status=403,
            count=False,
        )
    return _complete(request, user=user, provider=provider, claims=claims, next_url=next_url)


def _complete(request: HttpRequest, *, user: User, provider: str, claims: Claims, next_url: str):
    request.session.pop(LINK, None)
    login(request, user, backend=BACKEND)  # new session key: no session fixation
    request.session[SIGNED_IN] = {"provider": provider, "id_token": claims.id_token}
    services.login_event_record(
        user=user, outcome=LoginEvent.Outcome.SUCCESS, method="vneid", request=request
    )
    messages.success(request, _("Đã đăng nhập bằng tài khoản định danh điện tử VNeID."))
    return redirect(next_url or selectors.landing_url_for(user=user))


@require_http_methods(["GET", "POST"])
def vneid_link(request: HttpRequest) -> HttpResponse:
    """An account already holds the number unverified: prove it is yours (its password), or make a new one."""
    pending = request.session.get(LINK)
    if not pending or timezone.now().timestamp() - pending.get("at", 0) > PENDING_SECONDS:
        request.session.pop(LINK, None)
        messages.error(request, _("Phiên đăng nhập bằng VNeID đã hết hạn. Vui lòng đăng nhập lại."))
        return redirect("accounts:login")
    provider, claims = pending["provider"], Claims.from_session(pending["claims"])
    error = ""
    if request.method == "POST" and request.POST.get("action") == "new":
        return _sign_in(request, provider=provider, claims=claims, next_url=pending.get("next", ""))
    if request.method == "POST":
        wait = limits.login_blocked_for(ip=client_ip(request))
        if wait:
            return _throttled(request, wait)
        password = request.POST.get("password", "")
        holders = identity_providers.external_identity_unverified_holders(provider=provider, claims=claims)
        match = next((user for user in holders if password and user.check_password(password)), None)
        if match is None:
            limits.login_failure_record(ip=client_ip(request))
            pending["attempts"] = pending.get("attempts", 0) + 1
            request.session[LINK] = pending
            error = _("Mật khẩu không đúng.")
            if pending["attempts"] >= LINK_ATTEMPTS:
                request.session.pop(LINK, None)
                messages.error(
                    request, _("Nhập sai mật khẩu quá nhiều lần. Vui lòng đăng nhập lại bằng VNeID.")
                )
                return redirect("accounts:login")
        else:
            try:
                user = identity_providers.external_identity_link_existing(
                    user=match, provider=provider, claims=claims
                )
            except verification.IdentityError as refused:
                return _failed(request, refused.message, status=409, count=False)
            return _complete(
                request, user=user, provider=provider, claims=claims, next_url=pending.get("next")
            )
    return render(
        request,
        "accounts/vneid_link.html",
        {"masked_number": f"***{claims.id_number[-4:]}", "full_name": claims.full_name, "error": error},
    )


def end_session_redirect(request: HttpRequest) -> str:
    """Where log out sends the browser so the VNeID session ends too ("" when not signed in with it).
    Read before the session is flushed."""
    signed_in = request.session.get(SIGNED_IN)
    if not signed_in or not signed_in.get("id_token"):
        return ""
    try:
        provider = identity_providers.get(signed_in["provider"])
    except LookupError:
        return ""
    return provider.end_session_url(
        id_token_hint=signed_in["id_token"],
        post_logout_redirect_uri=request.build_absolute_uri(reverse(settings.LOGOUT_REDIRECT_URL)),
    )

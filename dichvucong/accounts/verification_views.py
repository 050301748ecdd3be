"""Proving an account's ID number on the web (verification.py does the work).

- The counter check ("Xác minh danh tính tại quầy", staff): a receptionist finds a citizen's account by ID
  number or phone, checks the physical card, and confirms; the identity is marked proven, whoever else
  declared the number is displaced, and all of it is audited and notified.
- A signed-in citizen proves their number with the national e-ID (identity_providers.py).
"""

from __future__ import annotations

import contextlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from dichvucong.accounts import identity_providers, oidc, verification, vneid_views
from dichvucong.accounts.decorators import staff_required
from dichvucong.accounts.identity import mask_phone, normalise_phone
from dichvucong.accounts.models import StaffRole, User
from dichvucong.accounts.selectors import agencies_for_user
from dichvucong.accounts.verification_forms import CounterCheckForm, IdentitySearchForm
from dichvucong.agencies.models import Agency
from dichvucong.core.clientip import client_ip_or_none

SEARCH_LIMIT = 20


def _counter_agencies(user: User) -> QuerySet[Agency]:
    return agencies_for_user(user=user, roles=[StaffRole.RECEPTIONIST])


counter_required = staff_required(_counter_agencies)


def _citizens() -> QuerySet[User]:
    return User.objects.filter(kind__in=verification.CITIZEN_KINDS, is_active=True)


def _search(query: str) -> QuerySet[User]:
    """Accounts holding this number, or with this mobile number (any written form)."""
    text = "".join(query.split()).replace(".", "")
    condition = Q(id_number=text)
    with contextlib.suppress(ValidationError):  # not a phone number: by ID number only
        condition |= Q(phone=normalise_phone(text))
    return _citizens().filter(condition).order_by("full_name", "pk")[:SEARCH_LIMIT]


def _masked(phone: str) -> str:
    try:
        return mask_phone(phone)
    except ValidationError:  # empty, or an old malformed number: masked by hand
        return f"{phone[:3]}****" if phone else ""


@counter_required
def identity_counter_search(request: HttpRequest) -> HttpResponse:
    form = IdentitySearchForm(request.GET or None)
    results = None
    if form.is_bound and form.is_valid():
        results = [(account, _masked(account.phone)) for account in _search(form.cleaned_data["q"])]
    return render(request, "accounts/identity_counter_search.html", {"form": form, "results": results})


@counter_required
@require_http_methods(["GET", "POST"])
def identity_counter_confirm(request: HttpRequest, user_id: int) -> HttpResponse:
    account = _citizens().filter(pk=user_id).first()
    if account is None:
        raise Http404("Không tìm thấy tài khoản")
    agencies = _counter_agencies(request.user)
    form = CounterCheckForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        try:
            displaced = verification.identity_verify_at_counter(
                staff=request.user,
                user=account,
                agency=form.cleaned_data["agency"],
                id_number=form.cleaned_data["id_number"],
                card_checked=form.cleaned_data["card_checked"],
                ip_address=client_ip_or_none(request),
            )
        except verification.IdentityError as error:
            form.add_error("id_number" if error.code == "mismatch" else None, error.message)
        else:
            text = gettext("Đã xác minh danh tính của %(name)s.") % {"name": account.full_name}
            if displaced:
                text += " " + gettext(
                    "Số giấy tờ đã được gỡ khỏi %(count)d tài khoản khác khai trùng; họ đã được thông báo."
                ) % {"count": len(displaced)}
            messages.success(request, text)
            return redirect(reverse("accounts:identity_counter"))
    others = (
        User.objects.filter(id_type=account.id_type, id_number=account.id_number)
        .exclude(pk=account.pk)
        .count()
        if account.id_number
        else 0
    )
    return render(
        request,
        "accounts/identity_counter_confirm.html",
        {"account": account, "masked_phone": _masked(account.phone), "form": form, "others": others},
    )


# --- a signed-in citizen proves their number with the national e-ID (VNeID) ----------------------------

VNEID_STATE = "accounts:identity_claim"


@login_required
@require_POST
def identity_vneid_start(request: HttpRequest) -> HttpResponse:
    names = identity_providers.names()
    if not names or not request.user.is_citizen_like:
        raise Http404("Chưa có nhà cung cấp định danh")
    provider = identity_providers.get(names[0])  # the national e-ID first when it is enabled
    if provider.is_demo and not request.user.id_number:  # it would have no number to vouch for
        messages.error(request, identity_providers.DEMO_NEEDS_NUMBER)
        return redirect("accounts:profile")
    state, nonce = identity_providers.new_state()
    verifier, challenge = oidc.pkce_pair()
    try:
        url = provider.authorization_url(
            redirect_uri=request.build_absolute_uri(reverse("accounts:identity_vneid_callback")),
            state=state,
            nonce=nonce,
            login_hint=request.user.id_number,
            code_challenge=challenge,
        )
    except verification.IdentityError as error:  # the provider is down
        messages.error(request, error.message)
        return redirect("accounts:profile")
    request.session[VNEID_STATE] = {
        "state": state,
        "nonce": nonce,
        "provider": provider.name,
        "verifier": verifier,
    }
    if provider.is_demo:  # the demo stand-in answers on our own callback
        return redirect(url)
    return vneid_views.handoff(
        request, url, intro=gettext("Bạn đang được chuyển đến VNeID để xác minh danh tính.")
    )


@login_required
def identity_vneid_callback(request: HttpRequest) -> HttpResponse:
    pending = request.session.pop(VNEID_STATE, None)
    state = request.GET.get("state", "")
    if not pending or not state or not constant_time_compare(state, pending["state"]):
        messages.error(request, gettext("Phiên xác minh đã hết hạn hoặc không hợp lệ. Vui lòng thử lại."))
        return redirect("accounts:profile")
    try:
        provider = identity_providers.get(pending["provider"])
        claims = provider.claims_from_callback(
            code=request.GET.get("code", ""),
            redirect_uri=request.build_absolute_uri(reverse("accounts:identity_vneid_callback")),
            nonce=pending["nonce"],
            code_verifier=pending.get("verifier", ""),
        )
        identity_providers.external_identity_claim(user=request.user, provider=provider.name, claims=claims)
    except LookupError:
        raise Http404("Nhà cung cấp định danh không còn được dùng") from None
    except verification.IdentityError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, gettext("Đã xác minh danh tính của bạn bằng tài khoản định danh điện tử."))
    return redirect("accounts:profile")

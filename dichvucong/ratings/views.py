"""Rating pages: the owner rates a returned dossier; the kiosk/tablet page at the counter (dossier code + the
one-time code on the slip, then the same form); the counter issues that code; staff read their agencies'
ratings. Every page works without JavaScript (forms POST, CSRF-protected, server-rendered)."""

from __future__ import annotations

import io
import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from dichvucong.accounts.decorators import staff_required
from dichvucong.accounts.models import StaffRole
from dichvucong.accounts.selectors import agencies_for_user
from dichvucong.core.ratelimit import client_ip, hit
from dichvucong.dossiers import selectors as dossier_selectors
from dichvucong.dossiers.models import Dossier, Status
from dichvucong.ratings import conf, forms, links, selectors, services
from dichvucong.ratings.models import Rating

KIOSK_SESSION = "ratings_kiosk"
KIOSK_DONE = "ratings_kiosk_done"
PAGE_SIZE = 25

ratings_staff_required = staff_required(lambda user: selectors.rating_agencies(user=user))
counter_required = staff_required(lambda user: agencies_for_user(user=user, roles=[StaffRole.RECEPTIONIST]))


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


# --- the owner, online -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def rate(request: HttpRequest, public_id) -> HttpResponse:
    dossier = dossier_selectors.dossier_access(user=request.user, public_id=public_id)
    if selectors.rating_for_owner(user=request.user, dossier=dossier) is not None:
        messages.info(request, services.ALREADY_RATED)
        return redirect("dossiers:detail", public_id=dossier.public_id)
    if dossier.status != Status.RETURNED:
        messages.error(request, services.NOT_RETURNED)
        return redirect("dossiers:detail", public_id=dossier.public_id)
    form = forms.RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.rating_submit(
                dossier=dossier,
                level=form.cleaned_data["level"],
                criteria=form.criteria(),
                comment=form.cleaned_data["comment"],
                via=Rating.Via.ONLINE,
                rated_by=request.user,
            )
        except services.RatingError as error:
            if error.code == "already":
                messages.info(request, error.message)
                return redirect("dossiers:detail", public_id=dossier.public_id)
            _add_error(form, error)
        else:
            messages.success(
                request, "Cảm ơn bạn đã đánh giá. Ý kiến của bạn đã được gửi tới cơ quan giải quyết."
            )
            return redirect("dossiers:detail", public_id=dossier.public_id)
    return render(request, "ratings/rate.html", {"dossier": dossier, "form": form})


def _add_error(form, error: services.RatingError) -> None:
    field = f"c_{error.field}" if error.field and f"c_{error.field}" in form.fields else error.field
    form.add_error(field if field in form.fields else None, error.message)


# --- the kiosk / tablet at the counter -------------------------------------------------------------


def _kiosk_limited(request: HttpRequest, window_seconds: int) -> HttpResponse:
    """Too many attempts: say for how long and lead back to the form (a shared tablet must not get stuck)."""
    minutes = max(1, window_seconds // 60)
    return _no_store(render(request, "ratings/kiosk_limited.html", {"minutes": minutes}, status=429))


@require_http_methods(["GET", "HEAD", "POST"])
def kiosk(request: HttpRequest) -> HttpResponse:
    """Step 1: the dossier code and the one-time code. One message for any wrong pair; attempts are
    limited per address and per dossier code (whether or not such a dossier exists)."""
    if request.method == "POST" and "cancel" in request.POST:
        request.session.pop(KIOSK_SESSION, None)
        return redirect("ratings:kiosk")
    initial = {"dossier_code": request.GET.get("ho-so", "")[:40], "code": request.GET.get("ma", "")[:20]}
    form = forms.KioskCodeForm(request.POST or None, initial=initial)
    if request.method == "POST":
        limit, window = conf.kiosk_per_ip()
        if not hit(f"rating-kiosk:ip:{client_ip(request)}", limit=limit, window_seconds=window):
            return _kiosk_limited(request, window)
        if form.is_valid():
            dossier_code = form.cleaned_data["dossier_code"].strip()
            limit, window = conf.kiosk_per_dossier()
            if not hit(f"rating-kiosk:dossier:{dossier_code.upper()}", limit=limit, window_seconds=window):
                return _kiosk_limited(request, window)
            dossier = services.rating_code_check(dossier_code=dossier_code, code=form.cleaned_data["code"])
            if dossier is None:
                form.add_error(None, services.KIOSK_REFUSED)
            else:
                request.session.cycle_key()
                request.session[KIOSK_SESSION] = {
                    "dossier": dossier.pk,
                    "code": services.normalise_code(form.cleaned_data["code"]),
                    "at": int(time.time()),
                }
                return redirect("ratings:kiosk_rate")
    status = 422 if form.errors else 200
    return _no_store(render(request, "ratings/kiosk.html", {"form": form}, status=status))


def _kiosk_dossier(request: HttpRequest) -> tuple[Dossier | None, str]:
    state = request.session.get(KIOSK_SESSION) or {}
    if not state or int(time.time()) - int(state.get("at", 0)) > conf.KIOSK_SESSION_SECONDS:
        request.session.pop(KIOSK_SESSION, None)
        return None, ""
    dossier = (
        Dossier.objects.select_related("procedure", "agency")
        .filter(pk=state.get("dossier"), status=Status.RETURNED)
        .first()
    )
    return dossier, str(state.get("code", ""))


@require_http_methods(["GET", "HEAD", "POST"])
def kiosk_rate(request: HttpRequest) -> HttpResponse:
    """Step 2: the rating form for the dossier the code opened (kept in the session for a short while)."""
    dossier, code = _kiosk_dossier(request)
    if dossier is None:
        messages.info(request, "Phiên đánh giá đã hết hạn. Hãy nhập lại mã hồ sơ và mã đánh giá.")
        return redirect("ratings:kiosk")
    form = forms.RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.rating_submit(
                dossier=dossier,
                level=form.cleaned_data["level"],
                criteria=form.criteria(),
                comment=form.cleaned_data["comment"],
                via=Rating.Via.KIOSK,
                rated_by=None,
                kiosk_code=code,
            )
        except services.RatingError as error:
            if error.field is None:  # the code was used meanwhile, or the dossier rated: start again
                request.session.pop(KIOSK_SESSION, None)
                messages.error(request, error.message)
                return redirect("ratings:kiosk")
            _add_error(form, error)
        else:
            request.session.pop(KIOSK_SESSION, None)
            request.session[KIOSK_DONE] = dossier.code
            return redirect("ratings:kiosk_done")
    status = 422 if form.errors else 200
    context = {"dossier": dossier, "form": form, "kiosk": True}
    return _no_store(render(request, "ratings/kiosk_rate.html", context, status=status))


@require_safe
def kiosk_done(request: HttpRequest) -> HttpResponse:
    code = request.session.pop(KIOSK_DONE, None)
    if code is None:
        return redirect("ratings:kiosk")
    return _no_store(render(request, "ratings/kiosk_done.html", {"code": code}))


# --- the counter issues the one-time code ----------------------------------------------------------


def _qr_svg(data: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


@counter_required
@require_POST
def code_issue(request: HttpRequest, public_id) -> HttpResponse:
    """A new one-time code and its printable slip (shown once: only its hash is kept)."""
    dossier = selectors.dossier_for_code_issue(user=request.user, public_id=public_id)
    try:
        row, code = services.rating_code_issue(dossier=dossier, officer=request.user)
    except services.RatingError as error:
        messages.error(request, error.message)
        return redirect("processing:detail", public_id=dossier.public_id)
    url = links.kiosk_url(dossier_code=dossier.code or "", code=code)
    context = {
        "dossier": dossier,
        "code": services.format_code(code),
        "expires_at": row.expires_at,
        "kiosk_url": links.kiosk_url(dossier_code=""),
        "qr_svg": _qr_svg(url),
    }
    return _no_store(render(request, "ratings/slip.html", context))


# --- staff ---------------------------------------------------------------------------------------


@ratings_staff_required
@require_safe
def staff_list(request: HttpRequest) -> HttpResponse:
    agencies = list(selectors.rating_agencies(user=request.user))
    form = forms.StaffFilterForm(request.GET or None, agencies=agencies)
    filters = selectors.RatingFilter()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.RatingFilter(
            since=data.get("since"),
            until=data.get("until"),
            level=data.get("level"),
            agency_code=data.get("agency") or "",
        )
    ratings = selectors.rating_list_for_staff(user=request.user, filters=filters)
    page = Paginator(ratings, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "averages": selectors.rating_averages(ratings),
        "agencies": agencies,
    }
    return render(request, "ratings/staff_list.html", context)

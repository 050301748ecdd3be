"""The operator's page for the national sync (/he-thong/dong-bo-quoc-gia/): failed syncs with their error,
and a "Gửi lại" button per dossier."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from dichvucong.national import selectors
from dichvucong.national.models import NationalSync
from dichvucong.national.sync import SyncError, sync_resend


def _guard(check):
    def decorator(view):
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), login_url=reverse("admin:login"))
            if not check(user=request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


@require_safe
@_guard(selectors.user_can_view_syncs)
def failed_syncs(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")[:10]
    page = selectors.sync_failed_list(
        viewer=request.user, state=state, page_number=request.GET.get("page", 1)
    )
    context = {
        "page": page,
        "state": state,
        "counts": selectors.sync_counts(),
        "can_resend": selectors.user_can_resend(user=request.user),
        "states": [
            (NationalSync.State.DEAD, NationalSync.State.DEAD.label),
            (NationalSync.State.PENDING, "Chờ gửi lại"),
        ],
    }
    return render(request, "national/failed_syncs.html", context)


@require_POST
@_guard(selectors.user_can_resend)
def resend(request: HttpRequest, sync_id: int) -> HttpResponse:
    try:
        sync = sync_resend(sync_id=sync_id, staff=request.user)
    except SyncError as error:
        messages.error(request, error.message)
    else:
        sync.refresh_from_db(fields=["state", "last_error"])
        if sync.state == NationalSync.State.SYNCED:
            messages.success(request, "Đã gửi lại và đồng bộ thành công.")
        else:
            messages.info(request, "Đã đưa hồ sơ vào hàng đợi gửi lại.")
    return redirect("national:failed_syncs")

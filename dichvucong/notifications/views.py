"""The outbox page for administrators (/he-thong/thong-bao/): what was sent, to whom, with what outcome."""

from __future__ import annotations

import functools

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from dichvucong.notifications import selectors
from dichvucong.notifications.models import Message


def outbox_viewer_required(view):
    """Anonymous visitors go to the admin sign-in; signed-in people without the permission get 403."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), login_url=reverse("admin:login"))
        if not selectors.user_can_view_outbox(user=request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@require_safe
@outbox_viewer_required
def outbox(request: HttpRequest) -> HttpResponse:
    filters = selectors.OutboxFilters(
        status=request.GET.get("status", "")[:16],
        channel=request.GET.get("channel", "")[:8],
        recipient=request.GET.get("q", "")[:254],
    )
    page = selectors.outbox_list(viewer=request.user, filters=filters, page_number=request.GET.get("page", 1))
    rows = [(message, selectors.message_body_visible(message=message)) for message in page.object_list]
    context = {
        "page": page,
        "rows": rows,
        "filters": filters,
        "statuses": Message.Status.choices,
        "channels": Message.Channel.choices,
    }
    return render(request, "notifications/outbox.html", context)

"""Access checks for staff pages: signed in, second factor passed, and a role at some agency."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.shortcuts import redirect, render
from django.urls import reverse


def staff_required(agencies_of: Callable) -> Callable:
    """Decorator factory: ``agencies_of(user)`` lists the agencies that give access to the page.

    A session without the second factor is sent to sign in again; a person with no such agency gets 403."""

    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if not request.user.is_verified():
                return redirect(f"{reverse('accounts:login')}?next={request.path}")
            agencies: QuerySet = agencies_of(request.user)
            if not agencies.exists():
                return render(request, "accounts/forbidden.html", status=403)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator

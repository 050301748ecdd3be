"""Public pages a reverse proxy (or the browser) may keep for a few minutes: the catalogue as an anonymous
visitor sees it (issue 15, "a Cache-Control/ETag story").

``public_page`` marks an answer ``Cache-Control: public, max-age=…`` with ``Vary: Cookie`` (the language
cookie changes the page; a session cookie makes it personal) and a strong ``ETag``, and answers a matching
``If-None-Match`` with 304 and no body. It does so only when nothing personal is in the answer: an anonymous
visitor, a 200, no cookie being set, and no CSRF token used by the page (a shared copy would carry one
visitor's token to another). Anything else keeps its own headers (signed-in pages get ``no-store`` from
``PrivatePagesMiddleware``).

A proxy that serves repeats from its cache also keeps them from the visitor statistics: that is the price of
the saved work, and ``DVC_PUBLIC_PAGE_SECONDS=0`` turns the marking off.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)

DEFAULT_SECONDS = 300


def public_page_seconds() -> int:
    return int(getattr(settings, "DVC_PUBLIC_PAGE_SECONDS", DEFAULT_SECONDS))


def _shareable(request, response) -> bool:
    user = getattr(request, "user", None)
    return (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and not response.streaming
        and not (user is not None and user.is_authenticated)
        and "HTTP_AUTHORIZATION" not in request.META
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # the page used a CSRF token
        and not response.has_header("Cache-Control")
    )


def public_page(view):
    """Decorator for a view whose anonymous answer is the same for every visitor (see the module)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        seconds = public_page_seconds()
        if seconds <= 0 or not _shareable(request, response):
            return response
        if hasattr(response, "render") and callable(response.render):
            response.render()
        patch_cache_control(response, public=True, max_age=seconds)
        patch_vary_headers(response, ["Cookie"])
        set_response_etag(response)
        return get_conditional_response(request, etag=response.headers["ETag"], response=response)

    return wrapped

"""Fixed-window rate limits kept in the cache (shared between processes when the cache is Redis)."""

from __future__ import annotations

from django.core.cache import cache


def client_ip(request) -> str:
    """The client address as Django sees it (set a trusted proxy's header in the proxy, not here)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one event for ``key``; False once more than ``limit`` events fall in the window."""
    cache_key = f"ratelimit:{key}"
    try:
        count = cache.incr(cache_key)  # the common case: the window is already open
    except ValueError:  # no window yet (or it just expired): open one
        if cache.add(cache_key, 1, window_seconds):
            return True
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, 1, window_seconds)
            return True
    return count <= limit

"""Short-lived caches for the public catalogue (the busiest, least changing pages).

Keys carry a catalogue generation that every catalogue write bumps after commit, so a process that
shares the cache (Redis in production) never serves results older than the last write; with the
per-process local-memory cache the time-to-live bounds staleness instead.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")
GENERATION_KEY = "catalogue:generation"


def generation() -> int:
    return cache.get(GENERATION_KEY) or 0


def catalogue_changed() -> None:
    """Invalidate cached catalogue reads once the current transaction commits."""

    def bump() -> None:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:
            cache.set(GENERATION_KEY, 1, None)

    transaction.on_commit(bump)


def key_for(namespace: str, *parts: object) -> str:
    raw = "\x1f".join(str(part) for part in parts)
    digest = hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()
    return f"catalogue:{namespace}:{generation()}:{digest}"


def cached(namespace: str, parts: tuple, build: Callable[[], T], *, timeout: int | None = None) -> T:
    key = key_for(namespace, *parts)
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, settings.DVC_CATALOGUE_CACHE_SECONDS if timeout is None else timeout)
    return value

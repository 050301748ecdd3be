"""Short-lived caches for the public catalogue (the busiest, least changing pages).

Keys carry a catalogue generation that every catalogue write replaces after commit, so no process (they
share the cache: a database table by default, or Redis) serves results older than the last write.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")
GENERATION_KEY = "catalogue:generation"


def generation() -> str:
    return cache.get(GENERATION_KEY) or "0"


def catalogue_changed() -> None:
    """Invalidate cached catalogue reads once the current transaction commits."""

    def bump() -> None:
        # A new random generation in one plain write: incr on the database cache is a read then a write (two
        # writes committing together could leave one generation for both), and a counter restarted after an
        # eviction could reuse a number whose entries are still cached.
        cache.set(GENERATION_KEY, uuid.uuid4().hex, None)

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

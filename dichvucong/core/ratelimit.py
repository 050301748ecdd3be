"""Fixed-window rate limits, counted atomically and shared by every server process.

Each event is one atomic increment of a counter named after the limited thing and the window it falls in
(``<key>:<window seconds>:<window start>``), so a new window is a new counter and nothing ever has to be
reset:

- when the default cache is Redis (``django.core.cache.backends.redis.RedisCache``): one Lua script,
  ``INCR key`` then ``PEXPIRE key <window>`` when the key has no expiry. A script runs atomically and sees
  one frozen clock, so the counter can never live without an expiry. (``INCRBY`` when several events are
  counted at once.) (Django's ``cache.incr`` on Redis is
  EXISTS then INCR: a key expiring in between was recreated without expiry and locked its address out for
  good. ``SET NX EX`` + ``INCR`` in MULTI/EXEC is not enough either: Redis 7.0 checks expiry with the live
  clock between the two commands of a transaction, so a key ending between them came back without one.)
- otherwise: one ``INSERT … ON CONFLICT (key) DO UPDATE SET count = count + 1 RETURNING count`` on the
  ``core.RateLimitCounter`` table (SQLite 3.35+ and PostgreSQL), so no extra server is needed and every
  process sees the same count. Rows of windows that have ended are deleted by the periodic
  ``manage.py ratelimit_prune`` (``prune``), never in a request, so a request's statements never vary.

Inside a transaction the database counter is part of it (a rolled-back request did not happen), and on
PostgreSQL its row stays locked until the transaction ends: call ``hit`` before long work, not within it.
"""

from __future__ import annotations

import datetime
import hashlib
import time

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connections, router

from dichvucong.core import clientip

_MAX_KEY_LENGTH = 120


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or X-Forwarded-For as far as trusted proxies wrote it
    (``DVC_TRUSTED_PROXIES``; see core.clientip)."""
    return clientip.client_ip(request)


def axes_client_ip(request) -> str | None:
    """django-axes' AXES_CLIENT_IP_CALLABLE: the same address the rate limits count (None if none)."""
    return clientip.client_ip_or_none(request)


def hit(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one event for ``key``; False once more than ``limit`` events fall in the window."""
    return count(key, window_seconds=window_seconds) <= limit


def count(key: str, *, window_seconds: int, amount: int = 1) -> int:
    """Count ``amount`` events (one by default) for ``key`` and return how many fell in the current window,
    these included."""
    if window_seconds < 1:
        raise ValueError("window_seconds must be at least 1")
    if amount < 1:
        raise ValueError("amount must be at least 1")
    window_start = int(_now() // window_seconds) * window_seconds
    name = f"{_short(key)}:{window_seconds}:{window_start}"
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        return _redis_count(backend, name, window_seconds, amount)
    return _db_count(name, expires_at=window_start + window_seconds, amount=amount)


def prune() -> int:
    """Delete the database counters of windows that have ended; returns how many went."""
    from dichvucong.core.models import RateLimitCounter

    now = datetime.datetime.fromtimestamp(_now(), tz=datetime.UTC)
    deleted, _ = RateLimitCounter.objects.filter(expires_at__lte=now).delete()
    return deleted


def _now() -> float:
    return time.time()


def _short(key: str) -> str:
    """Keys stay readable (an operator may look one up); very long ones are replaced by their digest."""
    if len(key) <= _MAX_KEY_LENGTH:
        return key
    return "h:" + hashlib.blake2b(key.encode(), digest_size=20).hexdigest()


# KEYS[1] the counter, ARGV[1] the window in milliseconds, ARGV[2] how many events. PTTL is -1 only for a
# key without expiry.
_COUNT_SCRIPT = """
local counted = redis.call('INCRBY', KEYS[1], ARGV[2])
if redis.call('PTTL', KEYS[1]) == -1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return counted
"""


def _redis_count(backend: RedisCache, name: str, window_seconds: int, amount: int = 1) -> int:
    redis_key = backend.make_and_validate_key(f"ratelimit:{name}")
    client = backend._cache.get_client(redis_key, write=True)
    value = client.eval(_COUNT_SCRIPT, 1, redis_key, window_seconds * 1000, amount)
    return int(value)


def _db_count(name: str, *, expires_at: int, amount: int = 1) -> int:
    from dichvucong.core.models import RateLimitCounter

    connection = connections[router.db_for_write(RateLimitCounter)]
    qn = connection.ops.quote_name
    table = qn(RateLimitCounter._meta.db_table)
    key, counted, expires = qn("key"), qn("count"), qn("expires_at")
    expiry = datetime.datetime.fromtimestamp(expires_at, tz=datetime.UTC)
    sql = (
        f"INSERT INTO {table} ({key}, {counted}, {expires}) VALUES (%s, %s, %s) "  # noqa: S608 (names only)
        f"ON CONFLICT ({key}) DO UPDATE SET {counted} = {table}.{counted} + %s RETURNING {counted}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [name, amount, connection.ops.adapt_datetimefield_value(expiry), amount])
        value = cursor.fetchone()[0]
    return int(value)

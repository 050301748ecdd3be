"""Visitor statistics without trackers and without personal data.

A visitor is the pair (address, browser) on one day. The pair is never stored: it is reduced to a keyed
digest (HMAC-SHA256 under a key derived from SECRET_KEY and the date, so the key changes every day and
yesterday's digests cannot be matched to today's), and the digest is kept only in the shared cache with an
expiry of two days. The database keeps one number per day (``VisitorDay``).

"Online now" is the number of distinct digests seen in the last five minutes.

Cost per counted request, by cache:

- Redis: always one round trip (a pipeline: ``SET seen NX EX``, ``ZADD online``, trim, ``EXPIRE``).
- any other Django cache (the database cache table by default): one ``get`` when the visitor was already
  seen in the current minute (the usual case while someone reads the portal); when the minute changes,
  the visitor's last-seen minute is rewritten and moved from its old per-minute counter to the new one
  (about four more cache operations, at most once a minute per visitor). Each visitor is counted in the
  minute it was last seen, so the sum of the last five minute counters counts distinct visitors.

The first request of a visitor on a day also adds one to the day's row in the database (one UPDATE).
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import hmac
import re
import time
import zoneinfo

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

ONLINE_WINDOW_SECONDS = 5 * 60
SEEN_TTL_SECONDS = 2 * 86400
_BUCKET_TTL_SECONDS = 2 * ONLINE_WINDOW_SECONDS
_ONLINE_MINUTES = ONLINE_WINDOW_SECONDS // 60

# Crawlers, link previews, monitors and scripts: not people reading the portal. An empty User-Agent
# (most scripts, and Django's test client) is not counted either.
BOT_USER_AGENT = re.compile(
    r"bot|crawl|spider|slurp|archiver|facebookexternalhit|embedly|preview|lighthouse|pingdom|uptime|monitor"
    r"|curl|wget|python|httpx|aiohttp|java/|go-http|okhttp|libwww|scrapy|postman|insomnia|apache-httpclient",
    re.IGNORECASE,
)
# Paths that are not pages a person reads: files, the API, the health probe, the Django admin, the
# language switch. (Static files are served by WhiteNoise before this middleware in production anyway.)
SKIPPED_PREFIXES = ("/static/", "/media/", "/api/", "/healthz", "/quan-tri/", "/i18n/", "/favicon", "/robots")


def _now() -> float:
    return time.time()


def is_countable(request, response) -> bool:
    """A person's page view: GET, an HTML page that was found, not a partial (htmx), not a bot."""
    if request.method != "GET" or response.status_code != 200:
        return False
    if request.path.startswith(SKIPPED_PREFIXES) or request.path.startswith(settings.STATIC_URL):
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    if "HTTP_HX_REQUEST" in request.META:
        return False
    agent = request.META.get("HTTP_USER_AGENT", "")
    return bool(agent) and not BOT_USER_AGENT.search(agent)


@functools.lru_cache(maxsize=2)
def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


@functools.lru_cache(maxsize=4)
def _day_key(day: str) -> bytes:
    return hmac.new(settings.SECRET_KEY.encode(), f"portal.visitors:{day}".encode(), hashlib.sha256).digest()


def visitor_digest(*, address: str, user_agent: str, day: datetime.date) -> str:
    """The day's pseudonym of (address, browser): 32 hex characters, different every day."""
    message = f"{address}\n{user_agent[:300]}".encode()
    return hmac.new(_day_key(day.isoformat()), message, hashlib.sha256).hexdigest()[:32]


def touch(*, address: str, user_agent: str) -> tuple[datetime.date, bool]:
    """Record that this visitor is here now; returns (today, first time today)."""
    now = _now()
    day = datetime.datetime.fromtimestamp(now, tz=_zone(settings.TIME_ZONE)).date()  # the portal's day
    digest = visitor_digest(address=address, user_agent=user_agent, day=day)
    return day, _store().touch(digest=digest, day=day, now=now)


def online_now() -> int:
    return _store().online(now=_now())


def _store():
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        return _RedisStore(backend)
    return _CacheStore(backend)


class _RedisStore:
    def __init__(self, backend: RedisCache) -> None:
        self.backend = backend
        self.online_key = backend.make_and_validate_key("visitors:online")

    def _client(self):
        return self.backend._cache.get_client(self.online_key, write=True)

    def touch(self, *, digest: str, day: datetime.date, now: float) -> bool:
        seen = self.backend.make_and_validate_key(f"visitors:seen:{day.isoformat()}:{digest}")
        with self._client().pipeline(transaction=False) as pipe:
            pipe.set(seen, 1, ex=SEEN_TTL_SECONDS, nx=True)
            pipe.zadd(self.online_key, {digest: now})
            pipe.zremrangebyscore(self.online_key, "-inf", now - ONLINE_WINDOW_SECONDS)
            pipe.expire(self.online_key, _BUCKET_TTL_SECONDS)
            first, *_rest = pipe.execute()
        return bool(first)

    def online(self, *, now: float) -> int:
        with self._client().pipeline(transaction=False) as pipe:
            pipe.zremrangebyscore(self.online_key, "-inf", now - ONLINE_WINDOW_SECONDS)
            pipe.zcard(self.online_key)
            _trimmed, size = pipe.execute()
        return int(size)


class _CacheStore:
    def __init__(self, backend) -> None:
        self.cache = backend

    def touch(self, *, digest: str, day: datetime.date, now: float) -> bool:
        minute = int(now // 60)
        key = f"visitors:seen:{day.isoformat()}:{digest}"
        last = self.cache.get(key)
        if last is not None and last >= minute:
            return False  # already counted in this minute: the common case, one round trip
        if last is None:
            if not self.cache.add(key, minute, SEEN_TTL_SECONDS):
                return False  # a parallel request of the same visitor counted it
        else:
            self.cache.set(key, minute, SEEN_TTL_SECONDS)
        self._bump(minute, 1)
        if last is not None and minute - last < _ONLINE_MINUTES:
            self._bump(last, -1)
        return last is None

    def _bump(self, minute: int, delta: int) -> None:
        key = f"visitors:online:{minute}"
        try:
            self.cache.incr(key, delta)
        except ValueError:  # no counter yet for this minute (or it expired)
            if delta > 0 and not self.cache.add(key, delta, _BUCKET_TTL_SECONDS):
                self.cache.incr(key, delta)

    def online(self, *, now: float) -> int:
        minute = int(now // 60)
        keys = [f"visitors:online:{m}" for m in range(minute - _ONLINE_MINUTES + 1, minute + 1)]
        return max(0, sum(int(value) for value in self.cache.get_many(keys).values()))

"""Cost of the visitor statistics middleware (portal.middleware.VisitorCountMiddleware) per request.

    .venv/bin/python bench/portal_visitors.py [-n 5000] [--redis redis://127.0.0.1:6379/11]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dvc_bench .venv/bin/python bench/portal_visitors.py

Runs the middleware around an empty view (so only its own work is timed) on a throw-away test database,
with each shared store the project can be configured with: the in-process memory cache (tests), the
database cache table (the default) and Redis (when one answers). Scenarios: a request that is not counted
(a bot), a visitor already seen this minute (the usual case: one cache round trip), and a new visitor on
every request (the worst case: cache writes and one UPDATE of the day's row). Prints µs per request
(median of 5 runs) and the cache operations counted per request.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DVC_DEV", "1")
os.environ.setdefault("DVC_TESTING", "1")

BROWSER = (
    "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36"
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=3000, help="requests per run")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/11")
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.cache import caches
    from django.core.management import call_command
    from django.http import HttpResponse
    from django.test import RequestFactory, override_settings
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    from dichvucong.portal import visitors
    from dichvucong.portal.middleware import VisitorCountMiddleware

    setup_test_environment()
    old = setup_databases(verbosity=0, interactive=False)
    try:
        stores = {
            "memory (locmem)": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
            "database cache": {
                "BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "LOCATION": "dvc_cache",
            },
            "redis": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": args.redis,
                "KEY_PREFIX": "dvc-bench-visitors",
            },
        }
        page = HttpResponse("<p>x</p>")
        middleware = VisitorCountMiddleware(lambda request: page)
        factory = RequestFactory()
        print(f"{'store':<18} {'scenario':<28} {'µs/request':>10} {'cache ops/request':>18}")
        for label, config in stores.items():
            with override_settings(CACHES={"default": config}):
                try:
                    call_command("createcachetable", verbosity=0)
                    caches["default"].get("ping")
                except Exception as error:  # noqa: BLE001
                    print(f"{label:<18} skipped ({error.__class__.__name__})")
                    continue
                caches["default"].clear() if label != "redis" else None
                scenarios = {
                    "not counted (bot)": lambda i: factory.get("/tin-tuc/", HTTP_USER_AGENT="Googlebot/2.1"),
                    "seen this minute (usual)": lambda i: factory.get(
                        "/tin-tuc/", HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="10.0.0.1"
                    ),
                    "new visitor every request": lambda i: factory.get(
                        "/tin-tuc/",
                        HTTP_USER_AGENT=BROWSER,
                        REMOTE_ADDR=f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}",
                    ),
                }
                middleware(scenarios["seen this minute (usual)"](0))  # counted once before timing
                offset = 1
                for name, make in scenarios.items():
                    runs, ops = [], 0
                    for _run in range(5):
                        requests = [make(offset + i) for i in range(args.n)]
                        offset += args.n
                        counted = _count_cache_ops(visitors)
                        started = time.perf_counter()
                        for request in requests:
                            middleware(request)
                        runs.append((time.perf_counter() - started) / args.n * 1e6)
                        ops = counted.stop() / args.n
                    print(f"{label:<18} {name:<28} {statistics.median(runs):>10.1f} {ops:>18.2f}")
    finally:
        teardown_databases(old, verbosity=0)


class _count_cache_ops:  # noqa: N801 (used as a context-free counter)
    """Counts cache operations (and Redis pipelines) made by the visitor store while timing."""

    def __init__(self, visitors) -> None:
        self.visitors, self.count = visitors, 0
        self.real_store = visitors._store
        counter = self

        def store():
            inner = counter.real_store()
            if isinstance(inner, visitors._CacheStore):
                inner.cache = _Counting(inner.cache, counter)
            else:
                real_client = inner._client

                def client():
                    return _Counting(real_client(), counter, only={"pipeline"})

                inner._client = client
            return inner

        visitors._store = store

    def stop(self) -> int:
        self.visitors._store = self.real_store
        return self.count


class _Counting:
    def __init__(self, real, counter, only=None) -> None:
        self.real, self.counter, self.only = real, counter, only

    def __getattr__(self, name):
        attribute = getattr(self.real, name)
        if not callable(attribute) or (self.only and name not in self.only):
            return attribute

        def counted(*args, **kwargs):
            self.counter.count += 1
            return attribute(*args, **kwargs)

        return counted


if __name__ == "__main__":
    main()

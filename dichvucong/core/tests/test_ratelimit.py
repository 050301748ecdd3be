"""Rate limits are counted atomically: on the database table by default, on Redis when the cache is Redis."""

import datetime
import socket
import threading

import pytest
import redis
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, connections

from dichvucong.core import ratelimit
from dichvucong.core.models import RateLimitCounter
from dichvucong.core.ratelimit import count, hit

REDIS_URL = "redis://127.0.0.1:6379/12"


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.3):
            return True
    except OSError:
        return False


needs_redis = pytest.mark.skipif(not redis_answers(), reason="no Redis server answers on 127.0.0.1:6379")


@pytest.fixture
def clock(monkeypatch):
    """A settable clock for the limiter (a window that starts at 1,000,020 s, a multiple of 60)."""
    now = {"t": 1_000_020.0}
    monkeypatch.setattr(ratelimit, "_now", lambda: now["t"])
    return now


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "dvc-test-ratelimit",
        }
    }
    cache.clear()
    yield redis.Redis.from_url(REDIS_URL)
    cache.clear()


def _check_limit(key: str, clock) -> None:
    allowed = [hit(key, limit=3, window_seconds=60) for _ in range(5)]
    other = hit(f"{key}-other", limit=3, window_seconds=60)
    clock["t"] += 59  # still the same window
    still_refused = hit(key, limit=3, window_seconds=60)
    clock["t"] += 1  # the next window
    again = [hit(key, limit=3, window_seconds=60) for _ in range(4)]

    assert allowed == [True, True, True, False, False]
    assert other and not still_refused
    assert again == [True, True, True, False]


# --- database counter (the default) -------------------------------------------------------------------------


@pytest.mark.django_db
def test_database_counter_allows_the_limit_then_refuses_until_the_window_ends(clock):
    _check_limit("test-db", clock)


@pytest.mark.django_db
def test_database_counter_is_one_row_per_window_with_its_end_as_expiry(clock):
    for _ in range(4):
        count("track:10.0.0.1", window_seconds=60)

    row = RateLimitCounter.objects.get()
    assert row.key == "track:10.0.0.1:60:1000020"
    assert row.count == 4
    assert row.expires_at == datetime.datetime.fromtimestamp(1_000_080, tz=datetime.UTC)


@pytest.mark.django_db
def test_prune_deletes_only_the_windows_that_have_ended(clock):
    count("a", window_seconds=60)
    count("b", window_seconds=3600)
    clock["t"] += 60

    assert ratelimit.prune() == 1
    assert list(RateLimitCounter.objects.values_list("key", flat=True)) == ["b:3600:997200"]
    assert count("b", window_seconds=3600) == 2  # the hour's count survived


@pytest.mark.django_db
def test_the_periodic_command_prunes_old_windows_and_counting_never_does(clock):
    from django.core.management import call_command

    count("old", window_seconds=60)
    clock["t"] += 120
    count("new", window_seconds=60)
    assert RateLimitCounter.objects.count() == 2  # counting leaves old windows to the periodic job

    call_command("ratelimit_prune", verbosity=0)

    assert list(RateLimitCounter.objects.values_list("key", flat=True)) == ["new:60:1000140"]


@pytest.mark.django_db
def test_long_keys_are_stored_as_a_digest_and_still_counted_apart(clock):
    long_a, long_b = "x" * 300 + "a", "x" * 300 + "b"

    assert [count(long_a, window_seconds=60) for _ in range(2)] == [1, 2]
    assert count(long_b, window_seconds=60) == 1
    assert all(len(key) < 200 for key in RateLimitCounter.objects.values_list("key", flat=True))


@pytest.mark.django_db
def test_the_database_counter_does_not_depend_on_the_cache(clock, settings):
    """Clearing or losing the cache (or a per-process cache) does not reset a limit."""
    assert [hit("reset:1.2.3.4", limit=2, window_seconds=3600) for _ in range(2)] == [True, True]
    cache.clear()

    assert not hit("reset:1.2.3.4", limit=2, window_seconds=3600)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_concurrent_increments_from_threads_are_exact_on_postgresql(clock, settings):
    # the portal's default cache (Django's DatabaseCache, whose incr is a read then a write) is configured:
    # the count must not depend on it
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "c"}}
    call_command("createcachetable")
    threads, per_thread = 8, 40
    results: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(threads)
    lock = threading.Lock()

    def work():
        try:
            start.wait()
            mine = [count("race:pg", window_seconds=3600) for _ in range(per_thread)]
            with lock:
                results.extend(mine)
        except BaseException as error:  # noqa: BLE001 (reported by the assertion below)
            errors.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert errors == []
    # every increment returned a different count and none was lost
    assert sorted(results) == list(range(1, threads * per_thread + 1))
    assert RateLimitCounter.objects.get().count == threads * per_thread


# --- Redis -------------------------------------------------------------------------------------------------


def _keys_without_expiry(client: redis.Redis) -> list[bytes]:
    return [key for key in client.scan_iter("*ratelimit*") if client.ttl(key) < 0]


@needs_redis
@pytest.mark.django_db
def test_redis_counter_allows_the_limit_then_refuses_until_the_window_ends(redis_cache, clock):
    _check_limit("test-redis", clock)

    keys = list(redis_cache.scan_iter("*ratelimit*"))
    assert len(keys) == 3 and not _keys_without_expiry(redis_cache)
    assert not RateLimitCounter.objects.exists()  # counted in Redis, not in the database


@needs_redis
def test_redis_counter_survives_its_key_expiring_at_the_worst_moment(redis_cache, monkeypatch):
    """The key expires right before the command that increments it (issue 15: Django's cache.incr is
    EXISTS then INCR, and the INCR recreated the expired key without a TTL, locking the address out)."""
    original_execute = redis.Redis.execute_command
    counting = {"INCR", "INCRBY", "EVAL", "EVALSHA"}

    def expire_then_execute(self, *args, **options):
        if args and str(args[0]).upper() in counting:
            for key in redis_cache.scan_iter("*ratelimit*"):
                original_execute(self, "DEL", key)  # the window's key expires just now
        return original_execute(self, *args, **options)

    hit("track:10.0.0.9", limit=30, window_seconds=60)  # the window is open
    monkeypatch.setattr(redis.Redis, "execute_command", expire_then_execute)
    for _ in range(3):
        hit("track:10.0.0.9", limit=30, window_seconds=60)
    monkeypatch.undo()

    keys = list(redis_cache.scan_iter("*ratelimit*"))
    assert keys, "the counter exists"
    assert _keys_without_expiry(redis_cache) == []
    assert all(0 < redis_cache.ttl(key) <= 60 for key in keys)


def _count_in_threads(key: str, *, threads: int, per_thread: int, window_seconds: int) -> list[int]:
    results: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(threads)

    def work():
        start.wait()
        mine = [count(key, window_seconds=window_seconds) for _ in range(per_thread)]
        with lock:
            results.extend(mine)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return results


@needs_redis
def test_concurrent_increments_from_threads_are_exact_on_redis(redis_cache, clock):
    results = _count_in_threads("race:redis", threads=6, per_thread=50, window_seconds=3600)

    assert sorted(results) == list(range(1, 301))


@needs_redis
def test_redis_keys_never_live_without_expiry_while_windows_end_under_load(redis_cache):
    seen_without_ttl: list[bytes] = []
    stop = threading.Event()

    def expire_constantly():  # every counter ends over and over while threads keep counting
        while not stop.is_set():
            for key in redis_cache.scan_iter("*ratelimit*"):
                if redis_cache.ttl(key) == -1:
                    seen_without_ttl.append(key)
                redis_cache.pexpire(key, 1)

    expirer = threading.Thread(target=expire_constantly)
    expirer.start()
    try:
        results = _count_in_threads("race:expiry", threads=6, per_thread=100, window_seconds=60)
    finally:
        stop.set()
        expirer.join()

    assert len(results) == 600 and min(results) == 1  # windows did end during the run
    assert seen_without_ttl == []
    assert _keys_without_expiry(redis_cache) == []


@pytest.mark.django_db
def test_several_events_counted_at_once(clock):
    assert count("batch:db", window_seconds=60, amount=3) == 3
    assert count("batch:db", window_seconds=60) == 4
    with pytest.raises(ValueError):
        count("batch:db", window_seconds=60, amount=0)


@needs_redis
def test_several_events_counted_at_once_on_redis(redis_cache):
    assert count("batch:redis", window_seconds=60, amount=2) == 2
    assert count("batch:redis", window_seconds=60, amount=5) == 7
    assert _keys_without_expiry(redis_cache) == []

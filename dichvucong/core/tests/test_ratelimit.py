import socket

import pytest
from django.core.cache import cache

from dichvucong.core.ratelimit import hit


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.3):
            return True
    except OSError:
        return False


def _check_limit(key: str) -> None:
    allowed = [hit(key, limit=3, window_seconds=60) for _ in range(5)]
    other = hit(f"{key}-other", limit=3, window_seconds=60)
    cache.delete(f"ratelimit:{key}")  # the window ends
    again = hit(key, limit=3, window_seconds=60)

    assert allowed == [True, True, True, False, False]
    assert other and again


def test_hit_allows_the_limit_then_refuses_until_the_window_ends():
    _check_limit("test-local")


@pytest.mark.skipif(not redis_answers(), reason="no Redis server on 127.0.0.1:6379")
def test_hit_counts_in_a_shared_redis_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/14",
            "KEY_PREFIX": "dvc-test-ratelimit",
        }
    }
    cache.clear()
    try:
        _check_limit("test-redis")
    finally:
        cache.clear()

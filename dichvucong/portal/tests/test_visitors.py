"""Visitor statistics: a visitor counts once a day, bots and files not at all, online now is distinct
visitors of the last five minutes, one cache round trip for a repeat request, and no address anywhere."""

import datetime
import socket

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory

from dichvucong.portal import selectors, visitors
from dichvucong.portal.middleware import VisitorCountMiddleware
from dichvucong.portal.models import VisitorDay

pytestmark = pytest.mark.django_db

BROWSER = (
    "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36"
)
ADDRESS = "198.51.100.23"
# 10:00 on 15/01/2027 in Hà Nội (UTC+7).
T0 = datetime.datetime(2027, 1, 15, 3, 0, tzinfo=datetime.UTC).timestamp()
DAY = datetime.date(2027, 1, 15)


@pytest.fixture
def clock(monkeypatch):
    now = {"t": T0}
    monkeypatch.setattr(visitors, "_now", lambda: now["t"])
    return now


def visit(path="/tin-tuc/", *, address=ADDRESS, agent=BROWSER, **extra):
    client = Client(REMOTE_ADDR=address, HTTP_USER_AGENT=agent)
    return client.get(path, **extra)


def today_count() -> int:
    row = VisitorDay.objects.filter(day=DAY).first()
    return row.visitors if row else 0


def test_the_same_visitor_counts_once_a_day_and_again_the_next_day(clock):
    visit()
    clock["t"] += 600
    visit("/")
    clock["t"] += 3 * 3600
    visit()
    assert today_count() == 1

    visit(address="198.51.100.24")  # another person
    visit(agent=BROWSER.replace("Android 14", "Android 15"))  # another browser behind the same address
    assert today_count() == 3

    clock["t"] += 86400
    visit()
    assert today_count() == 3
    assert VisitorDay.objects.get(day=DAY + datetime.timedelta(days=1)).visitors == 1


@pytest.mark.parametrize(
    ("path", "agent", "extra"),
    [
        ("/tin-tuc/", "Googlebot/2.1 (+http://www.google.com/bot.html)", {}),
        ("/tin-tuc/", "Mozilla/5.0 (compatible; bingbot/2.0)", {}),
        ("/tin-tuc/", "curl/8.5.0", {}),
        ("/tin-tuc/", "python-requests/2.32", {}),
        ("/tin-tuc/", "", {}),
        ("/healthz", BROWSER, {}),
        ("/api/v1/docs", BROWSER, {}),
        ("/quan-tri/login/", BROWSER, {}),
        ("/khong-co-trang-nay/", BROWSER, {}),
        ("/tin-tuc/", BROWSER, {"HTTP_HX_REQUEST": "true"}),
    ],
)
def test_bots_files_the_api_admin_missing_pages_and_partials_are_not_counted(clock, path, agent, extra):
    visit(path, agent=agent, **extra)
    assert not VisitorDay.objects.exists()
    assert visitors.online_now() == 0


def test_static_files_and_posts_are_not_counted():
    factory = RequestFactory(HTTP_USER_AGENT=BROWSER)
    page = HttpResponse("<p>x</p>", content_type="text/html; charset=utf-8")
    css = HttpResponse("body{}", content_type="text/css")
    assert visitors.is_countable(factory.get("/tin-tuc/"), page)
    assert not visitors.is_countable(factory.get("/static/css/site.css"), page)
    assert not visitors.is_countable(factory.get("/tin-tuc/"), css)
    assert not visitors.is_countable(factory.post("/tin-tuc/"), page)


def test_online_now_counts_distinct_visitors_of_the_last_five_minutes(clock):
    visit(address="10.0.0.1")
    visit(address="10.0.0.2")
    clock["t"] += 120
    visit(address="10.0.0.1")  # moves to the new minute, still one person
    assert visitors.online_now() == 2
    clock["t"] += 200  # 10.0.0.2 was last seen 320 s ago
    assert visitors.online_now() == 1
    clock["t"] += 400
    assert visitors.online_now() == 0


def test_the_summary_has_today_this_month_and_the_total(clock):
    VisitorDay.objects.create(day=DAY - datetime.timedelta(days=20), visitors=5)  # December
    VisitorDay.objects.create(day=DAY - datetime.timedelta(days=3), visitors=7)
    visit()

    summary = selectors.visitor_summary(today=DAY)

    assert (summary.today, summary.this_month, summary.total, summary.online) == (1, 8, 13, 1)
    home = Client().get("/").content.decode()
    assert "Thống kê truy cập" in home and "Đang trực tuyến" in home


class CountingCache:
    """The real cache, with every operation counted (each is one round trip to a shared cache)."""

    def __init__(self, real):
        self.real, self.calls = real, []

    def __getattr__(self, name):
        method = getattr(self.real, name)

        def counted(*args, **kwargs):
            self.calls.append(name)
            return method(*args, **kwargs)

        return counted


def test_a_repeat_request_costs_one_cache_round_trip_and_no_query(
    clock, monkeypatch, django_assert_num_queries
):
    counting = CountingCache(cache)
    monkeypatch.setattr(visitors, "_store", lambda: visitors._CacheStore(counting))
    middleware = VisitorCountMiddleware(lambda request: HttpResponse("<p>x</p>"))
    request = RequestFactory(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR=ADDRESS).get("/tin-tuc/")

    with django_assert_num_queries(4):  # the day's first visitor: UPDATE finds no row, INSERT in a savepoint
        middleware(request)
    with django_assert_num_queries(1):  # any other new visitor: one UPDATE
        middleware(RequestFactory(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="10.9.9.9").get("/tin-tuc/"))
    counting.calls.clear()
    clock["t"] += 20
    with django_assert_num_queries(0):
        middleware(request)

    assert counting.calls == ["get"]


def test_no_address_or_browser_is_stored_in_the_database(clock, settings, django_assert_num_queries):
    """With the database cache (the default shared store), every table is searched for the address."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "t_cache"}
    }
    call_command("createcachetable", verbosity=0)
    for number in range(3):
        visit(address=f"192.0.2.{number + 10}")
        clock["t"] += 90
    assert today_count() == 3 and visitors.online_now() == 3

    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 (table names)
            for row in cursor.fetchall():
                text = " ".join(str(value) for value in row)
                if "192.0.2." in text or "Android 14" in text:
                    found.append((table, text[:120]))
    assert found == []


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.3):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_store(settings):
    prefix = "dvc-test-portal-visitors"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/11",
            "KEY_PREFIX": prefix,
        }
    }
    import redis

    client = redis.Redis.from_url("redis://127.0.0.1:6379/11")
    client.delete(*client.keys(f"{prefix}:*") or ["none"])
    yield client
    client.delete(*client.keys(f"{prefix}:*") or ["none"])


@pytest.mark.skipif(not redis_answers(), reason="no Redis server answers on 127.0.0.1:6379")
def test_on_redis_every_request_is_one_round_trip_with_expiring_keys(clock, redis_store, monkeypatch):
    import redis

    executed, direct = [], []
    real_execute, real_command = redis.client.Pipeline.execute, redis.client.Redis.execute_command
    monkeypatch.setattr(
        redis.client.Pipeline,
        "execute",
        lambda self, *a, **k: executed.append(1) or real_execute(self, *a, **k),
    )
    monkeypatch.setattr(
        redis.client.Redis,
        "execute_command",
        lambda self, *a, **k: direct.append(a[0]) or real_command(self, *a, **k),
    )

    assert visitors.touch(address=ADDRESS, user_agent=BROWSER) == (DAY, True)
    clock["t"] += 30
    assert visitors.touch(address=ADDRESS, user_agent=BROWSER) == (DAY, False)
    assert visitors.touch(address="10.1.1.1", user_agent=BROWSER) == (DAY, True)

    assert len(executed) == 3 and direct == []
    assert visitors.online_now() == 2
    keys = redis_store.keys("dvc-test-portal-visitors:*")
    assert keys and all(redis_store.ttl(key) > 0 for key in keys)
    assert not any(ADDRESS.encode() in key for key in keys)
    clock["t"] += 290
    visitors.touch(address="10.2.2.2", user_agent=BROWSER)
    clock["t"] += 20  # the first two were last seen 310 s ago
    assert visitors.online_now() == 1

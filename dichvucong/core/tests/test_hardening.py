"""Production-shaped HTTP defaults (issue 11, findings 6 and 12)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from dichvucong.core.clientip import client_ip

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "expected"),
    [
        ("203.0.113.7", "", [], "203.0.113.7"),
        ("203.0.113.7", "198.51.100.1", [], "203.0.113.7"),  # no proxy configured: header ignored
        ("203.0.113.7", "198.51.100.1", ["10.0.0.0/8"], "203.0.113.7"),  # not from our proxy: ignored
        ("10.0.0.5", "198.51.100.1", ["10.0.0.0/8"], "198.51.100.1"),
        ("10.0.0.5", "6.6.6.6, 198.51.100.1", ["10.0.0.0/8"], "198.51.100.1"),  # a spoofed first hop
        ("10.0.0.5", "198.51.100.1, 10.0.0.9", ["10.0.0.0/8"], "198.51.100.1"),  # two proxies of ours
        ("10.0.0.5", "10.0.0.9", ["10.0.0.0/8"], "10.0.0.9"),  # only proxies: the farthest one
        ("10.0.0.5", "garbage", ["10.0.0.0/8"], "10.0.0.5"),
        ("10.0.0.5", "198.51.100.1:4431", ["10.0.0.5"], "198.51.100.1"),
        ("::1", "2001:db8::7", ["::1"], "2001:db8::7"),
        ("::ffff:10.0.0.5", "198.51.100.1", ["10.0.0.0/8"], "198.51.100.1"),
        ("", "198.51.100.1", ["10.0.0.0/8"], "unknown"),
    ],
)
def test_client_address_trusts_the_forwarded_header_only_from_our_proxies(
    settings, remote, forwarded, trusted, expected
):
    settings.DVC_TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip(request) == expected


@pytest.mark.django_db
def test_public_lookups_are_limited_per_client_behind_the_proxy(settings):
    settings.DVC_TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.DVC_TRACKING_PER_IP_MINUTE = 3
    body = json.dumps({"code": "000.00.00.H00-261207-0001", "proof": "038090000000"})

    def lookup(address: str) -> int:
        client = Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=address)
        return client.post("/api/v1/tracking", body, content_type="application/json").status_code

    first = [lookup("198.51.100.1") for _ in range(4)]
    other = lookup("198.51.100.2")

    assert first == [404, 404, 404, 429]
    assert other == 404  # another person behind the same proxy is not limited by the first one


@pytest.mark.django_db
def test_personal_and_staff_pages_are_not_stored_by_browsers_or_proxies(client, django_user_model):
    public = client.get(reverse("home"))
    user = django_user_model.objects.create_user(username="nostore", password="x-Y-z-12345678")
    client.force_login(user)
    personal = client.get(reverse("home"))

    assert "no-store" not in public.headers.get("Cache-Control", "")
    assert "no-store" in personal.headers["Cache-Control"]
    assert "private" in personal.headers["Cache-Control"]


@pytest.mark.django_db
def test_api_answers_to_a_token_holder_are_not_stored(client):
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer not-a-token")

    assert response.status_code == 401
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.django_db
def test_the_lean_tracking_path_checks_allowed_hosts(settings):
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from config.wsgi import application

    settings.ALLOWED_HOSTS = ["dvc.example.vn"]
    statuses = {}
    # As Django's test client does: keep the test's database connection open across the requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        _call_lean_path(application, statuses)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)

    assert statuses["evil.example"].startswith("400")
    assert statuses["dvc.example.vn"][:3] in {"404", "422", "429"}


def _call_lean_path(application, statuses: dict) -> None:
    for host in ("dvc.example.vn", "evil.example"):
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/api/v1/tracking",
            "SERVER_NAME": host,
            "SERVER_PORT": "443",
            "HTTP_HOST": host,
            "wsgi.url_scheme": "https",
            "wsgi.input": __import__("io").BytesIO(b'{"code": "x", "proof": "y"}'),
            "CONTENT_LENGTH": "27",
            "CONTENT_TYPE": "application/json",
            "REMOTE_ADDR": "198.51.100.9",
        }
        application(environ, lambda status, headers, host=host: statuses.__setitem__(host, status))


@pytest.mark.django_db
def test_health_page_does_not_name_the_database(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert b"sqlite" not in response.content.lower() and b"postgres" not in response.content.lower()


@pytest.mark.django_db
def test_plain_http_is_redirected_except_the_health_probe(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000

    page = client.get(reverse("home"))
    probe = client.get("/healthz")
    secure = client.get(reverse("home"), secure=True)

    assert page.status_code == 301 and page.headers["Location"].startswith("https://")
    assert probe.status_code == 200
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"


def _production_settings(**extra: str) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DVC_DEV", "DEBUG", "DVC_TESTING", "DATABASE_URL", "DVC_DEMO"}
    }
    env |= {"SECRET_KEY": "p" * 50, **extra}
    code = (
        "import json, config.settings as s; print(json.dumps({'redirect': s.SECURE_SSL_REDIRECT, "
        "'hsts': s.SECURE_HSTS_SECONDS, 'demo': s.DVC_DEMO_MODE, 'db': s.DATABASES['default']}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def test_production_settings_redirect_to_https_and_send_hsts():
    production = _production_settings()

    assert production["redirect"] is True
    assert production["hsts"] >= 31536000
    assert production["demo"] is False


def test_a_sqlite_database_url_keeps_wal_busy_timeout_and_immediate_transactions(tmp_path):
    production = _production_settings(DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}")

    options = production["db"]["OPTIONS"]
    assert "journal_mode=WAL" in options["init_command"]
    assert "busy_timeout=5000" in options["init_command"]
    assert options["transaction_mode"] == "IMMEDIATE"


def test_the_development_key_is_random_per_checkout_not_printed_in_the_source(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "SECRET_KEY"}
    env |= {"DVC_DEV": "1", "DVC_DEV_SECRET_FILE": str(tmp_path / "key")}
    code = "import config.settings as s; print(s.SECRET_KEY)"
    first = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    second = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)

    assert first.stdout == second.stdout  # every process of one checkout signs alike
    assert len(first.stdout.strip()) >= 50
    assert "insecure" not in first.stdout
    assert first.stdout.strip() not in (ROOT / "config" / "settings.py").read_text()


@pytest.mark.django_db
def test_a_sign_in_from_a_peer_without_an_address_is_answered_not_crashed(django_user_model):
    """gunicorn on a unix socket gives no REMOTE_ADDR: the word "unknown" must not reach an inet column
    (django-axes' attempts, sign-in events), which PostgreSQL refuses with a 500."""
    from axes.models import AccessAttempt

    django_user_model.objects.create_user(username="038090012399", password="Dung#Mat-khau1", kind="citizen")
    client = Client(REMOTE_ADDR="")
    body = json.dumps({"identifier": "038090012399", "password": "Sai#Mat-khau1"})

    response = client.post("/api/v1/auth/token", body, content_type="application/json")

    assert response.status_code == 401
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [None]

"""Shared pytest fixtures. App-specific fixtures live beside each app's tests."""

from __future__ import annotations

import functools
import json
import os
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@functools.cache
def _demo_province_rows() -> tuple:
    from django.conf import settings

    from dichvucong.agencies.services import _admin_unit_rows

    code = settings.DVC_DEMO_PROVINCE_CODE
    return tuple(row for row in _admin_unit_rows() if str(row["provinceCode"]) == code)


def load_demo_province() -> dict:
    """The demo province (its communes only, for speed), its agencies and the curated catalogue."""
    from dichvucong.agencies.services import admin_units_load
    from dichvucong.core.demo import load_demo_data

    admin_units_load(rows=_demo_province_rows())
    return load_demo_data(with_admin_units=False)


@pytest.fixture
def demo_data(db):
    return load_demo_province()


@pytest.fixture
def demo_data_live(transactional_db):
    """The same data for tests that use a live server (committed, so the server thread sees it)."""
    return load_demo_province()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts and ends in Vietnamese: a request in English leaves its language active in the
    thread, and a test calling code directly would otherwise read the previous test's language."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def login_with_second_factor(client, user):
    """Signed in as if the authenticator step had passed (the sign-in flow itself is tested in accounts)."""
    from django_otp.plugins.otp_static.models import StaticDevice

    device = StaticDevice.objects.create(user=user, name="test", confirmed=True)
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def browser_page():
    """A phone-sized page in Debian's Chromium driven by Playwright (skipped when Chromium is missing)."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium not installed at {CHROMIUM}")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
        page = context.new_page()
        page.set_default_timeout(15000)
        yield page
        context.close()
        browser.close()


# --- a local HTTP server standing in for an outside service's API (SMS, Zalo, postal carrier) --------------


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body.decode("utf-8"))


class FakeApi:
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.replies: deque = deque()  # (status, body: dict | str, delay seconds)
        self.url = ""

    def reply(self, body, status: int = 200, delay: float = 0.0) -> None:
        self.replies.append((status, body, delay))


@pytest.fixture
def fake_api():
    api = FakeApi()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            length = int(self.headers.get("Content-Length", "0"))
            api.requests.append(
                Recorded(
                    "POST",
                    self.path,
                    {k.lower(): v for k, v in self.headers.items()},
                    self.rfile.read(length),
                )
            )
            status, body, delay = api.replies.popleft() if api.replies else (200, {}, 0.0)
            if delay:
                time.sleep(delay)
            raw = body.encode() if isinstance(body, str) else json.dumps(body, ensure_ascii=False).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    api.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield api
    server.shutdown()
    server.server_close()

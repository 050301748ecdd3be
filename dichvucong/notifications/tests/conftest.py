"""Fixtures for notification tests: tasks run at once, a scripted SMS provider, a local SMTP server and a
local HTTP server standing in for eSMS and Zalo. Nothing leaves 127.0.0.1."""

from __future__ import annotations

import socket
from collections import deque
from dataclasses import dataclass, field

import pytest

from dichvucong.notifications import registry
from dichvucong.notifications.providers.base import ProviderResult, SmsProvider

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": []}}


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = IMMEDIATE_TASKS


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed(): ...` runs the on-commit callbacks (task enqueues) as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


# --- eSMS and Zalo ZNS against a local fake server (root conftest: fake_api) -----------------------------


@pytest.fixture
def esms(settings, fake_api):
    settings.DVC_SMS_PROVIDER = "esms"
    settings.DVC_ESMS_API_KEY = "KEY-1"
    settings.DVC_ESMS_SECRET_KEY = "SECRET-1"
    settings.DVC_ESMS_BRANDNAME = "DVC_TEST"
    settings.DVC_ESMS_BASE_URL = fake_api.url + "/MainService.svc/json/"
    settings.DVC_ESMS_TIMEOUT = "0.5"
    return fake_api


@pytest.fixture
def zns(settings, fake_api):
    settings.DVC_ZALO_PROVIDER = "zns"
    settings.DVC_ZALO_ACCESS_TOKEN = "oa-token-1"
    settings.DVC_ZALO_BASE_URL = fake_api.url
    settings.DVC_ZALO_TEMPLATES = {"otp.login": "224466"}
    settings.DVC_ZALO_TIMEOUT = "0.5"
    return fake_api


# --- a scripted SMS provider ---------------------------------------------------------------------------


@dataclass
class Script:
    results: deque = field(default_factory=deque)
    calls: list = field(default_factory=list)


_script = Script()


class RecordingSmsProvider(SmsProvider):
    """Answers with the scripted results in order (accepted when the script is empty)."""

    name = "recording"
    label = "Recording (tests)"

    def send(self, message):
        _script.calls.append((message.pk, message.recipient, message.body, message.idempotency_key))
        if _script.results:
            outcome = _script.results.popleft()
            if isinstance(outcome, Exception):
                raise outcome
            return outcome
        return ProviderResult.ok(f"rec-{message.idempotency_key}")


@pytest.fixture
def sms_provider(settings) -> Script:
    registry.register(RecordingSmsProvider)
    settings.DVC_SMS_PROVIDER = "recording"
    _script.results.clear()
    _script.calls.clear()
    yield _script
    registry.unregister(RecordingSmsProvider)


# --- a real SMTP server in this process ----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MailCatcher:
    def __init__(self) -> None:
        self.envelopes: list = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 Hộp thư không tồn tại"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.envelopes.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server(settings):
    from aiosmtpd.controller import Controller

    catcher = MailCatcher()
    port = free_port()
    controller = Controller(catcher, hostname="127.0.0.1", port=port)
    controller.start()
    settings.DVC_EMAIL_PROVIDER = "smtp"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = "Dịch vụ công <no-reply@dichvucong.example.vn>"
    yield catcher
    controller.stop()

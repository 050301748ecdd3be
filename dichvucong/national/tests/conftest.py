"""Fixtures for the national sync: the delivery tests' commune (staff for every step), tasks run at once,
and the fake national portal on loopback with the HTTP adapter pointed at it."""

from __future__ import annotations

import pytest

from dichvucong.delivery.tests.conftest import build_world
from dichvucong.national.testing import FakeNationalPortal

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": []}}
TOKEN = "Bearer khoa-thu"


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = IMMEDIATE_TASKS
    settings.DVC_DELIVERY_CARRIER = "demo"
    settings.DVC_PUBLIC_URL = "https://dichvucong.thanhhoa.gov.vn"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build_world()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed(): ...` runs the on-commit callbacks (subscribers, task enqueues) as a commit would.
    Callbacks added while running them (the subscriber's enqueue) run too."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def portal(settings):
    fake = FakeNationalPortal(token=TOKEN)
    settings.DVC_NATIONAL_PORTAL = "dvcqg"
    settings.DVC_NATIONAL_BASE_URL = fake.url
    settings.DVC_NATIONAL_TOKEN = TOKEN
    settings.DVC_NATIONAL_TIMEOUT = "0.5"
    settings.DVC_NATIONAL_RETRY_DELAYS = "30,60,300"
    settings.DVC_NATIONAL_MAX_ATTEMPTS = 4
    yield fake
    fake.close()

"""State kept between requests is changed in one atomic step, so parallel requests cannot both pass."""

from __future__ import annotations

import copy
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

from dichvucong.accounts import captcha
from dichvucong.accounts import services as accounts_services
from dichvucong.catalogue import caching
from dichvucong.notifications.models import Message

pytestmark = pytest.mark.django_db


class ReadsBeforeAnyWrite:
    """The cache as parallel requests see it: each read the pending sign-up before any of them wrote."""

    def __init__(self, real):
        self.real = real
        self.first_reads: dict[str, object] = {}

    def get(self, key, default=None):
        if key not in self.first_reads:
            self.first_reads[key] = copy.deepcopy(self.real.get(key, default))
        return copy.deepcopy(self.first_reads[key])

    def __getattr__(self, name):
        return getattr(self.real, name)


def _start_registration() -> tuple[str, str]:
    data = accounts_services.RegistrationData(
        kind="citizen",
        id_type="cccd",
        id_number="038090054321",
        full_name="Trần Văn Bình",
        phone="+84912000111",
        date_of_birth="1990-05-15",
        gender="male",
    )
    registration_id = accounts_services.registration_start(data=data, password="Hoa-Sen#2026xanh")
    body = Message.objects.get(event="otp.register", recipient="+84912000111").body
    return registration_id, re.search(r"\b(\d{6})\b", body).group(1)


def test_parallel_code_guesses_are_all_counted(monkeypatch):
    registration_id, code = _start_registration()
    wrong = "000000" if code != "000000" else "111111"
    monkeypatch.setattr(accounts_services, "cache", ReadsBeforeAnyWrite(cache))

    outcomes = []
    for _ in range(8):
        try:
            accounts_services.registration_verify(registration_id=registration_id, code=wrong)
        except accounts_services.AccountError as error:
            outcomes.append(error.code)
    with pytest.raises(accounts_services.AccountError) as right_code_too_late:
        accounts_services.registration_verify(registration_id=registration_id, code=code)

    assert outcomes == ["wrong"] * accounts_services.OTP_MAX_ATTEMPTS + ["too_many"] * 3
    assert right_code_too_late.value.code == "too_many"
    assert not accounts_services.User.objects.filter(id_number="038090054321").exists()


def test_a_resent_code_gets_its_own_attempts():
    registration_id, _ = _start_registration()
    for _ in range(accounts_services.OTP_MAX_ATTEMPTS):
        with pytest.raises(accounts_services.AccountError):
            accounts_services.registration_verify(registration_id=registration_id, code="000000")
    state = cache.get(f"accounts:registration:{registration_id}")
    state["created"] -= accounts_services.OTP_RESEND_SECONDS  # the resend cool-down has passed
    cache.set(f"accounts:registration:{registration_id}", state, 900)

    accounts_services.registration_resend(registration_id=registration_id)
    code = re.search(
        r"\b(\d{6})\b",
        Message.objects.filter(event="otp.register", recipient="+84912000111").latest("created_at").body,
    ).group(1)
    user = accounts_services.registration_verify(registration_id=registration_id, code=code)

    assert user.phone_verified_at is not None


def test_every_catalogue_write_gives_a_generation_never_seen_before(django_capture_on_commit_callbacks):
    seen = {caching.generation()}
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            caching.catalogue_changed()
        seen.add(caching.generation())
        cache.delete(caching.GENERATION_KEY)  # evicted (memory pressure, a restarted Redis)

    # the starting value and three new ones: a counter restarted after an eviction would repeat itself
    assert len(seen) == 4


@pytest.fixture
def database_cache(settings):
    """The portal's default cache (a table in the database), as ``make run`` configures it."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "c"}}
    call_command("createcachetable")
    return cache


def test_a_captcha_token_works_once_on_the_database_cache(database_cache):
    challenge = captcha.issue_challenge("Hai cộng ba bằng mấy?", "5")

    first, replay = captcha.verify(challenge.token, "5"), captcha.verify(challenge.token, "5")

    assert (first, replay) == (True, False)


def test_a_pending_sign_up_is_one_row_every_process_reads(database_cache):
    registration_id, code = _start_registration()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM c")
        rows = cursor.fetchone()[0]

    user = accounts_services.registration_verify(registration_id=registration_id, code=code)

    assert rows >= 1 and user.phone_verified_at is not None
    assert accounts_services.registration_pending(registration_id=registration_id) is None  # used up

import datetime

import pytest
from django.utils import timezone

from dichvucong.accounts import services
from dichvucong.accounts.models import OneTimeCode
from dichvucong.accounts.tests.conftest import latest_code

pytestmark = pytest.mark.django_db


def test_a_used_code_cannot_be_replayed(citizen):
    services.otp_send(user=citizen, purpose="login")
    code = latest_code("otp.login")
    services.otp_verify(user=citizen, purpose="login", code=code)

    with pytest.raises(services.AccountError) as refused:
        services.otp_verify(user=citizen, purpose="login", code=code)

    assert refused.value.code == "expired"


def test_an_expired_code_is_refused_and_stays_unused(citizen):
    otp = services.otp_send(user=citizen, purpose="login")
    OneTimeCode.objects.filter(pk=otp.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    with pytest.raises(services.AccountError):
        services.otp_verify(user=citizen, purpose="login", code=latest_code("otp.login"))

    otp.refresh_from_db()
    assert otp.used_at is None


def test_resend_cool_down_and_codes_for_other_purposes_do_not_mix(citizen):
    services.otp_send(user=citizen, purpose="login")
    with pytest.raises(services.AccountError) as cooldown:
        services.otp_send(user=citizen, purpose="login")
    services.otp_send(user=citizen, purpose="password_reset")

    with pytest.raises(services.AccountError):
        services.otp_verify(user=citizen, purpose="login", code=latest_code("otp.password_reset"))

    assert cooldown.value.code == "cooldown"
    assert OneTimeCode.objects.filter(user=citizen).count() == 2


def test_only_a_hash_of_the_code_is_stored(citizen):
    otp = services.otp_send(user=citizen, purpose="login")

    assert latest_code("otp.login") not in otp.code_hash and len(otp.code_hash) == 64


def test_a_used_code_does_not_block_the_next_sign_in(citizen):
    services.otp_send(user=citizen, purpose="login")
    services.otp_verify(user=citizen, purpose="login", code=latest_code("otp.login"))

    services.otp_send(user=citizen, purpose="login")  # signing in again a minute later: no cool-down

    assert OneTimeCode.objects.filter(user=citizen, purpose="login", used_at__isnull=True).count() == 1

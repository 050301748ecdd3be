"""Behind the TLS proxy every connection comes from the proxy: limits and lockouts must still be per person
(issue 11, finding 6). X-Forwarded-For is believed only from DVC_TRUSTED_PROXIES."""

import re

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from dichvucong.accounts.tests.conftest import CCCD, PASSWORD

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"


def _fail_five_times(client: Client) -> None:
    for _ in range(5):
        page = client.get(reverse("accounts:login")).content.decode()
        token = re.search(r'name="captcha_token" value="([^"]+)"', page)
        client.post(
            reverse("accounts:login"),
            {
                "identifier": CCCD,
                "password": "Sai#Mat-khau1",
                "captcha_answer": "5",
                "captcha_token": token.group(1) if token else "",
            },
        )


def _sign_in(client: Client):
    page = client.get(reverse("accounts:login")).content.decode()
    token = re.search(r'name="captcha_token" value="([^"]+)"', page)
    data = {"identifier": CCCD, "password": PASSWORD}
    if token:
        data |= {"captcha_answer": "5", "captcha_token": token.group(1)}
    return client.post(reverse("accounts:login"), data)


def test_an_attacker_behind_the_proxy_does_not_lock_out_the_owner_behind_it(citizen, settings):
    settings.DVC_TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.DVC_CITIZEN_SMS_2FA = False
    attacker = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7")
    owner = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.20")

    _fail_five_times(attacker)
    locked = _sign_in(attacker)
    elsewhere = _sign_in(owner)

    assert locked.status_code == 429
    assert elsewhere.status_code == 302 and owner.session["_auth_user_id"] == str(citizen.pk)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}


def test_a_forged_forwarded_header_from_outside_is_ignored(citizen, settings):
    settings.DVC_TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.DVC_CITIZEN_SMS_2FA = False
    # The attacker connects directly and claims to be the owner's address: counted against his own.
    attacker = Client(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.20")
    owner = Client(REMOTE_ADDR="198.51.100.20")

    _fail_five_times(attacker)

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
    assert _sign_in(owner).status_code == 302

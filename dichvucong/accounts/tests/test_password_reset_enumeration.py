"""Issue 11, finding 4: a wrong reset code answers the same whether or not the ID number has an account."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dichvucong.accounts.models import OneTimeCode
from dichvucong.accounts.tests.conftest import PASSWORD, latest_code
from dichvucong.accounts.tests.test_password_reset import request_reset
from dichvucong.notifications.models import Message

pytestmark = pytest.mark.django_db
User = get_user_model()
UNKNOWN = "001099012345"
NEW_PASSWORD = "Hoa-Mai#2027tim"
CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+"|(csrf[_-]?token["\']?\s*[:=]\s*["\'])[^"\']+')


def wrong_code_for(real: str) -> str:
    return "000000" if real != "000000" else "111111"


def post_code(client, code, password=NEW_PASSWORD):
    return client.post(
        reverse("accounts:password_reset_code"), {"code": code, "password1": password, "password2": password}
    )


def page(response) -> str:
    return CSRF.sub(lambda m: (m.group(1) or m.group(2)) + "…", response.content.decode())


def state(citizen) -> tuple:
    citizen.refresh_from_db()
    return (
        citizen.password,
        citizen.session_salt,
        citizen.is_active,
        User.objects.count(),
        Message.objects.count(),
    )


def test_wrong_codes_answer_the_same_for_a_known_and_an_unknown_id_and_change_nothing(citizen):
    known, unknown = Client(), Client()
    request_reset(known)
    request_reset(unknown, identifier=UNKNOWN)
    wrong = wrong_code_for(latest_code("otp.password_reset"))
    before = state(citizen)

    # Six tries: the code is voided after five for the real account; the page must not show it either.
    answers = [(post_code(known, wrong), post_code(unknown, wrong)) for _ in range(6)]

    for for_known, for_unknown in answers:
        assert for_known.status_code == for_unknown.status_code == 200
        assert page(for_known) == page(for_unknown)
        assert "lần thử" not in page(for_known)
        assert "không đúng hoặc không còn hiệu lực" in page(for_known)
    assert state(citizen) == before
    assert not citizen.check_password(NEW_PASSWORD)


def test_an_account_without_a_code_answers_like_an_unknown_id(citizen):
    """No phone (no code was sent) used to answer "expired": that too told the ID number had an account."""
    User.objects.filter(pk=citizen.pk).update(phone="")
    known, unknown = Client(), Client()
    request_reset(known)
    request_reset(unknown, identifier=UNKNOWN)
    before = state(citizen)

    for_known, for_unknown = post_code(known, "123456"), post_code(unknown, "123456")

    assert for_known.status_code == for_unknown.status_code == 200
    assert page(for_known) == page(for_unknown)
    assert state(citizen) == before


def test_a_password_with_the_owners_data_is_refused_only_after_the_right_code_and_keeps_the_code(citizen):
    """Rules about the person's own data (here the phone number) run once the code is right: before, an
    unknown ID number and a real one would have answered differently for the same password."""
    known, unknown = Client(), Client()
    request_reset(known)
    request_reset(unknown, identifier=UNKNOWN)
    code = latest_code("otp.password_reset")
    personal = "Nha#0912345678"  # contains the citizen's phone number

    wrong_known = post_code(known, wrong_code_for(code), personal)
    wrong_unknown = post_code(unknown, wrong_code_for(code), personal)
    right_but_personal = post_code(known, code, personal)
    citizen.refresh_from_db()
    assert citizen.check_password(PASSWORD)
    done = post_code(known, code)  # the same code still works

    citizen.refresh_from_db()
    assert page(wrong_known) == page(wrong_unknown)
    assert right_but_personal.status_code == 200
    assert "không đúng hoặc không còn hiệu lực" not in page(right_but_personal)
    assert done.status_code == 302 and citizen.check_password(NEW_PASSWORD)
    assert OneTimeCode.objects.get(user=citizen, purpose="password_reset").used_at <= timezone.now()


def test_wrong_tries_still_void_the_code_after_five(citizen):
    client = Client()
    request_reset(client)
    code = latest_code("otp.password_reset")
    for _ in range(5):
        post_code(client, wrong_code_for(code))

    response = post_code(client, code)

    citizen.refresh_from_db()
    assert response.status_code == 200 and "không đúng hoặc không còn hiệu lực" in page(response)
    assert citizen.check_password(PASSWORD)

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_demo_logins_are_created_hashed_with_argon2_and_printed(monkeypatch):
    monkeypatch.setenv("DVC_DEV", "1")
    out = StringIO()

    call_command("ensure_demo_logins", stdout=out)
    call_command("ensure_demo_logins", stdout=StringIO())

    user = get_user_model().objects.get(username="quantri")
    assert get_user_model().objects.filter(username="quantri").count() == 1
    assert user.password.startswith("argon2")
    assert user.check_password("QuanTri@Demo2026")
    printed = out.getvalue()
    assert "quantri / QuanTri@Demo2026" in printed
    assert "038090012345 / Hoa-Sen#2026xanh" in printed
    assert "mã dự phòng dùng một lần" in printed
    citizen = get_user_model().objects.get(username="038090012345")
    # as a signed-up citizen: official messages reach the phone and e-mail; the ID number is proven
    assert citizen.phone_verified_at and citizen.email_verified_at
    assert citizen.identity_verified_by == "counter"


def test_demo_logins_refuse_to_run_outside_a_developer_machine(monkeypatch, settings):
    from django.core.management.base import CommandError

    monkeypatch.delenv("DVC_DEV", raising=False)
    settings.DEBUG = False
    settings.DVC_DEMO_MODE = False

    with pytest.raises(CommandError):
        call_command("ensure_demo_logins", stdout=StringIO())

    assert not get_user_model().objects.exists()

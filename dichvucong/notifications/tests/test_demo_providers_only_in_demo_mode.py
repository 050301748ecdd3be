"""Demo providers (the outbox that sends nothing) exist only in demo mode; outside it e-mail defaults to
SMTP, SMS has no default and Zalo is off (issue 11, finding 1)."""

import pytest

from dichvucong.notifications import conf, registry
from dichvucong.notifications.models import Message
from dichvucong.notifications.services import message_deliver, notify
from dichvucong.notifications.tests.factories import make_user

pytestmark = pytest.mark.django_db

PROVIDER_SETTINGS = ("DVC_EMAIL_PROVIDER", "DVC_SMS_PROVIDER", "DVC_ZALO_PROVIDER")


@pytest.fixture
def production(settings, monkeypatch):
    """Demo mode off and no provider setting (neither Django setting nor environment)."""
    settings.DVC_DEMO_MODE = False
    for name in PROVIDER_SETTINGS:
        if hasattr(settings, name):
            delattr(settings, name)
        monkeypatch.delenv(name, raising=False)
    return settings


def test_in_demo_mode_every_channel_defaults_to_its_demo_provider(settings, monkeypatch):
    for name in PROVIDER_SETTINGS:
        monkeypatch.delenv(name, raising=False)

    assert [conf.provider_name(channel) for channel in ("email", "sms", "zalo")] == ["demo"] * 3
    assert registry.provider_for_channel("sms").is_demo


def test_outside_demo_mode_email_defaults_to_smtp_sms_to_nothing_and_zalo_is_off(production):
    assert conf.provider_name("email") == "smtp"
    assert conf.provider_name("sms") == ""
    assert conf.provider_name("zalo") == ""
    production.DVC_ZALO_PROVIDER = "none"
    assert conf.provider_name("zalo") == "" and not registry.channel_enabled("zalo")


@pytest.mark.parametrize("channel", ["email", "sms", "zalo"])
def test_outside_demo_mode_the_registry_refuses_a_demo_provider(production, channel):
    setattr(production, f"DVC_{channel.upper()}_PROVIDER", "demo")

    with pytest.raises(LookupError, match="demo mode"):
        registry.provider_get(channel, "demo")
    with pytest.raises(LookupError):
        registry.provider_for_channel(channel)


def test_outside_demo_mode_a_message_queued_for_the_demo_provider_is_never_reported_sent(
    settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        (message,) = notify(event="otp.register", phone="0912345678", context={"otp": "1", "minutes": 5})
    assert message.provider == "demo"
    settings.DVC_DEMO_MODE = False

    message_deliver(message_id=message.pk)

    message.refresh_from_db()
    assert message.status == Message.Status.FAILED and message.provider_message_id == ""
    assert "demo mode" in message.last_error


def test_outside_demo_mode_a_channel_without_a_provider_gets_no_message(production):
    production.DVC_EMAIL_PROVIDER = "smtp"
    user = make_user(phone="+84912000001", email="an@example.vn", notify_zalo=True)

    messages = notify(
        event="account.welcome", user=user, context={"full_name": user.full_name, "site_url": "x"}
    )

    assert [(m.channel, m.provider) for m in messages] == [("email", "smtp")]  # no SMS nor Zalo configured
    assert Message.objects.count() == 1

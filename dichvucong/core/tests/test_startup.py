"""Outside demo mode the portal refuses to start with a demo provider configured, or without an SMS provider,
and says why (issue 11, finding 1). In-process checks with ``settings``; real starts in a subprocess."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from dichvucong.core.startup import configuration_check, demo_providers_configured

ROOT = Path(__file__).resolve().parents[3]
REGISTRY_SETTINGS = (
    "DVC_PAYMENT_GATEWAYS",
    "DVC_EMAIL_PROVIDER",
    "DVC_SMS_PROVIDER",
    "DVC_ZALO_PROVIDER",
    "DVC_DELIVERY_CARRIER",
    "DVC_IDENTITY_PROVIDERS",
    "DVC_NATIONAL_PORTAL",
    "DVC_ESIGN_PROVIDER",
)
REAL = {
    "DVC_PAYMENT_GATEWAYS": "vnpay",
    "DVC_VNPAY_TMN_CODE": "TMN00001",
    "DVC_VNPAY_HASH_SECRET": "vnpay-hash-secret-from-the-merchant-portal",
    "DVC_SMS_PROVIDER": "esms",
    "DVC_ESMS_API_KEY": "api-key",
    "DVC_ESMS_SECRET_KEY": "esms-secret",
    "DVC_ESMS_BRANDNAME": "DICHVUCONG",
    "DVC_DELIVERY_CARRIER": "vnpost",
}
ALL_DEMO = {name: "demo" for name in REGISTRY_SETTINGS}


@pytest.fixture
def production(settings, monkeypatch):
    """Demo mode off, every registry setting unset (in settings and in the environment)."""
    settings.DVC_DEMO_MODE = False
    for name in REGISTRY_SETTINGS:
        setattr(settings, name, None)
        monkeypatch.delenv(name, raising=False)
    return settings


def _configure(settings, values: dict) -> None:
    for name, value in values.items():
        setattr(settings, name, value)


def test_the_default_production_configuration_names_no_demo_provider_but_needs_an_sms_provider(production):
    reasons = demo_providers_configured()

    assert len(reasons) == 1
    assert reasons[0].startswith("DVC_SMS_PROVIDER")
    assert "DVC_SMS_PROVIDER=esms" in reasons[0] and "DVC_ESMS_API_KEY" in reasons[0]


def test_every_demo_provider_is_named_with_its_setting(production):
    _configure(production, ALL_DEMO)

    reasons = demo_providers_configured()

    assert [reason.split(" ", 1)[0] for reason in reasons] == list(REGISTRY_SETTINGS)
    assert all("DVC_DEMO=1" in reason and "'demo'" in reason for reason in reasons)


def test_a_demo_gateway_listed_among_real_ones_is_named(production):
    _configure(production, {**REAL, "DVC_PAYMENT_GATEWAYS": "vnpay, demo"})

    assert demo_providers_configured() == [
        "DVC_PAYMENT_GATEWAYS chọn cổng thanh toán thử nghiệm 'demo' / names the demo payment gateway "
        "'demo': chỉ dùng ở chế độ trình diễn / demo providers work only in demo mode (DVC_DEMO=1)"
    ]


def test_esms_without_its_keys_is_named(production):
    _configure(production, {**REAL, "DVC_ESMS_API_KEY": "", "DVC_ESMS_BRANDNAME": ""})

    (reason,) = demo_providers_configured()

    assert "DVC_ESMS_API_KEY" in reason and "DVC_ESMS_BRANDNAME" in reason
    assert "DVC_ESMS_SECRET_KEY" not in reason


def test_a_real_configuration_passes(production):
    _configure(production, REAL)

    assert demo_providers_configured() == []
    configuration_check()  # does not raise
    production.DVC_DELIVERY_CARRIER = "none"
    production.DVC_ZALO_PROVIDER = "zns"
    configuration_check()


def test_outside_demo_mode_the_check_raises_with_every_reason(production):
    _configure(production, ALL_DEMO)

    with pytest.raises(ImproperlyConfigured) as refused:
        configuration_check()

    message = str(refused.value)
    assert all(f"  - {name} " in message for name in REGISTRY_SETTINGS)
    assert "DVC_DEMO=1" in message


def test_in_demo_mode_demo_providers_are_allowed(settings):
    settings.DVC_DEMO_MODE = True
    _configure(settings, ALL_DEMO)

    configuration_check()  # does not raise


# --- real starts ------------------------------------------------------------------------------------


def _start(tmp_path, **extra: str) -> subprocess.CompletedProcess:
    """``django.setup()`` in a fresh interpreter configured like production: a random SECRET_KEY, no
    DVC_DEV/DEBUG/DVC_DEMO, no DVC_* setting but those given, a throwaway SQLite file."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DVC_") and key not in {"DEBUG", "DATABASE_URL", "SECRET_KEY", "SQLITE_PATH"}
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": secrets.token_urlsafe(40)[:50],
        "ALLOWED_HOSTS": "dichvucong.example.gov.vn",
        "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
        **extra,
    }
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_with_demo_providers_and_says_why(tmp_path):
    started = _start(tmp_path, **ALL_DEMO)

    assert started.returncode != 0
    assert "ImproperlyConfigured" in started.stderr and "DVC_DEMO=1" in started.stderr
    for name in REGISTRY_SETTINGS:
        assert f"  - {name} " in started.stderr
    assert not (tmp_path / "db.sqlite3").exists()


def test_production_refuses_to_start_without_an_sms_provider(tmp_path):
    started = _start(tmp_path)

    assert started.returncode != 0
    assert "DVC_SMS_PROVIDER" in started.stderr and "DVC_SMS_PROVIDER=esms" in started.stderr


def test_production_starts_with_real_providers_and_a_demo_installation_with_demo_ones(tmp_path):
    real = _start(tmp_path, **REAL)
    no_post = _start(tmp_path, **{**REAL, "DVC_DELIVERY_CARRIER": "none"})
    demo = _start(tmp_path, DVC_DEMO="1", **ALL_DEMO)

    assert real.returncode == 0, real.stderr[-2000:]
    assert no_post.returncode == 0, no_post.stderr[-2000:]
    assert demo.returncode == 0, demo.stderr[-2000:]

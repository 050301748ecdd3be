"""The demo national portal works offline in demo mode only: outside it sync is off by default, the registry
refuses the demo adapter, and the portal refuses to start with it configured."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from dichvucong.core.startup import configuration_check, demo_providers_configured
from dichvucong.delivery.tests.conftest import submitted_dossier
from dichvucong.national import conf, sync
from dichvucong.national.models import NationalSync
from dichvucong.national.portal.demo import demo_forget, demo_received
from dichvucong.national.portal.registry import portal_get


@pytest.fixture
def production(settings, monkeypatch):
    settings.DVC_DEMO_MODE = False
    settings.DVC_NATIONAL_PORTAL = None
    monkeypatch.delenv("DVC_NATIONAL_PORTAL", raising=False)
    return settings


def test_in_demo_mode_the_demo_portal_is_the_default_and_keeps_what_it_got(
    world, settings, committed, monkeypatch
):
    settings.DVC_NATIONAL_PORTAL = None
    monkeypatch.delenv("DVC_NATIONAL_PORTAL", raising=False)
    demo_forget()
    assert conf.portal_name() == "demo"

    with committed():
        dossier = submitted_dossier(world)

    assert NationalSync.objects.get(dossier=dossier).state == NationalSync.State.SYNCED
    assert demo_received(dossier.code)["TrangThaiHoSo"] == 1


def test_outside_demo_mode_sync_is_off_by_default_and_the_demo_is_refused(world, production, committed):
    assert conf.portal_name() == ""
    with committed():
        submitted_dossier(world)
    assert NationalSync.objects.count() == 0

    with pytest.raises(LookupError, match="demo mode"):
        portal_get("demo")
    assert portal_get("dvcqg").name == "dvcqg"


def test_outside_demo_mode_a_configured_demo_portal_is_never_called(world, production, committed):
    production.DVC_NATIONAL_PORTAL = "demo"
    demo_forget()
    with committed():
        dossier = submitted_dossier(world)

    row = NationalSync.objects.get(dossier=dossier)
    assert row.state == NationalSync.State.PENDING and demo_received(dossier.code) is None
    assert sync.sync_push(dossier_id=dossier.pk).state == NationalSync.State.PENDING


def test_the_portal_refuses_to_start_with_the_demo_national_portal(production):
    production.DVC_NATIONAL_PORTAL = "demo"
    assert any("DVC_NATIONAL_PORTAL" in reason for reason in demo_providers_configured())
    with pytest.raises(ImproperlyConfigured, match="DVC_NATIONAL_PORTAL"):
        configuration_check()

"""The demo post office exists only in demo mode: outside it no carrier is configured by default, the registry
refuses the demo carrier, and orders are not sent to it (issue 11, finding 1)."""

import pytest

from dichvucong.delivery import conf, services
from dichvucong.delivery.carriers.registry import carrier_get, carrier_is_demo, carrier_label
from dichvucong.delivery.models import Shipment
from dichvucong.delivery.states import Kind
from dichvucong.delivery.tests.conftest import resolved_dossier, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def production(settings, monkeypatch):
    settings.DVC_DEMO_MODE = False
    settings.DVC_DELIVERY_CARRIER = None  # unset (the app's conftest sets "demo")
    monkeypatch.delenv("DVC_DELIVERY_CARRIER", raising=False)
    return settings


def test_outside_demo_mode_no_carrier_is_configured_by_default(production):
    assert conf.carrier_name() == ""
    production.DVC_DELIVERY_CARRIER = "none"
    assert conf.carrier_name() == ""
    production.DVC_DELIVERY_CARRIER = "vnpost"
    assert conf.carrier_name() == "vnpost"


def test_in_demo_mode_the_demo_carrier_is_the_default(settings, monkeypatch):
    settings.DVC_DELIVERY_CARRIER = None
    monkeypatch.delenv("DVC_DELIVERY_CARRIER", raising=False)

    assert conf.carrier_name() == "demo" and carrier_get("demo").is_demo


def test_outside_demo_mode_the_registry_refuses_the_demo_carrier_but_still_names_it(production):
    with pytest.raises(LookupError, match="demo mode"):
        carrier_get("demo")
    assert carrier_get("vnpost").name == "vnpost"
    assert carrier_is_demo("demo") and carrier_label("demo") == "Bưu điện (thử nghiệm, không gửi đơn thật)"


def test_outside_demo_mode_an_order_is_never_sent_to_the_demo_carrier(world, committed, production):
    production.DVC_DELIVERY_CARRIER = "demo"
    dossier = resolved_dossier(world)
    before = snapshot(dossier)

    with pytest.raises(LookupError):
        services.shipment_create_for_dossier(dossier_id=dossier.pk, kind=Kind.DELIVERY)

    assert snapshot(dossier) == before and Shipment.objects.count() == 0


def test_outside_demo_mode_without_a_carrier_an_order_is_refused_with_a_reason(world, production):
    dossier = resolved_dossier(world)
    before = snapshot(dossier)

    with pytest.raises(services.DeliveryError) as refused:
        services.shipment_create_for_dossier(dossier_id=dossier.pk, kind=Kind.DELIVERY)

    assert refused.value.code == "no_carrier" and "DVC_DELIVERY_CARRIER" in refused.value.message
    assert snapshot(dossier) == before and Shipment.objects.count() == 0

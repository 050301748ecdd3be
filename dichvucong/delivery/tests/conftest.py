"""Fixtures for delivery tests: a commune with staff for every step, dossiers brought to the status a test
needs through the state machine, tasks run at once, and a local HTTP server standing in for VNPost."""

from __future__ import annotations

import hashlib
import hmac
import time

import pytest
from django.contrib.auth import get_user_model

from dichvucong.accounts.models import AgencyMembership
from dichvucong.dossiers import services as dossier_services
from dichvucong.dossiers.models import Dossier, DossierEvent
from dichvucong.dossiers.tests.conftest import PDF, build_setup, pdf
from dichvucong.dossiers.workflow import transition

User = get_user_model()
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": []}}
SECRET = "khoa-bi-mat-webhook-thu"


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = IMMEDIATE_TASKS
    settings.DVC_DELIVERY_CARRIER = "demo"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only


def _staff(username: str, full_name: str, agency, role: str):
    user = User.objects.create_user(username=username, password="x", kind="staff", full_name=full_name)
    AgencyMembership.objects.create(user=user, agency=agency, role=role)
    return user


def build_world() -> dict:
    world = build_setup()
    commune = world["commune"]
    world["specialist"] = _staff("chuyenvien.a", "Phạm Thị Dung", commune, "specialist")
    world["leader"] = _staff("lanhdao.a", "Vũ Thị Giang", commune, "leader")
    world["postal"] = _staff("buudien.a", "Bùi Thị Lan", commune, "postal")
    from dichvucong.agencies.models import Agency

    other = Agency.objects.get(code="000.00.32.H56")
    world["other_postal"] = _staff("buudien.b", "Đỗ Văn Khoa", other, "postal")
    return world


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build_world()


@pytest.fixture
def world_live(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build_world()


def submitted_dossier(world, *, result_delivery="post", home_pickup=False, tag="") -> Dossier:
    citizen = world["citizen"]
    dossier = dossier_services.dossier_create_draft(applicant=citizen, offering=world["offering"])
    for component in dossier_services.components_for(dossier)[:2]:
        dossier_services.dossier_attach(
            dossier=dossier,
            applicant=citizen,
            component=component,
            upload=pdf(content=PDF + component.name.encode() + tag.encode() + str(dossier.pk).encode()),
        )
    Dossier.objects.filter(pk=dossier.pk).update(
        result_delivery=result_delivery,
        delivery_address="Số 12 phố Lê Lợi, phường Hạc Thành, tỉnh Thanh Hóa",
        applicant_address="Số 12 phố Lê Lợi, phường Hạc Thành, tỉnh Thanh Hóa",
        home_pickup=home_pickup,
        pickup_address="Số 12 phố Lê Lợi, phường Hạc Thành, tỉnh Thanh Hóa" if home_pickup else "",
        applicant_phone="+84912345678",
        applicant_email="an@example.vn",
    )
    return dossier_services.dossier_submit(dossier_id=dossier.pk, applicant=citizen)


def resolved_dossier(world, *, result_delivery="post", tag="") -> Dossier:
    dossier = submitted_dossier(world, result_delivery=result_delivery, tag=tag)
    dossier_services.dossier_accept(dossier_id=dossier.pk, officer=world["receptionist"])
    transition(dossier_id=dossier.pk, action="start_processing", actor=world["specialist"])
    return transition(dossier_id=dossier.pk, action="resolve", actor=world["leader"])


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed(): ...` runs the on-commit callbacks (task enqueues) as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def snapshot(dossier: Dossier) -> tuple:
    """Everything a refused action must leave as it was."""
    from dichvucong.delivery.models import Shipment, ShipmentEvent
    from dichvucong.notifications.models import Message

    dossier.refresh_from_db()
    shipments = tuple(
        Shipment.objects.filter(dossier=dossier)
        .order_by("pk")
        .values_list("pk", "state", "waybill", "delivered_to", "failure_reason", "delivery_attempts")
    )
    return (
        dossier.status,
        DossierEvent.objects.filter(dossier=dossier).count(),
        shipments,
        ShipmentEvent.objects.filter(shipment__dossier=dossier).count(),
        Message.objects.count(),
    )


# --- webhook signing --------------------------------------------------------------------------------------


def signed_headers(body: bytes, *, secret: str = SECRET, timestamp: int | None = None) -> dict:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {"HTTP_X_VNPOST_SIGNATURE": f"sha256={signature}", "HTTP_X_VNPOST_TIMESTAMP": stamp}


@pytest.fixture
def vnpost_settings(settings):
    settings.DVC_VNPOST_WEBHOOK_SECRET = SECRET
    settings.DVC_VNPOST_TOKEN = "token-thu"
    return settings


# --- a local HTTP server standing in for VNPost ------------------------------------------------------------


@pytest.fixture
def fake_vnpost(settings, fake_api):
    """The root conftest's fake API, at VNPost's base path, with the adapter pointed at it."""
    fake_api.url += "/MYVNP_API"
    settings.DVC_VNPOST_BASE_URL = fake_api.url
    settings.DVC_VNPOST_TOKEN = "token-thu"
    settings.DVC_VNPOST_WEBHOOK_SECRET = SECRET
    settings.DVC_VNPOST_SERVICE_CODE = "DVC01"
    settings.DVC_VNPOST_TIMEOUT = "0.5"
    return fake_api

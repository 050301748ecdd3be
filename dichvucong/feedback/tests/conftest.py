"""Fixtures: the dossiers app's setup (a commune offering one procedure, a verified citizen, staff of the
commune and of another commune) plus feedback staff at the commune, the province's one-stop centre, and a
clock that tests move by hand."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from dichvucong.accounts.models import AgencyMembership
from dichvucong.agencies.models import Agency
from dichvucong.dossiers.tests.conftest import build_setup
from dichvucong.feedback import services
from dichvucong.feedback.contact import Contact, VerifiedContact
from dichvucong.feedback.models import Subject
from dichvucong.notifications.tests.conftest import smtp_server  # noqa: F401 (a fixture for the browser test)

User = get_user_model()
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=VN)


class Clock:
    def __init__(self, monkeypatch):
        self.now = at(2026, 1, 5, 9, 0)  # Monday
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def set(self, *args):
        self.now = at(*args)
        return self.now


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def add_feedback_staff(data: dict) -> dict:
    commune, other = data["commune"], Agency.objects.get(code="000.00.32.H56")
    data["centre"] = Agency.objects.create(
        code="000.00.00.H56", name="Trung tâm Phục vụ hành chính công tỉnh", kind="provincial_service_centre",
        level="tinh",
    )  # fmt: skip
    data["other"] = other
    for username, name, role, agency in (
        ("chuyenvien.pa", "Phạm Thị Dung", "specialist", commune),
        ("lanhdao.pa", "Vũ Thị Giang", "leader", commune),
        ("tiepnhan.tt", "Đỗ Văn Tâm", "receptionist", data["centre"]),
    ):
        user = User.objects.create_user(
            username=username, password=None, kind="staff", full_name=name, email=f"{username}@example.vn"
        )
        AgencyMembership.objects.create(user=user, agency=agency, role=role)
        data[username] = user
    return data


@pytest.fixture
def fdata(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return add_feedback_staff(build_setup())


@pytest.fixture
def fdata_live(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return add_feedback_staff(build_setup())


def draft(data: dict, **overrides) -> services.FeedbackDraft:
    values = {
        "subject": Subject.PROCEDURE,
        "title": "Cán bộ hẹn lại nhiều lần",
        "content": "Tôi nộp hồ sơ khai sinh nhưng bị hẹn lại ba lần.",
        "procedure": data["procedure"],
    }
    values.update(overrides)
    return services.FeedbackDraft(**values)


def submitted(data: dict, **overrides):
    return services.feedback_submit(draft=draft(data, **overrides), sender=data["citizen"])


def anonymous(data: dict, phone: str = "+84901234567", name: str = "Trần Văn Bảy", **overrides):
    verified = VerifiedContact(Contact("phone", phone), {})
    return services.feedback_submit(draft=draft(data, sender_name=name, **overrides), verified=verified)

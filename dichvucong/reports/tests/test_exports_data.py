"""Data for the page and export tests (no tests here): a province with two communes A and B, one procedure
offered by both, dossiers written straight into their end states, staff of A, of the province, a citizen."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.contrib.auth import get_user_model

from dichvucong.accounts.models import AgencyMembership, StaffRole
from dichvucong.agencies.models import Agency
from dichvucong.catalogue.importers import records as r
from dichvucong.catalogue.services import ensure_levels, offering_upsert, procedure_upsert_from_record
from dichvucong.dossiers.models import Channel, Dossier, Status
from dichvucong.feedback.models import Feedback
from dichvucong.reports.refresh import facts_refresh

User = get_user_model()
_numbers = itertools.count(1)


def vn(year: int, month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=dt.timezone(dt.timedelta(hours=7)))


def build_world() -> dict:
    ensure_levels()
    province = Agency.objects.create(
        code="000.00.00.H56", name="UBND tỉnh Mẫu", kind="province_committee", level="tinh"
    )
    a = Agency.objects.create(
        code="000.00.31.H56",
        name="UBND phường Hạc Thành",
        kind="commune_committee",
        level="xa",
        parent=province,
    )
    b = Agency.objects.create(
        code="000.00.32.H56",
        name="UBND phường Sầm Sơn",
        kind="commune_committee",
        level="xa",
        parent=province,
    )
    record = r.ProcedureRecord(
        code="1.001193",
        name="Thủ tục đăng ký khai sinh",
        field_name="Hộ tịch",
        levels=["xa"],
        channels=[
            r.ChannelRecord(channel="online", duration_value=Decimal("5"), duration_unit="working_days"),
            r.ChannelRecord(channel="in_person", duration_value=Decimal("5"), duration_unit="working_days"),
        ],
        components=[r.ComponentRecord(name="Tờ khai đăng ký khai sinh", original_count=1)],
        effective_from=dt.date(2025, 7, 1),
    )
    procedure, _ = procedure_upsert_from_record(record=record)
    offerings = {
        agency.pk: offering_upsert(agency=agency, procedure=procedure, service_level="toan_trinh")
        for agency in (a, b)
    }
    leader_a = staff("lanhdao.a", a, StaffRole.LEADER)
    leader_b = staff("lanhdao.b", b, StaffRole.LEADER)
    province_staff = staff("chuyenvien.tinh", province, StaffRole.SPECIALIST)
    citizen = User.objects.create_user(
        username="038090012345", password="x", kind="citizen", id_number="038090012345", full_name="Công Dân"
    )
    return {
        "province": province,
        "a": a,
        "b": b,
        "procedure": procedure,
        "offerings": offerings,
        "leader_a": leader_a,
        "leader_b": leader_b,
        "province_staff": province_staff,
        "citizen": citizen,
    }


def staff(username: str, agency: Agency, role: str):
    user = User.objects.create_user(username=username, password="x", kind="staff", full_name=username)
    AgencyMembership.objects.create(user=user, agency=agency, role=role)
    return user


def dossier(
    world: dict,
    agency: Agency,
    *,
    received: dt.datetime,
    due: dt.datetime,
    finished: dt.datetime | None,
    channel: str = Channel.IN_PERSON,
    name: str = "Nguyễn Văn An",
) -> Dossier:
    """A dossier received at ``received``, due at ``due``, returned at ``finished`` (None: still open); its
    precomputed facts (what the scorecard reads) are refreshed as a transition would."""
    offering = world["offerings"][agency.pk]
    procedure = offering.procedure
    item = Dossier.objects.create(
        code=f"H56.{agency.pk:02d}-260101-{next(_numbers):04d}",
        procedure=procedure,
        version=procedure.current_version,
        offering=offering,
        agency=agency,
        channel=channel,
        status=Status.RETURNED if finished else Status.PROCESSING,
        applicant_name=name,
        submitted_at=received,
        received_at=received,
        due_at=due,
        finished_at=finished,
    )
    facts_refresh(dossier_ids=[item.pk])
    return item


def feedback(world: dict, agency: Agency, *, title: str, created: dt.datetime) -> Feedback:
    item = Feedback.objects.create(
        code=f"PA-{next(_numbers):05d}",
        subject="agency",
        agency=agency,
        title=title,
        content=title,
        sender_name="Người Gửi",
    )
    Feedback.objects.filter(pk=item.pk).update(created_at=created)
    item.refresh_from_db()
    return item

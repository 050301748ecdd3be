"""A commune centre with two counters (civil status, residence), two procedures, a citizen and staff."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from dichvucong.accounts.models import AgencyMembership
from dichvucong.agencies.models import Agency
from dichvucong.catalogue.importers import records as r
from dichvucong.catalogue.services import ensure_levels, offering_upsert, procedure_upsert_from_record
from dichvucong.counters.models import CentreSettings, Counter

User = get_user_model()
HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
# Monday 30/11/2026, 08:00 in Việt Nam: a plain working day for the service tests.
MONDAY_8AM = datetime.datetime(2026, 11, 30, 8, 0, tzinfo=HANOI)
TUESDAY = datetime.date(2026, 12, 1)  # 24/11/2026 is Ngày Văn hóa Việt Nam, a holiday


def at(day: datetime.date, hh: int, mm: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hh, mm, tzinfo=HANOI)


def _procedure(code: str, name: str, field: str):
    record = r.ProcedureRecord(
        code=code,
        name=name,
        field_name=field,
        levels=["xa"],
        channels=[
            r.ChannelRecord(channel="in_person", duration_value=Decimal("5"), duration_unit="working_days")
        ],
        components=[r.ComponentRecord(name="Tờ khai", original_count=1)],
        effective_from=datetime.date(2025, 7, 1),
    )
    procedure, _ = procedure_upsert_from_record(record=record)
    return procedure


def build_centre() -> dict:
    ensure_levels()
    committee = Agency.objects.create(
        code="000.00.31.H56", name="UBND phường Hạc Thành", kind="commune_committee", level="xa"
    )
    centre = Agency.objects.create(
        code="000.01.31.H56",
        name="Trung tâm Phục vụ hành chính công phường Hạc Thành",
        short_name="TTPVHCC phường Hạc Thành",
        kind="commune_service_centre",
        level="xa",
        parent=committee,
        address="Số 1 Hạc Thành",
    )
    other_centre = Agency.objects.create(
        code="000.01.32.H56", name="Trung tâm PVHCC phường Sầm Sơn", kind="commune_service_centre", level="xa"
    )
    birth = _procedure("1.001193", "Thủ tục đăng ký khai sinh", "Hộ tịch")
    residence = _procedure("1.004222", "Đăng ký thường trú", "Đăng ký, quản lý cư trú")
    unserved = _procedure(
        "1.001612", "Đăng ký thành lập hộ kinh doanh", "Thành lập và hoạt động của hộ kinh doanh"
    )
    birth_offering = offering_upsert(agency=committee, procedure=birth, service_level="toan_trinh")
    residence_offering = offering_upsert(agency=committee, procedure=residence, service_level="toan_trinh")
    unserved_offering = offering_upsert(agency=committee, procedure=unserved, service_level="toan_trinh")
    settings = CentreSettings.objects.create(
        centre=centre, slot_minutes=30, seats_per_counter=2, days_ahead=14
    )
    settings.served_agencies.set([committee])
    civil = Counter.objects.create(centre=centre, number=1, name="Hộ tịch")
    civil.fields.set([birth.field])
    resid = Counter.objects.create(centre=centre, number=2, name="Cư trú")
    resid.fields.set([residence.field])
    other_settings = CentreSettings.objects.create(centre=other_centre)
    other_counter = Counter.objects.create(centre=other_centre, number=1)
    citizen = User.objects.create_user(
        username="038090012345",
        password="Hoa-Sen#2026xanh",
        kind="citizen",
        id_type="cccd",
        id_number="038090012345",
        full_name="Nguyễn Văn An",
        phone="+84912345678",
        email="an@example.vn",
        phone_verified_at=timezone.now(),
        email_verified_at=timezone.now(),
    )
    neighbour = User.objects.create_user(
        username="001099012345",
        password="x",
        kind="citizen",
        id_type="cccd",
        id_number="001099012345",
        full_name="Trần Thị Hoa",
        phone="+84987654321",
        phone_verified_at=timezone.now(),
    )
    receptionist = User.objects.create_user(
        username="tiepnhan.hacthanh", password="x", kind="staff", full_name="Trần Thị Bình"
    )
    AgencyMembership.objects.create(user=receptionist, agency=centre, role="receptionist")
    outsider = User.objects.create_user(
        username="tiepnhan.samson", password="x", kind="staff", full_name="Lê C"
    )
    AgencyMembership.objects.create(user=outsider, agency=other_centre, role="receptionist")
    return {
        "centre": centre,
        "settings": settings,
        "other_settings": other_settings,
        "other_counter": other_counter,
        "birth": birth_offering,
        "residence": residence_offering,
        "unserved": unserved_offering,
        "civil": civil,
        "resid": resid,
        "citizen": citizen,
        "neighbour": neighbour,
        "receptionist": receptionist,
        "outsider": outsider,
    }


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def setup(db):
    return build_centre()


@pytest.fixture
def setup_live(transactional_db):
    return build_centre()


def make_citizen(n: int):
    number = f"0380900{n:05d}"
    return User.objects.create_user(
        username=number,
        password="x",
        kind="citizen",
        id_type="cccd",
        id_number=number,
        full_name=f"Người {n}",
    )

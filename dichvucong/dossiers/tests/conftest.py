import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from dichvucong.accounts.models import AgencyMembership
from dichvucong.agencies.models import Agency
from dichvucong.catalogue.importers import records as r
from dichvucong.catalogue.services import ensure_levels, offering_upsert, procedure_upsert_from_record
from dichvucong.documents.testing import minimal_pdf_bytes

User = get_user_model()
VERIFIED_AT = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)
PDF = minimal_pdf_bytes()  # a real one-page PDF: uploads are opened with pypdf before they are kept


def pdf(name="giay-to.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def setup(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build_setup()


@pytest.fixture
def setup_live(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build_setup()


def build_setup() -> dict:
    ensure_levels()  # a transactional test before this one may have flushed the rows the migration made
    commune = Agency.objects.create(
        code="000.00.31.H56",
        name="UBND phường Hạc Thành",
        kind="commune_committee",
        level="xa",
        phone="0237 3850 000",
        address="Số 1 Hạc Thành",
    )
    other = Agency.objects.create(
        code="000.00.32.H56", name="UBND phường Sầm Sơn", kind="commune_committee", level="xa"
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
        components=[
            r.ComponentRecord(name="Tờ khai đăng ký khai sinh", original_count=1),
            r.ComponentRecord(name="Giấy chứng sinh", original_count=1),
            r.ComponentRecord(name="Văn bản ủy quyền", required=False),
        ],
        effective_from=datetime.date(2025, 7, 1),
    )
    procedure, _ = procedure_upsert_from_record(record=record)
    offering = offering_upsert(agency=commune, procedure=procedure, service_level="toan_trinh")
    citizen = User.objects.create_user(
        username="038090012345",
        password="Hoa-Sen#2026xanh",
        kind="citizen",
        id_type="cccd",
        id_number="038090012345",
        full_name="Nguyễn Văn An",
        phone="+84912345678",
        phone_verified_at=VERIFIED_AT,  # by the registration code
        email="an@example.vn",
        email_verified_at=VERIFIED_AT,  # by the confirmation link
    )
    stranger = User.objects.create_user(
        username="001099012345",
        password="x",
        kind="citizen",
        id_number="001099012345",
        id_type="cccd",
        full_name="Người Khác",
        phone="+84987654321",
    )
    receptionist = User.objects.create_user(
        username="tiepnhan.a", password="x", kind="staff", full_name="Trần Thị Bình"
    )
    AgencyMembership.objects.create(user=receptionist, agency=commune, role="receptionist")
    outsider = User.objects.create_user(
        username="tiepnhan.b", password="x", kind="staff", full_name="Lê Văn C"
    )
    AgencyMembership.objects.create(user=outsider, agency=other, role="receptionist")
    return {
        "commune": commune,
        "procedure": procedure,
        "offering": offering,
        "citizen": citizen,
        "stranger": stranger,
        "receptionist": receptionist,
        "outsider": outsider,
    }


@pytest.fixture
def ready_draft(setup):
    """A complete draft: both required components attached."""
    from dichvucong.dossiers import services

    dossier = services.dossier_create_draft(applicant=setup["citizen"], offering=setup["offering"])
    for component in services.components_for(dossier)[:2]:
        services.dossier_attach(
            dossier=dossier,
            applicant=setup["citizen"],
            component=component,
            upload=pdf(content=PDF + component.name.encode()),
        )
    return dossier

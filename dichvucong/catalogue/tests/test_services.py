import datetime
from decimal import Decimal

import pytest

from dichvucong.catalogue.importers import records as r
from dichvucong.catalogue.models import FeeItem, Procedure, ProcedureVersion
from dichvucong.catalogue.selectors import version_in_force
from dichvucong.catalogue.services import offering_upsert, procedure_upsert_from_record
from dichvucong.catalogue.tests.factories import AgencyFactory, make_record

pytestmark = pytest.mark.django_db


def test_upsert_creates_procedure_with_its_first_version():
    record = make_record(name="Thủ tục đăng ký khai sinh", field_name="Hộ tịch")

    procedure, outcome = procedure_upsert_from_record(record=record)

    assert outcome == "created"
    assert procedure.name_folded == "thu tuc dang ky khai sinh"
    version = procedure.current_version
    assert version.number == 1
    assert version.channels.count() == 2
    assert version.fees.get().amount == 15000
    assert version.components.get().form_name == "Mẫu 01.docx"
    assert version.results.get().code == "KQ.G15.000001"
    assert list(procedure.levels.values_list("code", flat=True)) == ["xa"]


def test_upsert_is_idempotent():
    record = make_record()
    procedure_upsert_from_record(record=record)

    procedure, outcome = procedure_upsert_from_record(record=record)

    assert outcome == "unchanged"
    assert Procedure.objects.filter(code=record.code).count() == 1
    assert ProcedureVersion.objects.filter(procedure=procedure).count() == 1
    assert FeeItem.objects.filter(version__procedure=procedure).count() == 1


def test_changed_content_with_later_effective_date_makes_a_new_version():
    first = make_record(effective_from=datetime.date(2025, 7, 1))
    procedure, _ = procedure_upsert_from_record(record=first)
    amended = make_record(
        code=first.code,
        effective_from=datetime.date(2026, 1, 1),
        fees=[r.FeeRecord(name="Lệ phí", amount=20000)],
    )

    procedure, outcome = procedure_upsert_from_record(record=amended)

    assert outcome == "updated"
    old, new = procedure.versions.order_by("number")
    assert old.effective_to == datetime.date(2025, 12, 31)
    assert new.number == 2 and procedure.current_version == new
    assert version_in_force(procedure=procedure, on=datetime.date(2025, 10, 1)) == old
    assert version_in_force(procedure=procedure, on=datetime.date(2026, 2, 1)) == new
    assert old.fees.get().amount == 15000 and new.fees.get().amount == 20000


def test_changed_content_same_date_rewrites_current_version_in_place():
    first = make_record()
    procedure, _ = procedure_upsert_from_record(record=first)
    fixed = make_record(code=first.code, name="Tên đã sửa")

    procedure, outcome = procedure_upsert_from_record(record=fixed)

    assert outcome == "updated"
    assert procedure.versions.count() == 1
    assert procedure.name == "Tên đã sửa"


def test_absurd_fee_is_refused_and_nothing_is_written():
    record = make_record(fees=[r.FeeRecord(name="Lệ phí", amount=5_000_000_000)])

    with pytest.raises(ValueError):
        procedure_upsert_from_record(record=record)

    assert not Procedure.objects.filter(code=record.code).exists()
    assert not ProcedureVersion.objects.exists()


def test_offering_sets_local_code_and_keeps_highest_service_level():
    procedure, _ = procedure_upsert_from_record(record=make_record())
    commune_a = AgencyFactory(code="000.01.01.H99")
    commune_b = AgencyFactory(code="000.02.01.H99")

    offering = offering_upsert(
        agency=commune_a,
        procedure=procedure,
        service_level=r.SERVICE_PARTIAL,
        online_duration_value=Decimal("3"),
        online_duration_unit=r.UNIT_WORKING_DAYS,
        fees=[r.FeeRecord(name="Lệ phí", amount=10000)],
    )
    offering_upsert(agency=commune_b, procedure=procedure, service_level=r.SERVICE_FULL)
    procedure.refresh_from_db()

    assert offering.local_code == f"{procedure.code}.000.01.01.H99"
    assert offering.fees.get().amount == 10000
    assert procedure.service_level == r.SERVICE_FULL


def test_offering_upsert_twice_keeps_one_offering_and_replaces_local_fees():
    procedure, _ = procedure_upsert_from_record(record=make_record())
    agency = AgencyFactory()
    offering_upsert(agency=agency, procedure=procedure, fees=[r.FeeRecord(name="Lệ phí", amount=10000)])

    offering_upsert(agency=agency, procedure=procedure, fees=[r.FeeRecord(name="Lệ phí", amount=8000)])

    assert procedure.offerings.count() == 1
    assert list(FeeItem.objects.filter(offering__procedure=procedure).values_list("amount", flat=True)) == [
        8000
    ]

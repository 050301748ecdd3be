import pytest
from django.core.exceptions import ValidationError

from dichvucong.agencies.models import AdministrativeUnit, Agency, AgencyContact
from dichvucong.agencies.services import admin_units_load, agency_upsert

pytestmark = pytest.mark.django_db


def test_admin_units_are_the_34_provinces_and_3321_communes_and_reload_is_idempotent():
    first = admin_units_load()
    second = admin_units_load()

    assert first == second == {"provinces": 34, "communes": 3321}
    assert AdministrativeUnit.objects.filter(level="province").count() == 34
    assert AdministrativeUnit.objects.filter(level="commune").count() == 3321
    hanoi = AdministrativeUnit.objects.get(code="01")
    assert hanoi.name == "Thành phố Hà Nội" and hanoi.unit_type == "Thành phố"
    assert hanoi.children.filter(name="Phường Hoàn Kiếm").exists()


def _agency(**overrides):
    data = {
        "code": "000.00.00.H56",
        "name": "Ủy ban nhân dân tỉnh Thanh Hóa",
        "kind": "province_committee",
        "level": "tinh",
        "contacts": [{"role": "Bộ phận một cửa", "name": "Nguyễn Văn A", "phone": "0237 3000 001"}],
    }
    data.update(overrides)
    return data


def test_agency_upsert_creates_and_updates_without_duplicates():
    agency_upsert(data=_agency())
    agency_upsert(data=_agency(name="UBND tỉnh Thanh Hóa (đã sửa)", contacts=[{"role": "Văn thư"}]))

    agency = Agency.objects.get()
    assert agency.name == "UBND tỉnh Thanh Hóa (đã sửa)"
    assert list(agency.contacts.values_list("role", flat=True)) == ["Văn thư"]


@pytest.mark.parametrize("code", ["H56", "000.00.00.h56", "000.00.00.H5", "0000.00.00.H56", "000-00-00-H56"])
def test_agency_code_must_follow_the_national_scheme(code):
    with pytest.raises(ValidationError):
        agency_upsert(data=_agency(code=code))

    assert not Agency.objects.exists()
    assert not AgencyContact.objects.exists()


def test_merged_unit_keeps_history_through_successor_links():
    agency_upsert(
        data=_agency(
            code="000.00.31.H56",
            name="UBND phường Hạc Thành",
            kind="commune_committee",
            level="xa",
            valid_from="2025-07-01",
        )
    )
    agency_upsert(
        data=_agency(
            code="000.12.80.H56",
            name="UBND phường Điện Biên (cũ)",
            kind="commune_committee",
            level="xa",
            valid_to="2025-06-30",
        )
    )
    agency_upsert(
        data=_agency(
            code="000.00.31.H56",
            name="UBND phường Hạc Thành",
            kind="commune_committee",
            level="xa",
            valid_from="2025-07-01",
            predecessors=["000.12.80.H56"],
        )
    )

    old = Agency.objects.get(code="000.12.80.H56")
    new = Agency.objects.get(code="000.00.31.H56")
    assert list(old.successors.all()) == [new]
    assert list(new.predecessors.all()) == [old]
    assert not old.is_active and new.is_active

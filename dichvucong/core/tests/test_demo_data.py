import pytest

from dichvucong.agencies.models import Agency, AgencyContact
from dichvucong.catalogue.models import AgencyProcedure, FeeItem, Procedure, ProcedureVersion
from dichvucong.core.demo import load_demo_data

pytestmark = pytest.mark.django_db


def test_demo_catalogue_is_rich_enough(demo_data):
    procedures = Procedure.objects.all()

    assert procedures.count() >= 30
    assert procedures.filter(service_level="toan_trinh").exists()
    assert procedures.filter(service_level="mot_phan").exists()
    assert FeeItem.objects.filter(is_free=True).exists()
    assert FeeItem.objects.filter(amount__gt=0).exists()
    assert Agency.objects.filter(kind="commune_committee").count() >= 3
    assert AgencyContact.objects.exclude(phone="").count() >= 10
    assert Agency.objects.filter(successors__isnull=False).exists()


def test_loading_demo_data_twice_duplicates_nothing(demo_data):
    before = [
        m.objects.count()
        for m in (Procedure, ProcedureVersion, AgencyProcedure, FeeItem, Agency, AgencyContact)
    ]

    again = load_demo_data(with_admin_units=False)

    after = [
        m.objects.count()
        for m in (Procedure, ProcedureVersion, AgencyProcedure, FeeItem, Agency, AgencyContact)
    ]
    assert before == after
    assert again == demo_data

"""Fixtures: the dossiers app's setup (agency, procedure, citizen, receptionist) plus one member of each
processing role at the commune, and helpers to move a dossier along its workflow."""

import pytest
from django.contrib.auth import get_user_model

from dichvucong.accounts.models import AgencyMembership
from dichvucong.catalogue.models import ResultDocument
from dichvucong.dossiers import services as dossier_services
from dichvucong.dossiers.tests.conftest import PDF, build_setup, pdf  # noqa: F401 (re-exported)

User = get_user_model()

STAFF = (
    ("chuyenvien.a", "Phạm Thị Dung", "specialist"),
    ("chuyenvien.b", "Ngô Văn Khoa", "specialist"),
    ("truongphong.a", "Hoàng Văn Em", "head_of_unit"),
    ("lanhdao.a", "Vũ Thị Giang", "leader"),
    ("vanthu.a", "Đặng Văn Hùng", "clerk"),
)


def add_staff(data: dict) -> dict:
    for username, name, role in STAFF:
        user = User.objects.create_user(
            username=username, password=None, kind="staff", full_name=name, email=f"{username}@hacthanh.vn"
        )
        AgencyMembership.objects.create(user=user, agency=data["commune"], role=role)
        data[username] = user
    other_specialist = User.objects.create_user(
        username="chuyenvien.x", password=None, kind="staff", full_name="Cán Bộ Khác"
    )
    AgencyMembership.objects.create(user=other_specialist, agency=data["outsider"].memberships.first().agency,
                                    role="specialist")  # fmt: skip
    data["foreign_specialist"] = other_specialist
    version = data["procedure"].current_version
    ResultDocument.objects.create(version=version, name="Giấy khai sinh (bản chính)", code="KQ.G15.000031")
    return data


@pytest.fixture
def pdata(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return add_staff(build_setup())


@pytest.fixture
def pdata_live(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return add_staff(build_setup())


def accepted_dossier(data: dict, *, tag: str = "a", delivery: str = "counter"):
    """A dossier submitted online with its two required papers and accepted at the counter."""
    dossier = dossier_services.dossier_create_draft(applicant=data["citizen"], offering=data["offering"])
    dossier.result_delivery = delivery
    dossier.save(update_fields=["result_delivery"])
    for component in dossier_services.components_for(dossier)[:2]:
        dossier_services.dossier_attach(
            dossier=dossier,
            applicant=data["citizen"],
            component=component,
            upload=pdf(content=PDF + f"{tag}{component.pk}".encode()),
        )
    dossier_services.dossier_submit(dossier_id=dossier.pk, applicant=data["citizen"])
    return dossier_services.dossier_accept(dossier_id=dossier.pk, officer=data["receptionist"])


@pytest.fixture
def accepted(pdata):
    return accepted_dossier(pdata)

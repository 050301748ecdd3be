"""Fixtures: the processing app's setup (agency, procedure, citizen, receptionist, every processing role) and
dossiers returned to their owner, either through the real workflow or, where the path does not matter, by
putting an accepted dossier in the returned status directly."""

import pytest
from django.contrib.auth import get_user_model

from dichvucong.accounts.models import AgencyMembership
from dichvucong.dossiers.models import Dossier, Status
from dichvucong.processing import results as result_services
from dichvucong.processing.tests.conftest import (  # noqa: F401 (pdata, pdata_live: fixtures)
    accepted_dossier,
    pdata,
    pdata_live,
)
from dichvucong.processing.tests.test_results import issue
from dichvucong.processing.tests.test_services import walk_to

User = get_user_model()


def returned_dossier(data: dict, *, tag: str = "r") -> Dossier:
    """Accepted at the counter, then marked returned (no workflow: for tests where the path is irrelevant)."""
    dossier = accepted_dossier(data, tag=tag)
    Dossier.objects.filter(pk=dossier.pk).update(status=Status.RETURNED)
    return Dossier.objects.get(pk=dossier.pk)


def returned_at_counter(data: dict, *, tag: str = "c", delivery: str = "counter") -> Dossier:
    """The whole workflow: accepted, processed, issued and handed over at the counter."""
    dossier = accepted_dossier(data, tag=tag, delivery=delivery)
    walk_to(data, dossier, 4)
    issue(data, dossier)
    return result_services.processing_return(
        dossier_id=dossier.pk, officer=data["receptionist"], recipient_name="Nguyễn Văn An"
    )


def add_other_agency_staff(data: dict) -> User:
    """A leader of the other commune (UBND phường Sầm Sơn): must never see the first commune's ratings."""
    other = data["outsider"].memberships.first().agency
    leader = User.objects.create_user(
        username="lanhdao.b", password=None, kind="staff", full_name="Lãnh Đạo B"
    )
    AgencyMembership.objects.create(user=leader, agency=other, role="leader")
    data["other_leader"] = leader
    data["other"] = other
    return leader


@pytest.fixture
def rdata(pdata):  # noqa: F811
    add_other_agency_staff(pdata)
    return pdata


@pytest.fixture
def returned(rdata):
    return returned_dossier(rdata)

"""Found by the authorisation matrix (core/tests/test_authz_matrix.py): the page offers "Chuyển xử lý" to the
receptionist, the head of unit and the leader, but POST /api/v1/processing/dossiers/{id}/start let a
specialist or a clerk of the agency start processing too. The service now refuses them, for every caller."""

import pytest

from dichvucong.dossiers.workflow import TransitionRefused
from dichvucong.processing import services
from dichvucong.processing.models import Track
from dichvucong.processing.tests.test_api import API, bearer
from dichvucong.processing.tests.test_services import snapshot

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("username", ["chuyenvien.a", "vanthu.a"])
def test_only_the_counter_or_a_manager_starts_processing(client, pdata, accepted, username):
    before = snapshot(accepted)

    with pytest.raises(TransitionRefused) as refused:
        services.processing_start(dossier_id=accepted.pk, officer=pdata[username])
    response = client.post(
        f"{API}/dossiers/{accepted.public_id}/start",
        {},
        content_type="application/json",
        **bearer(pdata[username]),
    )

    assert refused.value.code == "forbidden"
    assert response.status_code == 404
    assert snapshot(accepted) == before
    assert not Track.objects.filter(dossier=accepted).exists()


@pytest.mark.parametrize("username", ["receptionist", "truongphong.a", "lanhdao.a"])
def test_the_counter_the_head_of_unit_and_the_leader_start_processing(pdata, accepted, username):
    services.processing_start(dossier_id=accepted.pk, officer=pdata[username])

    assert Track.objects.get(dossier=accepted).position == 1

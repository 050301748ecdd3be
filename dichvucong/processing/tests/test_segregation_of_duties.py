"""Finding 10 of issue 11: no officer processes a dossier of their own (filed for themselves, or about them),
nor is handed one: start, forward, drafts and notices are refused and change nothing."""

import datetime

import pytest
from django.urls import reverse

from conftest import login_with_second_factor
from dichvucong.accounts.services import api_token_create
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.workflow import OWN_DOSSIER_MESSAGE, TransitionRefused
from dichvucong.processing import late, services
from dichvucong.processing.actions import actions_for
from dichvucong.processing.models import LateNotice, StopNotice, Track
from dichvucong.processing.tests.test_services import snapshot, walk_to

pytestmark = pytest.mark.django_db
API = "/api/v1/processing"
OWN_ID = "038066000222"


def _make_owner(data, username: str, dossier: Dossier) -> None:
    """``username`` is the person the dossier is about (chủ hồ sơ), by ID number."""
    user = data[username]
    user.id_number = OWN_ID
    user.save(update_fields=["id_number"])
    Dossier.objects.filter(pk=dossier.pk).update(owner_id_number=OWN_ID)


def test_the_counter_cannot_start_processing_its_own_dossier(pdata, accepted):
    data, dossier = pdata, accepted
    _make_owner(data, "receptionist", dossier)
    before = snapshot(dossier)

    with pytest.raises(TransitionRefused) as refused:
        services.processing_start(dossier_id=dossier.pk, officer=data["receptionist"])

    assert refused.value.code == "own_dossier" and refused.value.message == OWN_DOSSIER_MESSAGE
    assert snapshot(dossier) == before
    assert not Track.objects.filter(dossier=dossier).exists()


def test_a_dossier_is_never_handed_to_its_owner(pdata, accepted):
    data, dossier = pdata, accepted
    _make_owner(data, "chuyenvien.a", dossier)
    before = snapshot(dossier)

    with pytest.raises(services.ProcessingError) as refused:
        services.processing_start(
            dossier_id=dossier.pk, officer=data["receptionist"], assignee_id=data["chuyenvien.a"].pk
        )
    assert refused.value.code == "own_dossier" and refused.value.field == "to_user"
    assert snapshot(dossier) == before

    # Chosen automatically: chuyenvien.a has the lowest id and no load, but the dossier is about them.
    services.processing_start(dossier_id=dossier.pk, officer=data["receptionist"])
    assert Track.objects.get(dossier=dossier).assignee == data["chuyenvien.b"]


def test_the_only_member_of_a_role_who_owns_the_dossier_is_not_picked(pdata, accepted):
    data, dossier = pdata, accepted
    walk_to(data, dossier, 2)
    _make_owner(data, "lanhdao.a", dossier)  # the only leader
    before = snapshot(dossier)

    with pytest.raises(services.ProcessingError) as refused:
        services.processing_forward(dossier_id=dossier.pk, officer=data["truongphong.a"])

    assert refused.value.code == "own_dossier"
    assert "của chính mình" in refused.value.message
    assert snapshot(dossier) == before


def test_a_holder_who_turns_out_to_own_the_dossier_can_neither_act_nor_draft(pdata, accepted):
    data, dossier = pdata, accepted
    walk_to(data, dossier, 1)  # chuyenvien.a holds it (assigned before anyone knew)
    _make_owner(data, "chuyenvien.a", dossier)
    before = snapshot(dossier)
    officer = data["chuyenvien.a"]
    new_day = datetime.date.today() + datetime.timedelta(days=30)

    attempts = [
        lambda: services.processing_forward(dossier_id=dossier.pk, officer=officer),
        lambda: services.processing_reassign(
            dossier_id=dossier.pk, officer=officer, to_user_id=data["chuyenvien.b"].pk
        ),
        lambda: late.late_notice_draft(
            dossier_id=dossier.pk, officer=officer, reason="Chậm", new_due_date=new_day
        ),
        lambda: late.stop_propose(dossier_id=dossier.pk, officer=officer, reasons=["Không đủ điều kiện"]),
    ]
    for attempt in attempts:
        with pytest.raises(TransitionRefused, match="của chính mình"):
            attempt()

    assert snapshot(dossier) == before
    assert LateNotice.objects.count() == StopNotice.objects.count() == 0
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert actions_for(dossier=fresh, user=officer, roles={"specialist"}) == []
    # A head of unit hands it to a colleague: the dossier goes on.
    services.processing_reassign(
        dossier_id=dossier.pk, officer=data["truongphong.a"], to_user_id=data["chuyenvien.b"].pk
    )
    assert Track.objects.get(dossier=dossier).assignee == data["chuyenvien.b"]


def test_the_processing_page_offers_no_owner_and_shows_the_owner_no_buttons(pdata, accepted, client):
    data, dossier = pdata, accepted
    _make_owner(data, "chuyenvien.a", dossier)
    login_with_second_factor(client, data["receptionist"])
    url = reverse("processing:detail", args=[dossier.public_id])

    html = client.get(url).content.decode()

    assert 'name="action" value="start"' in html
    assert f'value="{data["chuyenvien.b"].pk}"' in html  # offered
    assert f'value="{data["chuyenvien.a"].pk}"' not in html  # the person it is about is not

    _make_owner(data, "receptionist", dossier)
    before = snapshot(dossier)
    own_page = client.get(url).content.decode()
    response = client.post(url, {"action": "start", "to_user": data["chuyenvien.b"].pk})

    assert 'name="action" value="start"' not in own_page
    assert response.status_code in (200, 302)
    assert snapshot(dossier) == before


def test_the_api_answers_409_for_the_owner_and_changes_nothing(pdata, accepted, client):
    data, dossier = pdata, accepted
    _make_owner(data, "receptionist", dossier)
    _token, key = api_token_create(user=data["receptionist"], name="test")
    before = snapshot(dossier)

    response = client.post(
        f"{API}/dossiers/{dossier.public_id}/start",
        {},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )

    assert response.status_code == 409
    assert response.json() == {"detail": OWN_DOSSIER_MESSAGE, "code": "own_dossier"}
    assert snapshot(dossier) == before
    detail = client.get(f"{API}/dossiers/{dossier.public_id}", HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert detail["actions"] == []

"""Finding 10 of issue 11: staff never receive a dossier of their own (they filed it for themselves, or it is
about them); assisted intake for a citizen stays with the receptionist who files it."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from conftest import login_with_second_factor
from dichvucong.accounts.models import AgencyMembership
from dichvucong.accounts.services import api_token_create
from dichvucong.dossiers import reception, services
from dichvucong.dossiers.models import Dossier, DossierEvent, Status
from dichvucong.dossiers.tests.conftest import PDF, pdf
from dichvucong.dossiers.tests.test_counter_and_ledger import intake
from dichvucong.dossiers.workflow import OWN_DOSSIER_MESSAGE, TransitionRefused, allowed_actions
from dichvucong.notifications.models import Message

pytestmark = pytest.mark.django_db
User = get_user_model()
API = "/api/v1"


def _submitted(setup, *, applicant, owner_id_number: str = "") -> Dossier:
    """A dossier ``applicant`` files online, with its two required papers (about someone else when
    ``owner_id_number`` is given)."""
    dossier = services.dossier_create_draft(applicant=applicant, offering=setup["offering"])
    if owner_id_number:
        dossier.owner_id_number = owner_id_number
        dossier.save(update_fields=["owner_id_number"])
    for component in services.components_for(dossier)[:2]:
        services.dossier_attach(
            dossier=dossier,
            applicant=applicant,
            component=component,
            upload=pdf(content=PDF + f"own{component.pk}".encode()),
        )
    return services.dossier_submit(dossier_id=dossier.pk, applicant=applicant)


def _state(dossier: Dossier) -> tuple:
    dossier = Dossier.objects.get(pk=dossier.pk)
    return (
        dossier.status,
        dossier.received_at,
        dossier.received_by_id,
        dossier.due_at,
        DossierEvent.objects.filter(dossier=dossier).count(),
        Message.objects.count(),
    )


@pytest.fixture
def colleague(setup):
    user = User.objects.create_user(username="tiepnhan.c", password="x", kind="staff", full_name="Đỗ Thị Hoa")
    AgencyMembership.objects.create(user=user, agency=setup["commune"], role="receptionist")
    return user


@pytest.fixture
def own(setup):
    setup["receptionist"].phone = "+84911222333"
    setup["receptionist"].save(update_fields=["phone"])
    return _submitted(setup, applicant=setup["receptionist"])


def test_a_receptionist_cannot_accept_the_dossier_he_filed_for_himself(setup, own, colleague):
    before = _state(own)

    with pytest.raises(TransitionRefused) as refused:
        reception.dossier_accept(dossier_id=own.pk, officer=setup["receptionist"])

    assert refused.value.code == "own_dossier"
    assert refused.value.message == OWN_DOSSIER_MESSAGE
    assert OWN_DOSSIER_MESSAGE == "Không được tự tiếp nhận/xử lý hồ sơ của chính mình."
    assert _state(own) == before
    accepted = reception.dossier_accept(dossier_id=own.pk, officer=colleague)
    assert accepted.status == Status.ACCEPTED and accepted.received_by == colleague


@pytest.mark.parametrize(
    "act",
    [
        lambda d, u: reception.dossier_refuse(dossier_id=d.pk, officer=u, reasons=["Thiếu giấy tờ"]),
        lambda d, u: reception.dossier_request_supplement(
            dossier_id=d.pk,
            officer=u,
            items=[{"name": "Giấy chứng sinh"}],
            deadline=datetime.date.today() + datetime.timedelta(days=10),
        ),
    ],
    ids=["refuse", "supplement"],
)
def test_no_other_reception_action_on_ones_own_dossier(setup, own, act):
    before = _state(own)

    with pytest.raises(TransitionRefused, match="của chính mình"):
        act(own, setup["receptionist"])

    assert _state(own) == before
    assert own.supplements.count() == 0


def test_a_dossier_about_the_officer_filed_by_someone_else_is_refused_too(setup, colleague):
    setup["receptionist"].id_number = "038077000111"
    setup["receptionist"].save(update_fields=["id_number"])
    dossier = _submitted(setup, applicant=setup["citizen"], owner_id_number="038077000111")
    before = _state(dossier)

    with pytest.raises(TransitionRefused, match="của chính mình"):
        reception.dossier_accept(dossier_id=dossier.pk, officer=setup["receptionist"])

    assert _state(dossier) == before
    dossier.refresh_from_db()
    assert allowed_actions(dossier=dossier, user=setup["receptionist"]) == []
    assert "accept" in {t.action for t in allowed_actions(dossier=dossier, user=colleague)}


def test_the_staff_page_hides_the_buttons_and_a_forged_post_changes_nothing(client, setup, own):
    login_with_second_factor(client, setup["receptionist"])
    url = reverse("dossiers:staff_detail", args=[own.public_id])
    before = _state(own)

    page = client.get(url).content.decode()
    response = client.post(url, {"action": "accept", "status": "submitted"}, follow=True)

    assert 'value="accept"' not in page
    assert 'id="own-dossier"' in page and OWN_DOSSIER_MESSAGE in page
    assert response.status_code == 200
    assert OWN_DOSSIER_MESSAGE in response.content.decode()
    assert _state(own) == before


def test_the_api_answers_409_and_changes_nothing(client, setup, own):
    _token, key = api_token_create(user=setup["receptionist"], name="test")
    before = _state(own)

    response = client.post(f"{API}/reception/{own.public_id}/accept", HTTP_AUTHORIZATION=f"Bearer {key}")

    assert response.status_code == 409
    assert response.json() == {"detail": OWN_DOSSIER_MESSAGE, "code": "own_dossier"}
    assert _state(own) == before


def test_filing_for_oneself_at_the_counter_is_refused_and_leaves_nothing(client, setup):
    setup["receptionist"].id_number = "038077000111"
    setup["receptionist"].save(update_fields=["id_number"])
    login_with_second_factor(client, setup["receptionist"])
    messages_before = Message.objects.count()

    response = intake(client, setup, applicant_id_number="038077000111", applicant_name="Trần Thị Bình")

    assert response.status_code == 200
    assert OWN_DOSSIER_MESSAGE in response.content.decode()
    assert Dossier.objects.count() == 0
    assert DossierEvent.objects.count() == 0
    assert Message.objects.count() == messages_before


def test_assisted_intake_for_a_citizen_is_received_by_the_same_receptionist(client, setup):
    login_with_second_factor(client, setup["receptionist"])

    response = intake(client, setup, applicant_id_number="038090012345", applicant_name="Nguyễn Văn An")

    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert dossier.applicant == setup["citizen"]
    assert dossier.status == Status.ACCEPTED and dossier.received_by == setup["receptionist"]
    page = Client()
    login_with_second_factor(page, setup["receptionist"])
    html = page.get(reverse("dossiers:staff_detail", args=[dossier.public_id])).content.decode()
    assert 'id="own-dossier"' not in html

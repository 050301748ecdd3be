"""Feedback about a procedure reaches the place the sender chose ("Nơi thực hiện", checked against the
agencies offering it); what still awaits routing by hand is seen and routed by a system administrator with the
second factor."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from conftest import login_with_second_factor
from dichvucong.accounts.models import AgencyMembership
from dichvucong.catalogue.services import offering_upsert
from dichvucong.feedback.models import Feedback, FeedbackStatus
from dichvucong.feedback.tests.conftest import anonymous, submitted
from dichvucong.feedback.tests.test_services import refused, snapshot
from dichvucong.feedback.tests.test_views import SUBMIT, form_data

User = get_user_model()
QUEUE = reverse("feedback:staff_queue")


@pytest.fixture
def several(fdata):
    """The procedure offered by the commune and by the other commune."""
    offering_upsert(agency=fdata["other"], procedure=fdata["procedure"])
    return fdata


@pytest.fixture
def sysadmin(fdata):
    user = User.objects.create_user(username="quantri.he", password=None, kind="staff", full_name="Quản trị")
    AgencyMembership.objects.create(user=user, agency=fdata["centre"], role="system_admin")
    return user


def test_the_chosen_place_gets_it_directly(several):
    feedback = submitted(several, place=several["other"])
    assert feedback.agency == several["other"] and not feedback.needs_routing
    without = submitted(several)
    assert without.agency == several["centre"] and without.needs_routing


def test_a_place_not_offering_the_procedure_is_refused_and_nothing_is_created(several):
    from dichvucong.agencies.models import Agency
    from dichvucong.feedback.services import FeedbackError

    elsewhere = Agency.objects.exclude(pk__in=[several["commune"].pk, several["other"].pk]).first()
    with pytest.raises(FeedbackError) as error:
        submitted(several, place=elsewhere)
    assert error.value.field == "place" and not Feedback.objects.exists()


def test_the_form_offers_the_procedures_places_and_checks_the_choice(client, several):
    page = client.get(SUBMIT + "?thu-tuc=1.001193").content.decode()
    assert "Nơi thực hiện (không bắt buộc)" in page
    places = page[page.index('<select name="place"') : page.index("</select>", page.index('name="place"'))]
    assert f'value="{several["other"].pk}"' in places and f'value="{several["commune"].pk}"' in places
    assert f'value="{several["centre"].pk}"' not in places  # only where the procedure is offered
    # Not offering it: a clear message, what was typed kept, nothing sent.
    bad = client.post(SUBMIT, form_data(place=several["centre"].pk))
    html = bad.content.decode()
    assert bad.status_code == 200 and "Cơ quan đã chọn không thực hiện thủ tục này." in html
    assert 'href="#id_place"' in html and "Trần Văn Bảy" in html
    assert not Feedback.objects.exists()
    # A place it offers: the code step, then the feedback goes there directly.
    from dichvucong.accounts.tests.conftest import latest_code

    step = client.post(SUBMIT, form_data(place=several["other"].pk))
    assert step.status_code == 302
    client.post(step.url, {"code": latest_code("feedback.otp", "+84901234567")})
    feedback = Feedback.objects.get()
    assert feedback.agency == several["other"] and not feedback.needs_routing


def test_a_system_administrator_sees_and_routes_what_awaits_routing(client, several, sysadmin):
    waiting = anonymous(several)  # at the centre, needs routing
    ordinary = submitted(several, place=several["commune"])  # the commune's own, not for the administrator
    client.force_login(sysadmin)  # without the second factor: sent to sign in again
    response = client.get(QUEUE)
    assert response.status_code == 302 and reverse("accounts:login") in response.url

    login_with_second_factor(client, sysadmin)
    html = client.get(QUEUE).content.decode()
    assert "Chờ phân loại (1)" in html and waiting.code in html and ordinary.code not in html
    assert client.get(reverse("feedback:staff_detail", args=[ordinary.public_id])).status_code == 404
    url = reverse("feedback:staff_detail", args=[waiting.public_id])
    page = client.get(url).content.decode()
    assert "Chuyển cơ quan khác" in page and 'value="receive"' not in page
    # Only routing: receiving is refused and changes nothing.
    before = snapshot(waiting)
    assert client.post(url, {"action": "receive"}).status_code == 409
    assert snapshot(waiting) == before
    done = client.post(
        url, {"action": "route", "route-agency": several["commune"].pk, "route-note": "Phường"}
    )
    assert done.status_code == 302 and done.url == QUEUE
    waiting.refresh_from_db()
    assert waiting.agency == several["commune"] and not waiting.needs_routing
    assert waiting.status == FeedbackStatus.RECEIVED
    assert waiting.events.filter(action="route", actor=sysadmin).exists()
    assert waiting.code not in client.get(QUEUE).content.decode()
    assert client.get(url).status_code == 404


def test_a_system_administrator_routes_only_what_awaits_routing(several, sysadmin):
    from dichvucong.feedback import services

    ordinary = submitted(several, place=several["commune"])
    refused(
        lambda: services.feedback_route(
            feedback_id=ordinary.pk, officer=sysadmin, to_agency_id=several["other"].pk
        ),
        ordinary,
        "forbidden",
    )
    waiting = anonymous(several)
    refused(lambda: services.feedback_receive(feedback_id=waiting.pk, officer=sysadmin), waiting, "forbidden")
    assert services.actions_for(feedback=waiting, user=sysadmin) == ["route"]
    assert services.actions_for(feedback=ordinary, user=sysadmin) == []


def test_the_api_lets_a_system_administrator_route(client, several, sysadmin):
    waiting = anonymous(several)
    api = "/api/v1/phan-anh-kien-nghi/can-bo"
    client.force_login(sysadmin)
    assert client.get(f"{api}/danh-sach?tab=routing").status_code == 403  # no second factor
    login_with_second_factor(client, sysadmin)
    listed = client.get(f"{api}/danh-sach?tab=routing").json()
    assert [item["code"] for item in listed] == [waiting.code]
    response = client.post(
        f"{api}/{waiting.public_id}/route",
        {"to_agency_code": several["commune"].code},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["agency_code"] == several["commune"].code


def test_the_centres_staff_see_the_routing_tab_too(client, several):
    waiting = anonymous(several)
    login_with_second_factor(client, several["tiepnhan.tt"])
    html = client.get(QUEUE + "?tab=routing").content.decode()
    assert "Chờ phân loại (1)" in html and waiting.code in html


def test_an_officer_without_a_role_gets_403(client, several):
    login_with_second_factor(client, several["stranger"])
    assert client.get(QUEUE).status_code == 403

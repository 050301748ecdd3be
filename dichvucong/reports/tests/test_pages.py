"""Staff pages and the API: who sees what (refusals show nothing), and every number links to its list."""

import pytest
from django.urls import reverse

from conftest import login_with_second_factor
from dichvucong.accounts.models import AgencyMembership
from dichvucong.accounts.tests.factories import StaffFactory
from dichvucong.reports.refresh import facts_refresh

QUERY = {"tu_ngay": "01/11/2026", "den_ngay": "30/11/2026"}


@pytest.fixture
def leader(tree):
    user = StaffFactory()
    AgencyMembership.objects.create(user=user, agency=tree["a"], role="leader")
    return user


def test_leader_sees_the_scorecard_with_links(client, tree, november, leader):
    facts_refresh()
    login_with_second_factor(client, leader)
    page = client.get(reverse("reports:scorecard"), {**QUERY, "co_quan": tree["a"].pk})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="den-1.4">7<' in html  # the 7 dossiers received in November by agency A
    assert "code=2.1&amp;part=late" in html
    listing = client.get(
        reverse("reports:drilldown"), {**QUERY, "co_quan": tree["a"].pk, "code": "2.1", "part": "late"}
    )
    assert listing.status_code == 200
    late = {november[k] for k in ("d2", "d4", "d8", "d10")}
    assert set(listing.context["page"].object_list) == late


def test_bad_dates_keep_the_input_and_explain(client, tree, leader):
    login_with_second_factor(client, leader)
    page = client.get(reverse("reports:scorecard"), {"tu_ngay": "31/02/2026", "den_ngay": "01/03/2026"})
    assert page.status_code == 200 and page.context["card"] is None
    assert "ngày/tháng/năm" in page.content.decode() and 'value="31/02/2026"' in page.content.decode()


def test_another_agency_is_refused_and_nothing_shown(client, tree, november, leader):
    login_with_second_factor(client, leader)
    other = {**QUERY, "co_quan": tree["other"].pk, "code": "2.1", "part": "all"}
    assert client.get(reverse("reports:drilldown"), other).status_code == 404
    province = {**QUERY, "co_quan": tree["province"].pk, "code": "2.1", "part": "all"}
    assert client.get(reverse("reports:drilldown"), province).status_code == 404
    page = client.get(reverse("reports:scorecard"), {**QUERY, "co_quan": tree["other"].pk})
    assert page.context["card"] is None and "không được xem" in page.content.decode()
    # without the agency, a leader of A sees A only (d11 of the other commune is not listed)
    listing = client.get(reverse("reports:drilldown"), {**QUERY, "code": "2.1", "part": "all"})
    assert november["d11"] not in listing.context["page"].object_list


def test_people_without_a_reporting_role_get_403(client, tree):
    citizen = StaffFactory(kind="citizen")
    login_with_second_factor(client, citizen)
    assert client.get(reverse("reports:scorecard")).status_code == 403
    assert client.get(reverse("reports:drilldown"), {"code": "2.1", "part": "all"}).status_code == 403
    assert client.get("/api/v1/bao-cao/chi-so-766").status_code == 403


def test_api(client, tree, november, leader):
    facts_refresh()
    login_with_second_factor(client, leader)
    answer = client.get("/api/v1/bao-cao/chi-so-766", {"start": "2026-11-01", "end": "2026-11-30"})
    assert answer.status_code == 200
    body = answer.json()
    by_code = {i["code"]: i for i in body["indicators"]}
    assert (by_code["1.4"]["denominator"], by_code["2.1"]["parts"]["late"]) == (7, 4)
    refused = client.get("/api/v1/bao-cao/chi-so-766", {"agency_id": tree["other"].pk})
    assert refused.status_code == 404

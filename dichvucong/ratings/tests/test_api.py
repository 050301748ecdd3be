"""POST /api/v1/ho-so/{id}/danh-gia (the owner) and GET /api/v1/danh-gia (staff, own agency only)."""

from dichvucong.accounts.services import api_token_create
from dichvucong.dossiers.models import Dossier, Status
from dichvucong.ratings.models import Rating
from dichvucong.ratings.tests.conftest import returned_dossier


def bearer(user) -> dict:
    _token, key = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def post(client, dossier, user, body):
    return client.post(
        f"/api/v1/ho-so/{dossier.public_id}/danh-gia", body, content_type="application/json", **bearer(user)
    )


def test_the_owner_rates_once_over_the_api(client, rdata, returned):
    body = {"level": 4, "criteria": {"total_time": 5}, "comment": "Tốt"}

    first = post(client, returned, rdata["citizen"], body)
    assert first.status_code == 201, first.json()
    assert first.json()["level_label"] == "Hài lòng" and first.json()["dossier_code"] == returned.code

    second = post(client, returned, rdata["citizen"], {"level": 1})
    assert second.status_code == 409 and second.json()["code"] == "already"
    assert Rating.objects.get().level == 4


def test_refusals_over_the_api_change_nothing(client, rdata, returned):
    assert post(client, returned, rdata["stranger"], {"level": 4}).status_code == 404
    assert post(client, returned, rdata["citizen"], {"level": 9}).status_code == 422
    bad = post(client, returned, rdata["citizen"], {"level": 4, "criteria": {"total_time": 7}})
    assert bad.status_code == 422 and bad.json()["field"] == "total_time"
    assert (
        client.post(
            f"/api/v1/ho-so/{returned.public_id}/danh-gia", {"level": 4}, content_type="application/json"
        ).status_code
        == 401
    )
    Dossier.objects.filter(pk=returned.pk).update(status=Status.RESOLVED)
    refused = post(client, returned, rdata["citizen"], {"level": 4})
    assert refused.status_code == 409 and refused.json()["code"] == "not_returned"
    assert not Rating.objects.exists()


def test_staff_list_their_agency_only(client, rdata):
    dossier = returned_dossier(rdata)
    Rating.objects.create(dossier=dossier, agency=dossier.agency, level=2, criteria={"contacts": 1})

    mine = client.get("/api/v1/danh-gia?level=2", **bearer(rdata["lanhdao.a"]))
    assert mine.status_code == 200, mine.json()
    body = mine.json()
    assert body["count"] == 1 and body["results"][0]["dossier_code"] == dossier.code
    assert (
        body["averages"]["level"] == 2
        and {c["key"]: c["average"] for c in body["averages"]["criteria"]}["contacts"] == 1
    )

    other = client.get("/api/v1/danh-gia", **bearer(rdata["other_leader"])).json()
    assert other["count"] == 0 and other["results"] == []
    reached = client.get("/api/v1/danh-gia?agency=000.00.31.H56", **bearer(rdata["other_leader"])).json()
    assert reached["count"] == 0
    assert client.get("/api/v1/danh-gia", **bearer(rdata["citizen"])).status_code == 403

"""The inbox and the processing actions over /api/v1/processing/…"""

import pytest
from django.test import Client
from django.utils import timezone

from conftest import login_with_second_factor
from dichvucong.accounts.services import api_token_create
from dichvucong.dossiers.models import Dossier, Status
from dichvucong.processing.models import Track
from dichvucong.processing.tests.conftest import PDF, accepted_dossier
from dichvucong.processing.tests.test_services import snapshot, walk_to

API = "/api/v1/processing"


def bearer(user) -> dict:
    _token, key = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_inbox_counts_and_pages_with_a_pinned_query_count(client, pdata, django_assert_max_num_queries):
    data = pdata
    for n in range(5):
        walk_to(data, accepted_dossier(data, tag=f"i{n}"), 1)
    headers = bearer(data["chuyenvien.a"])
    with django_assert_max_num_queries(9):
        response = client.get(f"{API}/inbox?tab=unit&page_size=2", **headers)
    body = response.json()
    assert response.status_code == 200, body
    assert body["counts"]["unit"] == 5 and body["count"] == 5 and body["pages"] == 3
    assert len(body["results"]) == 2 and body["results"][0]["track"]["step_name"]
    mine = client.get(f"{API}/inbox?tab=mine", **headers).json()
    assert mine["count"] == body["counts"]["mine"]
    assert client.get(f"{API}/inbox?tab=approvals", **headers).status_code == 404


def test_forward_over_the_api_and_the_refusals(client, pdata, accepted):
    data, dossier = pdata, accepted
    url = f"{API}/dossiers/{dossier.public_id}"
    counter = bearer(data["receptionist"])
    response = client.post(
        f"{url}/start", {"to_user_id": data["chuyenvien.a"].pk}, content_type="application/json", **counter
    )
    assert response.status_code == 200, response.json()
    assert response.json()["track"]["assignee_name"] == "Phạm Thị Dung"

    before = snapshot(dossier)
    response = client.post(
        f"{url}/forward", {}, content_type="application/json", **bearer(data["chuyenvien.b"])
    )
    assert response.status_code == 409 and response.json()["code"] == "not_assigned"
    response = client.post(
        f"{url}/send-back", {"note": "x"}, content_type="application/json", **bearer(data["chuyenvien.a"])
    )
    assert response.status_code == 409 and response.json()["code"] == "first_step"
    response = client.post(
        f"{url}/forward", {}, content_type="application/json", **bearer(data["foreign_specialist"])
    )
    assert response.status_code == 404
    assert snapshot(dossier) == before

    specialist = bearer(data["chuyenvien.a"])
    detail = client.get(url, **specialist).json()
    assert [a["action"] for a in detail["actions"]][:2] == ["draft", "forward"]
    response = client.post(
        f"{url}/forward",
        {"expected_position": 1, "note": "Đạt"},
        content_type="application/json",
        **specialist,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["track"]["position"] == 2 and len(body["control_sheet"]) == 2
    response = client.post(
        f"{url}/forward", {"expected_position": 1}, content_type="application/json", **specialist
    )
    assert response.status_code == 409


def test_result_and_return_over_the_api(client, pdata, accepted):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data, dossier = pdata, accepted
    walk_to(data, dossier, 4)
    url = f"{API}/dossiers/{dossier.public_id}"
    upload = SimpleUploadedFile("kq.pdf", PDF + b"api", content_type="application/pdf")
    response = client.post(
        f"{url}/result",
        {
            "file": upload,
            "name": "Giấy khai sinh",
            "result_code": "KQ.G15.000031",
            "number": "20/GCN-UBND",
            "signed_on": timezone.localdate().isoformat(),
        },
        **bearer(data["vanthu.a"]),
    )
    assert response.status_code == 200, response.json()
    assert response.json()["results"][0]["result_code"] == "KQ.G15.000031"
    assert response.json()["results"][0]["number"] == "20/GCN-UBND"
    response = client.post(
        f"{url}/return",
        {"recipient_name": ""},
        content_type="application/json",
        **bearer(data["receptionist"]),
    )
    assert response.status_code == 422 and response.json()["field"] == "recipient_name"
    response = client.post(
        f"{url}/return",
        {"recipient_name": "Nguyễn Văn An", "originals_checked": True},
        content_type="application/json",
        **bearer(data["receptionist"]),
    )
    assert response.status_code == 200 and response.json()["status"] == Status.RETURNED


def test_the_api_needs_the_second_factor_and_a_processing_role(pdata, accepted):
    plain = Client()
    plain.force_login(pdata["chuyenvien.a"])
    assert plain.get(f"{API}/inbox").status_code == 403
    verified = login_with_second_factor(Client(), pdata["chuyenvien.a"])
    assert verified.get(f"{API}/inbox").status_code == 200
    citizen = Client()
    assert citizen.get(f"{API}/inbox", **bearer(pdata["citizen"])).status_code == 403
    assert Client().get(f"{API}/inbox").status_code == 401


@pytest.mark.parametrize("approve", [True, False])
def test_withdrawal_decision_over_the_api(client, pdata, accepted, approve):
    from dichvucong.processing import late

    data, dossier = pdata, accepted
    walk_to(data, dossier, 1)
    late.withdrawal_request(dossier_id=dossier.pk, applicant=data["citizen"], reason="Không cần nữa")
    response = client.post(
        f"{API}/dossiers/{dossier.public_id}/withdrawal/decision",
        {"approve": approve, "note": "Theo đề nghị" if approve else "Hồ sơ đã ký"},
        content_type="application/json",
        **bearer(data["lanhdao.a"]),
    )
    assert response.status_code == 200, response.json()
    expected = Status.STOPPED if approve else Status.PROCESSING
    assert Dossier.objects.get(pk=dossier.pk).status == expected
    assert Track.objects.get(dossier=dossier).state == ("closed" if approve else "in_progress")

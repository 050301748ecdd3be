"""The dossiers API, mounted on its own NinjaAPI in front of the site's URLs (notifications reverse them)."""

import pytest
from django.test import Client
from django.urls import path
from ninja import NinjaAPI

from config import urls as site_urls
from conftest import login_with_second_factor
from dichvucong.accounts.services import api_token_create
from dichvucong.documents.models import StoredDocument
from dichvucong.documents.services import document_store
from dichvucong.dossiers import reception, services
from dichvucong.dossiers.api import router
from dichvucong.dossiers.api.schemas import TrackOut
from dichvucong.dossiers.models import Dossier, DossierEvent, DossierFile, Status, SupplementRequest
from dichvucong.dossiers.tests.conftest import PDF, pdf

api = NinjaAPI(title="dossiers-test", urls_namespace="dossiers-api-test", docs_url=None)
api.add_router("/", router)
urlpatterns = [path("api/v1/", api.urls), *site_urls.urlpatterns]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

API = "/api/v1"
JSON = "application/json"


def bearer(user) -> dict:
    _token, key = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def snapshot(dossier: Dossier) -> tuple:
    dossier.refresh_from_db()
    return (
        dossier.status,
        dossier.code,
        dossier.applicant_phone,
        dossier.due_at,
        dossier.supplement_state,
        DossierEvent.objects.filter(dossier=dossier).count(),
        DossierFile.objects.filter(dossier=dossier).count(),
        SupplementRequest.objects.filter(dossier=dossier).count(),
    )


def submitted(ready_draft, setup) -> Dossier:
    return services.dossier_submit(dossier_id=ready_draft.pk, applicant=setup["citizen"])


@pytest.fixture
def staff(setup):
    return login_with_second_factor(Client(), setup["receptionist"])


def test_citizen_creates_attaches_from_upload_and_store_and_submits_once(client, setup):
    auth = bearer(setup["citizen"])
    stored, _created = document_store(
        owner=setup["citizen"], upload=pdf(content=PDF + b"chung-sinh"), title="Giấy chứng sinh"
    )

    created = client.post(f"{API}/dossiers", {"offering_id": setup["offering"].pk}, content_type=JSON, **auth)
    assert created.status_code == 201
    body = created.json()
    url = f"{API}/dossiers/{body['id']}"
    assert body["status"] == {"value": "draft", "label": "Bản nháp", "national_code": None}
    assert body["applicant_name"] == "Nguyễn Văn An" and body["next_actions"][0]["action"] == "submit"
    first, second = (c["id"] for c in body["components"] if c["required"])

    uploaded = client.post(f"{url}/files", {"component_id": first, "file": pdf(content=PDF + b"1")}, **auth)
    reused = client.post(
        f"{url}/files",
        {"component_id": second, "document_id": str(stored.public_id)},
        content_type=JSON,
        **auth,
    )
    patched = client.patch(
        url, {"owner_name": "Nguyễn Bảo Anh", "request": "Khai sinh cho con"}, content_type=JSON, **auth
    )
    first_submit = client.post(f"{url}/submit", **auth)
    second_submit = client.post(f"{url}/submit", **auth)

    assert uploaded.status_code == 201 and uploaded.json()["reused"] is False
    assert reused.status_code == 201 and reused.json()["document_id"] == str(stored.public_id)
    assert reused.json()["reused"] is True
    assert patched.status_code == 200 and patched.json()["owner_name"] == "Nguyễn Bảo Anh"
    assert patched.json()["request"] == "Khai sinh cho con" and patched.json()["missing"] == []
    assert first_submit.status_code == second_submit.status_code == 200
    code = first_submit.json()["code"]
    assert code and second_submit.json()["code"] == code
    assert first_submit.json()["status"]["national_code"] == 1
    dossier = Dossier.objects.get()
    assert dossier.code == code and dossier.status == Status.SUBMITTED
    assert DossierEvent.objects.filter(dossier=dossier, action="submit").count() == 1

    detail = client.get(url, **auth).json()
    mine = client.get(f"{API}/dossiers", {"page_size": 5}, **auth).json()
    assert len(detail["files"]) == 2 and [e["action"] for e in detail["events"]] == ["submit"]
    assert (
        [a["action"] for a in detail["next_actions"]] == ["request_withdrawal"]
        and mine["count"] == 1
        and mine["results"][0]["code"] == code
    )


def test_detach_removes_the_file_from_the_draft_but_keeps_the_document(client, ready_draft, setup):
    auth = bearer(setup["citizen"])
    attached = ready_draft.files.first()

    response = client.delete(f"{API}/dossiers/{ready_draft.public_id}/files/{attached.pk}", **auth)
    missing = client.delete(f"{API}/dossiers/{ready_draft.public_id}/files/{attached.pk}", **auth)

    assert response.status_code == 204 and missing.status_code == 404
    assert ready_draft.files.count() == 1 and StoredDocument.objects.filter(pk=attached.document_id).exists()


def test_create_refuses_an_unknown_offering(client, setup):
    response = client.post(
        f"{API}/dossiers", {"offering_id": 999999}, content_type=JSON, **bearer(setup["citizen"])
    )

    assert response.status_code == 422 and response.json()["field"] == "offering_id"
    assert not Dossier.objects.exists()


def test_bad_draft_data_and_bad_upload_are_422_and_change_nothing(client, setup):
    auth = bearer(setup["citizen"])
    dossier = services.dossier_create_draft(applicant=setup["citizen"], offering=setup["offering"])
    component = services.components_for(dossier)[0]
    url = f"{API}/dossiers/{dossier.public_id}"
    before = snapshot(dossier)
    documents_before = StoredDocument.objects.count()

    phone = client.patch(
        url, {"applicant_phone": "+1 415 555 0100", "owner_name": "B"}, content_type=JSON, **auth
    )
    post = client.patch(url, {"result_delivery": "post", "delivery_address": " "}, content_type=JSON, **auth)
    exe = client.post(
        f"{url}/files",
        {"component_id": component.pk, "file": pdf(name="to-khai.pdf", content=b"MZ" + b"\x00" * 64)},
        **auth,
    )
    foreign = client.post(
        f"{url}/files", {"component_id": 999999, "file": pdf()}, **auth
    )  # not a component of this procedure

    assert phone.status_code == 422 and set(phone.json()["errors"]) == {"applicant_phone"}
    assert post.status_code == 422 and "delivery_address" in post.json()["errors"]
    assert exe.status_code == 422 and exe.json()["field"] == f"file_{component.pk}"
    assert foreign.status_code == 422 and foreign.json()["field"] == "component_id"
    assert snapshot(dossier) == before and dossier.owner_name == "Nguyễn Văn An"
    assert StoredDocument.objects.count() == documents_before


def test_incomplete_draft_cannot_be_submitted(client, setup):
    auth = bearer(setup["citizen"])
    dossier = services.dossier_create_draft(applicant=setup["citizen"], offering=setup["offering"])
    before = snapshot(dossier)

    response = client.post(f"{API}/dossiers/{dossier.public_id}/submit", **auth)

    assert response.status_code == 422 and "Còn thiếu giấy tờ" in response.json()["detail"]
    assert response.json()["field"].startswith("file_") and snapshot(dossier) == before


def test_another_citizens_dossier_is_404_and_nothing_changes(client, ready_draft, setup):
    auth = bearer(setup["stranger"])
    url = f"{API}/dossiers/{ready_draft.public_id}"
    component = services.components_for(ready_draft)[2]
    before = snapshot(ready_draft)

    responses = [
        client.get(url, **auth),
        client.patch(url, {"applicant_phone": "0987654321"}, content_type=JSON, **auth),
        client.post(f"{url}/submit", **auth),
        client.post(f"{url}/files", {"component_id": component.pk, "file": pdf()}, **auth),
        client.delete(f"{url}/files/{ready_draft.files.first().pk}", **auth),
        client.get(f"{url}/forms/mau-01.pdf", **auth),
    ]

    assert [r.status_code for r in responses] == [404] * 6
    assert responses[0].json() == {"detail": "Không tìm thấy hồ sơ."}
    assert snapshot(ready_draft) == before
    assert client.get(f"{API}/dossiers", **auth).json()["count"] == 0


def test_unauthenticated_calls_are_401(client, ready_draft):
    url = f"{API}/dossiers/{ready_draft.public_id}"
    before = snapshot(ready_draft)

    responses = [
        client.get(f"{API}/dossiers"),
        client.get(url),
        client.post(f"{url}/submit"),
        client.get(f"{API}/reception/queue"),
        client.post(f"{API}/reception/{ready_draft.public_id}/accept"),
        client.get(url, HTTP_AUTHORIZATION="Bearer not-a-token"),
    ]

    assert [r.status_code for r in responses] == [401] * 6
    assert snapshot(ready_draft) == before


def test_receptionist_accepts_and_the_due_date_is_set(staff, ready_draft, setup):
    dossier = submitted(ready_draft, setup)

    queue = staff.get(f"{API}/reception/queue").json()
    response = staff.post(
        f"{API}/reception/{dossier.public_id}/accept", {"expected_status": "submitted"}, content_type=JSON
    )

    dossier.refresh_from_db()
    assert [item["code"] for item in queue["results"]] == [dossier.code]
    assert response.status_code == 200 and response.json()["status"]["value"] == "accepted"
    assert dossier.status == Status.ACCEPTED and dossier.due_at is not None
    assert response.json()["due_at"] is not None and dossier.received_by == setup["receptionist"]


def test_accepting_twice_or_a_stale_status_is_409(staff, ready_draft, setup):
    dossier = submitted(ready_draft, setup)
    url = f"{API}/reception/{dossier.public_id}/accept"
    staff.post(url)
    before = snapshot(dossier)

    again = staff.post(url)
    stale = staff.post(url, {"expected_status": "submitted"}, content_type=JSON)

    assert again.status_code == stale.status_code == 409
    assert again.json()["code"] == "illegal" and "Tiếp nhận" in again.json()["detail"]
    assert stale.json()["code"] == "stale"
    assert snapshot(dossier) == before


def test_staff_with_a_bearer_token_may_act(client, ready_draft, setup):
    dossier = submitted(ready_draft, setup)

    response = client.post(f"{API}/reception/{dossier.public_id}/accept", **bearer(setup["receptionist"]))

    assert response.status_code == 200 and response.json()["status"]["value"] == "accepted"


def test_staff_of_another_agency_get_404_and_nothing_changes(ready_draft, setup):
    dossier = submitted(ready_draft, setup)
    outsider = login_with_second_factor(Client(), setup["outsider"])
    before = snapshot(dossier)

    responses = [
        outsider.post(f"{API}/reception/{dossier.public_id}/accept"),
        outsider.post(f"{API}/reception/{dossier.public_id}/refuse", {"reasons": ["X"]}, content_type=JSON),
        outsider.get(f"{API}/dossiers/{dossier.public_id}"),
    ]

    assert [r.status_code for r in responses] == [404] * 3
    assert outsider.get(f"{API}/reception/queue").json()["count"] == 0
    assert snapshot(dossier) == before


def test_reception_needs_the_second_factor_and_a_receptionist(ready_draft, setup):
    dossier = submitted(ready_draft, setup)
    password_only = Client()
    password_only.force_login(setup["receptionist"])
    citizen = Client()
    before = snapshot(dossier)

    responses = [
        password_only.post(f"{API}/reception/{dossier.public_id}/accept"),
        password_only.get(f"{API}/reception/queue"),
        citizen.post(f"{API}/reception/{dossier.public_id}/accept", **bearer(setup["citizen"])),
    ]

    assert [r.status_code for r in responses] == [403] * 3
    assert snapshot(dossier) == before


def test_supplement_request_then_citizen_supplement_then_complete(client, staff, ready_draft, setup):
    dossier = submitted(ready_draft, setup)
    auth = bearer(setup["citizen"])
    component = services.components_for(dossier)[2]
    base = f"{API}/reception/{dossier.public_id}"

    no_items = staff.post(f"{base}/supplement-request", {"items": [], "deadline_days": 5}, content_type=JSON)
    assert no_items.status_code == 422 and no_items.json()["field"] == "items"
    assert snapshot(dossier)[0] == Status.SUBMITTED

    requested = staff.post(
        f"{base}/supplement-request",
        {
            "items": [{"name": "Văn bản ủy quyền", "reason": "Người nộp không phải cha mẹ"}],
            "deadline_days": 5,
        },
        content_type=JSON,
    )
    assert requested.status_code == 200 and requested.json()["status"]["national_code"] == 5
    citizen_view = client.get(f"{API}/dossiers/{dossier.public_id}", **auth).json()
    assert citizen_view["supplements"][0]["items"][0]["name"] == "Văn bản ủy quyền"
    assert "mau-02" in citizen_view["forms"] and "send_supplement" in {
        a["action"] for a in citizen_view["next_actions"]
    }
    mau_02 = client.get(f"{API}/dossiers/{dossier.public_id}/forms/mau-02.pdf", **auth)
    assert mau_02.status_code == 200 and mau_02.content.startswith(b"%PDF")

    before = snapshot(dossier)
    wrong = client.post(
        f"{API}/dossiers/{dossier.public_id}/supplement", {"note": "x", "file_999999": pdf()}, **auth
    )
    assert wrong.status_code == 422 and snapshot(dossier) == before

    sent = client.post(
        f"{API}/dossiers/{dossier.public_id}/supplement",
        {"note": "Gửi văn bản ủy quyền", f"file_{component.pk}": pdf(content=PDF + b"uy-quyen")},
        **auth,
    )
    assert sent.status_code == 200 and sent.json()["supplement_state"] == "citizen_sent"
    assert [f["supplement_id"] for f in sent.json()["files"]].count(None) == 2

    completed = staff.post(f"{base}/complete-supplement")
    dossier.refresh_from_db()
    assert completed.status_code == 200 and dossier.status == Status.ACCEPTED
    assert dossier.due_at is not None and dossier.supplements.get().completed_at is not None

    again = staff.post(f"{base}/complete-supplement")
    assert again.status_code == 409


def test_refusal_needs_reasons_and_mau_03_follows(client, staff, ready_draft, setup):
    dossier = submitted(ready_draft, setup)
    url = f"{API}/reception/{dossier.public_id}/refuse"
    auth = bearer(setup["citizen"])
    before = snapshot(dossier)

    empty = staff.post(url, {"reasons": ["  "]}, content_type=JSON)
    missing = staff.post(url, {}, content_type=JSON)
    assert empty.status_code == missing.status_code == 422
    assert empty.json() == {"detail": "Hãy ghi rõ lý do từ chối.", "field": "reasons"}
    assert snapshot(dossier) == before

    refused = staff.post(url, {"reasons": ["Không thuộc thẩm quyền", "Thiếu chữ ký"]}, content_type=JSON)
    form_03 = client.get(f"{API}/dossiers/{dossier.public_id}/forms/mau-03.pdf", **auth)
    form_01 = client.get(f"{API}/dossiers/{dossier.public_id}/forms/mau-01.pdf", **auth)
    unknown = client.get(f"{API}/dossiers/{dossier.public_id}/forms/mau-99.pdf", **auth)

    dossier.refresh_from_db()
    assert refused.status_code == 200 and refused.json()["status"]["value"] == "refused"
    assert dossier.status == Status.REFUSED
    assert dossier.refusal_reasons == ["Không thuộc thẩm quyền", "Thiếu chữ ký"]
    assert form_03.status_code == 200 and form_03["Content-Type"] == "application/pdf"
    assert form_03.content.startswith(b"%PDF")
    assert form_01.status_code == unknown.status_code == 404


def test_tracking_answers_the_right_pair_and_one_message_for_any_wrong_one(client, ready_draft, setup):
    dossier = submitted(ready_draft, setup)
    url = f"{API}/tracking"

    found = client.post(url, {"code": dossier.code, "proof": "038090012345"}, content_type=JSON)
    by_secret = client.post(url, {"code": dossier.code, "proof": dossier.tracking_secret}, content_type=JSON)
    wrong_id = client.post(url, {"code": dossier.code, "proof": "001099012345"}, content_type=JSON)
    wrong_code = client.post(
        url, {"code": "000.00.31.H56-000000-0000", "proof": "038090012345"}, content_type=JSON
    )
    draft = services.dossier_create_draft(applicant=setup["citizen"], offering=setup["offering"])
    no_code = client.post(url, {"code": "", "proof": draft.tracking_secret}, content_type=JSON)

    body = found.json()
    assert found.status_code == by_secret.status_code == 200
    assert body["status"] == {"value": "submitted", "label": "Mới đăng ký", "national_code": 1}
    assert body["owner"] == "N*** V*** An" and "Nguyễn Văn An" not in found.content.decode()
    assert body["procedure"] == "Thủ tục đăng ký khai sinh" and body["agency"] == "UBND phường Hạc Thành"
    assert [set(event) for event in body["timeline"]] == [{"at", "label"}]
    assert body["timeline"][0]["label"] == "Nộp hồ sơ" and body["code"] == dossier.code
    assert wrong_id.status_code == wrong_code.status_code == no_code.status_code == 404
    assert wrong_id.json() == wrong_code.json() == no_code.json()
    assert TrackOut.model_validate(body).code == dossier.code  # the documented shape


def test_tracking_answers_from_the_cache_and_sees_every_change(
    client, ready_draft, setup, django_assert_num_queries, django_capture_on_commit_callbacks
):
    dossier = submitted(ready_draft, setup)
    url = f"{API}/tracking"
    ask = {"code": dossier.code, "proof": dossier.tracking_secret}
    client.post(url, ask, content_type=JSON)

    # each lookup counts itself against the per-address limit (one upsert: core.ratelimit); nothing else
    with django_assert_num_queries(2):  # the same dossier again, and a wrong proof for it
        again = client.post(url, ask, content_type=JSON)
        wrong = client.post(url, {**ask, "proof": "001099012345"}, content_type=JSON)
    with django_assert_num_queries(2 + 2):  # an unknown code once (dossier row + nothing else) ...
        client.post(url, {"code": "000.00.31.H56-000000-0001", "proof": "X"}, content_type=JSON)
        client.post(url, {"code": "000.00.31.H56-000000-0002", "proof": "X"}, content_type=JSON)
    with django_assert_num_queries(1):  # ... then not again
        client.post(url, {"code": "000.00.31.H56-000000-0001", "proof": "Y"}, content_type=JSON)
    with django_capture_on_commit_callbacks(execute=True):
        reception.dossier_accept(dossier_id=dossier.pk, officer=setup["receptionist"])
    after = client.post(url, ask, content_type=JSON).json()

    assert again.json()["status"]["value"] == "submitted" and wrong.status_code == 404
    assert after["status"]["value"] == "accepted" and after["due_at"] is not None
    assert [event["label"] for event in after["timeline"]] == ["Nộp hồ sơ", "Tiếp nhận"]


def test_tracking_is_rate_limited_per_ip(client, ready_draft, setup, settings):
    dossier = submitted(ready_draft, setup)
    settings.DVC_TRACKING_PER_IP_MINUTE = 3
    for _ in range(3):
        client.post(f"{API}/tracking", {"code": "X", "proof": "Y"}, content_type=JSON)

    limited = client.post(
        f"{API}/tracking", {"code": dossier.code, "proof": "038090012345"}, content_type=JSON
    )
    elsewhere = client.post(
        f"{API}/tracking",
        {"code": dossier.code, "proof": "038090012345"},
        content_type=JSON,
        REMOTE_ADDR="10.0.0.9",
    )

    assert limited.status_code == 429 and "detail" in limited.json()
    assert elsewhere.status_code == 200


def test_openapi_documents_every_dossier_path_and_its_errors(client):
    schema = client.get(f"{API}/openapi.json").json()
    paths = schema["paths"]

    expected = {
        ("post", f"{API}/dossiers"): {"201", "401", "422"},
        ("get", f"{API}/dossiers"): {"200", "401"},
        ("get", f"{API}/dossiers/{{public_id}}"): {"200", "401", "404"},
        ("patch", f"{API}/dossiers/{{public_id}}"): {"200", "401", "404", "422"},
        ("post", f"{API}/dossiers/{{public_id}}/files"): {"201", "401", "404", "422"},
        ("delete", f"{API}/dossiers/{{public_id}}/files/{{file_id}}"): {"204", "401", "404", "422"},
        ("post", f"{API}/dossiers/{{public_id}}/submit"): {"200", "401", "404", "409", "422"},
        ("post", f"{API}/dossiers/{{public_id}}/supplement"): {"200", "401", "404", "409", "422"},
        ("get", f"{API}/dossiers/{{public_id}}/forms/{{form_name}}.pdf"): {"200", "401", "404"},
        ("get", f"{API}/reception/queue"): {"200", "401", "403"},
        ("post", f"{API}/reception/{{public_id}}/accept"): {"200", "401", "403", "404", "409"},
        ("post", f"{API}/reception/{{public_id}}/supplement-request"): {"200", "403", "404", "409", "422"},
        ("post", f"{API}/reception/{{public_id}}/complete-supplement"): {"200", "403", "404", "409"},
        ("post", f"{API}/reception/{{public_id}}/refuse"): {"200", "403", "404", "409", "422"},
        ("post", f"{API}/tracking"): {"200", "404", "429"},
    }
    for (method, route), codes in expected.items():
        assert codes <= set(paths[route][method]["responses"]), (method, route)
    assert (
        "multipart/form-data"
        in paths[f"{API}/dossiers/{{public_id}}/files"]["post"]["requestBody"]["content"]
    )
    assert "security" not in paths[f"{API}/tracking"]["post"]
    assert "security" in paths[f"{API}/dossiers"]["get"]

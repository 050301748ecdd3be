"""The one-request submission (POST /api/v1/submissions), e-form answers over the API, and the kinds of file
each component accepts."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dichvucong.accounts.services import api_token_create
from dichvucong.catalogue.models import Component
from dichvucong.documents.models import StoredDocument
from dichvucong.documents.services import document_store
from dichvucong.documents.testing import minimal_png_bytes
from dichvucong.dossiers import services
from dichvucong.dossiers.models import Dossier, DossierFile, Status
from dichvucong.dossiers.tests.conftest import PDF, pdf
from dichvucong.notifications.models import Message

pytestmark = pytest.mark.django_db

URL = "/api/v1/submissions"
PNG = minimal_png_bytes()


def bearer(user) -> dict:
    _token, key = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def components(setup) -> list[Component]:
    return list(setup["procedure"].current_version.components.order_by("position", "id"))


def body(setup, **extra) -> dict:
    form, birth, _proxy = components(setup)
    return {
        "offering_id": setup["offering"].pk,
        f"file_{form.pk}": pdf("to-khai.pdf", PDF + b"to khai"),
        f"file_{birth.pk}": pdf("chung-sinh.pdf", PDF + b"chung sinh"),
        **extra,
    }


def test_one_request_makes_a_submitted_dossier_from_the_profile(client, setup, django_assert_max_num_queries):
    auth = bearer(setup["citizen"])

    with django_assert_max_num_queries(40):
        response = client.post(URL, body(setup, request="Đăng ký khai sinh cho con"), **auth)

    answer = response.json()
    dossier = Dossier.objects.get(public_id=answer["id"])
    assert response.status_code == 201 and answer["code"] == dossier.code
    assert answer["status"] == {"value": "submitted", "label": "Mới đăng ký", "national_code": 1}
    assert answer["tracking_secret"] == dossier.tracking_secret
    assert dossier.status == Status.SUBMITTED and dossier.applicant_name == "Nguyễn Văn An"
    assert dossier.applicant_phone == "+84912345678" and dossier.owner_id_number == "038090012345"
    assert dossier.form_data["request"] == "Đăng ký khai sinh cho con"
    assert DossierFile.objects.filter(dossier=dossier).count() == 2
    assert [e.action for e in dossier.events.all()] == ["submit"]
    assert Message.objects.filter(event="dossier.submitted", user=setup["citizen"]).exists()


def test_the_same_idempotency_key_returns_the_same_dossier(client, setup):
    auth = {**bearer(setup["citizen"]), "HTTP_IDEMPOTENCY_KEY": "7b1f0c5e-nop-lan-1"}

    first = client.post(URL, body(setup), **auth)
    again = client.post(URL, body(setup), **auth)

    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"] and first.json()["code"] == again.json()["code"]
    assert Dossier.objects.filter(applicant=setup["citizen"]).count() == 1


def test_everything_missing_is_reported_at_once_and_nothing_is_made(client, setup):
    form, _birth, _proxy = components(setup)
    sent = {"offering_id": setup["offering"].pk, "applicant_phone": "", f"file_{form.pk}": pdf()}

    response = client.post(URL, sent, **bearer(setup["citizen"]))

    errors = response.json()["errors"]
    assert response.status_code == 422
    assert "applicant_phone" in errors
    assert Dossier.objects.count() == 0 and DossierFile.objects.count() == 0


def test_missing_component_lists_it_by_name(client, setup):
    form, birth, _proxy = components(setup)

    response = client.post(
        URL, {"offering_id": setup["offering"].pk, f"file_{form.pk}": pdf()}, **bearer(setup["citizen"])
    )

    assert response.status_code == 422
    assert response.json()["errors"][f"file_{birth.pk}"] == ["Còn thiếu giấy tờ: Giấy chứng sinh"]
    assert Dossier.objects.count() == 0


def test_an_exe_renamed_pdf_is_refused_and_no_dossier_is_made(client, setup, settings):
    form, birth, _proxy = components(setup)
    fake = SimpleUploadedFile("chung-sinh.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")

    response = client.post(
        URL,
        {"offering_id": setup["offering"].pk, f"file_{form.pk}": pdf(), f"file_{birth.pk}": fake},
        **bearer(setup["citizen"]),
    )

    assert response.status_code == 422
    assert list(response.json()["errors"]) == [f"file_{birth.pk}"]
    assert Dossier.objects.count() == 0 and DossierFile.objects.count() == 0
    # The good file was written, then removed with its row when the submission was refused: no orphans.
    assert StoredDocument.objects.count() == 0
    assert [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()] == []


def test_unknown_component_and_someone_elses_document_are_refused(client, setup):
    theirs, _created = document_store(owner=setup["stranger"], upload=pdf(content=PDF + b"x"), title="Của họ")
    form, birth, _proxy = components(setup)

    response = client.post(
        URL,
        {
            "offering_id": setup["offering"].pk,
            f"file_{form.pk}": pdf(),
            f"doc_{birth.pk}": str(theirs.public_id),
            "file_999999": pdf(content=PDF + b"y"),
        },
        **bearer(setup["citizen"]),
    )

    errors = response.json()["errors"]
    assert response.status_code == 422 and set(errors) == {f"doc_{birth.pk}", "file_999999"}
    assert Dossier.objects.count() == 0


def test_a_document_from_the_store_is_reused(client, setup):
    mine, _created = document_store(
        owner=setup["citizen"], upload=pdf(content=PDF + b"cs"), title="Chứng sinh"
    )
    form, birth, _proxy = components(setup)

    response = client.post(
        URL,
        {
            "offering_id": setup["offering"].pk,
            f"file_{form.pk}": pdf(),
            f"doc_{birth.pk}": str(mine.public_id),
        },
        **bearer(setup["citizen"]),
    )

    reused = DossierFile.objects.get(dossier__public_id=response.json()["id"], component=birth)
    assert response.status_code == 201 and reused.document == mine and reused.reused


def test_anonymous_callers_are_refused(client, setup):
    response = client.post(URL, body(setup))

    assert response.status_code == 401 and Dossier.objects.count() == 0


def test_a_component_that_asks_for_a_photo_refuses_a_pdf(setup):
    form, birth, _proxy = components(setup)
    Component.objects.filter(pk=birth.pk).update(file_types=["jpeg", "png"])
    birth.refresh_from_db()
    draft = services.dossier_create_draft(applicant=setup["citizen"], offering=setup["offering"])

    with pytest.raises(services.DossierError) as refused:
        services.dossier_attach(dossier=draft, applicant=setup["citizen"], component=birth, upload=pdf())
    photo = services.dossier_attach(
        dossier=draft,
        applicant=setup["citizen"],
        component=birth,
        upload=SimpleUploadedFile("anh.png", PNG, content_type="image/png"),
    )

    assert refused.value.field == f"file_{birth.pk}"
    assert photo.document.content_type == "image/png"
    assert DossierFile.objects.filter(dossier=draft).count() == 1
    assert services.component_file_types(form) == services.DEFAULT_COMPONENT_TYPES


def test_e_form_answers_are_checked_over_the_api(client, setup):
    version = setup["procedure"].current_version
    version.form_schema = [
        {"name": "child_name", "label": "Họ tên người được khai sinh", "required": True},
        {"name": "birth_date", "label": "Ngày sinh", "type": "date", "required": True},
    ]
    version.save()
    auth = bearer(setup["citizen"])
    draft = client.post("/api/v1/dossiers", {"offering_id": setup["offering"].pk}, "application/json", **auth)
    url = f"/api/v1/dossiers/{draft.json()['id']}"

    bad = client.patch(
        url, {"fields": {"child_name": "Nguyễn Bình", "birth_date": "31/02/2026"}}, "application/json", **auth
    )
    good = client.patch(
        url, {"fields": {"child_name": "Nguyễn Bình", "birth_date": "03/11/2026"}}, "application/json", **auth
    )

    dossier = Dossier.objects.get(public_id=draft.json()["id"])
    assert bad.status_code == 422 and "f_birth_date" in bad.json()["errors"]
    assert good.status_code == 200
    assert dossier.form_data["fields"] == {"child_name": "Nguyễn Bình", "birth_date": "03/11/2026"}
    assert not [m for m in good.json()["missing"] if m["field"].startswith("f_")]
    assert StoredDocument.objects.count() == 0


def test_home_pickup_orders_the_post_office_once_submitted(client, setup, django_capture_on_commit_callbacks):
    from dichvucong.delivery.models import Shipment

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            URL,
            body(setup, home_pickup="on", applicant_address="12 Lê Lợi, Hạc Thành"),
            **bearer(setup["citizen"]),
        )
    without_address = client.post(URL, body(setup, home_pickup="on"), **bearer(setup["citizen"]))

    assert without_address.json()["errors"] == {
        "pickup_address": ["Hãy nhập địa chỉ để bưu điện đến nhận hồ sơ giấy tại nhà."]
    }
    shipment = Shipment.objects.get(dossier__public_id=response.json()["id"])
    assert response.status_code == 201 and shipment.kind == "pickup"


def test_the_second_file_over_the_quota_refuses_the_whole_submission_and_keeps_nothing(
    client, setup, settings
):
    """Both files are stored in one step (issue 15); the one that does not fit is named, and neither the
    first file nor any row is kept."""
    form, birth, _proxy = components(setup)
    sent = body(setup)
    settings.DVC_UPLOAD_QUOTA_BYTES = len(PDF + b"to khai") + 5

    response = client.post(URL, sent, **bearer(setup["citizen"]))

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert (
        list(errors) == [f"file_{birth.pk}"]
        and "Kho giấy tờ của bạn đã dùng" in errors[f"file_{birth.pk}"][0]
    )
    assert not Dossier.objects.exists() and not StoredDocument.objects.exists()
    assert not [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]

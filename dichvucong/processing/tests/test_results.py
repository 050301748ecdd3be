"""The draft result (dự thảo → ký duyệt → văn thư), Vào số (number and signing date) and the citizen's result
page for each way of returning the result."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dichvucong.documents.models import StoredDocument
from dichvucong.dossiers.models import Dossier, Status
from dichvucong.dossiers.tracking import tracking_card
from dichvucong.dossiers.workflow import TransitionRefused
from dichvucong.processing import drafts, services
from dichvucong.processing import results as result_services
from dichvucong.processing.models import DossierResult, DraftResult, DraftState, Track
from dichvucong.processing.tests.conftest import PDF, accepted_dossier
from dichvucong.processing.tests.test_api import API, bearer
from dichvucong.processing.tests.test_services import snapshot, walk_to
from dichvucong.processing.tests.test_views import as_user, detail_url, post

DRAFT = PDF + b"du thao giay khai sinh"


def draft_file(content=DRAFT, name="du-thao.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def state(dossier) -> tuple:
    """A snapshot including the drafts and every stored file."""
    return (
        snapshot(dossier),
        tuple(DraftResult.objects.filter(dossier=dossier).values_list("pk", "state")),
        StoredDocument.objects.count(),
    )


def today() -> str:
    return timezone.localdate().strftime("%d/%m/%Y")


# --- the draft ----------------------------------------------------------------------------------


def test_specialist_drafts_leader_signs_clerk_issues_the_signed_draft(pdata):
    data = pdata
    dossier = accepted_dossier(data, delivery="online")
    walk_to(data, dossier, 1)

    specialist = as_user(data["chuyenvien.a"])
    page = specialist.get(detail_url(dossier)).content.decode()
    assert "Đính kèm dự thảo kết quả để lãnh đạo ký duyệt" in page
    page = specialist.post(
        detail_url(dossier),
        {
            "action": "draft",
            "position": 1,
            "result": "KQ.G15.000031|Giấy khai sinh (bản chính)",
            "file": io.BytesIO(DRAFT),
            "note": "Đã đối chiếu sổ hộ tịch",
        },
        follow=True,
    ).content.decode()
    assert "Đã đính kèm dự thảo kết quả" in page and "Chờ ký duyệt" in page
    draft = DraftResult.objects.get(dossier=dossier)
    assert (draft.state, draft.drafted_by, draft.result_code) == (
        DraftState.PENDING,
        data["chuyenvien.a"],
        "KQ.G15.000031",
    )
    post(specialist, dossier, action="forward", position=1, to_user="", note="")
    post(as_user(data["truongphong.a"]), dossier, action="forward", position=2, to_user="", note="")

    leader = as_user(data["lanhdao.a"])
    page = leader.get(detail_url(dossier)).content.decode()
    download = reverse("processing:draft", args=[dossier.public_id, draft.pk])
    assert download in page and "Ký duyệt và chuyển tiếp" in page
    response = leader.get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content) == DRAFT
    post(leader, dossier, action="forward", position=3, to_user="", note="Đồng ý")
    draft.refresh_from_db()
    assert (draft.state, draft.decided_by, draft.decision_note) == (
        DraftState.SIGNED,
        data["lanhdao.a"],
        "Đồng ý",
    )

    clerk = as_user(data["vanthu.a"])
    page = clerk.get(detail_url(dossier)).content.decode()
    assert "Đã ký duyệt" in page and "Để trống để ban hành bản dự thảo" in page
    page = clerk.post(  # no file: the signed draft is the result
        detail_url(dossier),
        {
            "action": "issue",
            "position": 4,
            "result": "KQ.G15.000031|Giấy khai sinh (bản chính)",
            "number": "25/gcn-ubnd",
            "signed_on": today(),
        },
        follow=True,
    ).content.decode()
    assert "Đã xử lý xong" in page
    result = DossierResult.objects.get(dossier=dossier)
    assert result.document.owner == data["citizen"]  # online: a copy in the citizen's store
    with result.document.file.open("rb") as handle:
        assert handle.read() == DRAFT
    assert (result.number, result.signed_on) == ("25/GCN-UBND", timezone.localdate())
    assert "25/GCN-UBND" in page


def test_the_leader_sends_the_draft_back_and_the_specialist_replaces_it(pdata, accepted):
    data, dossier = pdata, accepted
    walk_to(data, dossier, 1)
    first = drafts.draft_result_attach(
        dossier_id=dossier.pk, officer=data["chuyenvien.a"], upload=draft_file(), name="Giấy khai sinh"
    )
    services.processing_forward(dossier_id=dossier.pk, officer=data["chuyenvien.a"])
    services.processing_send_back(
        dossier_id=dossier.pk, officer=data["truongphong.a"], note="Sai ngày sinh trong dự thảo"
    )
    first.refresh_from_db()
    assert first.state == DraftState.RETURNED and first.decision_note == "Sai ngày sinh trong dự thảo"

    second = drafts.draft_result_attach(
        dossier_id=dossier.pk,
        officer=data["chuyenvien.a"],
        upload=draft_file(PDF + b"ban sua"),
        name="Giấy khai sinh",
    )
    assert second.state == DraftState.PENDING and second.pk != first.pk
    assert drafts.current_draft(DraftResult.objects.filter(dossier=dossier)) == second


def test_draft_refusals_change_nothing(pdata, accepted):
    data, dossier = pdata, accepted
    walk_to(data, dossier, 1)
    before = state(dossier)

    with pytest.raises(TransitionRefused):  # another agency's specialist
        drafts.draft_result_attach(
            dossier_id=dossier.pk, officer=data["foreign_specialist"], upload=draft_file(), name="KQ"
        )
    with pytest.raises(TransitionRefused):  # the citizen
        drafts.draft_result_attach(
            dossier_id=dossier.pk, officer=data["citizen"], upload=draft_file(), name="KQ"
        )
    fake = SimpleUploadedFile("du-thao.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(services.ProcessingError) as bad:  # checked like every upload
        drafts.draft_result_attach(
            dossier_id=dossier.pk, officer=data["chuyenvien.a"], upload=fake, name="KQ"
        )
    assert bad.value.field == "file"
    assert state(dossier) == before

    services.processing_forward(dossier_id=dossier.pk, officer=data["chuyenvien.a"])
    before = state(dossier)
    for officer in (data["truongphong.a"], data["chuyenvien.a"]):  # wrong step / no longer holding it
        with pytest.raises(TransitionRefused):
            drafts.draft_result_attach(dossier_id=dossier.pk, officer=officer, upload=draft_file(), name="KQ")
    assert state(dossier) == before


def test_draft_pages_and_api_refuse_other_agencies_and_citizens(client, pdata, accepted):
    data, dossier = pdata, accepted
    walk_to(data, dossier, 1)
    draft = drafts.draft_result_attach(
        dossier_id=dossier.pk, officer=data["chuyenvien.a"], upload=draft_file(), name="Giấy khai sinh"
    )
    before = state(dossier)
    download = reverse("processing:draft", args=[dossier.public_id, draft.pk])
    foreign = as_user(data["foreign_specialist"])
    assert foreign.get(download).status_code == 404
    assert post(foreign, dossier, action="draft", position=1).status_code == 404
    citizen = Client()
    citizen.force_login(data["citizen"])
    assert citizen.get(download).status_code in (302, 403, 404)
    assert b"%PDF" not in citizen.get(download, follow=True).content

    url = f"{API}/dossiers/{dossier.public_id}"
    response = client.post(
        f"{url}/draft-result",
        {"file": draft_file(PDF + b"x"), "name": "KQ"},
        **bearer(data["foreign_specialist"]),
    )
    assert response.status_code == 404
    response = client.get(f"{url}/draft-results/{draft.pk}/file", **bearer(data["foreign_specialist"]))
    assert response.status_code == 404
    response = client.post(
        f"{url}/draft-result", {"file": draft_file(PDF + b"y"), "name": "KQ"}, **bearer(data["truongphong.a"])
    )
    assert response.status_code == 409 and response.json()["code"] == "not_assigned"
    assert state(dossier) == before


def test_draft_over_the_api_then_signed(client, pdata, accepted):
    data, dossier = pdata, accepted
    walk_to(data, dossier, 1)
    url = f"{API}/dossiers/{dossier.public_id}"
    response = client.post(
        f"{url}/draft-result",
        {
            "file": draft_file(),
            "name": "Giấy khai sinh",
            "result_code": "KQ.G15.000031",
            "expected_position": 1,
        },
        **bearer(data["chuyenvien.a"]),
    )
    assert response.status_code == 200, response.json()
    [draft] = response.json()["draft_results"]
    assert draft["state"] == "pending"
    services.processing_forward(dossier_id=dossier.pk, officer=data["chuyenvien.a"])
    services.processing_forward(dossier_id=dossier.pk, officer=data["truongphong.a"])
    response = client.get(f"{url}/draft-results/{draft['id']}/file", **bearer(data["lanhdao.a"]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == DRAFT
    response = client.post(
        f"{url}/forward", {"note": "Ký"}, content_type="application/json", **bearer(data["lanhdao.a"])
    )
    assert response.json()["draft_results"][0]["state"] == "signed"
    response = client.post(  # the clerk numbers and issues the signed draft (no file)
        f"{url}/result",
        {"name": "Giấy khai sinh", "number": "40/GCN-UBND", "signed_on": timezone.localdate().isoformat()},
        **bearer(data["vanthu.a"]),
    )
    assert response.status_code == 200, response.json()
    assert (
        response.json()["status"] == Status.RESOLVED
        and response.json()["results"][0]["number"] == "40/GCN-UBND"
    )


# --- Vào số -------------------------------------------------------------------------------------


def issue(data, dossier, **changes):
    values = {"number": "30/GCN-UBND", "signed_on": timezone.localdate(), "upload": draft_file(PDF + b"kq")}
    values.update(changes)
    return result_services.processing_issue_result(
        dossier_id=dossier.pk,
        officer=data["vanthu.a"],
        results=[result_services.ResultInput(name="Giấy khai sinh", result_code="KQ.G15.000031", **values)],
    )


def test_result_number_and_date_are_checked_and_nothing_changes(pdata):
    data = pdata
    first = accepted_dossier(data, tag="1")
    walk_to(data, first, 4)
    issue(data, first, number="30/GCN-UBND")
    dossier = accepted_dossier(data, tag="2")
    walk_to(data, dossier, 4)
    before = state(dossier)
    received = timezone.localtime(Dossier.objects.get(pk=dossier.pk).received_at).date()
    cases = [
        ({"number": "  "}, "number", "Hãy nhập số, ký hiệu"),
        ({"signed_on": None}, "signed_on", "Hãy nhập ngày ký"),
        ({"signed_on": timezone.localdate() + datetime.timedelta(days=1)}, "signed_on", "không được sau"),
        ({"signed_on": received - datetime.timedelta(days=1)}, "signed_on", "trước ngày tiếp nhận"),
        ({"number": "30/gcn-ubnd "}, "number", "đã được vào sổ"),  # same agency, same year
        ({"upload": None}, "file", "chưa có dự thảo"),
    ]
    for changes, field, message in cases:
        with pytest.raises(services.ProcessingError) as refused:
            issue(data, dossier, **changes)
        assert refused.value.field == field and message in refused.value.message, changes
        assert state(dossier) == before


def test_the_number_shows_on_the_result_tracking_and_api(client, pdata, accepted):
    data, dossier = pdata, accepted
    walk_to(data, dossier, 4)
    signed = timezone.localdate()
    issue(data, dossier, number="31/GCN-UBND", signed_on=signed)
    dossier.refresh_from_db()

    card = tracking_card(code=dossier.code, proof=dossier.applicant_id_number)
    labels = [event.label for event in card.timeline]
    assert f"Vào số kết quả: số 31/GCN-UBND, ngày ký {signed:%d/%m/%Y}" in labels
    page = as_user(data["vanthu.a"]).get(detail_url(dossier)).content.decode()
    assert "31/GCN-UBND" in page
    citizen = Client()
    citizen.force_login(data["citizen"])
    page = citizen.get(reverse("processing:citizen_results", args=[dossier.public_id])).content.decode()
    assert "31/GCN-UBND" in page and f"{signed:%d/%m/%Y}" in page
    response = client.get(f"{API}/dossiers/{dossier.public_id}", **bearer(data["vanthu.a"]))
    assert response.json()["results"][0]["number"] == "31/GCN-UBND"
    assert response.json()["results"][0]["signed_on"] == signed.isoformat()


def test_issue_page_keeps_what_was_typed_on_a_bad_date(pdata, accepted):
    data, dossier = pdata, accepted
    walk_to(data, dossier, 4)
    before = state(dossier)
    page = as_user(data["vanthu.a"]).post(
        detail_url(dossier),
        {
            "action": "issue",
            "position": 4,
            "result": "KQ.G15.000031|Giấy khai sinh (bản chính)",
            "number": "32/GCN-UBND",
            "signed_on": "31/02/2026",
            "file": io.BytesIO(PDF + b"kq"),
        },
    )
    body = page.content.decode()
    assert page.status_code == 200 and "Không có ngày 31/02/2026" in body
    assert 'value="32/GCN-UBND"' in body and 'value="31/02/2026"' in body
    assert "hãy chọn lại tệp trước khi gửi" in body  # a file input comes back empty: the page says so
    assert state(dossier) == before


@pytest.mark.parametrize("typed_format", ["%d%m%Y", "%d.%m.%Y"])
def test_the_signing_date_is_typed_as_on_a_numeric_keypad(client, pdata, typed_format):
    """ "07122026" and "07.12.2026" (a keypad without "/") are taken, on the page and over the API, as
    everywhere else a date is typed (accounts.dates)."""
    data = pdata
    signed = timezone.localdate()
    typed = signed.strftime(typed_format)
    on_page, over_api = accepted_dossier(data, tag="p"), accepted_dossier(data, tag="a")
    walk_to(data, on_page, 4)
    walk_to(data, over_api, 4)
    page = as_user(data["vanthu.a"]).post(
        detail_url(on_page),
        {
            "action": "issue",
            "position": 4,
            "result": "KQ.G15.000031|Giấy khai sinh (bản chính)",
            "number": "40/GCN-UBND",
            "signed_on": typed,
            "file": io.BytesIO(PDF + b"kq trang"),
        },
    )
    assert page.status_code == 302, page.content.decode()[:3000]
    response = client.post(
        f"{API}/dossiers/{over_api.public_id}/result",
        {"file": draft_file(PDF + b"kq api"), "number": "41/GCN-UBND", "signed_on": typed},
        **bearer(data["vanthu.a"]),
    )
    assert response.status_code == 200, response.content
    for dossier, number in ((on_page, "40/GCN-UBND"), (over_api, "41/GCN-UBND")):
        result = DossierResult.objects.get(dossier=dossier)
        assert (result.number, result.signed_on) == (number, signed)
        assert Dossier.objects.get(pk=dossier.pk).status == Status.RESOLVED


def test_api_issue_refuses_a_future_signing_date(client, pdata, accepted):
    data, dossier = pdata, accepted
    walk_to(data, dossier, 4)
    before = state(dossier)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        f"{API}/dossiers/{dossier.public_id}/result",
        {"file": draft_file(PDF + b"k"), "number": "33/GCN-UBND", "signed_on": tomorrow.strftime("%d/%m/%Y")},
        **bearer(data["vanthu.a"]),
    )
    assert response.status_code == 422 and response.json()["field"] == "signed_on"
    assert state(dossier) == before


# --- the citizen's result page follows the return method ----------------------------------------


def citizen_page(data, dossier) -> str:
    citizen = Client()
    citizen.force_login(data["citizen"])
    return citizen.get(reverse("processing:citizen_results", args=[dossier.public_id])).content.decode()


STORE = "kho giấy tờ của bạn"


def test_a_posted_result_shows_the_shipment_not_the_document_store(pdata, settings):
    from dichvucong.delivery.models import Shipment
    from dichvucong.delivery.services import shipment_create_for_dossier

    settings.DVC_DELIVERY_CARRIER = "demo"
    data = pdata
    dossier = accepted_dossier(data)
    Dossier.objects.filter(pk=dossier.pk).update(
        result_delivery="post", delivery_address="Số 12 phố Lê Lợi, phường Hạc Thành"
    )
    walk_to(data, dossier, 4)
    issue(data, dossier)
    shipment_create_for_dossier(dossier_id=dossier.pk, kind="delivery")
    Shipment.objects.filter(dossier=dossier).update(state="in_transit", waybill="EB123456789VN")

    page = citizen_page(data, dossier)
    assert STORE not in page
    assert "Kết quả được gửi qua bưu chính" in page
    assert "Đang vận chuyển" in page and "EB123456789VN" in page


def test_a_counter_result_says_where_and_when_to_collect_it(pdata, accepted):
    data, dossier = pdata, accepted
    walk_to(data, dossier, 4)
    issue(data, dossier)
    dossier.refresh_from_db()

    page = citizen_page(data, dossier)
    assert STORE not in page
    assert "Nhận kết quả tại Bộ phận một cửa" in page
    office = dossier.intake_agency or dossier.agency
    assert office.name in page and "07:00–11:30" in page and "Mẫu 01" in page

    result_services.processing_return(
        dossier_id=dossier.pk, officer=data["receptionist"], recipient_name="Nguyễn Văn An"
    )
    assert "Kết quả đã được trao cho Nguyễn Văn An" in citizen_page(data, dossier)


def test_an_online_result_is_in_the_document_store(pdata):
    data = pdata
    dossier = accepted_dossier(data, delivery="online")
    walk_to(data, dossier, 4)
    issue(data, dossier)
    page = citizen_page(data, dossier)
    assert STORE in page and "bưu chính" not in page


def test_nothing_about_collection_before_the_result(pdata, accepted):
    data, dossier = pdata, accepted
    walk_to(data, dossier, 2)
    assert Track.objects.get(dossier=dossier).position == 2
    page = citizen_page(data, dossier)
    assert "Hồ sơ chưa có kết quả" in page and "Nhận kết quả tại" not in page
    assert Dossier.objects.get(pk=dossier.pk).status == Status.PROCESSING

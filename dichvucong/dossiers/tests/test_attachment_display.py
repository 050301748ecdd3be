"""What the dossier pages say about attached files and about a stopped dossier (QA walk at 360 px):
each component once with the uploaded file's own name, type and size; a document reused from the store
keeps its file name and is listed under the component it was attached for; a stopped or withdrawn dossier
says why."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import login_with_second_factor
from dichvucong.documents.services import document_store
from dichvucong.documents.testing import minimal_jpeg_bytes
from dichvucong.dossiers import services
from dichvucong.dossiers.tests.conftest import PDF, pdf
from dichvucong.processing import late
from dichvucong.processing.tests.conftest import accepted, pdata  # noqa: F401 (fixtures)
from dichvucong.processing.tests.test_services import walk_to

JPEG = minimal_jpeg_bytes(size=(64, 64))


def _draft_with_named_files(setup):
    dossier = services.dossier_create_draft(applicant=setup["citizen"], offering=setup["offering"])
    first, second = services.components_for(dossier)[:2]
    services.dossier_attach(
        dossier=dossier,
        applicant=setup["citizen"],
        component=first,
        upload=pdf(name="chungsinh.pdf", content=PDF + b"a" * (3046 - len(PDF))),  # 3046 bytes
    )
    # A document already in the store under an earlier dossier's component title, reused for another one.
    stored, _created = document_store(
        owner=setup["citizen"],
        upload=pdf(name="cccd.pdf", content=PDF + b"b" * 500),
        title="Giấy chứng sinh của hồ sơ trước",
        source="dossier",
    )
    services.dossier_attach(dossier=dossier, applicant=setup["citizen"], component=second, document=stored)
    return dossier, first, second


def test_review_lists_each_component_once_with_the_files_own_name_type_and_size(client, setup):
    dossier, first, second = _draft_with_named_files(setup)
    client.force_login(setup["citizen"])
    page = client.get(f"/ho-so/{dossier.public_id}/xem-lai/").content.decode()

    assert page.count(first.name) == 1 and page.count(second.name) == 1
    assert "chungsinh.pdf" in page and "cccd.pdf" in page
    assert "PDF · 3 KB" in page  # 3,04 KB rounds to one decimal: type and size after the name
    assert "Giấy chứng sinh của hồ sơ trước" not in page  # the store's title is not the dossier's listing
    uploaded = dossier.files.get(component=first).document
    assert f"/ca-nhan/giay-to/{uploaded.public_id}/tai-ve/" in page


def test_citizen_and_reception_pages_show_the_component_and_the_reused_files_own_name(client, setup):
    dossier, first, second = _draft_with_named_files(setup)
    dossier = services.dossier_submit(dossier_id=dossier.pk, applicant=setup["citizen"])

    client.force_login(setup["citizen"])
    citizen = client.get(f"/ho-so/{dossier.public_id}/").content.decode()
    login_with_second_factor(client, setup["receptionist"])
    staff = client.get(f"/mot-cua/ho-so/{dossier.public_id}/").content.decode()

    for page in (citizen, staff):
        assert page.count(second.name) == 1  # once, not "name: name"
        assert "cccd.pdf" in page and "chungsinh.pdf" in page
        assert "Giấy chứng sinh của hồ sơ trước" not in page
        reused = dossier.files.get(component=second).document
        assert f"/ca-nhan/giay-to/{reused.public_id}/xem/" in page  # a PDF can be previewed
        assert f"/ca-nhan/giay-to/{reused.public_id}/tai-ve/" in page


def test_a_jpeg_is_shown_as_jpeg_with_its_size(client, setup):
    dossier = services.dossier_create_draft(applicant=setup["citizen"], offering=setup["offering"])
    component = services.components_for(dossier)[0]
    services.dossier_attach(
        dossier=dossier,
        applicant=setup["citizen"],
        component=component,
        upload=SimpleUploadedFile("chungsinh.jpg", JPEG, content_type="image/jpeg"),
    )
    client.force_login(setup["citizen"])
    page = client.get(f"/ho-so/{dossier.public_id}/xem-lai/").content.decode()
    document = dossier.files.get().document
    assert f"chungsinh.jpg</a></span> · {document.type_label} · {document.size_label}" in page


def test_stopped_dossier_shows_the_reasons_and_mau_05(client, pdata, accepted):  # noqa: F811
    data, dossier = pdata, accepted
    walk_to(data, dossier, 2)
    notice = late.stop_propose(
        dossier_id=dossier.pk, officer=data["chuyenvien.a"], reasons=["Người yêu cầu đã chết", "Giấy tờ giả"]
    )
    client.force_login(data["citizen"])
    before = client.get(f"/ho-so/{dossier.public_id}/").content.decode()
    assert "Giấy tờ giả" not in before and "Mẫu 05" not in before  # a draft the leader has not signed

    late.stop_decide(notice_id=notice.pk, leader=data["lanhdao.a"], approve=True)
    page = client.get(f"/ho-so/{dossier.public_id}/").content.decode()
    assert "Lý do dừng giải quyết hồ sơ" in page
    assert "Người yêu cầu đã chết" in page and "Giấy tờ giả" in page
    link = reverse("processing:citizen_notice_pdf", args=[dossier.public_id, "mau-05", notice.pk])
    assert link in page
    pdf_response = client.get(link)
    assert pdf_response.status_code == 200 and pdf_response["Content-Type"] == "application/pdf"


def test_withdrawn_dossier_shows_the_citizens_reason(client, pdata, accepted):  # noqa: F811
    data, dossier = pdata, accepted
    walk_to(data, dossier, 2)
    request = late.withdrawal_request(
        dossier_id=dossier.pk, applicant=data["citizen"], reason="Nộp nhầm thủ tục"
    )
    late.withdrawal_decide(request_id=request.pk, officer=data["truongphong.a"], approve=True)
    client.force_login(data["citizen"])
    page = client.get(f"/ho-so/{dossier.public_id}/").content.decode()
    assert "Hồ sơ đã được rút theo yêu cầu của bạn" in page and "Nộp nhầm thủ tục" in page


def test_the_same_file_sent_again_for_a_component_is_not_attached_twice(client, setup):
    """Walk of issue 12: after one file of the form was refused, the citizen chose both files again and the
    accepted one was attached a second time (6 copies after a few tries)."""
    dossier = services.dossier_create_draft(applicant=setup["citizen"], offering=setup["offering"])
    first, second = services.components_for(dossier)[:2]
    client.force_login(setup["citizen"])
    url = reverse("dossiers:edit", args=[dossier.public_id])
    content = PDF + b"c" * 800

    for _attempt in range(3):
        response = client.post(
            url,
            {
                "request": "Cấp bản sao",
                f"file_{first.pk}": SimpleUploadedFile("to-khai.pdf", content, "application/pdf"),
                f"file_{second.pk}": SimpleUploadedFile("anh.pdf", b"MZ\x90\x00not a pdf", "application/pdf"),
            },
        )
        assert response.status_code == 200
        assert "không phải là tệp PDF" in response.content.decode()

    files = list(dossier.files.values_list("component_id", "document__original_name"))
    assert files == [(first.pk, "to-khai.pdf")]

"""The processing pages with the Django test client: inbox, actions, PDFs, workflows, the citizen's side."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from conftest import login_with_second_factor
from dichvucong.accounts.models import AgencyMembership
from dichvucong.dossiers.models import Dossier, Status
from dichvucong.processing.models import ControlSheetEntry, DossierResult, Step, Track, Workflow
from dichvucong.processing.tests.conftest import PDF, accepted_dossier
from dichvucong.processing.tests.test_services import snapshot, walk_to


def as_user(user) -> Client:
    return login_with_second_factor(Client(), user)


def detail_url(dossier) -> str:
    return reverse("processing:detail", args=[dossier.public_id])


def post(client, dossier, **data):
    return client.post(detail_url(dossier), data, follow=True)


def test_the_whole_path_in_pages_with_the_control_sheet(pdata, accepted):
    data, dossier = pdata, accepted
    counter = as_user(data["receptionist"])
    page = counter.get(reverse("processing:inbox") + "?tab=to_start")
    assert dossier.code in page.content.decode()

    page = post(counter, dossier, action="start", to_user=data["chuyenvien.a"].pk, note="")
    assert "Đã chuyển hồ sơ" in page.content.decode()

    specialist = as_user(data["chuyenvien.a"])
    page = specialist.get(reverse("processing:inbox"))
    assert dossier.code in page.content.decode() and "Hồ sơ của tôi (1)" in page.content.decode()
    specialist.get(detail_url(dossier))  # opening it marks it received
    assert ControlSheetEntry.objects.get(dossier=dossier).received_at is not None
    post(specialist, dossier, action="forward", position=1, to_user="", note="Đủ điều kiện")
    post(as_user(data["truongphong.a"]), dossier, action="forward", position=2, to_user="", note="")
    page = as_user(data["lanhdao.a"]).get(detail_url(dossier))
    assert "Ký duyệt và chuyển tiếp" in page.content.decode()
    post(as_user(data["lanhdao.a"]), dossier, action="forward", position=3, to_user="", note="")

    clerk = as_user(data["vanthu.a"])
    page = clerk.post(
        detail_url(dossier),
        {
            "action": "issue",
            "position": 4,
            "result": "KQ.G15.000031|Giấy khai sinh (bản chính)",
            "file": io.BytesIO(PDF + b"kq"),
            "number": "15/GCN-UBND",
            "signed_on": timezone.localdate().strftime("%d/%m/%Y"),
            "note": "",
        },
        follow=True,
    )
    assert "Đã xử lý xong" in page.content.decode()
    assert DossierResult.objects.get(dossier=dossier).result_code == "KQ.G15.000031"

    page = counter.get(reverse("processing:inbox") + "?tab=to_return")
    assert dossier.code in page.content.decode()
    page = post(
        counter,
        dossier,
        action="return",
        recipient_name="Nguyễn Văn An",
        recipient_id_number="038090012345",
        originals_checked="on",
        signature_note="Đã ký",
    )
    assert "Đã trả kết quả" in page.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RETURNED

    sheet = counter.get(reverse("processing:control_sheet_pdf", args=[dossier.public_id]))
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(sheet.content)).pages).split())
    assert sheet["Content-Type"] == "application/pdf" and dossier.code in text
    assert "PHIẾU KIỂM SOÁT" in text and "Quá hạn" not in text
    assert text.count("Trước hạn") + text.count("Đúng hạn") == 5


def test_a_stale_page_gets_a_clear_message_and_nothing_changes(pdata, accepted):
    data, dossier = pdata, accepted
    walk_to(data, dossier, 2)
    before = snapshot(dossier)
    # The specialist's page still shows step 1 (another tab): the button is gone and the action is refused.
    page = post(as_user(data["chuyenvien.a"]), dossier, action="forward", position=1, to_user="", note="")
    assert "không còn thực hiện được" in page.content.decode()
    # The head posts with an old position (someone recalled it in between): refused under the lock.
    Track.objects.filter(dossier=dossier).update(position=2)
    page = post(as_user(data["truongphong.a"]), dossier, action="forward", position=1, to_user="", note="")
    assert "Hãy tải lại trang" in page.content.decode()
    assert snapshot(dossier) == before


def test_the_declaration_shows_the_form_labels_not_the_field_names(pdata, accepted):
    data, dossier = pdata, accepted
    version = dossier.version
    version.form_schema = [
        {"name": "child_full_name", "label": "Họ, chữ đệm, tên của trẻ", "type": "text"},
        {"name": "birth_place", "label": "Nơi sinh", "type": "text"},
        {"name": "relationship", "label": "Quan hệ với trẻ", "type": "choice", "choices": ["Cha", "Mẹ"]},
    ]
    version.save(update_fields=["form_schema"])
    dossier.form_data = {
        **dossier.form_data,
        "fields": {"child_full_name": "Nguyễn Văn An", "birth_place": "Bệnh viện Phụ sản Hà Nội"},
    }
    dossier.save(update_fields=["form_data"])

    page = as_user(data["chuyenvien.a"]).get(detail_url(dossier)).content.decode()
    for label, value in (
        ("Họ, chữ đệm, tên của trẻ", "Nguyễn Văn An"),
        ("Nơi sinh", "Bệnh viện Phụ sản Hà Nội"),
        ("Quan hệ với trẻ", "—"),  # not answered
    ):
        assert f"<dt>{label}</dt><dd>{value}</dd>" in page
    for key in ("child_full_name", "birth_place", "relationship"):
        assert key not in page


def test_staff_of_another_agency_and_citizens_get_404(pdata, accepted):
    data, dossier = pdata, accepted
    before = snapshot(dossier)
    foreign = as_user(data["foreign_specialist"])
    assert foreign.get(detail_url(dossier)).status_code == 404
    assert foreign.post(detail_url(dossier), {"action": "start"}).status_code == 404
    assert foreign.get(reverse("processing:control_sheet_pdf", args=[dossier.public_id])).status_code == 404
    citizen = Client()
    citizen.force_login(data["citizen"])
    assert citizen.get(detail_url(dossier)).status_code in (302, 403)
    assert snapshot(dossier) == before


def test_staff_pages_need_the_second_factor(pdata):
    client = Client()
    client.force_login(pdata["chuyenvien.a"])
    response = client.get(reverse("processing:inbox"))
    assert response.status_code == 302 and "dang-nhap" in response["Location"]


def test_the_inbox_query_count_does_not_grow_with_the_dossiers(pdata, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    data = pdata
    client = as_user(data["chuyenvien.a"])
    client.get(reverse("processing:inbox"))  # warm the session
    counted = []
    for batch in range(2):
        for n in range(4):
            dossier = accepted_dossier(data, tag=f"q{batch}{n}")
            walk_to(data, dossier, 1 + n % 2)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("processing:inbox") + "?tab=unit").status_code == 200
        counted.append(len(queries))
    assert counted[0] == counted[1], counted
    # Session, user, second factor, staff check, scope, counts, page count, page, the session save.
    with django_assert_max_num_queries(14):
        assert client.get(reverse("processing:inbox") + "?tab=late&q=Nguyễn").status_code == 200


def test_bulk_handover_from_the_inbox(pdata):
    data = pdata
    dossiers = [accepted_dossier(data, tag=f"b{n}") for n in range(2)]
    for dossier in dossiers:
        walk_to(data, dossier, 1)
        Track.objects.filter(dossier=dossier).update(assignee=data["chuyenvien.a"])
    client = as_user(data["chuyenvien.a"])
    page = client.post(
        reverse("processing:inbox") + "?tab=mine",
        {
            "dossier": [str(d.public_id) for d in dossiers],
            "to_user": data["chuyenvien.b"].pk,
            "note": "Nghỉ phép",
        },
        follow=True,
    )
    assert "Đã bàn giao 2 hồ sơ" in page.content.decode()
    assert set(Track.objects.values_list("assignee__username", flat=True)) == {"chuyenvien.b"}
    assert ControlSheetEntry.objects.filter(kind="reassign").count() == 2


def test_late_notice_and_its_approval_in_pages(pdata, accepted):
    from dichvucong.processing.tests.test_late import next_working_day_after

    data, dossier = pdata, accepted
    walk_to(data, dossier, 1)
    day = next_working_day_after(Dossier.objects.get(pk=dossier.pk))
    page = post(
        as_user(data["chuyenvien.a"]),
        dossier,
        action="late_draft",
        reason="Chờ ý kiến cơ quan phối hợp",
        new_due_date=day.strftime("%d/%m/%Y"),
    )
    assert "chờ duyệt" in page.content.decode().lower()
    leader = as_user(data["lanhdao.a"])
    page = post(leader, dossier, action="late_decide", decision="approve", note="")
    assert "ngày hẹn trả mới" in page.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).due_at.astimezone().date() >= day


def test_citizen_withdraws_and_downloads_the_online_result(pdata):
    data = pdata
    dossier = accepted_dossier(data, delivery="online")
    walk_to(data, dossier, 4)
    clerk = as_user(data["vanthu.a"])
    clerk.post(
        detail_url(dossier),
        {
            "action": "issue",
            "position": 4,
            "result": "KQ.G15.000031|Giấy khai sinh (bản chính)",
            "file": io.BytesIO(PDF + b"x"),
            "number": "16/GCN-UBND",
            "signed_on": timezone.localdate().strftime("%d/%m/%Y"),
        },
    )
    citizen = Client()
    citizen.force_login(data["citizen"])
    page = citizen.get(reverse("processing:citizen_results", args=[dossier.public_id]))
    result = DossierResult.objects.get(dossier=dossier)
    assert "Giấy khai sinh" in page.content.decode()
    response = citizen.get(reverse("processing:citizen_result", args=[dossier.public_id, result.pk]))
    assert response.status_code == 200
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RETURNED
    stranger = Client()
    stranger.force_login(data["stranger"])
    assert (
        stranger.get(reverse("processing:citizen_result", args=[dossier.public_id, result.pk])).status_code
        == 404
    )

    other = accepted_dossier(data, tag="w")
    page = citizen.post(reverse("processing:withdraw", args=[other.public_id]), {"reason": "Nộp nhầm"})
    assert page.status_code == 302
    assert Dossier.objects.get(pk=other.pk).status == Status.WITHDRAWAL_REQUESTED


def test_agency_admin_makes_a_workflow_for_one_procedure(pdata):
    data = pdata
    admin = data["lanhdao.a"]
    AgencyMembership.objects.create(user=admin, agency=data["commune"], role="agency_admin")
    client = as_user(admin)
    url = reverse("processing:workflow_for_offering", args=[data["offering"].pk])
    assert "Thẩm định hồ sơ" in client.get(url).content.decode()
    form = {
        "name": "Khai sinh – rút gọn",
        "allow_recall": "on",
        "steps-TOTAL_FORMS": "2",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "12",
        "steps-0-name": "Thẩm định, ký",
        "steps-0-role": "leader",
        "steps-0-budget_hours": "4",
        "steps-0-produces_draft": "on",
        "steps-1-name": "Vào số",
        "steps-1-role": "clerk",
        "steps-1-budget_hours": "2",
        "steps-1-issues_result": "on",
    }
    response = client.post(url, form)
    assert response.status_code == 302
    workflow = Workflow.objects.get(offering=data["offering"])
    assert list(workflow.steps.values_list("name", flat=True)) == ["Thẩm định, ký", "Vào số"]

    bad = {**form, "steps-1-issues_result": ""}
    page = client.post(reverse("processing:workflow_edit", args=[workflow.pk]), bad)
    assert "Bước cuối cùng" in page.content.decode()
    assert Step.objects.filter(workflow=workflow).count() == 2

    foreign = as_user(data["outsider"])
    AgencyMembership.objects.create(user=data["outsider"], agency=data["outsider"].memberships.first().agency,
                                    role="agency_admin")  # fmt: skip
    assert foreign.get(reverse("processing:workflow_edit", args=[workflow.pk])).status_code == 404


@pytest.mark.parametrize("form_name", ["mau-04", "mau-05"])
def test_notice_pdfs_are_404_for_unknown_ids(pdata, accepted, form_name):
    client = as_user(pdata["chuyenvien.a"])
    url = reverse("processing:notice_pdf", args=[accepted.public_id, form_name, 999])
    assert client.get(url).status_code == 404


def test_the_attachments_show_each_files_own_name_type_and_size(pdata, accepted):
    data, dossier = pdata, accepted
    item = dossier.files.select_related("document").first()

    page = as_user(data["chuyenvien.a"]).get(detail_url(dossier)).content.decode()

    assert item.document.original_name in page and item.document.size_label in page
    assert f"({item.document.content_type}" not in page  # the raw MIME type is not the description

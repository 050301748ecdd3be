import re

import pytest
from django.test import Client
from django.urls import reverse

from conftest import login_with_second_factor
from dichvucong.dossiers import services
from dichvucong.dossiers.models import Dossier, Status
from dichvucong.dossiers.tests.conftest import PDF, pdf

pytestmark = pytest.mark.django_db


def test_citizen_fills_attaches_reviews_and_submits_once(client, setup):
    client.force_login(setup["citizen"])
    start = client.post(reverse("dossiers:start", args=[setup["offering"].pk]))
    dossier = Dossier.objects.get()
    assert start["Location"] == reverse("dossiers:edit", args=[dossier.public_id])
    components = services.components_for(dossier)

    form = {
        "applicant_name": "Nguyễn Văn An",
        "applicant_phone": "0912345678",
        "applicant_email": "an@example.vn",
        "applicant_address": "12 Lê Lợi",
        "owner_name": "Nguyễn Bảo Anh",
        "owner_id_number": "",
        "owner_address": "12 Lê Lợi",
        "request": "Đăng ký khai sinh cho con",
        "result_delivery": "online",
        "delivery_address": "",
        f"file_{components[0].pk}": pdf(content=PDF + b"1"),
        f"file_{components[1].pk}": pdf(content=PDF + b"2"),
        "review": "1",
    }
    response = client.post(reverse("dossiers:edit", args=[dossier.public_id]), form)
    assert response["Location"] == reverse("dossiers:review", args=[dossier.public_id])

    first = client.post(reverse("dossiers:review", args=[dossier.public_id]))
    second = client.post(reverse("dossiers:review", args=[dossier.public_id]))  # double click

    dossier.refresh_from_db()
    assert first.status_code == second.status_code == 302
    assert Dossier.objects.count() == 1 and dossier.status == Status.SUBMITTED
    assert (
        dossier.owner_name == "Nguyễn Bảo Anh" and dossier.form_data["request"] == "Đăng ký khai sinh cho con"
    )
    page = client.get(reverse("dossiers:submitted", args=[dossier.public_id])).content.decode()
    assert dossier.code in page and dossier.tracking_secret in page


def test_bad_input_keeps_what_was_typed(client, setup):
    client.force_login(setup["citizen"])
    client.post(reverse("dossiers:start", args=[setup["offering"].pk]))
    dossier = Dossier.objects.get()
    component = services.components_for(dossier)[0]

    response = client.post(
        reverse("dossiers:edit", args=[dossier.public_id]),
        {
            "applicant_name": "Nguyễn Văn An",
            "applicant_phone": "+1 415 555 0100",
            "owner_name": "Nguyễn Bảo Anh",
            "result_delivery": "post",
            "delivery_address": "",
            "request": "Giữ lại nội dung này",
            f"file_{component.pk}": pdf(name="../../etc/passwd.pdf", content=b"MZ" + b"\x00" * 64),
        },
    )

    html = response.content.decode()
    assert response.status_code == 200 and "Có lỗi cần sửa" in html
    assert "Giữ lại nội dung này" in html and 'value="Nguyễn Bảo Anh"' in html
    assert "di động Việt Nam" in html and "bưu điện" in html
    assert not dossier.files.exists()


def test_another_citizen_gets_404_and_nothing_changes(client, ready_draft, setup):
    client.force_login(setup["stranger"])

    for name in ("dossiers:edit", "dossiers:review", "dossiers:detail"):
        assert client.get(reverse(name, args=[ready_draft.public_id])).status_code == 404
    response = client.post(reverse("dossiers:review", args=[ready_draft.public_id]))

    ready_draft.refresh_from_db()
    assert response.status_code == 404 and ready_draft.status == Status.DRAFT


def submit(ready_draft, setup):
    return services.dossier_submit(dossier_id=ready_draft.pk, applicant=setup["citizen"])


def test_receptionist_accepts_and_mau_01_opens(client, ready_draft, setup):
    dossier = submit(ready_draft, setup)
    login_with_second_factor(client, setup["receptionist"])

    queue = client.get(reverse("dossiers:queue")).content.decode()
    client.post(
        reverse("dossiers:staff_detail", args=[dossier.public_id]),
        {"action": "accept", "status": "submitted"},
    )
    pdf_response = client.get(reverse("dossiers:staff_form_pdf", args=[dossier.public_id, "mau-01"]))

    dossier.refresh_from_db()
    assert dossier.code in queue
    assert dossier.status == Status.ACCEPTED
    assert pdf_response.status_code == 200 and pdf_response.content.startswith(b"%PDF")


def test_staff_of_another_agency_get_404(client, ready_draft, setup):
    dossier = submit(ready_draft, setup)
    login_with_second_factor(client, setup["outsider"])

    response = client.post(reverse("dossiers:staff_detail", args=[dossier.public_id]), {"action": "accept"})

    dossier.refresh_from_db()
    assert response.status_code == 404 and dossier.status == Status.SUBMITTED


def test_refusal_needs_reasons_and_mau_03_follows(client, ready_draft, setup):
    dossier = submit(ready_draft, setup)
    login_with_second_factor(client, setup["receptionist"])
    url = reverse("dossiers:staff_detail", args=[dossier.public_id])

    empty = client.post(url, {"action": "refuse", "reasons": "  "})
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED and "Lý do từ chối" in empty.content.decode()

    client.post(url, {"action": "refuse", "reasons": "Không thuộc thẩm quyền\nThiếu chữ ký"})
    dossier.refresh_from_db()
    citizen = Client()
    citizen.force_login(setup["citizen"])
    form_03 = citizen.get(reverse("dossiers:form_pdf", args=[dossier.public_id, "mau-03"]))

    assert dossier.status == Status.REFUSED and dossier.refusal_reasons == [
        "Không thuộc thẩm quyền",
        "Thiếu chữ ký",
    ]
    assert form_03.status_code == 200 and form_03["Content-Type"] == "application/pdf"


def test_tracking_by_code_and_id_masks_the_name_and_does_not_tell_which_part_was_wrong(
    client, ready_draft, setup
):
    dossier = submit(ready_draft, setup)
    url = reverse("dossiers:track")

    found = client.post(url, {"code": dossier.code, "proof": "038090012345"}).content.decode()
    by_secret = client.post(url, {"code": dossier.code, "proof": dossier.tracking_secret}).content.decode()
    wrong_id = client.post(url, {"code": dossier.code, "proof": "001099012345"}).content.decode()
    wrong_code = client.post(
        url, {"code": "000.00.31.H56-000000-0000", "proof": "038090012345"}
    ).content.decode()

    assert "Mới đăng ký" in found and "N*** V*** An" in found and "Nguyễn Văn An" not in found
    assert "Mới đăng ký" in by_secret
    message = "Không tìm thấy hồ sơ với mã và số giấy tờ đã nhập"
    assert message in wrong_id and message in wrong_code and "Mới đăng ký" not in wrong_id


def test_tracking_is_rate_limited(client, ready_draft, setup, settings):
    settings.DVC_TRACKING_PER_IP_MINUTE = 3
    for _ in range(3):
        client.post(reverse("dossiers:track"), {"code": "X", "proof": "Y"})

    response = client.post(reverse("dossiers:track"), {"code": "X", "proof": "Y"})

    assert response.status_code == 429


def test_my_dossiers_lists_only_mine(client, ready_draft, setup):
    dossier = submit(ready_draft, setup)
    client.force_login(setup["stranger"])

    html = client.get(reverse("dossiers:mine")).content.decode()

    assert dossier.code not in html and re.search("chưa có hồ sơ", html)


def test_autosave_keeps_valid_fields_and_ignores_invalid_ones(client, ready_draft, setup):
    client.force_login(setup["citizen"])

    response = client.post(
        reverse("dossiers:autosave", args=[ready_draft.public_id]),
        {
            "owner_name": "Nguyễn Bảo Anh",
            "applicant_phone": "12",
            "request": "Nháp đang gõ",
            "result_delivery": "online",
        },
        HTTP_HX_REQUEST="true",
    )

    ready_draft.refresh_from_db()
    assert response.status_code == 200 and "Đã lưu nháp" in response.content.decode()
    assert ready_draft.owner_name == "Nguyễn Bảo Anh" and ready_draft.form_data["request"] == "Nháp đang gõ"
    assert ready_draft.applicant_phone == "+84912345678"  # the invalid phone was not stored


def test_autosave_of_someone_else_draft_is_404(client, ready_draft, setup):
    client.force_login(setup["stranger"])

    response = client.post(reverse("dossiers:autosave", args=[ready_draft.public_id]), {"owner_name": "X"})

    ready_draft.refresh_from_db()
    assert response.status_code == 404 and ready_draft.owner_name == "Nguyễn Văn An"


SCHEMA = [
    {"name": "child_full_name", "label": "Họ, chữ đệm và tên của trẻ", "type": "text", "required": True},
    {"name": "child_birth_date", "label": "Ngày sinh của trẻ", "type": "date", "required": True},
    {
        "name": "child_gender",
        "label": "Giới tính của trẻ",
        "type": "choice",
        "required": True,
        "choices": ["Nam", "Nữ"],
    },
    {"name": "father_name", "label": "Họ và tên cha", "type": "text", "required": False},
]


def test_the_e_form_comes_from_the_procedure_schema(client, ready_draft, setup):
    version = ready_draft.version
    version.form_schema = SCHEMA
    version.save()
    client.force_login(setup["citizen"])
    url = reverse("dossiers:edit", args=[ready_draft.public_id])

    page = client.get(url).content.decode()
    bad = client.post(
        url,
        {
            "applicant_name": "Nguyễn Văn An",
            "applicant_phone": "0912345678",
            "owner_name": "Nguyễn Bảo Anh",
            "result_delivery": "counter",
            "f_child_full_name": "Nguyễn Bảo Anh",
            "f_child_birth_date": "31/02/2026",
            "f_child_gender": "Nữ",
        },
    ).content.decode()
    with pytest.raises(services.DossierError) as incomplete:
        services.dossier_submit(dossier_id=ready_draft.pk, applicant=setup["citizen"])
    client.post(
        url,
        {
            "applicant_name": "Nguyễn Văn An",
            "applicant_phone": "0912345678",
            "owner_name": "Nguyễn Bảo Anh",
            "result_delivery": "counter",
            "f_child_full_name": "Nguyễn Bảo Anh",
            "f_child_birth_date": "03/11/2026",
            "f_child_gender": "Nữ",
        },
    )
    dossier = services.dossier_submit(dossier_id=ready_draft.pk, applicant=setup["citizen"])

    assert (
        "Họ, chữ đệm và tên của trẻ *" in page and "Họ và tên cha" in page and "Họ và tên cha *" not in page
    )
    assert "Không có ngày 31/02/2026: tháng 2 năm 2026 chỉ có 28 ngày." in bad
    assert 'value="31/02/2026"' in bad and 'value="Nguyễn Bảo Anh"' in bad  # what was typed is kept
    assert 'inputmode="numeric"' in page and "gõ 27101990 cũng được" in page
    assert "trong tờ khai" in incomplete.value.message  # the invalid form stored nothing
    assert dossier.status == Status.SUBMITTED
    assert dossier.form_data["fields"] == {
        "child_full_name": "Nguyễn Bảo Anh",
        "child_birth_date": "03/11/2026",
        "child_gender": "Nữ",
    }


def test_e_form_dates_are_taken_as_people_type_them(client, ready_draft, setup):
    """A numeric keypad often has no "/": "12031995" is 12/03/1995, stored and shown as dd/mm/yyyy."""
    version = ready_draft.version
    version.form_schema = SCHEMA
    version.save()
    client.force_login(setup["citizen"])
    url = reverse("dossiers:edit", args=[ready_draft.public_id])
    answers = {
        "applicant_name": "Nguyễn Văn An",
        "applicant_phone": "0912345678",
        "owner_name": "Nguyễn Bảo Anh",
        "result_delivery": "counter",
        "f_child_full_name": "Nguyễn Bảo Anh",
        "f_child_gender": "Nữ",
    }

    typed = client.post(url, {**answers, "f_child_birth_date": "12031995"})
    ready_draft.refresh_from_db()
    after_digits = dict(ready_draft.form_data["fields"])
    client.post(url, {**answers, "f_child_birth_date": "1.3.1995"})
    ready_draft.refresh_from_db()
    page = client.get(url).content.decode()

    assert typed.status_code == 302
    assert after_digits["child_birth_date"] == "12/03/1995"
    assert ready_draft.form_data["fields"]["child_birth_date"] == "01/03/1995"
    assert 'value="01/03/1995"' in page


def test_reception_queue_puts_returned_supplements_by_due_date_first_and_flags_late_intake(
    client, setup, django_assert_max_num_queries
):
    import datetime

    from django.utils import timezone

    dossiers = []
    for index in range(3):
        draft = services.dossier_create_draft(applicant=setup["citizen"], offering=setup["offering"])
        for component in services.components_for(draft)[:2]:
            services.dossier_attach(
                dossier=draft,
                applicant=setup["citizen"],
                component=component,
                upload=pdf(content=PDF + f"{index}-{component.pk}".encode()),
            )
        dossiers.append(services.dossier_submit(dossier_id=draft.pk, applicant=setup["citizen"]))
    oldest, middle, answered = dossiers
    Dossier.objects.filter(pk=oldest.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=10))
    Dossier.objects.filter(pk=answered.pk).update(
        status=Status.SUPPLEMENT_REQUESTED,
        supplement_state="citizen_sent",
        due_at=timezone.now() + datetime.timedelta(days=2),
    )
    login_with_second_factor(client, setup["receptionist"])

    with django_assert_max_num_queries(12):
        page = client.get(reverse("dossiers:queue")).content.decode()

    positions = [page.index(d.code) for d in (answered, oldest, middle)]
    assert positions == sorted(positions)
    late_row = page[page.index(oldest.code) : page.index(middle.code)]
    assert "quá hạn" in late_row and "quá hạn" not in page[page.index(middle.code) :]


def test_staff_of_the_agency_preview_the_files_of_a_submitted_dossier_only(client, ready_draft, setup):
    file = ready_draft.files.select_related("document").first()
    preview = reverse("documents:preview", args=[file.document.public_id])
    login_with_second_factor(client, setup["receptionist"])
    while_draft = client.get(preview)
    dossier = submit(ready_draft, setup)

    page = client.get(reverse("dossiers:staff_detail", args=[dossier.public_id])).content.decode()
    shown = client.get(preview)
    password_only = Client()
    password_only.force_login(setup["receptionist"])
    outsider = login_with_second_factor(Client(), setup["outsider"])

    assert while_draft.status_code == 404
    assert preview in page and shown.status_code == 200
    assert b"".join(shown.streaming_content if shown.streaming else [shown.content]).startswith(b"%PDF")
    assert password_only.get(preview).status_code == 404
    assert outsider.get(preview).status_code == 404

"""What the pages say: the error summary names each field and links to it; the staff queue says what a
feedback is about and which agency handles it; refusing and returning are explained next to their buttons."""

from __future__ import annotations

import re

from django.urls import reverse

from conftest import login_with_second_factor
from dichvucong.feedback.models import Feedback, Subject
from dichvucong.feedback.tests.conftest import submitted
from dichvucong.feedback.tests.test_views import SUBMIT

EMPTY = {"subject": "procedure", "procedure_code": "", "place": "", "agency": "", "dossier_code": "",
         "title": "", "content": "", "sender_name": "", "contact": ""}  # what a browser sends  # fmt: skip


def test_the_empty_form_lists_each_missing_field_by_name_with_a_link(client, fdata):
    html = client.post(SUBMIT, EMPTY).content.decode()
    summary = html[
        html.index('class="error-summary"') : html.index("</div>", html.index('class="error-summary"'))
    ]
    for anchor, message in (
        ("id_procedure_code", "Vui lòng nhập mã hoặc tên thủ tục hành chính."),
        ("id_title", "Nhập tiêu đề phản ánh."),
        ("id_content", "Nhập nội dung phản ánh, kiến nghị."),
        ("id_sender_name", "Nhập họ và tên."),
        ("id_contact", "Nhập số điện thoại di động hoặc thư điện tử."),
    ):
        assert f'<a href="#{anchor}">{message}</a>' in summary, (anchor, summary)
    assert "Trường này là bắt buộc" not in html
    assert not Feedback.objects.exists()
    # Nothing at all (no subject either): the choice is named too.
    html = client.post(SUBMIT, {}).content.decode()
    assert '<a href="#id_subject_0">Chọn phản ánh về thủ tục, cơ quan hay hồ sơ.</a>' in html
    assert not Feedback.objects.exists()


def test_the_staff_forms_name_what_is_missing(client, fdata):
    feedback = submitted(fdata)
    login_with_second_factor(client, fdata["receptionist"])
    url = reverse("feedback:staff_detail", args=[feedback.public_id])
    html = client.post(url, {"action": "refuse", "refuse-reason": ""}).content.decode()
    assert '<a href="#id_refuse-reason">Ghi lý do.</a>' in html
    html = client.post(url, {"action": "route"}).content.decode()
    assert '<a href="#id_route-agency">Chọn cơ quan để chuyển tới.</a>' in html
    feedback.refresh_from_db()
    assert feedback.status == "new" and feedback.events.count() == 1


def test_the_queue_says_what_it_is_about_and_who_handles_it(client, fdata):
    about_agency = submitted(fdata, subject=Subject.AGENCY, procedure=None, agency=fdata["commune"])
    about_procedure = submitted(fdata)
    login_with_second_factor(client, fdata["receptionist"])
    text = re.sub(r"\s+", " ", client.get(reverse("feedback:staff_queue")).content.decode())
    assert f"Mới · Phản ánh về cơ quan: {fdata['commune'].name} · gửi" in text
    assert f"Mới · Phản ánh về thủ tục: 1.001193 · Cơ quan xử lý: {fdata['commune'].name} · gửi" in text
    assert "Mới · Cơ quan ·" not in text
    assert about_agency.code in text and about_procedure.code in text


def test_refuse_and_return_are_explained(client, fdata):
    feedback = submitted(fdata)
    login_with_second_factor(client, fdata["receptionist"])
    html = client.get(reverse("feedback:staff_detail", args=[feedback.public_id])).content.decode()
    assert "không thuộc thẩm quyền giải quyết của cơ quan nào trong tỉnh" in html
    assert "trong hạn 2 ngày làm việc" in html
    assert "trùng với phản ánh đã gửi hoặc người gửi xin rút" in html

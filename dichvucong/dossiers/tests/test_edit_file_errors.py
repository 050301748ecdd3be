"""A refused file on the dossier edit page: the summary links to the file field and the error is shown by the
field too (GOV.UK pattern), naming the file when its content does not match its name (QA walk at 360 px)."""

import pytest
from django.urls import reverse

from dichvucong.dossiers import services
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.tests.conftest import pdf

pytestmark = pytest.mark.django_db

FAKE_PDF = "Tệp “cccd.pdf” không phải là tệp PDF hoặc ảnh thật (nội dung không khớp đuôi tệp)."


def post_file(client, setup, upload):
    client.force_login(setup["citizen"])
    client.post(reverse("dossiers:start", args=[setup["offering"].pk]))
    dossier = Dossier.objects.get()
    component = services.components_for(dossier)[0]
    response = client.post(
        reverse("dossiers:edit", args=[dossier.public_id]),
        {"applicant_name": "Nguyễn Văn An", "save": "1", f"file_{component.pk}": upload},
    )
    return dossier, component, response.content.decode()


def test_a_fake_pdf_is_named_in_the_summary_and_by_the_file_field(client, setup):
    dossier, component, html = post_file(client, setup, pdf(name="cccd.pdf", content=b"MZ" + b"\x00" * 64))

    key = f"file_{component.pk}"
    assert f'<a href="#{key}">{FAKE_PDF}</a>' in html  # the summary links to the field
    field_error = html.split(f'id="{key}_error"')[1].split("</p>")[0]
    assert FAKE_PDF in field_error  # and the error is by the field
    file_input = html.split(f'<input type="file" id="{key}"')[1].split(">")[0]
    assert f"{key}_error" in file_input and 'aria-invalid="true"' in file_input
    assert "form-group form-group-error" in html
    assert not dossier.files.exists()


def test_a_file_of_a_type_not_accepted_keeps_the_list_of_accepted_types(client, setup):
    _dossier, component, html = post_file(client, setup, pdf(name="chuong-trinh.exe", content=b"MZ" * 40))

    assert "Tệp không đúng định dạng cho phép (PDF, JPG, PNG, DOC, DOCX, XLSX)" in html
    assert f'id="file_{component.pk}_error"' in html
    assert "không phải là tệp PDF hoặc ảnh thật" not in html

import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import login_with_second_factor
from dichvucong.dossiers.models import Channel, Dossier, Status

pytestmark = pytest.mark.django_db


def intake(client, setup, **overrides):
    data = {
        "offering": setup["offering"].pk,
        "channel": "in_person",
        "applicant_name": "Phạm Thị Dung",
        "applicant_id_number": "038185012345",
        "applicant_phone": "0905123456",
        "applicant_email": "",
        "applicant_address": "Thôn 3",
        "owner_name": "",
        "owner_id_number": "",
        "owner_address": "",
        "result_delivery": "counter",
        "delivery_address": "",
        "note": "Nộp bản giấy",
    }
    data.update(overrides)
    return client.post(reverse("dossiers:counter_intake"), data)


def test_counter_intake_creates_a_received_dossier_with_channel_1(client, setup):
    login_with_second_factor(client, setup["receptionist"])

    response = intake(client, setup)

    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert (
        dossier.status == Status.ACCEPTED
        and dossier.channel == Channel.IN_PERSON
        and dossier.national_channel == 1
    )
    assert dossier.code and dossier.received_at and dossier.due_at
    assert dossier.owner_name == "Phạm Thị Dung" and dossier.intake_agency == setup["commune"]
    assert dossier.events.get().action == "intake_at_counter"


def test_counter_intake_links_the_citizen_account_when_one_exists(client, setup):
    login_with_second_factor(client, setup["receptionist"])

    intake(
        client, setup, applicant_id_number="038090012345", applicant_name="Nguyễn Văn An", channel="postal"
    )

    dossier = Dossier.objects.get()
    assert dossier.applicant == setup["citizen"] and dossier.national_channel == 3


def test_counter_intake_with_bad_input_creates_nothing_and_keeps_the_form(client, setup):
    login_with_second_factor(client, setup["receptionist"])

    response = intake(client, setup, applicant_id_number="12345", result_delivery="post")

    html = response.content.decode()
    assert response.status_code == 200 and "Có lỗi cần sửa" in html and 'value="Phạm Thị Dung"' in html
    assert not Dossier.objects.exists()


def test_citizens_cannot_use_the_counter(client, setup):
    client.force_login(setup["citizen"])

    response = intake(client, setup)

    assert response.status_code == 302 and not Dossier.objects.exists()


def test_ledger_downloads_the_agency_dossiers_as_excel_and_pdf(client, setup):
    login_with_second_factor(client, setup["receptionist"])
    intake(client, setup)
    today = timezone.localdate().strftime("%d/%m/%Y")

    xlsx = client.get(reverse("dossiers:ledger"), {"start": today, "end": today, "format": "xlsx"})
    pdf = client.get(reverse("dossiers:ledger"), {"start": today, "end": today, "format": "pdf"})

    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert Dossier.objects.get().code in values
    assert pdf.content.startswith(b"%PDF")


def test_ledger_of_another_agency_is_empty(client, setup):
    login_with_second_factor(client, setup["receptionist"])
    intake(client, setup)
    client.logout()
    login_with_second_factor(client, setup["outsider"])
    today = timezone.localdate().strftime("%d/%m/%Y")

    xlsx = client.get(reverse("dossiers:ledger"), {"start": today, "end": today, "format": "xlsx"})

    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert Dossier.objects.get().code not in values


def test_a_ledger_too_large_for_one_pdf_is_refused_with_advice(client, setup, settings):
    settings.DVC_LEDGER_PDF_MAX_ROWS = 1
    login_with_second_factor(client, setup["receptionist"])
    intake(client, setup)
    intake(client, setup)
    today = timezone.localdate().strftime("%d/%m/%Y")

    pdf = client.get(reverse("dossiers:ledger"), {"start": today, "end": today, "format": "pdf"})
    xlsx = client.get(reverse("dossiers:ledger"), {"start": today, "end": today, "format": "xlsx"})

    page = pdf.content.decode()
    assert pdf.status_code == 422 and "Kỳ này có 2 hồ sơ" in page and "tải bản Excel" in page
    assert f'value="{today}"' in page  # what was typed is kept
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")

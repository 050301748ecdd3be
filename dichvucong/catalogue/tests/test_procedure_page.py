"""The procedure page as a citizen uses it: the call to action, the agency choice, fees, forms, no notes."""

import re
from urllib.parse import unquote

import pytest
from django.urls import reverse

from dichvucong.catalogue.models import AgencyProcedure, Component, FormTemplate, Procedure

pytestmark = pytest.mark.django_db

# What curators write about their sources; none of it may reach a public page or the public API.
CURATOR_MARKERS = (
    "README",
    "lỗi nguồn",
    "kiến thức chuyên môn",
    "cần đối chiếu",
    "chưa đối chiếu",
    "nguồn ghi",
    "Nguồn ghi",
    "nguồn thứ cấp",
    "CSDL ghi",
    "bản ghi quốc gia",
    "minh họa",
    "Demo",
)


def cards(html: str, attribute: str) -> dict[str, str]:
    """The procedure page's cards (``<li class="cat-card" data-…="key">``) by key."""
    found = {}
    for match in re.finditer(rf'<li class="cat-card" {attribute}="([^"]+)">(.*?)</li>', html, re.S):
        found[match.group(1)] = match.group(2)
    return found


def test_the_call_to_action_comes_before_the_details_and_leads_to_the_agency_choice(client, demo_data):
    page = client.get(reverse("catalogue:procedure_detail", args=["1.004873"])).content.decode()

    choose = reverse("catalogue:submit_online", args=["1.004873"])
    assert f'href="{choose}"' in page
    assert page.index(f'href="{choose}"') < page.index('id="s-channels"')
    assert "<table" not in page

    listing = client.get(choose).content.decode()
    offerings = AgencyProcedure.objects.filter(procedure__code="1.004873", is_active=True).exclude(
        service_level=""
    )
    assert offerings.count() > 1
    for offering in offerings:
        assert reverse("dossiers:start", args=[offering.pk]) in listing
    assert "Cấp xã" in listing  # grouped by level (and province)


def test_the_agency_choice_filters_by_name_without_accents(client, demo_data):
    choose = reverse("catalogue:submit_online", args=["1.004873"])
    ward = AgencyProcedure.objects.get(procedure__code="1.004873", agency__name__icontains="Hạc Thành")

    listing = client.get(choose, {"q": "hac thanh"}).content.decode()

    assert listing.count(reverse("dossiers:start", args=[ward.pk]).rstrip("/")) == 1
    assert len(re.findall(r'href="/ho-so/nop/\d+/"', listing)) == 1
    assert 'value="hac thanh"' in listing  # the search box keeps what was typed
    nothing = client.get(choose, {"q": "khong co xa nay"}).content.decode()
    assert "Không có nơi nào phù hợp" in nothing


def test_a_single_online_offering_skips_the_choice(client, demo_data):
    single = next(
        procedure
        for procedure in Procedure.objects.all()
        if procedure.offerings.filter(is_active=True).exclude(service_level="").count() == 1
    )
    offering = single.offerings.filter(is_active=True).exclude(service_level="").get()

    response = client.get(reverse("catalogue:submit_online", args=[single.code]))

    assert response.status_code == 302
    assert response["Location"] == reverse("dossiers:start", args=[offering.pk])


def test_a_procedure_not_offered_online_has_no_call_to_action(client, demo_data):
    offline = Procedure.objects.filter(service_level="").first()
    page = client.get(reverse("catalogue:procedure_detail", args=[offline.code])).content.decode()

    assert reverse("catalogue:submit_online", args=[offline.code]) not in page
    assert "chưa nhận hồ sơ trực tuyến" in page


def test_fees_are_shown_per_channel_and_once_per_agency(client, demo_data):
    page = client.get(reverse("catalogue:procedure_detail", args=["1.004873"])).content.decode()

    channels = cards(page, "data-channel")
    assert "7.500 đ / mỗi trường hợp" in channels["online"]
    assert "15.000 đ" not in channels["online"]
    assert "15.000 đ / mỗi trường hợp" in channels["in_person"]
    assert "15.000 đ / mỗi trường hợp" in channels["postal"]
    agencies = cards(page, "data-agency")
    assert len(agencies) == 6
    for agency in agencies.values():
        assert agency.count("15.000 đ") == 1  # in person and by post: one line naming both channels
        assert agency.count("7.500 đ") == 1
        assert "Trực tiếp, Dịch vụ bưu chính:" in agency


def test_national_fees_fill_every_channel_when_no_agency_sets_its_own(client, demo_data):
    page = client.get(reverse("catalogue:procedure_detail", args=["1.004222"])).content.decode()

    channels = cards(page, "data-channel")
    assert "10.000 đ" in channels["online"]
    assert "20.000 đ" in channels["in_person"]


def test_no_curator_note_on_any_public_procedure_page_or_api_answer(client, demo_data):
    for code in Procedure.objects.values_list("code", flat=True):
        for url in (
            reverse("catalogue:procedure_detail", args=[code]),
            reverse("catalogue:procedure_print", args=[code]),
            f"/api/v1/procedures/{code}",
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            text = response.content.decode()
            found = [marker for marker in CURATOR_MARKERS if marker in text]
            assert not found, (url, found)


def test_every_declaration_named_by_a_demo_component_can_be_downloaded(client, demo_data):
    named = Component.objects.exclude(form_code="").values_list("form_code", flat=True).distinct()
    assert set(named) <= set(FormTemplate.objects.values_list("code", flat=True))

    page = client.get(reverse("catalogue:procedure_detail", args=["1.001193"])).content.decode()
    link = reverse("catalogue:form_download", args=["tk-dang-ky-khai-sinh"])
    assert f'href="{link}"' in page

    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert unquote(disposition.split("filename*=utf-8''")[1]) == "Tờ khai đăng ký khai sinh.pdf"
    pdf = b"".join(response.streaming_content) if response.streaming else response.content
    assert pdf.startswith(b"%PDF")
    from io import BytesIO

    from pypdf import PdfReader

    text = PdfReader(BytesIO(pdf)).pages[0].extract_text()
    assert "TỜ KHAI ĐĂNG KÝ KHAI SINH" in text
    assert "Quan hệ với người được khai sinh" in text


def test_the_eform_replaces_only_the_declaration_it_stands_for(client, demo_data):
    birth = Procedure.objects.get(code="1.001193").current_version
    waived = list(birth.components.filter(eform_replaces_upload=True))
    assert [component.form_code for component in waived] == ["tk-dang-ky-khai-sinh"]
    api = {
        item["form_code"]: item
        for item in client.get("/api/v1/procedures/1.001193").json()["version"]["components"]
    }
    assert api["tk-dang-ky-khai-sinh"]["eform_replaces_upload"] is True
    # A procedure without an e-form never waives its declaration, even if the data says so.
    assert not Component.objects.filter(eform_replaces_upload=True).exclude(version=birth).exists()


def test_a_component_naming_a_form_we_have_no_file_for_points_to_the_national_record(client, demo_data):
    page = client.get(reverse("catalogue:procedure_detail", args=["1.013225"])).content.decode()

    assert "Mẫu số 1 Phụ lục II NĐ 175/2024" in page
    assert "xem trên Cổng Dịch vụ công quốc gia" in page


def test_unknown_form_is_not_found(client, db):
    assert client.get(reverse("catalogue:form_download", args=["khong-co"])).status_code == 404

import re

import pytest
from django.urls import reverse

from dichvucong.catalogue.models import Procedure
from dichvucong.catalogue.tests.factories import make_procedure

pytestmark = pytest.mark.django_db


def test_home_shows_search_life_events_and_fields(client, demo_data):
    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="q"' in html
    assert "Có con nhỏ" in html
    assert "Hộ tịch" in html


@pytest.mark.parametrize("query", ["dang ky khai sinh", "khai sinh", "Đăng ký khai sinh"])
def test_search_page_finds_birth_registration(client, demo_data, query):
    response = client.get(reverse("catalogue:procedure_list"), {"q": query})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Thủ tục đăng ký khai sinh" in html
    assert html.index("/thu-tuc/1.001193/") < html.index("</ol>")


@pytest.mark.parametrize(
    "query", ["", "a" * 2000, "<script>alert('x')</script>", "' OR 1=1; --", "khai sinh 😀", "%00"]
)
def test_search_page_survives_hostile_input_and_escapes_it(client, demo_data, query):
    response = client.get(reverse("catalogue:procedure_list"), {"q": query, "page": "-1"})

    assert response.status_code == 200
    assert b"<script>alert" not in response.content


def test_search_page_filters_and_keeps_the_choices(client, demo_data):
    response = client.get(
        reverse("catalogue:procedure_list"), {"field": "ho-tich", "service": "toan_trinh", "level": "xa"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="toan_trinh" checked' in html
    assert '<option value="ho-tich" selected>' in html
    shown = re.findall(r'href="/thu-tuc/([0-9.]+)/"', html)
    expected = Procedure.objects.filter(field__slug="ho-tich", service_level="toan_trinh", levels__code="xa")
    assert shown and sorted(shown) == sorted(expected.values_list("code", flat=True))


def test_search_page_query_count_is_pinned(client, demo_data, django_assert_max_num_queries):
    client.get(reverse("catalogue:procedure_list"))  # warm the filter-choices cache
    with django_assert_max_num_queries(6):
        response = client.get(reverse("catalogue:procedure_list"), {"q": "dang ky"})
    assert response.content.decode().count('class="result"') > 5


def test_repeated_search_is_served_from_cache_until_the_catalogue_changes(
    client, demo_data, django_assert_num_queries, django_capture_on_commit_callbacks
):
    params = {"q": "khai sinh"}
    client.get(reverse("catalogue:procedure_list"), params)
    with django_assert_num_queries(0):
        cached = client.get(reverse("catalogue:procedure_list"), params)
    assert "Thủ tục đăng ký khai sinh" in cached.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        make_procedure(name="Thủ tục khai sinh mới thêm")
    fresh = client.get(reverse("catalogue:procedure_list"), params)

    assert "Thủ tục khai sinh mới thêm" in fresh.content.decode()


def test_procedure_detail_shows_every_section(client, demo_data):
    response = client.get(reverse("catalogue:procedure_detail", args=["1.001193"]))

    html = response.content.decode()
    assert response.status_code == 200
    for heading in (
        "Cách thức thực hiện",
        "Trình tự thực hiện",
        "Thành phần hồ sơ",
        "Cơ quan thực hiện",
        "Kết quả thực hiện",
        "Căn cứ pháp lý",
    ):
        assert heading in html
    assert "KQ.G15.000031" in html
    assert "1.001193.000.00.31.H56" in html  # local code at a demo commune


def test_procedure_detail_query_count_is_pinned(client, demo_data, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        response = client.get(reverse("catalogue:procedure_detail", args=["2.000815"]))
    assert response.status_code == 200


def test_fee_amounts_are_formatted_in_dong(client, demo_data):
    response = client.get(reverse("catalogue:procedure_detail", args=["3.000333"]))

    assert "200.000 đ" in response.content.decode()


def test_printable_guide_has_no_site_navigation(client, demo_data):
    response = client.get(reverse("catalogue:procedure_print", args=["1.001193"]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Hướng dẫn thực hiện thủ tục" in html
    assert 'class="site-header"' not in html


@pytest.mark.parametrize("path", ["/thu-tuc/9.999999/", "/thu-tuc/khong-co/", "/co-quan/000.00.00.X00/"])
def test_unknown_codes_get_a_vietnamese_404(client, db, path):
    response = client.get(path)

    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_field_and_life_event_indexes(client, demo_data):
    fields = client.get(reverse("catalogue:field_index")).content.decode()
    events = client.get(reverse("catalogue:life_event_index")).content.decode()

    assert "Chứng thực" in fields
    assert "Người thân qua đời" in events


def test_pages_send_security_headers(client, db):
    response = client.get("/")

    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_english_interface_through_i18n(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    html = client.get("/").content.decode()

    assert '<html lang="en">' in html
    assert "Administrative procedures" in html
    assert "Thủ tục hành chính</a>" not in html


def test_vietnamese_stays_the_default_whatever_the_browser_prefers(client, db):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()

    assert '<html lang="vi">' in html
    assert "Thủ tục hành chính</a>" in html


def test_writes_to_public_pages_are_refused(client, db):
    response = client.post(reverse("catalogue:procedure_list"), {"q": "x"})

    assert response.status_code == 405


def test_htmx_request_gets_only_the_results_fragment(client, demo_data):
    response = client.get(reverse("catalogue:procedure_list"), {"q": "khai sinh"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Thủ tục đăng ký khai sinh" in html
    assert "<html" not in html and 'class="filters"' not in html


def test_htmx_script_is_served_locally(client, db):
    html = client.get("/").content.decode()

    assert "/static/django_htmx/htmx-2" in html
    assert "unpkg" not in html and "cdn" not in html

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_agency_index_lists_current_and_former_units(client, demo_data):
    response = client.get(reverse("agencies:agency_index"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Ủy ban nhân dân tỉnh Thanh Hóa" in html
    assert "Đơn vị đã sáp nhập, giải thể" in html


def test_agency_page_publishes_contacts_and_online_services_by_level(client, demo_data):
    response = client.get(reverse("agencies:agency_detail", args=["000.00.31.H56"]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Đầu mối hỗ trợ, tiếp nhận hồ sơ" in html
    assert 'href="tel:' in html
    assert "Toàn trình (" in html and "Một phần (" in html
    assert "Thủ tục đăng ký khai sinh" in html
    assert len(response.context["full_online"]) > 0


def test_agency_page_query_count_is_pinned(client, demo_data, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        client.get(reverse("agencies:agency_detail", args=["000.00.31.H56"]))

import pytest

pytestmark = pytest.mark.django_db


def test_search_endpoint_is_accent_insensitive_and_paginated(client, demo_data):
    response = client.get("/api/v1/procedures", {"q": "dang ky khai sinh", "page_size": 2})

    body = response.json()
    assert response.status_code == 200
    assert body["results"][0]["code"] == "1.001193"
    assert body["results"][0]["name"] == "Thủ tục đăng ký khai sinh"
    assert len(body["results"]) == 2 and body["pages"] >= 2


def test_search_endpoint_rejects_out_of_bounds_paging(client, db):
    response = client.get("/api/v1/procedures", {"page_size": 1000})

    assert response.status_code == 422


def test_search_endpoint_filters(client, demo_data):
    body = client.get("/api/v1/procedures", {"service_level": "toan_trinh", "level": "xa"}).json()

    assert body["count"] > 0
    assert all(item["service_level"] == "toan_trinh" and "xa" in item["levels"] for item in body["results"])


def test_procedure_detail_endpoint(client, demo_data):
    body = client.get("/api/v1/procedures/1.001193").json()

    assert body["code"] == "1.001193"
    assert body["version"]["number"] == 1
    assert {c["channel"] for c in body["version"]["channels"]} >= {"online", "in_person"}
    assert body["version"]["results"][0]["code"] == "KQ.G15.000031"
    assert any(o["local_code"] == "1.001193.000.00.31.H56" for o in body["offerings"])


def test_unknown_procedure_is_404(client, db):
    response = client.get("/api/v1/procedures/9.999999")

    assert response.status_code == 404


def test_fields_agencies_and_admin_units(client, demo_data):
    fields = client.get("/api/v1/fields").json()
    agencies = client.get("/api/v1/agencies", {"kind": "commune_committee"}).json()
    province = client.get("/api/v1/agencies/000.00.00.H56").json()
    provinces = client.get("/api/v1/admin-units").json()
    communes = client.get("/api/v1/admin-units", {"parent": "38"}).json()

    assert any(field["name"] == "Hộ tịch" for field in fields)
    assert agencies and all(a["kind"] == "commune_committee" for a in agencies)
    assert province["name"] == "Ủy ban nhân dân tỉnh Thanh Hóa"
    assert [unit["code"] for unit in provinces] == ["38"]  # the demo fixture loads one province
    assert len(communes) > 100 and all(unit["parent_code"] == "38" for unit in communes)


def test_openapi_document_is_3_1_and_docs_are_served_locally(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    docs = client.get("/api/v1/docs").content.decode()

    assert schema["openapi"].startswith("3.1")
    assert "/api/v1/procedures" in schema["paths"]
    assert "cdn." not in docs and "/static/ninja/" in docs


def test_repeated_api_search_is_answered_from_cache(client, demo_data, django_assert_num_queries):
    first = client.get("/api/v1/procedures", {"q": "ket hon"}).json()

    with django_assert_num_queries(0):
        second = client.get("/api/v1/procedures", {"q": "ket hon"}).json()

    assert first == second and first["results"][0]["code"] == "1.000894"

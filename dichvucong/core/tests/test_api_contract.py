"""The OpenAPI document says what the API does: one schema per component name, and the answer to a request
the API cannot read is documented on every operation that reads one (422 FormErrors, 400 for a body)."""

from __future__ import annotations

import json
import re
import typing
from collections import defaultdict

import pytest
from pydantic import BaseModel

from config.api import api
from dichvucong.core.api_schemas import api_operations

BASE = "/api/v1"


def _operations():
    return api_operations(api)


def _models(annotation, seen: set) -> None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation not in seen:
            seen.add(annotation)
            for field in annotation.model_fields.values():
                _models(field.annotation, seen)
        return
    for argument in typing.get_args(annotation):
        _models(argument, seen)


def _shape(model: type[BaseModel]) -> str:
    return json.dumps(
        [model.model_json_schema(mode=mode) for mode in ("validation", "serialization")], sort_keys=True
    )


@pytest.fixture(scope="module")
def document():
    from django.test import Client

    response = Client().get(f"{BASE}/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_no_two_different_schemas_share_a_component_name(document):
    """Ninja names a component by its class name: two different classes of that name document one of
    them for both (/tracking documented the processing TrackOut, processing /start the payments StartIn)."""
    seen: set = set()
    for _path, operation in _operations():
        for model in [*operation.models, *operation.response_models.values()]:
            _models(model, seen)
    by_name: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for model in seen:
        if model.__name__ in document["components"]["schemas"]:
            by_name[model.__name__][_shape(model)].append(f"{model.__module__}.{model.__qualname__}")
    colliding = {
        name: sorted(sum(shapes.values(), [])) for name, shapes in by_name.items() if len(shapes) > 1
    }
    assert colliding == {}
    assert {"TrackOut", "FormErrors", "FieldError"} <= set(by_name)


def test_tracking_documents_the_tracking_card(document):
    schema = document["paths"][f"{BASE}/tracking"]["post"]["responses"]["200"]["content"]["application/json"]
    name = schema["schema"]["$ref"].rsplit("/", 1)[1]
    from dichvucong.dossiers.api.schemas import TrackOut

    assert set(document["components"]["schemas"][name]["properties"]) == set(TrackOut.model_fields)


def _refs(response: dict) -> set[str]:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    options = schema.get("anyOf", [schema])
    return {option.get("$ref", "").rsplit("/", 1)[-1] for option in options}


def test_every_operation_that_reads_a_request_documents_its_refusal(document):
    """422 FormErrors where a path, query or body is read; 400 where ninja parses a JSON body."""
    ninja_bodies = {
        (method.lower(), BASE + re.sub(r"{[^}:]+:", "{", path))
        for path, operation in _operations()
        if {model.__ninja_param_source__ for model in operation.models} & {"body", "form", "file"}
        for method in operation.methods
    }
    assert ninja_bodies
    missing = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            if not operation.get("parameters") and "requestBody" not in operation:
                continue
            responses = operation["responses"]
            if "FormErrors" not in _refs(responses.get("422", {})):
                missing.append(f"{method.upper()} {path} 422")
            if (method, path) in ninja_bodies and "400" not in responses:
                missing.append(f"{method.upper()} {path} 400")
    assert missing == []


@pytest.mark.django_db
def test_an_unreadable_body_answers_form_errors_by_field(client):
    from dichvucong.accounts.models import User

    before = User.objects.count()
    response = client.post(
        f"{BASE}/accounts/register", {"full_name": 5, "phone": "0912345678"}, content_type="application/json"
    )
    assert response.status_code == 422
    body = response.json()
    assert isinstance(body["detail"], str)
    assert body["errors"]["id_number"] == ["Trường này là bắt buộc."]
    assert body["errors"]["full_name"] == ["Sai kiểu dữ liệu."]
    assert "phone" not in body["errors"] and User.objects.count() == before


@pytest.mark.django_db
def test_an_unreadable_query_or_path_answers_form_errors(client):
    query = client.get(f"{BASE}/procedures", {"page": "abc"})
    assert query.status_code == 422 and query.json()["errors"] == {"page": ["Phải là một số."]}
    path = client.get(f"{BASE}/payments/requests/not-a-uuid", HTTP_AUTHORIZATION="Bearer nope")
    assert path.status_code in {401, 422}


@pytest.mark.django_db
def test_a_body_that_is_not_json_answers_400(client):
    response = client.post(f"{BASE}/tracking", "{not json", content_type="application/json")
    assert response.status_code == 400 and isinstance(response.json()["detail"], str)


@pytest.mark.django_db
def test_a_nul_character_is_refused_before_it_reaches_the_database(client):
    """PostgreSQL refuses NUL in text (DataError: a 500); no field of the API has a use for it."""
    query = client.get(f"{BASE}/procedures", {"q": "khai\x00sinh"})
    assert query.status_code == 422 and query.json()["errors"] == {"q": ["Không được chứa ký tự NUL."]}
    nul = '{"code": "HS\\u0000", "proof": "1"}'
    body = client.post(f"{BASE}/tracking", nul, content_type="application/json")
    assert body.status_code == 400


def test_the_api_document_is_built_once_per_process_and_language(client, monkeypatch):
    import ninja.main

    from config.api import api

    built = []
    real = ninja.main.get_schema
    monkeypatch.setattr(ninja.main, "get_schema", lambda **kw: built.append(kw) or real(**kw))
    api.__dict__.pop("_openapi_cache", None)

    first = client.get("/api/v1/openapi.json")
    second = client.get("/api/v1/openapi.json")
    english = client.get("/api/v1/openapi.json", headers={"cookie": "django_language=en"})

    assert first.status_code == second.status_code == english.status_code == 200
    assert first.json() == second.json()
    assert len(built) == 2  # Vietnamese once, English once

"""The authorisation matrix, generated from the URL conf and the OpenAPI document.

Every web route and every API operation is requested by every actor of the fixture world (anonymous, citizen A
who owns the objects, citizen B, and a member of each staff role at agency X, the objects' agency, and at
agency Y): GET, and POST (web) or the operation's own method with a minimal body (API). An actor the matrix
(authz_matrix.py) does not allow must be refused and leave every table, the media files and the on-commit
queue as they were; an allowed actor must not be refused. A route missing from the matrix fails
test_every_route_is_in_the_matrix.

The world is built once per module inside a transaction that is rolled back at the end; every request runs in
a savepoint of its own, rolled back after it, so one request never sees another's writes.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import cache

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLResolver, get_resolver, reverse

from dichvucong.core.tests.authz_matrix import API, WEB, Route
from dichvucong.core.tests.authz_world import ACTORS, build_world
from dichvucong.dossiers.tests.conftest import PDF

# Routes that are not in the matrix on purpose: the Django admin has its own permission system (is_staff plus
# the second factor, OTPAdminSite), and the API's own URL names are its operations, enumerated from OpenAPI.
EXCLUDED_NAMESPACES = {"admin"}
API_NAMESPACE = "api-v1"
# Tables a refused request may touch without changing anything that matters: sessions (the request's own),
# rate-limit counters and django-axes' access log (they count refused attempts on purpose).
VOLATILE_TABLES = {"django_session", "core_ratelimitcounter", "axes_accessattempt", "axes_accesslog"}
WEB_REFUSED = {403, 404, 405}
API_REFUSED = {401, 403, 404, 405}
NINJA_INVALID = "Dữ liệu gửi lên chưa hợp lệ."  # core.api_schemas.PortalAPI, in the default language
# Actors who may never see citizen A's dossiers (A's name and dossier codes must not appear in their pages).
OUTSIDERS = {"anonymous", "citizen_b", *(a for a in ACTORS if a.startswith("y_"))}


# --- enumeration ------------------------------------------------------------------------------------------


def _walk(patterns, namespaces: tuple[str, ...]):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
            yield from _walk(pattern.url_patterns, inner)
        else:
            yield ":".join([*namespaces, pattern.name or str(pattern.pattern)])


def web_route_names() -> set[str]:
    names = set()
    for name in _walk(get_resolver().url_patterns, ()):
        namespace = name.split(":")[0] if ":" in name else ""
        if namespace in EXCLUDED_NAMESPACES:
            continue
        if namespace == API_NAMESPACE and name not in WEB:  # the operations: see api_operations()
            continue
        names.add(name)
    return names


@cache
def openapi() -> dict:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def api_operations() -> dict[str, tuple[str, str]]:
    """operationId → (METHOD, path template)."""
    operations = {}
    for path, methods in openapi()["paths"].items():
        for method, operation in methods.items():
            operations[operation["operationId"]] = (method.upper(), path)
    return operations


# --- the world and the actors' sessions ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("authz-media")
    overrides = override_settings(
        MEDIA_ROOT=str(media),
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        DVC_PUBLIC_URL="http://testserver",
    )
    overrides.enable()
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer._from_testcase = True  # a service's durable block may nest in it, as in a TestCase
        outer.__enter__()
        try:
            data = build_world()
            data["sessions"] = {actor: _session_for(data[actor]) for actor in ACTORS if actor != "anonymous"}
            data["media_root"] = str(media)
            yield data
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            overrides.disable()


def _session_for(user) -> str:
    """A session signed in with the second factor verified, as login_with_second_factor makes one, written
    directly (Client.force_login sends no REMOTE_ADDR, and django-axes then logs the address "unknown",
    which PostgreSQL's inet column refuses)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp.plugins.otp_static.models import StaticDevice

    device = StaticDevice.objects.create(user=user, name="authz", confirmed=True)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = next(  # as force_login chooses it
        path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user")
    )
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session["otp_device_id"] = device.persistent_id
    session.create()
    return session.session_key


def _client(world: dict, actor: str) -> Client:
    client = Client(raise_request_exception=False)
    if actor != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = world["sessions"][actor]
    return client


def _resolve(world: dict, route: Route) -> dict[str, str]:
    values = {}
    for key, ref in route.args.items():
        if ref.startswith("="):
            values[key] = ref[1:]
            continue
        value = world
        for part in ref.split("."):
            value = value[part] if isinstance(value, dict) else getattr(value, part)
        values[key] = str(value)
    return values


# --- the snapshot -------------------------------------------------------------------------------------------


@cache
def _tables() -> list[str]:
    tables = set()
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            tables.add(model._meta.db_table)
    existing = set(connection.introspection.table_names())
    return sorted((tables & existing) - VOLATILE_TABLES)


def database_digest() -> dict[str, tuple[int, str]]:
    """Per table: its row count and a digest of its rows."""
    state = {}
    with connection.cursor() as cursor:
        for table in _tables():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 (table names)
            rows = sorted(repr(row) for row in cursor.fetchall())
            state[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return state


def rows_written() -> int | None:
    """Rows inserted, updated or deleted so far on this connection (None: the database cannot say). A refused
    request that leaves it unchanged wrote nothing; otherwise the tables are digested and compared."""
    queries = {
        "sqlite": "SELECT total_changes()",
        "postgresql": (
            "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_all_tables"
        ),
    }
    if connection.vendor not in queries:
        return None
    with connection.cursor() as cursor:
        cursor.execute(queries[connection.vendor])
        return int(cursor.fetchone()[0])


def outside_digest(world: dict) -> dict:
    """What a request may change outside the database: media files and the on-commit callbacks queued."""
    files = []
    for root, _dirs, names in os.walk(world["media_root"]):
        for name in names:
            path = os.path.join(root, name)
            files.append((os.path.relpath(path, world["media_root"]), os.path.getsize(path)))
    return {"media files": sorted(files), "on-commit callbacks": len(connection.run_on_commit)}


def _changes(before: dict, after: dict) -> list[str]:
    return [key for key in before if before[key] != after[key]]


# --- one request --------------------------------------------------------------------------------------------


def _example(schema: dict, depth: int = 0):
    """A minimal value that passes the schema's validation, so the request reaches the permission check."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return _example(openapi()["components"]["schemas"][name], depth + 1)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [option for option in schema[key] if option.get("type") != "null"] or schema[key]
            return _example(options[0], depth + 1)
    if "default" in schema:
        return schema["default"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        return {
            name: _example(props[name], depth + 1) for name in schema.get("required", []) if name in props
        }
    if kind == "array":
        return [] if not schema.get("minItems") else [_example(schema.get("items", {}), depth + 1)]
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    fmt = schema.get("format", "")
    if fmt == "uuid":
        return "00000000-0000-4000-8000-000000000000"
    if fmt == "date":
        return "2030-01-07"
    if fmt == "date-time":
        return "2030-01-07T09:00:00+07:00"
    return "x" * max(1, schema.get("minLength", 1))


def _multipart(schema: dict) -> dict:
    """Form fields and files for a multipart operation: a small PDF for every binary field."""
    if "$ref" in schema:
        schema = openapi()["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    data = {}
    for name, prop in schema.get("properties", {}).items():
        if prop.get("format") == "binary" or prop.get("items", {}).get("format") == "binary":
            data[name] = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
        elif name in schema.get("required", []):
            value = _example(prop)
            data[name] = json.dumps(value) if isinstance(value, dict | list) else value
    return data


def _api_body(method: str, path: str) -> tuple[str, str]:
    operation = openapi()["paths"][path].get(method.lower(), {})
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        return json.dumps(_example(content["application/json"]["schema"])), "application/json"
    return "{}", "application/json"


def _request(client: Client, method: str, path: str, *, api: bool, template: str = ""):
    if method == "GET":
        return client.get(path)
    if api:
        if method == "DELETE":
            return client.delete(path)
        content = (
            openapi()["paths"][template].get(method.lower(), {}).get("requestBody", {}).get("content", {})
        )
        if "multipart/form-data" in content:
            return client.post(path, _multipart(content["multipart/form-data"]["schema"]))
        body, content_type = _api_body(method, template)
        return client.generic(method, path, data=body, content_type=content_type)
    return client.post(path, {})


def _validation_only(response) -> bool:
    """django-ninja refused the request before the operation ran (so before any permission check): its own
    list of errors, or the portal's FormErrors answer to a request ninja cannot read (core.api_schemas)."""
    if response.status_code != 422 or response.get("Content-Type", "").split(";")[0] != "application/json":
        return False
    detail = response.json().get("detail")
    if isinstance(detail, list):
        return all(isinstance(item, dict) and "loc" in item for item in detail)
    return detail == NINJA_INVALID


def _refused(response, *, api: bool) -> bool:
    if api:
        return response.status_code in API_REFUSED or _validation_only(response)
    if response.status_code == 302:
        return response["Location"].startswith((reverse("accounts:login"), reverse("admin:login")))
    return response.status_code in WEB_REFUSED


def _actors(route: Route) -> list[str]:
    """Anonymous, both citizens, every role at agency X, and at agency Y the roles the route allows (the
    cross-agency check) or, when it allows no staff role, the receptionist."""
    allowed_roles = [
        actor[2:] for actor in route.allow | (route.unsafe_allow or set()) if actor.startswith("x_")
    ]
    other_agency = [f"y_{role}" for role in allowed_roles] or ["y_receptionist"]
    return [a for a in ACTORS if not a.startswith("y_")] + sorted(set(other_agency))


def _leaked(world: dict, response) -> list[str]:
    """Citizen A's name or dossier codes in a response to someone who may not see them."""
    if getattr(response, "streaming", False):
        return []
    body = response.content.decode("utf-8", "replace")
    secrets = [world["dossier"].code, world["submitted"].code, world["citizen_a"].full_name]
    secrets.append(world["citizen_a"].full_name.encode("unicode_escape").decode())
    return [secret for secret in secrets if secret and secret in body]


def check_route(
    world: dict, route: Route, methods: list[str], path: str, *, api: bool, template: str = ""
) -> list[str]:
    """Every actor × method; returns the failures, each naming the actor, the method and what went wrong.

    Every request runs in a savepoint rolled back after it, so the database before each request is the one
    digested once at the start."""
    failures = []
    baseline = database_digest()
    for actor in _actors(route):
        for method in methods:
            allowed = route.allows(actor, method)
            savepoint = transaction.atomic()
            savepoint._from_testcase = True
            with savepoint:
                outside = outside_digest(world)
                written = rows_written()
                response = _request(_client(world, actor), method, path, api=api, template=template)
                changed = []
                if not allowed:
                    if written is None or rows_written() != written:
                        changed = _changes(baseline, database_digest())
                    changed += _changes(outside, outside_digest(world))
                transaction.set_rollback(True)
            status = response.status_code
            where = f"{actor} {method} {path} → {status}"
            refused = _refused(response, api=api) or (not allowed and status in route.also_refused)
            if status >= 500:
                failures.append(f"{where}: server error")
            elif allowed and refused and status != 405 and route.strict:
                failures.append(f"{where}: refused, but the matrix allows {actor}")
            elif not allowed and not refused:
                failures.append(f"{where}: NOT refused")
            if changed:
                failures.append(f"{where}: refused request changed {', '.join(changed)}")
            if (
                actor in OUTSIDERS
                and not (allowed and route.any_citizen)
                and (leaked := _leaked(world, response))
            ):
                failures.append(f"{where}: shows {', '.join(leaked)} of citizen A")
    return failures


# --- the tests ----------------------------------------------------------------------------------------------


def test_every_route_is_in_the_matrix(db):
    web = web_route_names()
    assert sorted(web - WEB.keys()) == [], "web routes without an entry in authz_matrix.WEB"
    assert sorted(WEB.keys() - web) == [], "entries in authz_matrix.WEB that are no longer routes"
    operations = api_operations().keys()
    assert sorted(operations - API.keys()) == [], "API operations without an entry in authz_matrix.API"
    assert sorted(API.keys() - operations) == [], "entries in authz_matrix.API that are no longer operations"


@pytest.mark.parametrize("name", sorted(WEB))
def test_web_route(world, db, name):
    route = WEB[name]
    path = reverse(name, kwargs=_resolve(world, route))
    failures = check_route(world, route, list(route.methods or ("GET", "POST")), path, api=False)
    assert failures == [], "\n".join(failures)


@pytest.mark.parametrize("operation_id", sorted(API))
def test_api_operation(world, db, operation_id):
    route = API[operation_id]
    method, template = api_operations()[operation_id]
    path = template.format(**_resolve(world, route))
    methods = ["GET"] if method == "GET" else [method]
    failures = check_route(world, route, methods, path, api=True, template=template)
    assert failures == [], "\n".join(failures)

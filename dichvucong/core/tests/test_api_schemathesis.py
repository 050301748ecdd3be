"""The API keeps its OpenAPI document: schemathesis generates requests for every operation (anonymous, then
as a signed-in citizen) and checks that none answers 5xx and every answer is documented (status, content type,
body schema). Examples are few and derandomized so that CI is quick and reproducible."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 5


def _application():
    django_application = get_wsgi_application()

    def application(environ, start_response):
        # A WSGI server sets the peer address; werkzeug's test environment does not.
        environ.setdefault("REMOTE_ADDR", "127.0.0.1")
        return django_application(environ, start_response)

    return application


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", _application())

bounded = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """As Django's test client does: the end of a request must not close the connection that holds the
    test's transaction (PostgreSQL would lose it)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def citizen_token(db):
    from dichvucong.accounts.services import api_token_create
    from dichvucong.accounts.tests.factories import CitizenFactory

    _token, key = api_token_create(user=CitizenFactory(), name="schemathesis")
    return key


@pytest.mark.django_db
@schema.parametrize()
@bounded
def test_anonymous(case):
    case.call_and_validate(checks=CHECKS)


@pytest.mark.django_db
@schema.parametrize()
@bounded
def test_citizen(case, citizen_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {citizen_token}"}, checks=CHECKS)

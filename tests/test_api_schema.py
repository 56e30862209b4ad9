"""schemathesis against the REST API's own OpenAPI schema: every operation, generated
inputs, as a logged-in facilitator of a real network. No answer is a server error, and every
documented answer matches its schema and content type (issue 9)."""

from __future__ import annotations

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from django.utils.crypto import get_random_string
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from netweave.discuss import services as discuss_services
from netweave.networks import services
from netweave.networks.models import Person
from netweave.site.wsgi import application

SLUG = "schema-walk"


schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@pytest.fixture
def _keep_the_test_connection(db):
    """As Django's test client does: a request must not close the test's connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def facilitator_cookies(db) -> dict[str, str]:
    user = get_user_model().objects.create_user("schema-fac", "fac@schema.example", "pw-Long-2026")
    person = Person.objects.create(user=user, name="Schema Facilitator")
    network = services.create_network(facilitator=person, name="Schema walk", slug=SLUG,
                                      purpose="Walk the API.", primary_type="practice")
    member = Person.objects.create(name="Schema Member")
    services.join_network(network, member)
    discuss_services.start_topic(network, member, title="A topic", body="A post.")
    client = Client()
    client.force_login(user)
    secret = get_random_string(32)  # Django accepts an unmasked secret as the header value
    # Cookies, not a Cookie header: schemathesis sets the Cookie header itself.
    return {"sessionid": client.cookies["sessionid"].value, "csrftoken": secret}


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_the_api_keeps_to_its_schema(case, facilitator_cookies, _keep_the_test_connection):
    if case.path_parameters and "slug" in case.path_parameters:
        case.path_parameters["slug"] = SLUG
    case.call_and_validate(headers={"X-CSRFToken": facilitator_cookies["csrftoken"]},
                           cookies=facilitator_cookies,
                           checks=[not_a_server_error, content_type_conformance,
                                   response_schema_conformance])


@pytest.mark.parametrize("method, path, body", [
    ("get", f"/api/discuss/n/{SLUG}/topics/{10**30}", None),
    ("post", f"/api/meet/n/{SLUG}/events", {"title": "Huge", "capacity": 10**30,
                                              "starts_at": "2030-01-01T10:00:00+01:00",
                                              "ends_at": "2030-01-01T12:00:00+01:00"}),
])
def test_a_number_too_large_for_the_database_is_the_clients_error(
        client, facilitator_cookies, method, path, body):
    for name, value in facilitator_cookies.items():
        client.cookies[name] = value
    response = getattr(client, method)(path, body, content_type="application/json",
                                       headers={"X-CSRFToken": facilitator_cookies["csrftoken"]})
    assert response.status_code in (400, 404, 422), response.content[:300]

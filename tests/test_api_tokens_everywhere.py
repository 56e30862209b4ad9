"""Issue 15: a personal API token works on every API router alike.

Every GET operation of the OpenAPI schema is called on a *secret* network with a
``facilitate`` token of its facilitator: none may answer as if the token were not there
(401, or the 404 a secret network gives outsiders). Without the token the same calls are
refused, and an unknown token is a 401 everywhere. Every router mounted on the API must
have been called, so that a router added later is covered.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from netweave.discuss import services as discuss_services
from netweave.meet import services as meet_services
from netweave.networks import services
from netweave.networks.models import Person, Visibility
from netweave.site.api import api
from netweave.trust.models import Scope
from netweave.trust.services import create_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret():
    user = get_user_model().objects.create_user("tokenfac", "tokenfac@example.org",
                                                "token-Password-2026")
    fac = Person.objects.create(user=user, name="Token Facilitator",
                                email="tokenfac@example.org")
    network = services.create_network(
        facilitator=fac, name="Token secret", slug="token-secret", purpose="Secret.",
        primary_type="practice", visibility=Visibility.SECRET)
    start = timezone.now() + timedelta(days=2)
    event = meet_services.create_event(network, title="Token meeting", starts_at=start,
                                       ends_at=start + timedelta(hours=1), hosts=[fac])
    topic = discuss_services.start_topic(network, fac, title="Token topic", body="Hello.")
    _row, token = create_token(user, "everywhere", Scope.FACILITATE)
    return network, {"slug": network.slug, "event_id": event.pk, "topic_id": topic.pk}, token


def _calls(ids: dict) -> list[tuple[str, str]]:
    """(router prefix, URL) of every GET operation whose parameters can be filled in."""
    schema = Client().get("/api/openapi.json").json()
    calls = []
    for path, operations in schema["paths"].items():
        if "get" not in operations or set(re.findall(r"{(\w+)}", path)) - set(ids):
            continue
        url = re.sub(r"{(\w+)}", lambda m: str(ids[m[1]]), path)
        query = {p["name"]: "energy" for p in operations["get"].get("parameters", [])
                 if p["in"] == "query" and p.get("required")}
        calls.append((path, url + ("?" + "&".join(f"{k}={v}" for k, v in query.items())
                                   if query else "")))
    return calls


def test_a_token_works_on_every_api_router(secret):
    _network, ids, token = secret
    calls = _calls(ids)
    called_prefixes = set()
    anonymous = Client(raise_request_exception=False)
    with_token = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {token}")
    unknown = Client(raise_request_exception=False,
                     HTTP_AUTHORIZATION="Bearer nwt_" + "x" * 40)
    for path, url in calls:
        answer = with_token.get(url)
        assert answer.status_code < 400 or answer.status_code in {400, 422}, (
            f"{url} with a facilitate token answered {answer.status_code}: "
            f"{answer.content[:200]!r}")
        if "{slug}" in path:
            assert anonymous.get(url).status_code in {401, 404}, url
        assert unknown.get(url).status_code == 401, url
        called_prefixes.add(path.removeprefix("/api").split("/")[1])
    mounted = {prefix.strip("/").split("/")[0] for prefix, _router in api._routers
               if prefix.strip("/")}
    assert len(mounted) >= 7
    assert mounted <= called_prefixes, f"never called with a token: {mounted - called_prefixes}"


def test_the_dashboard_map_answers_a_facilitate_token_on_its_own_secret_network(secret):
    network, _ids, token = secret
    url = f"/api/dashboard/networks/{network.slug}/map"
    assert Client().get(url).status_code == 404
    answer = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get(url)
    assert answer.status_code in {200, 202}

"""Issue 15: every page below a closed network (events, their check-in page, discussions,
weave, dashboard, imports, charter pages) keeps the network's contents from those who may
not see them, like the events list does.

The URL patterns are read from the site's resolver, not listed, so a sub-page added later
is swept too. Each is asked for by an anonymous visitor and by an outsider with an
account, with GET and POST, with the ids of the network's event, topic, post, offer and
introduction filled in.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from netweave.discuss import services as discuss_services
from netweave.meet import services as meet_services
from netweave.networks import services
from netweave.networks.models import Person, Visibility
from netweave.weaving import services as weaving_services

pytestmark = pytest.mark.django_db

TITLE = "Closed sweep meeting"
TOPIC = "Closed sweep topic"
OFFER = "Closed sweep offer"
#: Answers that refuse (or send to the login page) without showing anything.
REFUSALS = {302, 403, 404, 405}


def _routes(patterns, prefix: str = "") -> list[str]:
    found = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            found += _routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            found.append(prefix + str(entry.pattern))
    return found


def _person(username: str) -> Person:
    user = get_user_model().objects.create_user(username, f"{username}@example.org",
                                                "sweep-Password-2026")
    return Person.objects.create(user=user, name=f"{username.title()} Realname",
                                 email=f"{username}@example.org")


@pytest.fixture
def closed():
    fac, member = _person("sweepfac"), _person("sweepmember")
    network = services.create_network(
        facilitator=fac, name="Closed sweep", slug="closed-sweep", purpose="A closed one.",
        primary_type="practice", visibility=Visibility.CLOSED)
    services.join_network(network, member)
    start = timezone.now() + timedelta(days=3)
    event = meet_services.create_event(network, title=TITLE, starts_at=start,
                                       ends_at=start + timedelta(hours=2), hosts=[fac])
    topic = discuss_services.start_topic(network, member, title=TOPIC, body="Opening words.")
    offer = weaving_services.add_offer(network, member, OFFER)
    intro = weaving_services.introduce(network, introducer=fac, person_a=member, person_b=fac,
                                       reasons="Both like sweeping.")
    return network, event, topic, offer, intro


def _fill(route: str, network, event, topic, offer, intro) -> str:
    ids = {"pk": event.pk if "/events/" in route else (
        topic.pk if "/discussions/" in route else (
            intro.pk if "introductions" in route else offer.pk)),
        "post": topic.posts.first().pk, "run_id": 1, "slug": network.slug,
        "step": "purpose", "kind": "offer", "fmt": "csv"}
    # Any other parameter (added later) gets a made-up value: refusals come before look-ups.
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids.get(m[1], 1)), route)


def test_no_page_below_a_closed_network_shows_its_contents_to_outsiders(closed):
    network, event, topic, offer, intro = closed
    routes = [r for r in _routes(get_resolver().url_patterns) if r.startswith("n/<slug:slug>/")]
    subpages = [r for r in routes if re.search(r"/(events|discussions)/<int:pk>/", r)]
    assert len(subpages) >= 15  # the sweep found the event and topic sub-pages
    outsider = Client(raise_request_exception=False)
    outsider.force_login(_person("sweepoutsider").user)
    visitors = {"anonymous": Client(raise_request_exception=False), "outsider": outsider}
    for route in routes:
        url = _fill(route, network, event, topic, offer, intro)
        for who, client in visitors.items():
            for method in (client.get, client.post):
                response = method(url)
                body = response.content.decode("utf-8", "replace")
                for secret in (TITLE, TOPIC, OFFER, "Sweepmember Realname"):
                    assert secret not in body, f"{who} {method.__name__} {url}: {secret}"
                if route in subpages:
                    assert response.status_code in REFUSALS, (
                        f"{who} {method.__name__} {url} answered {response.status_code}")


def test_the_check_in_page_opens_for_a_guest_only_with_the_events_code(closed):
    network, event, *_ = closed
    url = f"/n/{network.slug}/events/{event.pk}/checkin/"
    guest = Client()
    assert guest.get(url).status_code == 403
    assert guest.get(url + "?code=WRONG1").status_code == 403
    assert guest.get(f"/n/{network.slug}/events/999999/checkin/").status_code == 403
    page = guest.get(url + f"?code={event.checkin_code.lower()}")
    assert page.status_code == 200 and TITLE in page.content.decode()


def test_no_api_answer_about_a_closed_network_shows_its_contents_to_outsiders(closed):
    network, event, topic, offer, intro = closed
    ids = {"slug": network.slug, "event_id": event.pk, "topic_id": topic.pk,
           "post_id": topic.posts.first().pk, "offer_id": offer.pk, "intro_id": intro.pk}
    schema = Client().get("/api/openapi.json").json()
    paths = [p for p in schema["paths"] if "{slug}" in p]
    assert len(paths) >= 20
    outsider = Client(raise_request_exception=False)
    outsider.force_login(_person("apioutsider").user)
    for who, client in {"anonymous": Client(raise_request_exception=False),
                        "outsider": outsider}.items():
        for path in paths:
            url = re.sub(r"{(\w+)}", lambda m: str(ids.get(m[1], 1)), path)
            for method in schema["paths"][path]:
                response = getattr(client, method)(url, content_type="application/json")
                body = response.content.decode("utf-8", "replace")
                if re.search(r"/(events|topics|offers|needs)\b", path):
                    assert response.status_code in {400, 401, 403, 404, 405, 422}, (
                        f"{who} {method} {url} answered {response.status_code}")
                for secret in (TITLE, TOPIC, OFFER, "Sweepmember Realname"):
                    assert secret not in body, f"{who} {method} {url}: {secret}"

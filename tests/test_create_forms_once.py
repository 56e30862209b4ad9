"""Issue 15: the create forms (topic, reply, event, offer and need) act once however often
they are sent: each carries a one-time token; sending it again (a double click, a reload,
two requests at the same moment) creates nothing more and leads where the first went. A
form with errors can be corrected and sent again with the same token."""

from __future__ import annotations

import re
import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from netweave.discuss import services as discuss_services
from netweave.networks import services
from netweave.networks.models import Discussion, Event, Need, Offer, Person, Post, Visibility


def _person(username: str) -> Person:
    user = get_user_model().objects.create_user(username, f"{username}@example.org",
                                                "once-Password-2026")
    return Person.objects.create(user=user, name=username.title(),
                                 email=f"{username}@example.org")


@pytest.fixture
def circle(db):
    fac = _person("oncefac")
    network = services.create_network(
        facilitator=fac, name="Once circle", slug="once-circle", purpose="Say it once.",
        primary_type="practice", visibility=Visibility.CLOSED)
    topic = discuss_services.start_topic(network, fac, title="First topic", body="Hello.")
    client = Client()
    client.force_login(fac.user)
    return network, topic, client


def _token(client: Client, url: str, action: str | None = None) -> str:
    html = client.get(url).content.decode()
    if action:  # the form posting to ``action`` (a page may hold several forms)
        html = html[html.index(f'action="{action}"'):]
    return re.search(r'name="once" value="([^"]+)"', html)[1]


def _forms(network, topic) -> list[tuple[str, str, str | None, dict, object]]:
    """(page, where it posts, the form's action on the page, data, rows it creates)."""
    base = f"/n/{network.slug}"
    return [
        (f"{base}/discussions/new/", f"{base}/discussions/new/", None,
         {"title": "Heat pumps", "body": "Who has one?"},
         Discussion.objects.filter(title="Heat pumps")),
        (f"{base}/discussions/{topic.pk}/", f"{base}/discussions/{topic.pk}/reply/",
         f"{base}/discussions/{topic.pk}/reply/", {"body": "Me too, once."},
         Post.objects.filter(body="Me too, once.")),
        (f"{base}/events/new/", f"{base}/events/new/", None,
         {"title": "Once cafe", "mode": "offline", "location": "Library",
          "starts": "2027-02-04T19:30", "ends": "2027-02-04T21:00",
          "timezone": "Europe/Amsterdam"},
         Event.objects.filter(title="Once cafe")),
        (f"{base}/weave/", f"{base}/weave/add/", f"{base}/weave/add/",
         {"kind": "offer", "text": "Ladder to lend", "tags": ""},
         Offer.objects.filter(text="Ladder to lend")),
        (f"{base}/weave/", f"{base}/weave/add/", f"{base}/weave/add/",
         {"kind": "need", "text": "A quiet room", "tags": ""},
         Need.objects.filter(text="A quiet room")),
    ]


def test_sending_a_create_form_twice_creates_one_object(circle):
    network, topic, client = circle
    for page, post_to, action, data, rows in _forms(network, topic):
        token = _token(client, page, action)
        first = client.post(post_to, {**data, "once": token})
        again = client.post(post_to, {**data, "once": token})
        assert first.status_code == again.status_code == 302, post_to
        assert again["Location"] == first["Location"], post_to
        assert rows.count() == 1, post_to
        # A new token (the form opened again) creates a second one on purpose.
        client.post(post_to, {**data, "once": _token(client, page, action)})
        assert rows.count() == 2, post_to


def test_a_form_with_errors_can_be_corrected_and_sent_with_its_token(circle):
    network, _topic, client = circle
    url = f"/n/{network.slug}/discussions/new/"
    token = _token(client, url)
    assert client.post(url, {"title": "", "body": "No title", "once": token}).status_code == 200
    assert client.post(url, {"title": "Titled", "body": "No title", "once": token}
                       ).status_code == 302
    assert Discussion.objects.filter(title="Titled").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_the_same_moment_create_one_topic():
    fac = _person("parallelfac")
    network = services.create_network(
        facilitator=fac, name="Parallel", slug="parallel-once", purpose="Both at once.",
        primary_type="practice", visibility=Visibility.CLOSED)
    url = f"/n/{network.slug}/discussions/new/"
    opener = Client()
    opener.force_login(fac.user)
    token = _token(opener, url)
    start = threading.Barrier(4)
    statuses = []

    def send() -> None:
        try:
            client = Client()
            client.force_login(fac.user)
            start.wait()
            statuses.append(client.post(url, {"title": "Twice", "body": "Clicked twice.",
                                              "once": token}).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * 4
    assert Discussion.objects.filter(title="Twice").count() == 1

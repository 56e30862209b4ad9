"""Issue 15: measuring jobs are bounded. Only those who take part in a network may ask for
a custom period (each is a new job); one client queues at most a few new jobs per window
(429 with a translated message and Retry-After); a period already queued is not queued
again and counts nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from netweave.jobs.models import Job
from netweave.networks import services
from netweave.networks.models import Person, Visibility

pytestmark = pytest.mark.django_db


def _person(username: str) -> Person:
    user = get_user_model().objects.create_user(username, f"{username}@example.org",
                                                "jobs-Password-2026")
    return Person.objects.create(user=user, name=username.title(),
                                 email=f"{username}@example.org")


@pytest.fixture
def public(settings):
    settings.NETWEAVE_JOBS_EAGER = False  # queued, not run: the queue is what is counted
    settings.NETWEAVE_MEASURE_JOBS_PER_CLIENT = 3
    fac, member = _person("jobsfac"), _person("jobsmember")
    network = services.create_network(
        facilitator=fac, name="Jobs open", slug="jobs-open", purpose="Open to all.",
        primary_type="practice", visibility=Visibility.PUBLIC)
    services.join_network(network, member)
    return network, member


def _custom_jobs() -> int:
    return sum(".." in job.payload.get("period", "") for job in Job.objects.all())


def _map(client: Client, slug: str, day: int, **headers):
    return client.get(f"/api/dashboard/networks/{slug}/map",
                      {"start": f"2026-01-{day:02d}", "end": "2026-03-31"}, **headers)


def test_anonymous_visitors_and_outsiders_may_not_ask_for_custom_periods(public):
    network, _member = public
    outsider = Client()
    outsider.force_login(_person("jobsoutsider").user)
    for client in (Client(), outsider):
        for day in range(1, 16):
            answer = _map(client, network.slug, day)
            assert answer.status_code == 403
            assert "Only the network's members" in answer.json()["detail"]
        page = client.get(f"/n/{network.slug}/dashboard/",
                          {"start": "2026-01-01", "end": "2026-03-31"})
        assert "Only the network&#x27;s members" in page.content.decode()
    assert _custom_jobs() == 0
    # The standard periods stay open to everyone.
    assert Client().get(f"/api/dashboard/networks/{network.slug}/map",
                        {"days": "28"}).status_code == 202


def test_one_client_queues_a_bounded_number_of_jobs_with_a_translated_429(public):
    network, member = public
    client = Client()
    client.force_login(member.user)
    assert [_map(client, network.slug, day).status_code for day in (1, 2, 3)] == [202] * 3
    refused = _map(client, network.slug, 4)
    assert refused.status_code == 429
    assert "too many new figures" in refused.json()["detail"]
    assert int(refused["Retry-After"]) > 0
    dutch = _map(client, network.slug, 5, HTTP_ACCEPT_LANGUAGE="nl")
    assert dutch.status_code == 429 and "te veel nieuwe cijfers" in dutch.json()["detail"]
    page = client.get(f"/n/{network.slug}/dashboard/map/",
                      {"start": "2026-01-06", "end": "2026-03-31"})
    assert page.status_code == 429
    assert _custom_jobs() == 3
    # A period already queued is answered with its job and counts nothing.
    assert _map(client, network.slug, 1).status_code == 202
    other = Client()
    other.force_login(_person("jobsother").user)
    services.join_network(network, Person.objects.get(user__username="jobsother"))
    assert _map(other, network.slug, 1).status_code == 202
    assert _custom_jobs() == 3

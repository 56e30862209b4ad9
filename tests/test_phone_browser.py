"""At 390 x 844 (a phone) the facilitator's working pages do not scroll sideways and the
emoji reaction buttons are touch targets of at least 24 x 24 px (issue 21)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from tests.conftest import log_in

from netweave.discuss import services as discuss_services
from netweave.meet import services as meet_services
from netweave.networks import services
from netweave.networks.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-Phone-2026"


@pytest.fixture
def world(transactional_db):
    user = get_user_model().objects.create_user("fenna", "fenna@example.org", PASSWORD)
    fenna = Person.objects.create(user=user, name="Fenna Bakker", email=user.email)
    network = services.create_network(facilitator=fenna, name="Warmtenet Zuid",
                                      slug="warmtenet-zuid", purpose="Van het gas af.",
                                      primary_type="place")
    start = timezone.now() + timedelta(days=9)
    meet_services.create_event(network, title="Straatwandeling", starts_at=start,
                               ends_at=start + timedelta(hours=2), mode="offline",
                               location="Buurthuis De Linde")
    topic = discuss_services.start_topic(network, fenna, title="Hybride pomp?", body="Graag tips.")
    return network, topic


def test_phone_pages_fit_and_reaction_buttons_are_big_enough(live_server, browser, world):
    network, topic = world
    context = browser.new_context(viewport={"width": 390, "height": 844},
                                  extra_http_headers={"Accept-Language": "nl"})
    page = context.new_page()
    try:
        log_in(page, live_server.url, "fenna", PASSWORD)
        base = f"{live_server.url}/n/{network.slug}"
        for path in ("/", "/events/", "/events/new/", "/weave/", "/discussions/",
                     f"/discussions/{topic.pk}/"):
            page.goto(base + path)
            width = page.evaluate("document.scrollingElement.scrollWidth")
            assert width <= 390, f"{path} is {width}px wide"
        buttons = page.locator(".react-form button")
        assert buttons.count() >= 1
        for i in range(buttons.count()):
            box = buttons.nth(i).bounding_box()
            assert box["width"] >= 24 and box["height"] >= 24, box
    finally:
        context.close()

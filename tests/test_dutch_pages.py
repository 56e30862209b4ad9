"""A Dutch facilitator's pages carry no English from the code: form errors, plurals, chart
words and developer words are Dutch, or not there (issue 21)."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone
from tests.conftest import account_with_client

from netweave.meet import services as meet_services
from netweave.networks import services as net
from netweave.weaving import services as weaving_services

pytestmark = pytest.mark.django_db

#: English that code put into Dutch pages before; none of it may come back.
ENGLISH = ("METRICS.md", "RFC 5545", "RRULE", "unknown time zone", "recurrence rule",
           "expected an IANA", "Download plot", "This field is required", " offers.",
           " times.", "You made", "Custom rule", "text:", "kind:")


@pytest.fixture
def dutch_facilitator():
    fenna, client = account_with_client("fenna", "Fenna")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "nl"
    network = net.create_network(facilitator=fenna, name="Warmte Zuid", slug="warmte",
                                 purpose="Samen van het gas af.", primary_type="place")
    start = timezone.now() + timedelta(days=5)
    meet_services.create_event(network, title="Warmte-avond", starts_at=start,
                               ends_at=start + timedelta(hours=2), mode="offline",
                               location="Buurthuis")
    weaving_services.add_offer(network, fenna, "Advies over warmtepompen")
    return network, client


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", html))


def english_in(html: str) -> list[str]:
    text = visible_text(html)
    return [phrase for phrase in ENGLISH if phrase in text]


def test_the_main_pages_in_dutch_carry_no_english_from_the_code(dutch_facilitator):
    network, client = dutch_facilitator
    slug = network.slug
    pages = [network.get_absolute_url()] + [
        reverse(name, args=[slug]) for name in (
            "meet-event-list", "meet-event-create", "weaving-home", "weaving-facilitate",
            "discuss-list", "dashboard-member", "dashboard-network")]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert '<html lang="nl"' in html, url
        assert not english_in(html), (url, english_in(html))


def test_form_errors_are_dutch_and_name_the_field_by_its_label(dutch_facilitator):
    network, client = dutch_facilitator
    page = client.post(reverse("meet-event-create", args=[network.slug]), {
        "title": "Reeks", "mode": "offline", "location": "Buurthuis",
        "starts": "2026-07-02T19:30", "ends": "2026-07-02T21:30",
        "timezone": "Mars/Olympus", "repeat": "custom", "rrule": "FREQ=SOMETIMES"})
    html = page.content.decode()
    assert not english_in(html), english_in(html)
    assert "Selecteer een geldige keuze" in visible_text(html)      # the time zone list
    page = client.post(reverse("meet-event-create", args=[network.slug]), {
        "title": "Reeks", "mode": "offline", "location": "Buurthuis",
        "starts": "2026-07-02T19:30", "ends": "2026-07-02T21:30",
        "timezone": "Europe/Amsterdam", "repeat": "custom", "rrule": "FREQ=SOMETIMES"})
    text = visible_text(page.content.decode())
    assert "Deze herhaalregel werkt niet" in text and "invalid" not in text
    page = client.post(reverse("weaving-add", args=[network.slug]),
                       {"kind": "offer", "text": ""}, follow=True)
    text = visible_text(page.content.decode())
    assert "Wat: Dit veld is verplicht." in text and "text:" not in text


def test_the_time_zone_is_chosen_from_a_list(dutch_facilitator):
    network, client = dutch_facilitator
    html = client.get(reverse("meet-event-create", args=[network.slug])).content.decode()
    select = re.search(r'<select name="timezone"[^>]*>(.*?)</select>', html, re.S)
    assert select and '<option value="Europe/Amsterdam" selected>' in select.group(1)


def test_counts_in_sentences_take_their_plural_form():
    fenna, client = account_with_client("anna", "Anna")
    network = net.create_network(facilitator=fenna, name="Zon", slug="zon",
                                 purpose="Zon op elk dak.", primary_type="place")
    weaving_services.add_offer(network, fenna, "Hulp bij zonnepanelen")
    text = visible_text(client.get(reverse("dashboard-member", args=["zon"])).content.decode())
    assert "You made 1 offer." in text and "1 offers" not in text


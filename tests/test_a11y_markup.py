"""Markup that assistive technology reads right (issue 21): page messages are a list inside a
live region, and the door's buttons are named by the words they show."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from tests.conftest import account_with_client

from netweave.meet import services as meet_services
from netweave.networks import services as net

pytestmark = pytest.mark.django_db


def test_page_messages_are_a_plain_list_inside_a_status_region():
    fenna, client = account_with_client("fenna", "Fenna")
    network = net.create_network(facilitator=fenna, name="Zon", slug="zon",
                                 purpose="Zon op elk dak.", primary_type="place")
    page = client.post(reverse("weaving-add", args=[network.slug]),
                       {"kind": "offer", "text": ""}, follow=True).content.decode()
    region = re.search(r'<div role="status">\s*<ul class="messages">(.*?)</ul>\s*</div>',
                       page, re.S)
    assert region and "<li" in region.group(1)
    assert not re.search(r'<ul[^>]*role="status"', page)


def test_door_buttons_are_named_by_their_visible_words_first():
    fenna, client = account_with_client("fenna", "Fenna")
    network = net.create_network(facilitator=fenna, name="Zon", slug="zon",
                                 purpose="Zon op elk dak.", primary_type="place")
    start = timezone.now() - timedelta(minutes=10)
    event = meet_services.create_event(network, title="Zonnecafé", starts_at=start,
                                       ends_at=start + timedelta(hours=2), mode="offline",
                                       location="Buurthuis")
    meet_services.check_in(event, fenna)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "nl"
    html = client.get(reverse("meet-event-door", args=[network.slug, event.pk])).content.decode()
    button = re.search(r'<button[^>]*value="untick"[^>]*>(.*?)</button>', html, re.S)
    assert button and "aria-label" not in button.group(0)
    name = re.sub(r"<[^>]+>", "", button.group(1))
    assert name.startswith("✓ Aanwezig:") and "Fenna" in name, name

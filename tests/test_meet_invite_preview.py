"""Invitations to an event (issue 17): the facilitator first sees how many members get
one, who, and the mail itself; nothing is sent before they confirm; the mail links to the
event and to the answer "are you coming?"."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from conftest import account_with_client as account
from netweave.meet import services as meet_services
from netweave.networks import services as net
from netweave.networks.models import IdentityMode, Person

AMS = ZoneInfo("Europe/Amsterdam")
pytestmark = pytest.mark.django_db


def test_invitations_are_previewed_and_sent_only_when_confirmed(settings):
    settings.NETWEAVE_BASE_URL = "https://weave.example.org"
    fac, client = account("fenna", "Fenna Bakker")
    network = net.create_network(facilitator=fac, name="Open Warmte", slug="open-warmte",
                                 purpose="Samen warm.", primary_type="place",
                                 identity_mode=IdentityMode.PSEUDONYMS_ALLOWED)
    for i in range(100):
        net.join_network(network, Person.objects.create(name=f"Lid {i:03}",
                                                        email=f"lid{i}@example.org"))
    hidden = Person.objects.create(name="Echte Naam", email="echt@example.org")
    net.join_network(network, hidden, identity="pseudonym", pseudonym="Zonnebloem")
    start = datetime.now(AMS).replace(second=0, microsecond=0) + timedelta(days=10)
    event = meet_services.create_event(network, title="Warmte-avond", starts_at=start,
                                       ends_at=start + timedelta(hours=2), location="De Linde")
    meet_services.rsvp(event, Person.objects.get(name="Lid 000"), "going")
    url = f"/n/open-warmte/events/{event.pk}/invite/"
    detail = client.get(f"/n/open-warmte/events/{event.pk}/").content.decode()
    assert f'href="{url}"' in detail
    preview = client.get(url).content.decode()
    assert not mail.outbox
    # 102 members, one answered: 101 (Fenna included), the pseudonym by the pseudonym only.
    assert "e-mailed to 101 members" in preview and "Send 101 invitations" in preview
    assert "Zonnebloem" in preview and "Echte Naam" not in preview
    assert "Lid 000" not in preview.split('id="mail-preview"')[0].split("Who gets it")[1]
    assert "Invitation: Warmte-avond" in preview
    assert f"https://weave.example.org/n/open-warmte/events/{event.pk}/" in preview
    # A POST without the confirmation sends nothing and goes back to the preview.
    assert client.post(url).status_code == 302 and not mail.outbox
    client.post(url, {"confirm": "send"})
    assert len(mail.outbox) == 101
    body = next(m.body for m in mail.outbox if m.to == ["lid7@example.org"])
    assert f"https://weave.example.org/n/open-warmte/events/{event.pk}/\n" in body
    assert f"https://weave.example.org/n/open-warmte/events/{event.pk}/#rsvp-heading" in body
    # Nobody is left, and the page says so.
    assert "there is nobody to invite" in client.get(url).content.decode()
    client.post(url, {"confirm": "send"})
    assert len(mail.outbox) == 101

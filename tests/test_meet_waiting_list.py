"""The waiting list told the same everywhere (issue 17): a wait-listed person is told they
are on the waiting list (no "You are registered", no ticket and no .ics until they have a
place), the event page says so, and the door says so when a wait-listed ticket is used and
counts those check-ins."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from conftest import account_with_client as account
from netweave.meet import services
from netweave.networks import services as net

AMS = ZoneInfo("Europe/Amsterdam")
pytestmark = pytest.mark.django_db


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    fac, fac_client = account("fenna", "Fenna Bakker")
    network = net.create_network(facilitator=fac, name="Open Warmte", slug="open-warmte",
                                 purpose="Samen warm.", primary_type="place")
    day = (datetime.now(AMS) + timedelta(days=5)).date()
    start = datetime(day.year, day.month, day.day, 19, 30, tzinfo=AMS)
    event = services.create_event(network, title="Volle avond", starts_at=start,
                                  ends_at=start + timedelta(hours=2), location="De Linde",
                                  capacity=1)
    first, _ = account("eerste", "Eva Eerste")
    net.join_network(network, first)
    services.rsvp(event, first, "going")
    member, member_client = account("mila", "Mila Lid")
    net.join_network(network, member)
    mail.outbox.clear()
    return {"fac_client": fac_client, "event": event, "first": first, "member": member,
            "member_client": member_client, "base": f"/n/open-warmte/events/{event.pk}/"}


def test_a_wait_listed_guest_is_told_so_without_ticket_or_ics(
        world, django_capture_on_commit_callbacks):
    event = world["event"]
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.register_guest(event, name="Gijs Gast",
                                               email="gijs@example.org")
    assert registration.is_waitlisted
    (message,) = mail.outbox
    assert message.subject == "On the waiting list: Volle avond"
    assert "waiting list" in message.body and "You are registered" not in message.body
    assert registration.ticket not in message.body and not message.attachments
    # A place comes free: now the ticket and the .ics come.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.rsvp(event, world["first"], "not_going")
    (moved,) = mail.outbox
    assert registration.ticket in moved.body and moved.attachments


def test_a_wait_listed_member_sees_the_waiting_list_not_a_ticket(world):
    event, client = world["event"], world["member_client"]
    response = client.post(world["base"] + "rsvp/", {"status": "going"}, follow=True)
    page = response.content.decode()
    registration = event.registrations.get(person=world["member"])
    assert "on the waiting list (number 1)" in page and 'id="waiting-note"' in page
    assert registration.ticket not in page
    assert "Your answer: <strong>Going" not in page


def test_the_door_says_when_a_wait_listed_ticket_is_used_and_counts_it(world):
    event, fac = world["event"], world["fac_client"]
    waiting = services.rsvp(event, world["member"], "going")
    guest = services.register_guest(event, name="Gijs Gast", email="gijs@example.org")
    with time_machine.travel(event.starts_at, tick=False):
        response = fac.post(world["base"] + "door/", {"action": "code",
                                                      "code-code": waiting.ticket},
                            follow=True)
        page = response.content.decode()
        assert "Mila Lid is on the waiting list" in page
        services.walk_in(event, name="Wim Binnen")
        page = fac.get(world["base"] + "door/").content.decode()
    assert ("2 checked in · 1 going · 2 on the waiting list · checked in from the waiting "
            "list: 1 · walk-ins: 1") in " ".join(page.split())
    assert guest.is_waitlisted

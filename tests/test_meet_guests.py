"""Guests (people without an account) are resolved within one network only, and a guest's
ticket code only ever goes to their mailbox (issue 15)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.test import Client

from conftest import account_with_client as account
from netweave.meet import services
from netweave.networks import services as net
from netweave.networks.models import Attendance, Person, Registration

AMS = ZoneInfo("Europe/Amsterdam")
pytestmark = pytest.mark.django_db


def start() -> datetime:
    day = (datetime.now(AMS) + timedelta(days=12)).date()
    return datetime(day.year, day.month, day.day, 19, 30, tzinfo=AMS)


def open_network(slug: str, facilitator: Person):
    network = net.create_network(facilitator=facilitator, name=slug.title(), slug=slug,
                                 purpose="Open voor iedereen.", primary_type="place")
    s = start()
    event = services.create_event(network, title=f"Avond {slug}", starts_at=s,
                                  ends_at=s + timedelta(hours=2), location="Hier")
    return network, event


@pytest.fixture
def two_networks(django_capture_on_commit_callbacks):
    fac_a, client_a = account("anna", "Anna Eerste")
    fac_b, client_b = account("bert", "Bert Tweede")
    net_a, event_a = open_network("eerste", fac_a)
    net_b, event_b = open_network("tweede", fac_b)
    with django_capture_on_commit_callbacks(execute=True):
        sarah = services.register_guest(event_a, name="Sarah Taylor", email="sarah@example.org",
                                        organisation="Geheim Genootschap")
    mail.outbox.clear()
    return {"a": (net_a, event_a, client_a), "b": (net_b, event_b, client_b),
            "sarah": sarah}


def test_a_walk_in_elsewhere_with_her_address_learns_nothing_about_her(two_networks):
    net_b, event_b, client_b = two_networks["b"]
    sarah = two_networks["sarah"].person
    with time_machine.travel(event_b.starts_at, tick=False):   # check-in is open
        response = client_b.post(f"/api/meet/n/{net_b.slug}/events/{event_b.pk}/walk-ins",
                                 json.dumps({"name": "Iemand Anders",
                                             "email": "Sarah@Example.org"}),
                                 content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["name"] == "Iemand Anders"
    assert b"Sarah" not in response.content and b"Geheim" not in response.content
    attendance = Attendance.objects.get(event=event_b)
    assert attendance.person_id != sarah.pk
    assert attendance.person.organisation is None and attendance.person.name == "Iemand Anders"
    assert not Attendance.objects.filter(person=sarah).exists()
    # The door page says the same.
    door = client_b.get(f"/n/{net_b.slug}/events/{event_b.pk}/door/")
    assert b"Iemand Anders" in door.content and b"Sarah Taylor" not in door.content


def test_a_walk_in_in_the_same_network_is_the_same_guest(two_networks):
    net_a, event_a, client_a = two_networks["a"]
    sarah = two_networks["sarah"].person
    with time_machine.travel(event_a.starts_at, tick=False):   # check-in is open
        response = client_a.post(f"/n/{net_a.slug}/events/{event_a.pk}/door/",
                                 {"action": "walkin", "walkin-name": "S. Taylor",
                                  "walkin-email": "sarah@example.org"})
    assert response.status_code == 302
    assert Attendance.objects.get(event=event_a).person_id == sarah.pk


def test_an_imported_member_of_another_network_is_not_found_by_address(two_networks):
    net_a, _event_a, _client_a = two_networks["a"]
    _net_b, event_b, _client_b = two_networks["b"]
    ida = Person.objects.create(name="Ida Geïmporteerd", email="ida@example.org")
    net.join_network(net_a, ida)
    with time_machine.travel(event_b.starts_at, tick=False):   # check-in is open
        attendance = services.walk_in(event_b, name="Niet Ida", email="ida@example.org")
    assert attendance.person_id != ida.pk and attendance.person.name == "Niet Ida"


def test_registering_with_someone_elses_address_shows_no_ticket(
        two_networks, django_capture_on_commit_callbacks):
    net_a, event_a, _client_a = two_networks["a"]
    sarah = two_networks["sarah"]
    anonymous = Client()
    url = f"/n/{net_a.slug}/events/{event_a.pk}/register/"
    with django_capture_on_commit_callbacks(execute=True):
        taken = anonymous.post(url, {"name": "Indringer", "email": "sarah@example.org"},
                               follow=True)
        fresh = anonymous.post(url, {"name": "Nieuw", "email": "nieuw@example.org"},
                               follow=True)
    assert sarah.ticket.encode() not in taken.content
    new_ticket = Registration.objects.get(event=event_a, person__email="nieuw@example.org")
    assert new_ticket.ticket.encode() not in fresh.content

    def message(response) -> str:
        return " ".join(m.message for m in response.context["messages"])

    # The same words whether or not the address was registered before.
    assert message(taken) == message(fresh) and "e-mailed your ticket" in message(taken)
    # Sarah's own ticket went to Sarah's mailbox again; her name did not change.
    to_sarah = [m for m in mail.outbox if m.to == ["sarah@example.org"]]
    assert len(to_sarah) == 1 and sarah.ticket in to_sarah[0].body
    assert "Indringer" not in to_sarah[0].body
    assert Person.objects.get(pk=sarah.person_id).name == "Sarah Taylor"
    assert Registration.objects.filter(event=event_a, person=sarah.person).count() == 1


def test_registering_in_another_network_makes_a_new_guest(
        two_networks, django_capture_on_commit_callbacks):
    net_b, event_b, _client_b = two_networks["b"]
    sarah = two_networks["sarah"]
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(f"/n/{net_b.slug}/events/{event_b.pk}/register/",
                      {"name": "Andere Naam", "email": "sarah@example.org",
                       "organisation": ""})
    registration = Registration.objects.get(event=event_b)
    assert registration.person_id != sarah.person_id
    assert registration.person.name == "Andere Naam"
    assert registration.ticket != sarah.ticket
    assert mail.outbox[-1].to == ["sarah@example.org"]
    assert registration.ticket in mail.outbox[-1].body and sarah.ticket not in mail.outbox[-1].body

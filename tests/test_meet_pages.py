"""Meet's pages through Django's test client: the door list, self check-in on a phone, the
event form with its errors, and editing a series."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from conftest import account_with_client as account
from netweave.core import activity as act
from netweave.meet import services
from netweave.networks import services as net
from netweave.networks.models import Activity, Attendance, Event, Person
from netweave.networks.selectors import person_ref

AMS = ZoneInfo("Europe/Amsterdam")
pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    fac, fac_client = account("fenna", "Fenna Bakker")
    network = net.create_network(facilitator=fac, name="Open Warmte", slug="open-warmte",
                                 purpose="Samen warm.", primary_type="place")
    member, member_client = account("mila", "Mila Lid")
    net.join_network(network, member)
    # Starts within the hour: check-in is open.
    start = (datetime.now(AMS) + timedelta(hours=1)).replace(second=0, microsecond=0)
    event = services.create_event(network, title="Warmte-avond", starts_at=start,
                                  ends_at=start + timedelta(hours=2), location="De Linde")
    return {"network": network, "fac": fac_client, "member": member, "member_client":
            member_client, "event": event, "base": f"/n/open-warmte/events/{event.pk}/"}


def test_guest_checks_in_on_a_phone_with_the_event_code_and_email(world):
    event, base = world["event"], world["base"]
    services.register_guest(event, name="Gijs Gast", email="gijs@example.org")
    phone = Client()
    wrong = phone.post(base + "checkin/", {"code": event.checkin_code,
                                           "email": "iemand@example.org"})
    assert b"No guest registration" in wrong.content
    assert not Attendance.objects.filter(event=event).exists()
    page = phone.get(base + f"checkin/?code={event.checkin_code}")
    assert event.checkin_code.encode() in page.content
    done = phone.post(base + "checkin/", {"code": event.checkin_code.lower(),
                                          "email": "GIJS@example.org"})
    assert b'id="checked-in"' in done.content
    assert Attendance.objects.get(event=event).person.name == "Gijs Gast"


def test_member_checks_in_with_the_code_and_a_wrong_code_changes_nothing(world):
    client, base, event = world["member_client"], world["base"], world["event"]
    bad = client.post(base + "checkin/", {"code": "XXXXXX"})
    assert b"not this event" in bad.content
    assert not Attendance.objects.exists()
    client.post(base + "checkin/", {"code": event.checkin_code})
    assert Attendance.objects.get(event=event).person == world["member"]


def test_door_list_ticks_walk_ins_and_refuses_others(world):
    fac, base, event = world["fac"], world["base"], world["event"]
    assert world["member_client"].get(base + "door/").status_code == 403
    services.rsvp(event, world["member"], "going")
    member_id = world["member"].pk
    member_ref = person_ref(event.network, member_id)
    fac.post(base + "door/", {"action": "tick", "person": member_ref})
    assert Attendance.objects.filter(event=event, person_id=member_id, method="list").exists()
    fac.post(base + "door/", {"action": "untick", "person": member_ref})
    assert not Attendance.objects.filter(event=event).exists()
    kinds = list(Activity.objects.filter(object_id=event.pk, actor_id=member_id,
                                         kind__in=[act.ATTEND, act.VOID])
                 .order_by("id").values_list("kind", flat=True))
    assert kinds == [act.ATTEND, act.VOID]
    stranger = Person.objects.create(name="Niet Aangemeld")
    response = fac.post(base + "door/", {"action": "tick", "person": stranger.pk}, follow=True)
    assert b"not on this list" in response.content
    response = fac.post(base + "door/", {"action": "tick", "person": member_id}, follow=True)
    assert b"not on this list" in response.content  # a global id is no reference
    response = fac.post(base + "door/", {"action": "walkin", "walkin-name": ""})
    assert response.status_code == 200 and b"This field is required" in response.content
    fac.post(base + "door/", {"action": "walkin", "walkin-name": "Wim Binnen",
                              "walkin-organisation": "Gemeente"})
    walk = Attendance.objects.get(event=event)
    assert walk.method == "walk_in" and walk.person.organisation.name == "Gemeente"


def test_event_form_errors_say_what_was_expected_and_change_nothing(world):
    fac = world["fac"]
    before = Event.objects.count()
    response = fac.post("/n/open-warmte/events/new/", {
        "title": "Kapot", "mode": "hybrid", "starts": "morgen", "ends": "2026-13-01T10:00",
        "timezone": "Europe/Nergens", "repeat": "custom", "rrule": "elke week"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "Europe/Nergens is not one of the available choices" in text  # a list of zones
    assert "Give a location" in text and "Give the link" in text
    assert Event.objects.count() == before


def test_edit_series_from_the_page(world):
    fac, network = world["fac"], world["network"]
    response = fac.post("/n/open-warmte/events/new/", {
        "title": "Maandcafé", "mode": "offline", "location": "De Linde",
        "starts": "2027-01-07T19:30", "ends": "2027-01-07T21:00",
        "timezone": "Europe/Amsterdam", "repeat": "custom", "rrule": "FREQ=MONTHLY;COUNT=6"})
    assert response.status_code == 302
    events = list(Event.objects.filter(network=network, series__isnull=False)
                  .order_by("starts_at"))
    assert len(events) == 6
    third = events[2]
    fac.post(f"/n/open-warmte/events/{third.pk}/edit/?scope=series", {
        "title": "Maandcafé (nieuw)", "mode": "offline", "location": "Bieb",
        "starts": "2027-03-07T20:00", "ends": "2027-03-07T22:00",
        "timezone": "Europe/Amsterdam"})
    local = [(e.title, e.starts_at.astimezone(AMS).strftime("%m-%d %H:%M"))
             for e in Event.objects.filter(series=third.series).order_by("starts_at")]
    assert local == [("Maandcafé", "01-07 19:30"), ("Maandcafé", "02-07 19:30"),
                     ("Maandcafé (nieuw)", "03-07 20:00"), ("Maandcafé (nieuw)", "04-07 20:00"),
                     ("Maandcafé (nieuw)", "05-07 20:00"), ("Maandcafé (nieuw)", "06-07 20:00")]

"""Check-in is open only around the event (issue 17): door, ticket, self check-in and
walk-ins are refused weeks before (or long after) it, with a message that says when it
opens; a facilitator records attendance outside the window only as an audited correction,
dated at the event."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from conftest import account_with_client as account
from netweave.core import activity as act
from netweave.discuss.selectors import between_meetings
from netweave.meet import services
from netweave.networks import services as net
from netweave.networks.models import Activity, Attendance, Person
from netweave.networks.selectors import person_ref
from netweave.trust.models import AuditEntry

AMS = ZoneInfo("Europe/Amsterdam")
pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    fac, fac_client = account("fenna", "Fenna Bakker")
    network = net.create_network(facilitator=fac, name="Open Warmte", slug="open-warmte",
                                 purpose="Samen warm.", primary_type="place")
    member, member_client = account("mila", "Mila Lid")
    net.join_network(network, member)
    day = (datetime.now(AMS) + timedelta(days=40)).date()
    start = datetime(day.year, day.month, day.day, 19, 30, tzinfo=AMS)
    event = services.create_event(network, title="Januari-avond", starts_at=start,
                                  ends_at=start + timedelta(hours=2), location="De Linde")
    services.rsvp(event, member, "going")
    return {"network": network, "fac": fac, "fac_client": fac_client, "member": member,
            "member_client": member_client, "event": event,
            "ref": person_ref(network, member.pk),
            "base": f"/n/open-warmte/events/{event.pk}/"}


def test_every_way_in_is_refused_weeks_before_the_event(world):
    event, member = world["event"], world["member"]
    guest = services.register_guest(event, name="Gijs Gast", email="gijs@example.org")
    with pytest.raises(ValidationError, match="opens on"):
        services.self_check_in(event, member, event.checkin_code)
    with pytest.raises(ValidationError, match="opens on"):
        services.check_in_ticket(event, guest.ticket)
    with pytest.raises(ValidationError, match="opens on"):
        services.walk_in(event, name="Wim Binnen")
    with pytest.raises(ValidationError, match="opens on"):
        services.door_check_in(event, member)
    page = world["member_client"].post(world["base"] + "checkin/",
                                       {"code": event.checkin_code}, follow=True)
    assert b"opens on" in page.content
    door = world["fac_client"].post(world["base"] + "door/",
                                    {"action": "tick", "person": world["ref"]}, follow=True)
    assert b"opens on" in door.content and b'id="door-closed"' in door.content
    assert not Attendance.objects.exists()
    assert not Activity.objects.filter(kind=act.ATTEND).exists()


def test_the_window_opens_two_hours_before_and_closes_six_hours_after(world):
    event, member = world["event"], world["member"]
    with time_machine.travel(event.starts_at - timedelta(hours=2, minutes=1), tick=False):
        with pytest.raises(ValidationError):
            services.self_check_in(event, member, event.checkin_code)
    with time_machine.travel(event.starts_at - timedelta(hours=1), tick=False):
        attendance = services.self_check_in(event, member, event.checkin_code)
    assert attendance.checked_in_at == event.starts_at - timedelta(hours=1)
    with time_machine.travel(event.ends_at + timedelta(hours=6, minutes=1), tick=False):
        with pytest.raises(ValidationError, match="closed on"):
            services.walk_in(event, name="Wim Binnen")
    with time_machine.travel(event.ends_at + timedelta(hours=5), tick=False):
        assert services.walk_in(event, name="Wim Binnen").method == "walk_in"


def test_the_window_follows_the_settings(world, settings):
    event, member = world["event"], world["member"]
    settings.NETWEAVE_CHECKIN_OPENS_BEFORE = timedelta(days=60)
    assert services.self_check_in(event, member, event.checkin_code).method == "code"


@pytest.mark.django_db(transaction=True)   # "between meetings" reads the committed log
def test_a_facilitator_records_attendance_afterwards_as_an_audited_correction(world):
    event, member, base = world["event"], world["member"], world["base"]
    # Members cannot reach the door list, so they cannot record corrections.
    assert world["member_client"].post(base + "door/", {"action": "record",
                                                        "person": world["ref"]}).status_code == 403
    with time_machine.travel(event.ends_at + timedelta(days=10), tick=False):
        world["fac_client"].force_login(world["fac"].user)   # a fresh session, weeks later
        door = world["fac_client"].get(base + "door/")
        assert b'value="record"' in door.content and b'value="tick"' not in door.content
        world["fac_client"].post(base + "door/", {"action": "record", "person": world["ref"],
                                                  "reason": "Papieren lijst"})
        attendance = Attendance.objects.get(event=event, person=member)
        assert attendance.checked_in_at == event.starts_at
        row = Activity.objects.get(kind=act.ATTEND, actor=member, object_id=event.pk)
        assert row.at == event.starts_at
        entry = AuditEntry.objects.get(action="meet.attendance.correct")
        assert entry.actor == world["fac"].user and entry.details["event"] == event.pk
        # "Between meetings" puts the last meeting on the event's day, not on today.
        assert between_meetings(world["network"]).last_meeting_at == event.starts_at
    stranger = Person.objects.create(name="Niet Aangemeld")
    with pytest.raises(ValidationError):
        services.record_attendance(event, stranger, by=world["fac"].user)


def test_a_network_sets_its_own_window_which_overrides_the_default(world, settings):
    event, member, fac = world["event"], world["member"], world["fac_client"]
    # The site's default is 2 hours before; this network opens check-in a day before.
    assert fac.get("/n/open-warmte/events/check-in/").status_code == 200
    assert world["member_client"].get("/n/open-warmte/events/check-in/").status_code == 403
    fac.post("/n/open-warmte/events/check-in/", {"opens_before": "1440",
                                                 "closes_after": "30"})
    assert services.window_lengths(world["network"]) == (timedelta(days=1),
                                                         timedelta(minutes=30))
    with time_machine.travel(event.starts_at - timedelta(hours=20), tick=False):
        assert services.self_check_in(event, member, event.checkin_code)
    with time_machine.travel(event.ends_at + timedelta(minutes=31), tick=False):
        with pytest.raises(ValidationError, match="closed on"):
            services.walk_in(event, name="Wim Binnen")
    # Another network keeps the site's default, and so does this one once both are empty.
    settings.NETWEAVE_CHECKIN_OPENS_BEFORE = timedelta(hours=3)
    other = net.create_network(facilitator=world["fac"], name="Ander", slug="ander",
                               purpose="Anders.", primary_type="place")
    assert services.window_lengths(other)[0] == timedelta(hours=3)
    page = fac.get("/n/open-warmte/events/check-in/").content.decode()
    assert 'value="1440"' in page
    fac.post("/n/open-warmte/events/check-in/", {"opens_before": "", "closes_after": ""})
    assert services.window_lengths(world["network"])[0] == timedelta(hours=3)

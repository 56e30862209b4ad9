"""Meet in a real headless Chromium against a live server: a facilitator creates a recurring
hybrid event, a member answers, a guest registers without an account, at the door the
member is ticked on the list and the guest checked in by ticket code, the export and the
activity log show it, and a freed place moves the first waiting person up (with an e-mail).
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail

from conftest import log_in
from netweave.core import activity as act
from netweave.meet import services as meet_services
from netweave.networks import services as net
from netweave.networks.models import (
    Activity,
    Attendance,
    Event,
    IdentityMode,
    Network,
    Person,
    Registration,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
PASSWORD = "Weave-the-net-2026"
AMS = ZoneInfo("Europe/Amsterdam")


def account(username: str, name: str) -> Person:
    user = get_user_model().objects.create_user(username, f"{username}@example.org", PASSWORD)
    return Person.objects.create(user=user, name=name, email=user.email)


@pytest.fixture
def network(transactional_db) -> Network:
    fenna = account("fenna", "Fenna Bakker")
    net_ = net.create_network(facilitator=fenna, name="Warmtenet Zuid", slug="warmtenet-zuid",
                              purpose="Samen van het gas af.", primary_type="place",
                              identity_mode=IdentityMode.PSEUDONYMS_ALLOWED)
    for username, name in (("anouk", "Anouk de Vries"), ("chris", "Chris Jansen"),
                           ("bram", "Bram Visser")):
        net.join_network(net_, account(username, name))
    return net_


def test_recurring_hybrid_event_from_creation_to_the_door(live_server, new_page, network):
    from playwright.sync_api import expect

    base = live_server.url
    # The facilitator creates a monthly hybrid meeting (same weekday of the month, e.g. "first
    # Thursday") for three people.
    fac = new_page(width=1024, height=1366, accept_downloads=True)
    log_in(fac, base, "fenna", PASSWORD)
    fac.goto(f"{base}/n/{network.slug}/")
    fac.get_by_role("link", name="Events", exact=True).click()
    fac.get_by_role("link", name="New event").click()
    day = (datetime.now(AMS) + timedelta(days=14)).date()
    fac.fill("#id_title", "Warmte-café")
    fac.select_option("#id_mode", "hybrid")
    fac.fill("#id_location", "Buurthuis De Linde")
    fac.fill("#id_online_url", "https://meet.example.org/warmte")
    fac.fill("#id_starts", f"{day:%Y-%m-%d}T19:30")
    fac.fill("#id_ends", f"{day:%Y-%m-%d}T21:30")
    fac.fill("#id_capacity", "3")
    fac.get_by_label("Fenna Bakker").check()
    fac.select_option("#id_repeat", "monthly_weekday")
    fac.get_by_role("button", name="Save").click()
    expect(fac.get_by_role("heading", level=1)).to_have_text("Warmte-café")
    expect(fac.locator("#series-rule")).to_contain_text("Every month on the")
    event = Event.objects.get(pk=int(fac.url.rstrip("/").rsplit("/", 1)[-1]))
    assert event.series is not None and event.series.occurrences.count() > 6
    assert event.starts_at.astimezone(AMS).date() == day  # the start is the first one
    assert {e.starts_at.astimezone(AMS).strftime("%H:%M")
            for e in event.series.occurrences.all()} == {"19:30"}
    url = fac.url

    # Chris says he is going (through the API-free service), Anouk answers in the browser.
    chris = Person.objects.get(name="Chris Jansen")
    meet_services.rsvp(event, chris, "going")
    member = new_page(width=1024, height=1366, accept_downloads=True)
    log_in(member, base, "anouk", PASSWORD)
    member.goto(url)
    member.get_by_role("button", name="Going", exact=True).click()
    expect(member.locator("#your-answer")).to_contain_text("Going")
    ARTIFACTS.mkdir(exist_ok=True)
    member.screenshot(path=str(ARTIFACTS / "meet-event.png"), full_page=True)

    # A guest registers without an account: the last place.
    guest = new_page(width=1024, height=1366, accept_downloads=True)
    guest.goto(url)
    guest.fill("#guest-form input[name=name]", "Gijs Gast")
    guest.fill("#guest-form input[name=email]", "gijs@example.org")
    guest.fill("#guest-form input[name=organisation]", "Woonbond")
    guest.get_by_role("button", name="Register").click()
    expect(guest.locator(".messages")).to_contain_text("We have e-mailed your ticket")
    registration = Registration.objects.get(event=event, person__email="gijs@example.org")
    assert registration.person.user is None
    assert registration.ticket not in guest.content()  # only ever in the mail

    # Bram wants to come too: the event is full, so he waits.
    bram = Person.objects.get(name="Bram Visser")
    waiting = meet_services.rsvp(event, bram, "going")
    assert waiting.is_waitlisted
    mail.outbox.clear()

    # Chris cannot come after all: his place goes to Bram, who is told by e-mail.
    chris_page = new_page(width=1024, height=1366, accept_downloads=True)
    log_in(chris_page, base, "chris", PASSWORD)
    chris_page.goto(url)
    chris_page.get_by_role("button", name="Not going").click()
    expect(chris_page.locator("#your-answer")).to_contain_text("Not going")
    waiting.refresh_from_db()
    assert not waiting.is_waitlisted
    assert [m.to for m in mail.outbox] == [["bram@example.org"]]
    assert "A place for you" in mail.outbox[0].subject

    # The evening of the meeting (check-in opens two hours before the start), weeks
    # later: a fresh session.
    with time_machine.travel(event.starts_at - timedelta(hours=1)):
        log_in(fac, base, "fenna", PASSWORD)
        # At the door: Anouk ticked on the list, the guest checked in by ticket code.
        fac.goto(url)
        fac.get_by_role("link", name="Attendance list (at the door)").click()
        expect(fac.locator(".qr svg")).to_be_visible()
        fac.get_by_role("button", name="Check in Anouk de Vries").click()
        expect(fac.locator("li.door-row.is-in")).to_contain_text("Anouk de Vries")
        fac.fill("#code-form input[name=code-code]", registration.ticket.lower())
        fac.locator("#code-form button").click()
        expect(fac.locator("li.door-row.is-in")).to_have_count(2)
        fac.screenshot(path=str(ARTIFACTS / "meet-door.png"), full_page=True)
        methods = dict(Attendance.objects.filter(event=event).values_list("person__name", "method"))
        assert methods == {"Anouk de Vries": "list", "Gijs Gast": "code"}

        # The export shows the attendance; the activity log has an attend row for each.
        fac.goto(url)
        with fac.expect_download() as download:
            fac.get_by_role("link", name="Attendees (CSV)").click()
        table = list(csv.reader(io.StringIO(Path(download.value.path()).read_text("utf-8"))))
        checked = {row[0]: row[6] for row in table[1:]}
        assert checked["Anouk de Vries"] == "yes" and checked["Gijs Gast"] == "yes"
        assert checked["Bram Visser"] == "no"
        attend = Activity.objects.filter(kind=act.ATTEND, object_type="event", object_id=event.pk)
        assert sorted(attend.values_list("actor__name", flat=True)) == ["Anouk de Vries",
                                                                        "Gijs Gast"]
        assert set(attend.values_list("channel", flat=True)) == {act.OFFLINE}

"""The door page (issue 17): it names the person just checked in and says so when a ticket
is used a second time; a search box finds a name in a long list (without JavaScript by the
server, with it as you type); on a phone the forms come before the list."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from conftest import account_with_client as account
from conftest import log_in
from netweave.meet import services
from netweave.networks import services as net
from netweave.networks.models import Attendance, IdentityMode, Person

AMS = ZoneInfo("Europe/Amsterdam")
NAMES = ["Anouk de Vries", "Bram Visser", "Chris Jansen", "Daan Mulder", "Eva Smit",
         "Femke Bos", "Gert Meijer", "Hanneke de Boer", "Iris Dekker", "José Álvarez",
         "Karin van Dijk", "Lars Bakker"]


def _world():
    fac, fac_client = account("fenna", "Fenna Bakker")
    network = net.create_network(facilitator=fac, name="Open Warmte", slug="open-warmte",
                                 purpose="Samen warm.", primary_type="place",
                                 identity_mode=IdentityMode.PSEUDONYMS_ALLOWED)
    start = (datetime.now(AMS) + timedelta(hours=1)).replace(second=0, microsecond=0)
    event = services.create_event(network, title="Warmte-avond", starts_at=start,
                                  ends_at=start + timedelta(hours=2), location="De Linde")
    guests = [services.register_guest(event, name=name, email=f"guest{i}@example.org")
              for i, name in enumerate(NAMES)]
    return network, event, fac_client, guests


@pytest.mark.django_db
def test_door_names_who_was_checked_in_and_warns_of_a_ticket_used_twice():
    _network, event, fac, guests = _world()
    door = f"/n/open-warmte/events/{event.pk}/door/"
    first = fac.post(door, {"action": "code", "code-code": guests[1].ticket}, follow=True)
    assert "Checked in: Bram Visser." in first.content.decode()
    again = fac.post(door, {"action": "code", "code-code": guests[1].ticket.lower()},
                     follow=True)
    text = again.content.decode()
    assert "Bram Visser was already checked in at" in text
    assert "second time this ticket" in text and "message-warning" in text
    assert Attendance.objects.filter(event=event).count() == 1
    walk_in = fac.post(door, {"action": "walkin", "walkin-name": "Wim Binnen"}, follow=True)
    assert "The walk-in Wim Binnen has been checked in." in walk_in.content.decode()


@pytest.mark.django_db
def test_door_search_works_without_javascript_and_keeps_the_search_after_a_tick():
    network, event, fac, _guests = _world()
    door = f"/n/open-warmte/events/{event.pk}/door/"
    page = fac.get(door, {"q": "jose"}).content.decode()
    assert "José Álvarez" in page and "Bram Visser" not in page
    assert "1 of 12 shown" in page
    assert "Anouk de Vries" in fac.get(door, {"q": "de"}).content.decode()
    assert "Nobody on the list matches." in fac.get(door, {"q": "zzz"}).content.decode()
    # A member under a pseudonym is found by the pseudonym, never by the real name.
    hidden = Person.objects.create(name="Echte Naam", email="echt@example.org")
    net.join_network(network, hidden, identity="pseudonym", pseudonym="Zonnebloem")
    services.rsvp(event, hidden, "going")
    assert "Zonnebloem" in fac.get(door, {"q": "zonne"}).content.decode()
    by_real_name = fac.get(door, {"q": "echte"}).content.decode()
    assert "Nobody on the list matches." in by_real_name and "Echte" not in by_real_name.split(
        'id="door-q"')[1]
    assert "Echte Naam" not in fac.get(door).content.decode()
    from netweave.meet.selectors import attendee_rows

    ref = next(r.ref for r in attendee_rows(event) if r.name == "Eva Smit")
    done = fac.post(door, {"action": "tick", "person": ref, "q": "eva"})
    assert done.status_code == 302 and done["Location"].endswith("door/?q=eva")
    assert network.slug in done["Location"]


def test_door_on_a_phone_search_filters_as_you_type_and_forms_come_first(
        live_server, new_page, transactional_db):
    from playwright.sync_api import expect

    _network, event, _fac, _guests = _world()
    page = new_page(width=390, height=844)
    log_in(page, live_server.url, "fenna", "pw-2026x")
    page.goto(f"{live_server.url}/n/open-warmte/events/{event.pk}/door/")
    rows = page.locator("#door-list li.door-row")
    expect(rows).to_have_count(len(NAMES))
    # The forms are above the list on a phone, and nothing is wider than the screen.
    code_box = page.locator("#code-form").bounding_box()
    walk_in_box = page.locator("#walkin-form").bounding_box()
    list_box = page.locator("#door-list").bounding_box()
    assert code_box["y"] + code_box["height"] <= list_box["y"]
    assert walk_in_box["y"] + walk_in_box["height"] <= list_box["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # Typing filters at once (accents ignored), without sending the form.
    page.locator("#door-q").press_sequentially("alva")
    expect(page.locator("#door-list li.door-row:visible")).to_have_count(1)
    expect(page.locator("#door-list li.door-row:visible")).to_contain_text("José Álvarez")
    expect(page.locator("#door-count")).to_have_text("1 of 12 shown")
    assert page.url.endswith("/door/")
    page.locator("#door-q").fill("")
    page.locator("#door-q").press_sequentially("qqq")
    expect(page.locator("#door-none")).to_be_visible()
    page.locator("#door-q").fill("bram")
    page.locator("#door-list li.door-row:visible").get_by_role("button",
                                                               name="Check in Bram Visser").click()
    expect(page.locator("ul.messages")).to_contain_text(
        "Checked in: Bram Visser.")

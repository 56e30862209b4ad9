"""Meet's REST API and pages: permissions, pseudonymity and bad input."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from conftest import account_with_client as account
from netweave.core import activity as act
from netweave.meet import services
from netweave.networks import services as net
from netweave.networks.models import (
    Activity,
    Event,
    Identity,
    IdentityMode,
    Person,
    Visibility,
)

AMS = ZoneInfo("Europe/Amsterdam")
pytestmark = pytest.mark.django_db


def start(days: int = 12) -> datetime:
    day = (datetime.now(AMS) + timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, 19, 30, tzinfo=AMS)


@pytest.fixture
def setting():
    fac, fac_client = account("fenna", "Fenna Bakker")
    network = net.create_network(facilitator=fac, name="Stil Netwerk", slug="stil",
                                 purpose="Steun, zonder namen.", primary_type="circumstance",
                                 identity_mode=IdentityMode.PSEUDONYMOUS_ONLY,
                                 visibility=Visibility.SECRET, facilitator_pseudonym="Lantaarn")
    hidden, hidden_client = account("sanne", "Sanne Verborgen")
    net.join_network(network, hidden, identity=Identity.PSEUDONYM, pseudonym="Zonnebloem")
    other, other_client = account("otto", "Otto Ander")
    net.join_network(network, other, identity=Identity.PSEUDONYM, pseudonym="Merel")
    _outsider, outsider_client = account("bea", "Bea Buiten")
    return {"network": network, "fac": fac_client, "hidden": hidden,
            "hidden_client": hidden_client, "other": other_client,
            "outsider": outsider_client, "fac_person": fac}


def post(client: Client, url: str, data: dict, method: str = "post"):
    return getattr(client, method)(url, json.dumps(data), content_type="application/json")


def test_api_series_rsvp_checkin_and_attendees(setting):
    base = "/api/meet/n/stil/events"
    s = start()
    body = {"title": "Praatgroep", "mode": "online", "online_url": "https://meet.example.org/p",
            "starts_at": s.isoformat(), "ends_at": (s + timedelta(hours=1)).isoformat(),
            "rrule": "FREQ=WEEKLY;COUNT=4", "capacity": 1}
    assert post(setting["other"], base, body).status_code == 403
    created = post(setting["fac"], base, body)
    assert created.status_code == 201, created.content
    events = created.json()
    assert len(events) == 4 and {e["rrule"] for e in events} == {"FREQ=WEEKLY;COUNT=4"}
    first = events[0]["id"]
    answer = post(setting["hidden_client"], f"{base}/{first}/rsvp", {"status": "going"})
    assert answer.status_code == 200 and answer.json()["waiting_list_position"] is None
    queued = post(setting["other"], f"{base}/{first}/rsvp", {"status": "going"})
    assert queued.json()["waiting_list_position"] == 1
    ticket = answer.json()["ticket"]
    with time_machine.travel(datetime.fromisoformat(events[0]["starts_at"]), tick=False):
        checked = post(setting["fac"], f"{base}/{first}/checkin", {"code": ticket})
    assert checked.status_code == 200 and checked.json()["name"] == "Zonnebloem"
    bad = post(setting["fac"], f"{base}/{first}/checkin", {"code": "nope"})
    assert bad.status_code == 400 and "NOPE" in bad.json()["detail"]
    listing = setting["fac"].get(f"{base}/{first}/attendees").json()
    assert {r["name"] for r in listing} == {"Zonnebloem", "Merel"}
    assert {r["email"] for r in listing} == {""}
    assert setting["other"].get(f"{base}/{first}/attendees").status_code == 403
    patched = post(setting["fac"], f"{base}/{events[1]['id']}?scope=series",
                   {"title": "Praatgroep (nieuw)"}, method="patch")
    assert [e["title"] for e in patched.json()] == ["Praatgroep (nieuw)"] * 3
    assert Activity.objects.filter(kind=act.ATTEND, source="api").count() == 1


def test_api_rejects_bad_rules_and_hides_secret_networks(setting):
    base = "/api/meet/n/stil/events"
    s = start()
    body = {"title": "X", "mode": "online", "online_url": "https://meet.example.org/p",
            "starts_at": s.isoformat(), "ends_at": (s + timedelta(hours=1)).isoformat(),
            "rrule": "every week"}
    bad = post(setting["fac"], base, body)
    assert bad.status_code == 400 and "FREQ=" in bad.json()["detail"]
    assert Event.objects.count() == 0
    assert setting["outsider"].get(base).status_code == 404
    assert Client().get("/n/stil/events/").status_code == 404
    assert Client().get("/n/stil/events.ics").status_code == 404


def test_no_real_name_or_email_of_a_pseudonymous_member_anywhere(setting):
    network = setting["network"]
    s = start()
    series = services.create_series(network, title="Avond", starts_at=s,
                                    ends_at=s + timedelta(hours=2), rule="FREQ=MONTHLY;COUNT=2",
                                    mode="online", online_url="https://meet.example.org/a",
                                    hosts=[setting["hidden"]])
    event = series.occurrences.order_by("starts_at").first()
    services.rsvp(event, setting["hidden"], "going")
    services.check_in(event, setting["hidden"])
    token = services.calendar_token(Person.objects.get(name="Otto Ander")).token
    fac_token = services.calendar_token(setting["fac_person"]).token
    e = f"/n/stil/events/{event.pk}/"
    pages = {
        "other": ["/n/stil/events/", e, e + "event.ics", e + "series.ics",
                  f"/n/stil/events.ics?token={token}", f"/meet/feed/{token}.ics",
                  "/meet/calendar/", "/api/meet/n/stil/events",
                  f"/api/meet/n/stil/events/{event.pk}", e + "checkin/"],
        "fac": [e + "door/", e + "attendees.csv", e + "attendees.xlsx", e + "edit/",
                f"/api/meet/n/stil/events/{event.pk}/attendees",
                f"/n/stil/events.ics?token={fac_token}"],
    }
    seen = 0
    for who, urls in pages.items():
        for url in urls:
            response = setting[who].get(url)
            assert response.status_code == 200, url
            content = response.content
            if url.endswith(".xlsx"):
                import io

                from openpyxl import load_workbook
                book = load_workbook(io.BytesIO(content))
                content = " ".join(str(c.value) for r in book.active.iter_rows()
                                   for c in r).encode()
            for secret in (b"Sanne", b"Verborgen", b"sanne@example.org"):
                assert secret not in content, (url, secret)
            seen += b"Zonnebloem" in content
    assert seen >= 5  # the pseudonym is what shows


def test_guest_form_errors_say_what_was_expected_and_change_nothing(setting):
    fac, _client = account("gert", "Gert Open")
    network = net.create_network(facilitator=fac, name="Open Netwerk", slug="open",
                                 purpose="Open voor iedereen.", primary_type="place")
    s = start()
    event = services.create_event(network, title="Open avond", starts_at=s,
                                  ends_at=s + timedelta(hours=2), location="Hier")
    anonymous = Client()
    response = anonymous.post(f"/n/open/events/{event.pk}/register/",
                              {"name": "Gijs", "email": "geen-adres"}, follow=True)
    assert b"E-mail" in response.content and b"valid email" in response.content
    assert not Person.objects.filter(name="Gijs").exists()
    response = anonymous.post(f"/n/open/events/{event.pk}/register/",
                              {"name": "Gijs", "email": "gijs@example.org"}, follow=True)
    assert b"We have e-mailed your ticket" in response.content
    assert Person.objects.get(name="Gijs").user is None

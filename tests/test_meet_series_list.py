"""Recurring events as people read them (issue 17): the events list has one line per series
with its next occurrence, so a weekly series does not bury one-off events; the rule is said
in words in English and Dutch (never ``FREQ=WEEKLY;INTERVAL=2``, which stays under
"Advanced"); the form ends a series on a last date or after a number of times."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from conftest import account_with_client as account
from netweave.meet import services
from netweave.meet.rule_words import describe
from netweave.networks import services as net
from netweave.networks.models import Event

AMS = ZoneInfo("Europe/Amsterdam")
TUESDAY = datetime(2026, 6, 16, 19, 30, tzinfo=AMS)  # the third Tuesday of June 2026


@pytest.mark.parametrize(("rule", "english", "dutch"), [
    ("FREQ=WEEKLY;INTERVAL=2;UNTIL=20270301T235959",
     "Every 2 weeks on Tuesday, until 1 March 2027", "Om de 2 weken op dinsdag, tot 1 maart 2027"),
    ("FREQ=WEEKLY", "Every week on Tuesday", "Elke week op dinsdag"),
    ("FREQ=WEEKLY;BYDAY=TU,TH;COUNT=10", "Every week on Tuesday and Thursday, 10 times",
     "Elke week op dinsdag en donderdag, 10 keer"),
    ("FREQ=MONTHLY;BYDAY=+3TU", "Every month on the third Tuesday",
     "Elke maand op de derde dinsdag"),
    ("FREQ=MONTHLY;INTERVAL=2;BYDAY=-1TU", "Every 2 months on the last Tuesday",
     "Om de 2 maanden op de laatste dinsdag"),
    ("FREQ=MONTHLY", "Every month on day 16 of the month", "Elke maand op dag 16 van de maand"),
    ("FREQ=DAILY;COUNT=1", "Every day, once", "Elke dag, één keer"),
    ("FREQ=MONTHLY;BYSETPOS=2;BYDAY=TU,WE", "Repeats by a custom rule",
     "Herhaalt volgens een eigen regel"),
])
def test_rules_in_words_in_both_languages(rule, english, dutch):
    with translation.override("en"):
        assert describe(rule, TUESDAY) == english
    with translation.override("nl"):
        assert describe(rule, TUESDAY) == dutch


@pytest.fixture
def world(db):
    fac, client = account("fenna", "Fenna Bakker")
    network = net.create_network(facilitator=fac, name="Open Warmte", slug="open-warmte",
                                 purpose="Samen warm.", primary_type="place")
    return network, client


def _form(day, **extra):
    return {"title": "Wekelijkse koffie", "description": "", "mode": "offline",
            "location": "De Linde", "online_url": "", "starts": f"{day}T10:00",
            "ends": f"{day}T11:00", "timezone": "Europe/Amsterdam", "capacity": "", **extra}


def test_events_list_shows_one_line_per_series_and_the_one_off_events(world):
    network, client = world
    start = datetime.now(AMS).replace(hour=10, minute=0, second=0, microsecond=0) \
        + timedelta(days=1)
    series = services.create_series(network, title="Wekelijkse koffie", starts_at=start,
                                    ends_at=start + timedelta(hours=1), rule="FREQ=WEEKLY")
    assert series.occurrences.count() > 30
    late = start + timedelta(days=60)
    services.create_event(network, title="Jaarvergadering", starts_at=late,
                          ends_at=late + timedelta(hours=2), location="Stadhuis")
    page = client.get("/n/open-warmte/events/").content.decode()
    assert page.count("Wekelijkse koffie") == 1 and "Jaarvergadering" in page
    weekday = start.strftime("%A")
    assert f"Every week on {weekday}" in page
    assert f"{series.occurrences.count() - 1} more dates planned" in page
    assert "FREQ=" not in page
    # The series' line is its next occurrence; a cancelled one gives way to the one after.
    first = series.occurrences.order_by("starts_at").first()
    services.cancel_event(first)
    second = series.occurrences.order_by("starts_at")[1]
    page = client.get("/n/open-warmte/events/").content.decode()
    assert f"/events/{second.pk}/" in page and f"/events/{first.pk}/" not in page
    with translation.override("nl"):
        dutch = client.get("/n/open-warmte/events/", HTTP_ACCEPT_LANGUAGE="nl").content
    assert b"Elke week op" in dutch
    detail = client.get(f"/n/open-warmte/events/{second.pk}/").content.decode()
    assert f"Every week on {weekday}" in detail
    assert detail.index("<summary>Advanced</summary>") < detail.index("FREQ=WEEKLY")


def test_form_ends_a_series_on_a_date_or_after_a_number_of_times(world):
    _network, client = world
    day = (datetime.now(AMS) + timedelta(days=3)).date()
    last = day + timedelta(weeks=4)
    client.post("/n/open-warmte/events/new/", _form(
        day, repeat="fortnightly", until=last.isoformat()))
    event = Event.objects.filter(title="Wekelijkse koffie").order_by("starts_at").first()
    assert event.series.rrule == f"FREQ=WEEKLY;INTERVAL=2;UNTIL={last:%Y%m%d}T235959"
    assert event.series.occurrences.count() == 3
    page = client.get(f"/n/open-warmte/events/{event.pk}/").content.decode()
    assert f"Every 2 weeks on {day:%A}, until {last.day} {last:%B %Y}" in page
    client.post("/n/open-warmte/events/new/", _form(day, title="Vijf keer", repeat="weekly",
                                                    count="5"))
    assert Event.objects.filter(title="Vijf keer").count() == 5
    both = client.post("/n/open-warmte/events/new/", _form(
        day, title="Beide", repeat="weekly", count="5", until=last.isoformat()))
    assert "not both" in both.content.decode()
    alone = client.post("/n/open-warmte/events/new/", _form(day, title="Los", count="5"))
    assert "Choose how the event repeats" in alone.content.decode()
    assert not Event.objects.filter(title__in=["Beide", "Los"]).exists()
    form = client.get("/n/open-warmte/events/new/").content.decode()
    advanced = form.index('<details class="advanced"')
    assert form.index('name="rrule"') > advanced > form.index('name="count"')

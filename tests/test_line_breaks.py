"""A line break in a title, place or name never stops the system (issue 14, part 3).

New input with a line break is refused at every door (form, API, service) with a clear
message. Rows stored before that (or by hand) still give a working .ics, guest registration
and reminder mail: titles are written on one line wherever they reach an e-mail header or an
iCalendar property. And one item that cannot be sent at all (here: an address with a line
break, stored by hand) never stops the reminders, digests or follow-ups of anyone else: it
is logged with its id, counted, and the command exits non-zero after doing everything else.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from icalendar import Calendar

from netweave.core.text import has_line_break, one_line
from netweave.discuss import services as discuss
from netweave.meet import services
from netweave.meet.models import Notice
from netweave.networks import services as net
from netweave.networks.models import Event, IdentityMode, Person
from netweave.weaving import services as weaving
from netweave.weaving.models import FollowUpReminder

AMS = ZoneInfo("Europe/Amsterdam")
POISON = "Tomorrow\nmeetup"
pytestmark = pytest.mark.django_db


def account(name: str) -> Person:
    username = name.split()[0].lower()
    user = get_user_model().objects.create_user(username, f"{username}@example.org",
                                                "pw-Long-2026")
    return Person.objects.create(user=user, name=name, email=f"{username}@example.org")


def poison_address(person: Person) -> None:
    """An address no mail can go to: a header injection stored before validation."""
    Person.objects.filter(pk=person.pk).update(email=f"{person.email}\nBcc: all@example.org")


@pytest.fixture
def fac() -> Person:
    return account("Fenna Bakker")


@pytest.fixture
def network(fac):
    return net.create_network(facilitator=fac, name="Warmte Zuid", slug="warmte",
                              purpose="Samen van het gas af.", primary_type="place",
                              identity_mode=IdentityMode.PSEUDONYMS_ALLOWED)


def soon(hours: float = 3) -> datetime:
    return datetime.now(UTC) + timedelta(hours=hours)


def event_in(network, title: str = "Warmte-avond", *, hours: float = 3) -> Event:
    start = soon(hours)
    return services.create_event(network, title=title, starts_at=start,
                                 ends_at=start + timedelta(hours=2), location="Buurthuis")


def stored_with_break(event: Event) -> Event:
    """The poisoned title as rows made before validation hold it."""
    Event.objects.filter(pk=event.pk).update(title=POISON, location="Zaal 1\r\nBuurthuis")
    event.refresh_from_db()
    return event


def test_one_line_replaces_every_kind_of_line_break() -> None:
    assert one_line("Tomorrow\nmeetup") == "Tomorrow meetup"
    assert one_line(" a \r\n\r\n b\u2028c\x85d ") == "a b c d"
    assert not has_line_break("one line") and has_line_break("a\u2029b")


# --- refused at the door -------------------------------------------------------------------

def test_service_api_and_form_refuse_a_title_with_a_line_break(network, fac) -> None:
    start = soon(48)
    with pytest.raises(ValidationError, match="Title: use a single line"):
        event_in(network, POISON)
    with pytest.raises(ValidationError, match="Location: use a single line"):
        services.create_event(network, title="Fine", starts_at=start, ends_at=start,
                              location="a\nb")
    good = event_in(network)
    with pytest.raises(ValidationError, match="Title: use a single line"):
        services.edit_occurrence(good, title="x\ry")
    with pytest.raises(ValidationError, match="Name: use a single line"):
        services.add_guest(network, name="Gijs\nGast", email="gijs@example.org")
    client = Client()
    client.force_login(fac.user)
    body = {"title": POISON, "mode": "offline", "location": "Buurthuis",
            "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat()}
    answer = client.post("/api/meet/n/warmte/events", json.dumps(body),
                         content_type="application/json")
    assert answer.status_code == 400, answer.content
    assert "single line" in answer.json()["detail"]
    local = start.astimezone(AMS).strftime("%Y-%m-%dT%H:%M")
    with translation.override("en"):  # the Dutch request leaves its language behind
        page = client.post("/n/warmte/events/new/", {
            "title": POISON, "mode": "offline", "location": "Buurthuis", "starts": local,
            "ends": local, "timezone": "Europe/Amsterdam"}, HTTP_ACCEPT_LANGUAGE="nl")
    assert page.status_code == 200
    assert "Gebruik één regel, zonder regeleinden." in page.content.decode()
    assert list(Event.objects.values_list("title", flat=True)) == ["Warmte-avond"]


# --- stored before: still served and mailed ------------------------------------------------

def test_ics_and_feeds_of_an_event_stored_with_a_line_break(network, fac) -> None:
    event = stored_with_break(event_in(network))
    client = Client()
    client.force_login(fac.user)
    for url in (f"/n/warmte/events/{event.pk}/event.ics", "/n/warmte/events.ics",
                f"/meet/feed/{services.calendar_token(fac).token}.ics"):
        answer = client.get(url)
        assert answer.status_code == 200, url
        vevent = Calendar.from_ical(answer.content).walk("VEVENT")[0]
        assert str(vevent["summary"]) == "Tomorrow meetup"
        assert str(vevent["location"]) == "Zaal 1 Buurthuis"


def test_a_guest_registers_for_such_an_event_and_gets_the_ticket_mail(
        network, django_capture_on_commit_callbacks) -> None:
    event = stored_with_break(event_in(network, hours=72))
    with django_capture_on_commit_callbacks(execute=True):
        answer = Client().post(f"/n/warmte/events/{event.pk}/register/",
                               {"name": "Gijs Gast", "email": "gijs@example.org"})
    assert answer.status_code == 302
    ticket = event.registrations.get().ticket
    [sent] = mail.outbox
    assert sent.to == ["gijs@example.org"]
    assert sent.subject == "You are registered: Tomorrow meetup"
    assert ticket in sent.body
    assert Calendar.from_ical(sent.attachments[0][1]).walk("VEVENT")[0]["summary"] == (
        "Tomorrow meetup")


# --- one bad item never stops the others ---------------------------------------------------

def test_remind_sends_every_other_reminder_and_reports_the_failure(network, fac, caplog,
                                                                   capsys) -> None:
    first = stored_with_break(event_in(network, hours=2))
    second = event_in(network, "Second evening", hours=4)
    broken, rosa, ivo = account("Bert Broken"), account("Rosa Rappel"), account("Ivo Idem")
    for person in (broken, rosa, ivo):
        net.join_network(network, person)
        services.rsvp(first, person, "going")
        services.rsvp(second, person, "going")
    poison_address(broken)
    mail.outbox.clear()
    with caplog.at_level(logging.ERROR), pytest.raises(SystemExit) as exit_:
        call_command("remind")
    assert exit_.value.code == 1
    assert "reminders sent: 4; failed: 2" in capsys.readouterr().out
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("ivo@example.org", "Reminder: Second evening"),
        ("ivo@example.org", "Reminder: Tomorrow meetup"),
        ("rosa@example.org", "Reminder: Second evening"),
        ("rosa@example.org", "Reminder: Tomorrow meetup")]
    failures = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert f"reminder for event {first.pk} to person {broken.pk} failed" in failures
    # The failed ones were not recorded as sent: they are tried again next time.
    assert not Notice.objects.filter(person=broken).exists()
    Person.objects.filter(pk=broken.pk).update(email="bert@example.org")
    mail.outbox.clear()
    call_command("remind")
    assert sorted(m.to[0] for m in mail.outbox) == ["bert@example.org"] * 2


def test_digest_sends_everyone_elses_digest_and_reports_the_failure(network, fac,
                                                                     caplog) -> None:
    at = datetime(2026, 11, 25, 9, 0, tzinfo=AMS)
    broken, mo = account("Bert Broken"), account("Mo Member")
    for person in (broken, mo):
        net.join_network(network, person, at=at - timedelta(days=30))
    discuss.start_topic(network, fac, title="Heat pumps", body="Who has one?",
                        at=at - timedelta(days=3))
    poison_address(broken)
    with caplog.at_level(logging.ERROR), pytest.raises(SystemExit) as exit_:
        call_command("digest", at=at.isoformat(), frequency="weekly")
    assert exit_.value.code == 1
    assert [m.to[0] for m in mail.outbox] == ["mo@example.org"]  # Fenna wrote the topic
    assert any(f"weekly digest for person {broken.pk} failed" in r.getMessage()
               for r in caplog.records)


def test_follow_up_sends_every_other_question_and_reports_the_failure(network, fac,
                                                                      caplog) -> None:
    broken, anna, bram = account("Bert Broken"), account("Anna Appel"), account("Bram Beuk")
    for person in (broken, anna, bram):
        net.join_network(network, person)
    long_ago = datetime.now(UTC) - timedelta(days=30)
    poisoned = weaving.make_introduction(network, fac, broken, anna, at=long_ago)
    weaving.make_introduction(network, fac, anna, bram, at=long_ago)
    poison_address(broken)
    mail.outbox.clear()
    with caplog.at_level(logging.ERROR), pytest.raises(SystemExit) as exit_:
        call_command("follow_up", "--days", "14")
    assert exit_.value.code == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@example.org"] * 2 + [
        "bram@example.org"]
    assert any(f"follow-up of introduction {poisoned.pk} to person {broken.pk} failed"
               in r.getMessage() for r in caplog.records)
    assert not FollowUpReminder.objects.filter(person=broken).exists()

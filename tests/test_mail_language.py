"""Every e-mail is in its recipient's language (their choice in the network, else the
network's), whoever or whatever caused it; background jobs run in their starter's language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext

from netweave.discuss import services as discuss_services
from netweave.discuss.models import DigestPreference
from netweave.jobs import services as jobs
from netweave.jobs.registry import job
from netweave.meet import services as meet
from netweave.networks import membership_services
from netweave.networks import services as net
from netweave.networks.models import Membership, Person
from netweave.networks.selectors import mail_language

AMS = ZoneInfo("Europe/Amsterdam")
pytestmark = pytest.mark.django_db


def person(name: str) -> Person:
    user = get_user_model().objects.create_user(name.lower(), f"{name.lower()}@example.org",
                                                "pw-Long-2026")
    return Person.objects.create(user=user, name=name, email=f"{name.lower()}@example.org")


@pytest.fixture
def world():
    """A network whose language is English; Noor chose Dutch for its e-mails, Eve nothing."""
    fenna = person("Fenna")
    with translation.override("en"):
        network = net.create_network(facilitator=fenna, name="Warmte Zuid",
                                     slug="warmte-zuid", purpose="Van het gas af.",
                                     primary_type="place")
    noor, eve = person("Noor"), person("Eve")
    for p in (noor, eve):
        net.join_network(network, p)
    Membership.objects.filter(network=network, person=noor).update(email_language="nl")
    return {"network": network, "fenna": fenna, "noor": noor, "eve": eve}


def by_address() -> dict[str, mail.EmailMessage]:
    return {m.to[0]: m for m in mail.outbox}


def event_at(network, starts_at: datetime, capacity: int | None = None):
    return meet.create_event(network, title="Warmte-avond", starts_at=starts_at,
                             ends_at=starts_at + timedelta(hours=2), capacity=capacity,
                             mode="offline", location="Buurthuis")


def test_the_language_is_the_members_choice_else_the_networks(world):
    network = world["network"]
    assert network.language == "en"
    assert mail_language(world["noor"], network) == "nl"
    assert mail_language(world["eve"], network) == "en"
    network.language = "nl"
    network.save()
    assert mail_language(world["eve"], network) == "nl"
    assert mail_language(world["eve"]) == "nl"     # without a network: the one joined last
    assert mail_language(Person.objects.create(name="Nobody")) == "en"    # the site's


def test_a_new_network_speaks_the_language_of_whoever_started_it():
    with translation.override("nl"):
        network = net.create_network(facilitator=person("Anouk"), name="Zon", slug="zon",
                                     purpose="Zon op elk dak.", primary_type="place")
    assert network.language == "nl"


def test_reminders_are_in_each_recipients_language_with_their_date_format(world):
    starts = datetime.now(UTC).astimezone(AMS).replace(hour=19, minute=30, second=0,
                                                        microsecond=0) + timedelta(days=1)
    event = event_at(world["network"], starts)
    for who in ("noor", "eve"):
        meet.rsvp(event, world[who], "going")
    mail.outbox.clear()
    with translation.override("en"):
        meet.send_reminders(within=timedelta(hours=48))
    got = by_address()
    dutch, english = got["noor@example.org"], got["eve@example.org"]
    assert dutch.subject == "Herinnering: Warmte-avond"
    assert english.subject == "Reminder: Warmte-avond"
    with translation.override("nl"):
        month_nl = gettext(starts.strftime("%B"))
    assert f"{starts.day} {month_nl} {starts.year} 19:30" in dutch.body
    assert "p.m." not in dutch.body and "Hallo Noor" in dutch.body
    assert "7:30 p.m." in english.body and "Hello Eve" in english.body


def test_invitations_and_a_freed_place_are_not_in_the_clickers_language(
        world, django_capture_on_commit_callbacks):
    starts = datetime.now(UTC) + timedelta(days=10)
    event = event_at(world["network"], starts, capacity=1)
    with translation.override("en"):   # the facilitator clicks in English
        meet.invite_members(event)
    got = by_address()
    assert got["noor@example.org"].subject == "Uitnodiging: Warmte-avond"
    assert got["eve@example.org"].subject == "Invitation: Warmte-avond"
    with translation.override("en"):
        meet.rsvp(event, world["eve"], "going")
        meet.rsvp(event, world["noor"], "going")     # on the waiting list
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            meet.rsvp(event, world["eve"], "not_going")  # Eve, in English, frees the place
    moved = by_address()["noor@example.org"]
    assert moved.subject == "Er is plaats voor je: Warmte-avond"


def test_a_membership_invitation_to_an_address_is_in_the_networks_language(world):
    network = world["network"]
    network.language = "nl"
    network.save()
    with translation.override("en"):
        membership_services.create_invitation(network, by=world["fenna"],
                                              email="nieuw@example.org")
    assert mail.outbox[0].to == ["nieuw@example.org"]
    assert mail.outbox[0].subject == "Je bent uitgenodigd voor Warmte Zuid op netweave"


def test_the_digest_goes_to_each_recipient_in_their_language(world):
    network = world["network"]
    discuss_services.start_topic(network, world["fenna"], title="Warmtepompen",
                                 body="Wie heeft ervaring?")
    for who in ("noor", "eve"):
        DigestPreference.objects.update_or_create(person=world[who],
                                                  defaults={"frequency": "daily"})
    mail.outbox.clear()
    with translation.override("en"):
        call_command("digest", at=(datetime.now(UTC) + timedelta(days=1)).isoformat(),
                     frequency="daily")
    got = by_address()
    assert "Je dagelijkse netweave-overzicht" in got["noor@example.org"].body
    assert "Your daily netweave digest" in got["eve@example.org"].body


@job("tests.language")
def _speak(current, progress) -> dict:
    return {"word": gettext("Language")}


def test_a_background_job_runs_in_the_language_of_who_started_it(settings):
    settings.NETWEAVE_JOBS_EAGER = False
    with translation.override("nl"):
        queued = jobs.enqueue("tests.language")
    with translation.override("en"):   # the worker's own language
        done = jobs.run_next()
    assert done.pk == queued.pk and done.result == {"word": "Taal"}

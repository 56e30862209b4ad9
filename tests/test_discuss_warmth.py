"""Warmth: the digest e-mail (`netweave digest`, idempotent, since the member last came) and
the facilitator's between-meetings page (METRICS.md 2, computed by core.measure.warmth)."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from netweave.discuss import services
from netweave.discuss.digest import period_for
from netweave.discuss.models import DigestSent, Frequency, Visit
from netweave.meet import services as meet_services
from netweave.networks import services as domain
from netweave.networks.models import Event, Network, Person

User = get_user_model()
AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")
#: A Wednesday: the weekly period is Mon 16 - Mon 23 Nov, the daily one Tue 24 Nov.
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=AMS)


def make_person(username: str, name: str) -> Person:
    user = User.objects.create_user(username, email=f"{username}@example.org", password="x")
    return Person.objects.create(user=user, name=name, email=f"{username}@example.org")


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=AMS)


def test_periods_follow_local_days_and_weeks() -> None:
    assert period_for(Frequency.DAILY, NOW) == (at(24, 0), at(25, 0))
    assert period_for(Frequency.WEEKLY, NOW) == (at(16, 0), at(23, 0))
    # Across the end of summer time the week is 7 local days (169 hours), not 168.
    start, end = period_for(Frequency.WEEKLY, datetime(2026, 10, 28, 9, 0, tzinfo=AMS))
    assert (start, end) == (datetime(2026, 10, 19, tzinfo=AMS), datetime(2026, 10, 26,
                                                                           tzinfo=AMS))
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(days=7, hours=1)


@pytest.fixture
def digest_world(db) -> dict:
    fac = make_person("fac", "Fenna Facilitator")
    mo = make_person("mo", "Mo Member")
    ann = make_person("ann", "Ann Daily")
    zed = make_person("zed", "Zed Quiet")
    net = domain.create_network(facilitator=fac, slug="energy", name="Energy Table",
                                purpose="Share energy know-how.", primary_type="practice",
                                at=at(1))
    for p in (mo, ann, zed):
        domain.join_network(net, p, at=at(1))
    services.set_digest(ann, Frequency.DAILY)
    services.set_digest(zed, Frequency.OFF)
    own = services.start_topic(net, mo, title="Mo's own topic", body="Mine.", at=at(17))
    services.reply(own, ann, "A reply Mo follows.", at=at(18))
    services.start_topic(net, fac, title="Early topic", body="Seen already.", at=at(16, 8))
    services.start_topic(net, fac, title="Ping", body="What do you think, @Mo Member?",
                         at=at(20))
    services.start_topic(net, fac, title="Tuesday topic", body="For the daily ones.",
                         at=at(24, 10))
    meet_services.create_event(net, title="Winter meetup", starts_at=at(27, 19), ends_at=at(27, 21))
    cancelled = meet_services.create_event(net, title="Cancelled meetup", starts_at=at(26, 19),
                                           ends_at=at(26, 21))
    Event.objects.filter(pk=cancelled.pk).update(cancelled=True)
    meet_services.create_event(net, title="Far away", starts_at=at(28) + timedelta(days=30),
                               ends_at=at(28) + timedelta(days=30, hours=2))
    # Mo came on Monday the 16th at 10:00: what came before is not news to him.
    Visit.objects.create(person=mo, network=net, last_seen_at=at(16, 10))
    return {"net": net, "mo": mo, "ann": ann, "zed": zed, "fac": fac}


def test_digest_sends_once_per_period_what_is_new(digest_world) -> None:
    call_command("digest", at=NOW.isoformat(), base_url="https://nw.example")
    by_to = {m.to[0]: m for m in mail.outbox}
    assert set(by_to) == {"mo@example.org", "ann@example.org", "fac@example.org"}
    weekly = by_to["mo@example.org"].body
    assert "weekly" in weekly
    assert "Ping (Fenna Facilitator)" in weekly  # a new topic, and a mention of him
    assert weekly.index("Mentions of you") < weekly.index("New topics")
    assert "A reply Mo follows. " not in weekly and "Mo's own topic (Ann Daily)" in weekly
    assert "Early topic" not in weekly  # before his last visit
    assert "Tuesday topic" not in weekly  # after the period
    assert "Winter meetup" in weekly and "Far away" not in weekly
    assert "Cancelled meetup" not in weekly
    assert "https://nw.example/n/energy/events/" in weekly
    assert "https://nw.example/n/energy/discussions/" in weekly
    html = by_to["mo@example.org"].alternatives[0][0]
    assert 'href="https://nw.example/digest/"' in html
    daily = by_to["ann@example.org"].body
    assert "Tuesday topic" in daily and "Ping" not in daily
    # Idempotent: a second run (later the same day) sends nothing again.
    sent = len(mail.outbox)
    call_command("digest", at=(NOW + timedelta(hours=5)).isoformat(),
                 base_url="https://nw.example")
    assert len(mail.outbox) == sent
    assert DigestSent.objects.filter(person=digest_world["mo"]).count() == 1
    assert not DigestSent.objects.filter(person=digest_world["zed"]).exists()
    # The next day brings the next daily period, and only that.
    call_command("digest", at=(NOW + timedelta(days=1)).isoformat(), frequency="daily",
                 base_url="https://nw.example")
    assert DigestSent.objects.filter(person=digest_world["ann"]).count() == 2


def test_digest_in_dutch_and_dry_run(digest_world) -> None:
    call_command("digest", at=NOW.isoformat(), dry_run=True)
    assert mail.outbox == [] and not DigestSent.objects.exists()
    Network.objects.update(language="nl")   # members who chose no language get the network's
    call_command("digest", at=NOW.isoformat(), frequency="weekly")
    assert "Je wekelijkse netweave-overzicht" in mail.outbox[0].body


def test_digest_command_rejects_bad_input(digest_world) -> None:
    with pytest.raises(CommandError, match="--at: expected an ISO 8601 moment"):
        call_command("digest", at="next tuesday")
    with pytest.raises(CommandError, match="--base-url: expected an http"):
        call_command("digest", at=NOW.isoformat(), base_url="nw.example")
    assert mail.outbox == [] and not DigestSent.objects.exists()


def test_digest_settings_page(digest_world) -> None:
    c = Client()
    c.force_login(digest_world["mo"].user)
    page = c.get(reverse("discuss-digest")).content.decode()
    assert 'value="weekly" ' in page and "checked" in page
    c.post(reverse("discuss-digest"), {"frequency": "off"})
    assert digest_world["mo"].digest_preference.frequency == "off"
    assert c.post(reverse("discuss-digest"), {"frequency": "hourly"}).status_code == 200
    digest_world["mo"].digest_preference.refresh_from_db()
    assert digest_world["mo"].digest_preference.frequency == "off"


@pytest.mark.django_db(transaction=True)
def test_between_meetings_page() -> None:
    """The last meeting was 20 days ago; one online post 10 days after it: 2 whole weeks,
    the second covered; of the two who came, the one who posted is not quiet."""
    now = timezone.now()
    fac = make_person("fac", "Fenna Facilitator")
    came_quiet = make_person("q", "Quinn Quiet")
    came_active = make_person("a", "Ada Active")
    net = domain.create_network(facilitator=fac, slug="warm", name="Warm Net",
                                purpose="Keep warm.", primary_type="practice",
                                at=now - timedelta(days=60))
    for p in (came_quiet, came_active):
        domain.join_network(net, p, at=now - timedelta(days=60))
    meeting = meet_services.create_event(net, title="Autumn meeting",
                                         starts_at=now - timedelta(days=20),
                                         ends_at=now - timedelta(days=20) + timedelta(hours=2))
    for p in (came_quiet, came_active):
        meet_services.check_in(meeting, p, at=now - timedelta(days=20))
    services.start_topic(net, came_active, title="After the meeting", body="Notes.",
                         at=now - timedelta(days=10))
    c = Client()
    c.force_login(fac.user)
    page = c.get(reverse("discuss-between", args=["warm"])).content.decode()
    assert '<dd id="days-since">10</dd>' in page
    assert "50%: 1 of 2 whole weeks had online activity" in page
    assert "Autumn meeting" in page
    quiet = page.split('id="quiet-list"', 1)[1].split("</ul>", 1)[0]
    assert "Quinn Quiet" in quiet and "Ada Active" not in quiet
    api = c.get("/api/discuss/n/warm/between-meetings").json()
    assert api["gap_weeks"] == 2 and api["gap_weeks_covered"] == 1
    assert api["gap_coverage"] == 0.5 and api["last_meeting_attendees"] == 2
    assert api["quiet_since_last_meeting"] == ["Quinn Quiet"]
    assert 9.99 < api["days_since_last_online_activity"] < 10.01


def test_digest_frequency_chosen_in_a_networks_profile_wins(digest_world) -> None:
    """A network's profile may choose its own digest (issue 16): Zed (off everywhere) takes
    this network daily, Mo (weekly everywhere) switches it off."""
    from netweave.networks.models import Membership

    net = digest_world["net"]
    Membership.objects.filter(network=net, person=digest_world["zed"]).update(
        digest_frequency="daily")
    Membership.objects.filter(network=net, person=digest_world["mo"]).update(
        digest_frequency="off")
    call_command("digest", at=NOW.isoformat(), base_url="https://nw.example")
    by_to = {m.to[0]: m for m in mail.outbox}
    assert "mo@example.org" not in by_to
    assert "Tuesday topic" in by_to["zed@example.org"].body

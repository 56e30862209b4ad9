"""The demo generator (netweave.core.demo), its loader and ``netweave demo``."""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F, OuterRef, Subquery

from netweave.core import activity as act
from netweave.core.demo import (
    MAIN_SLUG,
    PASSWORD,
    PEER_SLUG,
    DemoNetwork,
    generate,
    generate_all,
    generate_peer_support,
    start_for_end,
)
from netweave.networks.demo_loader import load, load_many
from netweave.networks.models import (
    Activity,
    Attendance,
    Discussion,
    Event,
    Exchange,
    Identity,
    Introduction,
    Membership,
    Need,
    Network,
    Offer,
    Organisation,
    Person,
    Post,
    Reaction,
    Registration,
    Role,
    ValueStory,
)

START = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo() -> DemoNetwork:
    return generate(seed=7, people=240, months=12, start=START)


@pytest.fixture
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def contributions(d: DemoNetwork) -> Counter:
    """Contributions per person index (METRICS.md 0: everything but join, leave, rsvp)."""
    c: Counter = Counter()
    c.update(a.person for a in d.attendances)
    c.update(p.author for p in d.posts)
    c.update(r.person for r in d.reactions)
    c.update(o.person for o in d.offers + d.needs)
    c.update(x.giver for x in d.exchanges if x.confirmed_at is not None)
    c.update(i.introducer for i in d.introductions for _ in range(2))
    c.update(s.author for s in d.stories)
    c.update(h for e in d.events for h in e.hosts)
    return c


def dated_acts(d: DemoNetwork) -> list[tuple[int, datetime]]:
    """(person, time) of everything a person did."""
    out = [(r.person, r.created_at) for r in d.registrations]
    out += [(a.person, a.checked_in_at) for a in d.attendances]
    out += [(p.author, p.created_at) for p in d.posts]
    out += [(r.person, r.created_at) for r in d.reactions]
    out += [(o.person, o.created_at) for o in d.offers + d.needs]
    out += [(x.giver, x.created_at) for x in d.exchanges]
    out += [(s.author, s.created_at) for s in d.stories]
    return out


# --- the generator ---------------------------------------------------------------------------

def test_same_seed_same_data_other_seed_other_data(demo):
    again = generate(seed=7, people=240, months=12, start=START)
    assert again == demo
    other = generate(seed=8, people=240, months=12, start=START)
    assert other != demo
    assert [p.body for p in other.posts[:20]] != [p.body for p in demo.posts[:20]]


def test_default_start_ends_the_history_today():
    d = generate(seed=1, people=30, months=3)
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    assert abs(d.end - today) <= timedelta(days=1)
    assert d.start < d.end


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        generate(start=datetime(2024, 1, 1))
    with pytest.raises(ValueError, match="at least 10 people"):
        generate(people=3)
    with pytest.raises(ValueError, match="at least 1 month"):
        generate(months=0)


def test_records_refer_to_existing_records_and_times_are_utc(demo):
    n = len(demo.people)
    assert all(m.person < n for m in demo.memberships)
    assert all(p.organisation is None or p.organisation < len(demo.organisations)
               for p in demo.people)
    assert all(r.event < len(demo.events) and r.person < n for r in demo.registrations)
    assert all(p.discussion < len(demo.discussions) for p in demo.posts)
    assert all(p.parent is None or p.parent < i for i, p in enumerate(demo.posts))
    assert all(r.post < len(demo.posts) for r in demo.reactions)
    times = [t for _, t in dated_acts(demo)] + [e.starts_at for e in demo.events]
    assert all(t.tzinfo is not None and t.utcoffset() == timedelta(0) for t in times)
    assert len({m.person for m in demo.memberships}) == n
    assert len({o.name for o in demo.organisations}) == len(demo.organisations)


def test_participation_is_heavy_tailed(demo):
    counts = sorted((contributions(demo).get(i, 0) for i in range(len(demo.people))),
                    reverse=True)
    top = counts[: len(counts) // 10]
    assert sum(top) >= 0.4 * sum(counts)
    assert counts[len(counts) // 2] * 10 < counts[0]


def test_founders_then_newcomers_and_lapsers(demo):
    month1 = datetime(2024, 2, 1, tzinfo=UTC)
    joined = {m.person: m.joined_at for m in demo.memberships}
    founders = [p for p, t in joined.items() if t < month1]
    newcomers = [p for p, t in joined.items() if t >= month1]
    assert 0 < len(founders) < len(newcomers)
    assert max(joined.values()) > START + timedelta(days=250)  # arrivals keep coming
    facilitators = [m for m in demo.memberships if m.role == "facilitator"]
    assert 1 <= len(facilitators) <= 2
    assert all(m.joined_at == START for m in facilitators)

    # Nobody acts before joining or after leaving.
    left = {m.person: m.left_at for m in demo.memberships if m.left_at is not None}
    assert left, "some people leave explicitly"
    for person, at in dated_acts(demo):
        assert at >= joined[person]
        assert person not in left or at <= left[person]

    # Lapsers: active in the first half, silent in the last quarter, though still members.
    last = {}
    for person, at in dated_acts(demo):
        last[person] = max(at, last.get(person, at))
    silent = [p for p, t in last.items()
              if t < START + timedelta(days=200) and p not in left
              and joined[p] < START + timedelta(days=120)]
    assert len(silent) >= 3


def test_topic_drifts_away_from_the_charter(demo):
    focus = {w for tag in demo.network.focus_tags for w in re.findall(r"\w+", tag.lower())}

    def share(posts):
        hits = [bool(set(re.findall(r"\w+", p.body.lower())) & focus) for p in posts]
        return sum(hits) / len(hits)

    span = demo.end - demo.start
    early = [p for p in demo.posts if p.parent is None and p.created_at < demo.start + span / 4]
    late = [p for p in demo.posts if p.parent is None
            and p.created_at >= demo.start + 3 * span / 4]
    assert len(early) >= 10 and len(late) >= 10
    assert share(late) < share(early) / 2


def test_meetings_rsvps_and_attendance(demo):
    per_event = Counter(a.event for a in demo.attendances)
    sizes = sorted(per_event.values())
    assert sizes[-1] >= 2 * sizes[len(sizes) // 2]  # one conference-size meeting
    modes = Counter(e.mode for e in demo.events)
    assert modes["offline"] > modes["online"] > 0
    assert Counter(r.status for r in demo.registrations).keys() == {"going", "maybe",
                                                                   "not_going"}
    rsvp = {(r.event, r.person): r.status for r in demo.registrations}
    came = {(a.event, a.person) for a in demo.attendances}
    no_shows = [k for k, s in rsvp.items() if s == "going" and k not in came
                and demo.events[k[0]].starts_at < demo.end]
    walk_ins = [k for k in came if k not in rsvp]
    assert no_shows and walk_ins
    assert all(a.method == "walk_in" for a in demo.attendances
               if (a.event, a.person) not in rsvp and a.mode == "in_person")
    planned = [k for k, e in enumerate(demo.events) if e.starts_at > demo.end]
    assert len(planned) == 1 and per_event[planned[0]] == 0
    assert any(r.event == planned[0] for r in demo.registrations)
    for r in demo.registrations:
        assert r.created_at <= r.updated_at <= demo.events[r.event].starts_at


def test_threads_replies_and_answers(demo):
    posts = demo.posts
    replies = [p for p in posts if p.parent is not None]
    assert len(replies) > len(demo.discussions)
    for p in replies:
        parent = posts[p.parent]
        assert p.author != parent.author
        assert p.discussion == parent.discussion
        assert p.created_at >= parent.created_at
    questions = [d for d in demo.discussions if d.is_question]
    accepted = [d for d in questions if d.accepted_answer is not None]
    assert accepted
    assert all(not d.is_question for d in demo.discussions if d not in questions)
    for i, d in enumerate(demo.discussions):
        if d.accepted_answer is not None:
            answer = posts[d.accepted_answer]
            assert answer.discussion == i and posts[answer.parent].parent is None
    assert all(r.person != posts[r.post].author for r in demo.reactions)
    assert len({(r.post, r.person, r.emoji) for r in demo.reactions}) == len(demo.reactions)


def test_give_and_take_introductions_and_stories(demo):
    assert demo.offers and demo.needs
    assert all(x.giver != x.receiver for x in demo.exchanges)
    confirmed = [x for x in demo.exchanges if x.confirmed_at is not None]
    assert len(confirmed) > len(demo.exchanges) / 2 and len(confirmed) < len(demo.exchanges)
    fulfilled = {x.offer for x in confirmed if x.offer is not None}
    assert {i for i, o in enumerate(demo.offers) if o.status == "fulfilled"} == fulfilled
    facilitators = {m.person for m in demo.memberships if m.role == "facilitator"}
    assert demo.introductions
    assert all(i.introducer in facilitators and i.person_a != i.person_b
               for i in demo.introductions)
    assert any(i.met and i.valuable for i in demo.introductions)
    assert {s.cycle for s in demo.stories} == {"immediate", "potential", "applied", "realised",
                                               "reframing"}


def test_peer_support_network_is_online_and_pseudonymous():
    d = generate_peer_support(seed=3, start=START)
    assert d.network.slug == PEER_SLUG
    assert d.network.identity_mode == "pseudonymous_only" and d.network.mode == "online_only"
    assert d.network.primary_type == "circumstance"
    assert 15 <= len(d.people) <= 25 and not d.organisations
    assert all(m.identity == "pseudonym" and m.pseudonym for m in d.memberships)
    assert len({m.pseudonym for m in d.memberships}) == len(d.memberships)
    assert {e.mode for e in d.events} == {"online"}
    assert all(a.mode == "remote" for a in d.attendances)
    assert " the " in " ".join(p.body for p in d.posts[:20])  # English


def test_both_networks_end_together():
    main, peers = generate_all(seed=5, people=40, months=18, start=START)
    assert main.network.slug == MAIN_SLUG and peers.network.slug == PEER_SLUG
    assert main.end == peers.end and peers.start > main.start


# --- the loader ------------------------------------------------------------------------------

def kinds(network: Network) -> Counter:
    return Counter(Activity.objects.filter(network=network).values_list("kind", flat=True))


@pytest.mark.django_db
def test_loaded_log_agrees_with_the_objects(fast_hasher):
    small = generate(seed=11, people=120, months=12, start=START)
    peers = generate_peer_support(seed=12, months=8, start=START)
    main_net, peer_net = load_many([small, peers])
    for network, d in ((main_net, small), (peer_net, peers)):
        k = kinds(network)
        events = Event.objects.filter(network=network)
        posts = Post.objects.filter(discussion__network=network)
        exchanges = Exchange.objects.filter(network=network)
        assert Membership.objects.filter(network=network).count() == len(d.people)
        assert k[act.JOIN] == len(d.memberships)
        assert k[act.LEAVE] == Membership.objects.filter(network=network,
                                                         left_at__isnull=False).count()
        assert k[act.RSVP] == Registration.objects.filter(event__in=events).count() > 0
        assert k[act.ATTEND] == Attendance.objects.filter(event__in=events).count() > 0
        assert k[act.HOST] == Event.hosts.through.objects.filter(event__in=events).count()
        assert k[act.POST] + k[act.ASK] == Discussion.objects.filter(network=network).count()
        assert k[act.REPLY] + k[act.ANSWER] == posts.filter(parent__isnull=False).count() > 0
        assert k[act.ANSWER] > 0
        assert k[act.REACT] == Reaction.objects.filter(post__in=posts).count() > 0
        assert k[act.OFFER] == Offer.objects.filter(network=network).count() > 0
        assert k[act.NEED] == Need.objects.filter(network=network).count() > 0
        assert k[act.GIVE] == exchanges.filter(confirmed_at__isnull=False).count() > 0
        if network == main_net:  # unconfirmed exchanges exist and write no row
            assert exchanges.filter(confirmed_at__isnull=True).exists()
        assert k[act.INTRODUCE] == 2 * Introduction.objects.filter(network=network).count()
        assert k[act.STORY] == ValueStory.objects.filter(network=network).count()
        assert sum(k.values()) == d.activity_row_estimate()
        assert set(Activity.objects.filter(network=network).values_list("source", flat=True)) \
            == {"demo"}

        # Replies and reactions target the author of what they answer.
        parent_author = Post.objects.filter(pk=OuterRef("object_id")).values("parent__author")
        replies = Activity.objects.filter(network=network, kind__in=[act.REPLY, act.ANSWER])
        assert not replies.annotate(p=Subquery(parent_author)).exclude(target_id=F("p")).exists()
        post_author = Post.objects.filter(pk=OuterRef("object_id")).values("author")
        reacts = Activity.objects.filter(network=network, kind=act.REACT)
        assert not reacts.annotate(p=Subquery(post_author)).exclude(target_id=F("p")).exists()
        # Nobody acts before joining.
        joined = Membership.objects.filter(network=network, person=OuterRef("actor")) \
            .values("joined_at")
        assert not Activity.objects.filter(network=network) \
            .annotate(j=Subquery(joined)).filter(at__lt=F("j")).exists()
        # Stored times equal the generated ones.
        first = d.posts[0]
        assert posts.filter(body=first.body, created_at=first.created_at).exists()
        accepted = Discussion.objects.filter(network=network, accepted_answer__isnull=False)
        assert accepted.count() == sum(x.accepted_answer is not None for x in d.discussions)
        assert not accepted.exclude(accepted_answer__discussion=F("pk")).exists()

    pseudonymous = Membership.objects.filter(identity=Identity.PSEUDONYM)
    assert not pseudonymous.filter(pseudonym="").exists()
    assert pseudonymous.filter(network=main_net).exists()
    assert pseudonymous.filter(network=main_net).count() < len(small.people) / 4
    assert not Membership.objects.filter(network=peer_net).exclude(
        identity=Identity.PSEUDONYM).exists()
    assert Person.objects.filter(user__isnull=False).count() == len(small.accounts) + len(
        peers.accounts)


@pytest.mark.django_db
def test_demo_accounts_log_in(fast_hasher):
    load(generate(seed=2, people=60, months=4, start=START))
    user = authenticate(username="facilitator", password=PASSWORD)
    assert user is not None
    assert Membership.objects.get(person__user=user).role == Role.FACILITATOR
    member = authenticate(username="member", password=PASSWORD)
    assert Membership.objects.get(person__user=member).role == Role.MEMBER
    assert authenticate(username="member", password="wrong") is None


@pytest.mark.django_db
def test_existing_organisations_are_reused(fast_hasher):
    d = generate(seed=4, people=60, months=4, start=START)
    Organisation.objects.create(name=d.organisations[0].name, sector="government")
    network = load(d)
    assert Organisation.objects.count() == len(d.organisations)
    assert Person.objects.filter(memberships__network=network,
                                 organisation__name=d.organisations[0].name).exists()


# --- the command -----------------------------------------------------------------------------

def run_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, "--no-progress", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_command_loads_once_and_refuses_twice(fast_hasher):
    output = run_demo("--people", "40", "--months", "4", "--events", "5", "--seed", "3")
    assert set(Network.objects.values_list("slug", flat=True)) == {MAIN_SLUG, PEER_SLUG}
    main = Network.objects.get(slug=MAIN_SLUG)
    assert Membership.objects.filter(network=main).count() == 40
    assert Event.objects.filter(network=main).count() == 5
    rows = Activity.objects.count()
    assert f"{rows} activity rows" in output and "facilitator" in output

    people = Person.objects.count()
    with pytest.raises(CommandError, match="exists already"):
        run_demo("--people", "40", "--months", "4")
    assert Activity.objects.count() == rows and Person.objects.count() == people


@pytest.mark.django_db
def test_if_empty_loads_into_an_empty_database_only(fast_hasher):
    run_demo("--if-empty", "--people", "30", "--months", "3")
    assert Network.objects.count() == 2
    rows = Activity.objects.count()
    output = run_demo("--if-empty", "--people", "30", "--months", "3")
    assert "not loaded" in output
    assert Activity.objects.count() == rows and Network.objects.count() == 2


def test_a_history_ends_on_the_day_asked_for_also_at_a_month_end():
    assert start_for_end(date(2026, 6, 15), 10) == datetime(2025, 8, 15, tzinfo=UTC)
    assert start_for_end(date(2024, 3, 31), 1) == datetime(2024, 2, 29, tzinfo=UTC)
    d = generate(seed=1, people=30, months=3, start=start_for_end(date(2026, 1, 31), 3))
    assert d.end.date() in (date(2026, 1, 30), date(2026, 1, 31))


@pytest.mark.django_db
def test_command_end_gives_the_same_history_on_any_day(fast_hasher):
    run_demo("--people", "30", "--months", "3", "--events", "4", "--seed", "5",
             "--end", "2025-11-30")
    main = Network.objects.get(slug=MAIN_SLUG)
    expected = generate(seed=5, people=30, months=3, events=4,
                        start=start_for_end(date(2025, 11, 30), 3))
    assert expected.end == datetime(2025, 11, 30, tzinfo=UTC)
    assert (sorted(Event.objects.filter(network=main).values_list("starts_at", flat=True))
            == sorted(e.starts_at for e in expected.events))
    assert Activity.objects.filter(network=main).earliest("at").at >= expected.start
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run_demo("--people", "30", "--end", "30-11-2025")


@pytest.mark.django_db
def test_command_rejects_bad_numbers():
    with pytest.raises(CommandError):
        run_demo("--people", "0")
    with pytest.raises(CommandError, match="at least 10 people"):
        run_demo("--people", "5")
    assert not Network.objects.exists()

"""Every domain action writes its activity rows, in the same transaction (METRICS.md 0)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection

from netweave.discuss import services as discuss_services
from netweave.meet import services as meet_services
from netweave.networks import services
from netweave.networks.models import (
    Activity,
    AppendOnlyError,
    Attendance,
    Discussion,
    Event,
    Exchange,
    Identity,
    IdentityMode,
    Introduction,
    Membership,
    Need,
    Network,
    Offer,
    Person,
    Post,
    Reaction,
    Registration,
    ValueStory,
)
from netweave.weaving import services as weaving_services

T0 = datetime(2026, 3, 5, 19, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people() -> dict[str, Person]:
    return {n: Person.objects.create(name=n, email=f"{n.lower()}@example.org")
            for n in ("Anna", "Bram", "Chidi", "Daan")}


@pytest.fixture
def network(people) -> Network:
    return services.create_network(
        facilitator=people["Anna"], name="Warmte Noord", slug="warmte-noord",
        purpose="Samen van het gas af in Noord.", primary_type="action", at=T0,
        identity_mode=IdentityMode.PSEUDONYMS_ALLOWED,
    )


@pytest.fixture
def event(network, people) -> Event:
    return meet_services.create_event(network, title="Kick-off", starts_at=T0 + timedelta(days=7),
                                      ends_at=T0 + timedelta(days=7, hours=2), mode="hybrid",
                                      hosts=[people["Anna"]])


def rows_of(**filters) -> list[tuple]:
    """Activity rows as comparable tuples, oldest first."""
    return [
        (a.actor.name, a.kind, a.target.name if a.target else None, a.object_type, a.object_id,
         a.channel, a.weight, a.corrects_id is not None)
        for a in Activity.objects.filter(**filters).select_related("actor", "target")
        .order_by("id")
    ]


def test_create_network_joins_the_facilitator(network, people):
    m = Membership.objects.get(network=network)
    assert (m.person, m.role) == (people["Anna"], "facilitator")
    assert rows_of(network=network) == [
        ("Anna", "join", None, "membership", m.pk, "online", 1.0, False)]
    assert Activity.objects.get(network=network).at == T0


def test_join_and_leave(network, people):
    m = services.join_network(network, people["Bram"], at=T0 + timedelta(days=1))
    services.leave_network(m, at=T0 + timedelta(days=30))
    assert rows_of(actor=people["Bram"]) == [
        ("Bram", "join", None, "membership", m.pk, "online", 1.0, False),
        ("Bram", "leave", None, "membership", m.pk, "online", 1.0, False),
    ]
    again = services.join_network(network, people["Bram"], at=T0 + timedelta(days=60))
    assert again.pk == m.pk and again.is_active
    assert [r[1] for r in rows_of(actor=people["Bram"])] == ["join", "leave", "join"]


def test_identity_rules(network, people):
    network.identity_mode = IdentityMode.PSEUDONYMOUS_ONLY
    network.save()
    with pytest.raises(ValidationError):
        services.join_network(network, people["Bram"], identity=Identity.REAL)
    with pytest.raises(ValidationError):
        services.join_network(network, people["Bram"])  # no pseudonym chosen
    m = services.join_network(network, people["Bram"], pseudonym="Windroos")
    assert m.display_name == "Windroos"
    with pytest.raises(ValidationError):
        services.join_network(network, people["Chidi"], pseudonym="Windroos")
    assert not Activity.objects.filter(actor=people["Chidi"]).exists()


def test_event_hosts_write_host_rows(event, people):
    assert rows_of(kind="host") == [("Anna", "host", None, "event", event.pk, "offline", 1.0,
                                     False)]
    assert Activity.objects.get(kind="host").at == event.starts_at


def test_rsvp_change_is_a_correcting_row(event, people):
    meet_services.rsvp(event, people["Bram"], "going", at=T0)
    meet_services.rsvp(event, people["Bram"], "going", at=T0)  # same answer: nothing new
    meet_services.rsvp(event, people["Bram"], "maybe", at=T0 + timedelta(hours=1))
    assert rows_of(kind="rsvp") == [
        ("Bram", "rsvp", None, "event", event.pk, "online", 1.0, False),
        ("Bram", "rsvp", None, "event", event.pk, "online", 0.5, True),
    ]
    first, second = Activity.objects.filter(kind="rsvp").order_by("id")
    assert second.corrects == first
    assert Registration.objects.get().status == "maybe"


def test_check_in_online_and_offline_and_undo(event, people):
    a = meet_services.check_in(event, people["Bram"])
    meet_services.check_in(event, people["Bram"])  # twice: nothing new
    meet_services.check_in(event, people["Chidi"], mode="remote", method="code")
    assert rows_of(kind="attend") == [
        ("Bram", "attend", None, "event", event.pk, "offline", 1.0, False),
        ("Chidi", "attend", None, "event", event.pk, "online", 1.0, False),
    ]
    meet_services.undo_check_in(a)
    assert not Attendance.objects.filter(person=people["Bram"]).exists()
    void = Activity.objects.get(kind="void")
    assert void.corrects == Activity.objects.get(kind="attend", actor=people["Bram"])


def test_discussion_reply_answer_react(network, people):
    q = discuss_services.start_topic(network, people["Bram"], title="Subsidie warmtepomp?",
                                     body="Wie weet hoe ISDE werkt?", is_question=True, at=T0)
    opening = q.posts.get()
    answer = discuss_services.reply(opening.discussion, people["Chidi"],
                                    "Via RVO, binnen 24 maanden.", parent=opening)
    follow_up = discuss_services.reply(answer.discussion, people["Bram"], "Dank je!", parent=answer)
    discuss_services.react(answer, people["Daan"])
    discuss_services.react(answer, people["Daan"])  # twice: nothing new
    discuss_services.accept_answer(q, answer, by=None, facilitator=True)
    topic = discuss_services.start_topic(network, people["Daan"], title="Zon op daken",
                                         body="Wie doet mee?")
    assert rows_of(network=network, kind__in=["ask", "post", "answer", "reply", "react"]) == [
        ("Bram", "ask", None, "discussion", q.pk, "online", 1.0, False),
        ("Chidi", "answer", "Bram", "post", answer.pk, "online", 1.0, False),
        ("Bram", "reply", "Chidi", "post", follow_up.pk, "online", 1.0, False),
        ("Daan", "react", "Chidi", "post", answer.pk, "online", 1.0, False),
        ("Daan", "post", None, "discussion", topic.pk, "online", 1.0, False),
    ]
    q.refresh_from_db()
    assert q.accepted_answer == answer
    with pytest.raises(ValidationError):
        discuss_services.accept_answer(topic, follow_up, by=None, facilitator=True)


def test_offers_needs_and_confirmed_exchange(network, people):
    services.join_network(network, people["Bram"])
    services.join_network(network, people["Chidi"])
    offer = weaving_services.add_offer(network, people["Bram"], "Advies over warmtepompen",
                                       tags=["warmte"], everywhere=True)
    need = weaving_services.add_need(network, people["Chidi"], "Hulp bij subsidie")
    ex = weaving_services.record_exchange(network, giver=people["Bram"], receiver=people["Chidi"],
                                          description="Uitleg ISDE", offer=offer, need=need)
    assert not Activity.objects.filter(kind="give").exists()  # not yet confirmed
    weaving_services.confirm_exchange(ex, at=T0 + timedelta(days=3))
    weaving_services.confirm_exchange(ex)  # twice: nothing new
    assert rows_of(kind__in=["offer", "need", "give"]) == [
        ("Bram", "offer", None, "offer", offer.pk, "online", 1.0, False),
        ("Chidi", "need", None, "need", need.pk, "online", 1.0, False),
        ("Bram", "give", "Chidi", "exchange", ex.pk, "online", 1.0, False),
    ]
    offer.refresh_from_db()
    need.refresh_from_db()
    assert offer.status == need.status == "fulfilled"


def test_introduction_ties_introducer_to_both(network, people):
    intro = weaving_services.introduce(network, introducer=people["Anna"], person_a=people["Bram"],
                                       person_b=people["Chidi"], reasons="Beiden bezig met warmte")
    assert rows_of(kind="introduce") == [
        ("Anna", "introduce", "Bram", "introduction", intro.pk, "online", 1.0, False),
        ("Anna", "introduce", "Chidi", "introduction", intro.pk, "online", 1.0, False),
    ]


def test_value_story(network, people):
    services.join_network(network, people["Bram"])
    story = weaving_services.tell_story(network, people["Bram"], title="Warmtepomp geplaatst",
                                        text="Dankzij de tip van Chidi.", cycle="applied")
    assert rows_of(kind="story") == [("Bram", "story", None, "story", story.pk, "online", 1.0,
                                      False)]


def test_activity_log_is_append_only(network):
    row = Activity.objects.get(network=network)
    row.weight = 2.0
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        Activity.objects.filter(pk=row.pk).update(weight=3.0)
    with pytest.raises(AppendOnlyError):
        Activity.objects.filter(pk=row.pk).delete()
    # The database refuses an UPDATE too, even one that bypasses the ORM.
    with pytest.raises(DatabaseError), connection.cursor() as cur:
        cur.execute("UPDATE networks_activity SET weight = 5 WHERE id = %s", [row.pk])


# --- a failure midway leaves neither the object nor its activity behind ----------------------

def make_activity_inserts_fail() -> None:
    """Make the database itself refuse any new activity row (a real failure, not a mock)."""
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("CREATE TRIGGER activity_fails BEFORE INSERT ON networks_activity "
                        "BEGIN SELECT RAISE(ABORT, 'injected failure'); END;")
        else:
            cur.execute("CREATE FUNCTION activity_fails() RETURNS trigger AS $$ BEGIN "
                        "RAISE EXCEPTION 'injected failure'; END; $$ LANGUAGE plpgsql;")
            cur.execute("CREATE TRIGGER activity_fails BEFORE INSERT ON networks_activity "
                        "FOR EACH ROW EXECUTE FUNCTION activity_fails();")


def _snapshot() -> dict:
    models = (Network, Membership, Event, Registration, Attendance, Discussion, Post, Reaction,
              Offer, Need, Exchange, Introduction, ValueStory, Activity)
    counts = {m.__name__: m.objects.count() for m in models}
    counts["active memberships"] = Membership.objects.filter(left_at__isnull=True).count()
    counts["confirmed exchanges"] = Exchange.objects.filter(confirmed_at__isnull=False).count()
    counts["rsvp"] = sorted(Registration.objects.values_list("status", flat=True))
    counts["hosts"] = sum(e.hosts.count() for e in Event.objects.all())
    return counts


ACTIONS = {
    "create_network": lambda w: services.create_network(
        facilitator=w["p"]["Bram"], name="Nieuw", slug="nieuw", purpose="x",
        primary_type="practice"),
    "join_network": lambda w: services.join_network(w["net"], w["p"]["Daan"]),
    "leave_network": lambda w: services.leave_network(w["member"]),
    "create_event": lambda w: meet_services.create_event(w["net"], title="Borrel", starts_at=T0,
                                                         ends_at=T0 + timedelta(hours=1),
                                                         hosts=[w["p"]["Bram"]]),
    "rsvp": lambda w: meet_services.rsvp(w["event"], w["p"]["Daan"], "going", at=T0),
    "rsvp change": lambda w: meet_services.rsvp(w["event"], w["p"]["Chidi"], "not_going",
                                                at=T0),
    "check_in": lambda w: meet_services.check_in(w["event"], w["p"]["Daan"]),
    "undo_check_in": lambda w: meet_services.undo_check_in(w["attendance"]),
    "start_discussion": lambda w: discuss_services.start_topic(w["net"], w["p"]["Bram"], title="t",
                                                               body="b"),
    "reply": lambda w: discuss_services.reply(w["post"].discussion, w["p"]["Daan"], "eens",
                                              parent=w["post"]),
    "react": lambda w: discuss_services.react(w["post"], w["p"]["Daan"]),
    "add_offer": lambda w: weaving_services.add_offer(w["net"], w["p"]["Bram"], "fietsen"),
    "add_need": lambda w: weaving_services.add_need(w["net"], w["p"]["Bram"], "een ladder",
                                                    everywhere=True),
    "confirm_exchange": lambda w: weaving_services.confirm_exchange(w["exchange"]),
    "introduce": lambda w: weaving_services.introduce(w["net"], introducer=w["p"]["Anna"],
                                                      person_a=w["p"]["Bram"],
                                                      person_b=w["p"]["Daan"]),
    "tell_story": lambda w: weaving_services.tell_story(w["net"], w["p"]["Bram"], title="t",
                                                        text="x", cycle="realised"),
}


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_failure_midway_leaves_nothing_behind(action, network, event, people):
    member = services.join_network(network, people["Bram"])
    meet_services.rsvp(event, people["Chidi"], "going", at=T0)
    world = {
        "p": people, "net": network, "event": event, "member": member,
        "attendance": meet_services.check_in(event, people["Chidi"]),
        "post": discuss_services.start_topic(network, people["Chidi"], title="t",
                                             body="b").posts.get(),
        "exchange": weaving_services.record_exchange(network, giver=people["Bram"],
                                                     receiver=people["Chidi"], description="hulp"),
    }
    before = _snapshot()
    make_activity_inserts_fail()
    with pytest.raises((IntegrityError, DatabaseError)):
        ACTIONS[action](world)
    assert _snapshot() == before
    member.refresh_from_db()
    assert member.is_active


def test_the_core_and_the_models_agree_on_sectors():
    from netweave.core import activity as act
    from netweave.networks.models import Sector

    assert tuple(Sector.values) == act.SECTORS

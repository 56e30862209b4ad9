"""Reading a network's engine inputs from the database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from netweave.dashboard.reading import UnknownNetwork, read_network_data
from netweave.discuss import services as discuss_services
from netweave.meet import services as meet_services
from netweave.networks import services
from netweave.networks.activity_log import database_url
from netweave.networks.models import Organisation, Person
from netweave.weaving import services as weaving_services

T0 = datetime(2026, 2, 1, 10, tzinfo=UTC)
pytestmark = pytest.mark.django_db(transaction=True)


def test_network_data_from_the_database():
    gemeente = Organisation.objects.create(name="Gemeente Tiel", sector="government")
    tiny = Organisation.objects.create(name="Zorgboerderij De Hoeve", sector="business")
    anna = Person.objects.create(name="Anna", organisation=gemeente)
    bram = Person.objects.create(name="Bram", organisation=tiny)
    guest = Person.objects.create(name="Gast", sector="residents")
    nobody = Person.objects.create(name="Zonder sector")
    net = services.create_network(
        facilitator=anna, name="Warmte", slug="warmte", purpose="Van het gas af.",
        primary_type="action", focus_tags=["warmte", "isolatie"],
        target_mix={"government": 0.5, "residents": 0.5},
        identity_mode="pseudonyms_allowed", at=T0)
    services.join_network(net, bram, identity="pseudonym", pseudonym="Uil", at=T0)
    event = meet_services.create_event(net, title="Avond", starts_at=T0 + timedelta(days=3),
                                       ends_at=T0 + timedelta(days=3, hours=2))
    meet_services.check_in(event, guest, at=T0 + timedelta(days=3))
    meet_services.check_in(event, nobody, at=T0 + timedelta(days=3))
    q = discuss_services.start_topic(net, bram, title="Isolatie subsidie?", body="Wie weet het?",
                                     is_question=True, at=T0 + timedelta(days=4))
    answer = discuss_services.reply(q, anna, "Bij de gemeente.", at=T0 + timedelta(days=5))
    discuss_services.accept_answer(q, answer, by=None, facilitator=True)
    weaving_services.tell_story(net, bram, title="Geïsoleerd", text="Dankzij Anna", cycle="applied",
                                at=T0 + timedelta(days=40))

    data = read_network_data(database_url(), net.pk)
    assert data.charter.focus_tags == ("warmte", "isolatie")
    assert data.charter.target_mix == {"government": 0.5, "residents": 0.5}
    people = {r["person"]: r for r in data.people.to_dicts()}
    assert people[anna.pk] == {"person": anna.pk, "sector": "government",
                               "organisation": "Gemeente Tiel", "role": "facilitator",
                               "pseudonymous": False}
    # A pseudonymous member's organisation is not handed to the engine; the sector is.
    assert people[bram.pk]["organisation"] is None and people[bram.pk]["sector"] == "business"
    assert people[bram.pk]["pseudonymous"]
    assert people[guest.pk]["role"] == "guest" and people[guest.pk]["sector"] == "residents"
    # No sector anywhere is unknown (METRICS.md 4), not "other".
    assert people[nobody.pk]["sector"] is None
    posts = data.posts.to_dicts()
    assert [(p["parent"], p["question"], p["accepted"]) for p in posts] == [
        (None, True, False), (posts[0]["post"], True, True)]
    assert posts[1]["at"] == T0 + timedelta(days=5)
    assert sorted(data.texts["text"].to_list()) == sorted(
        ["Isolatie subsidie?", "Wie weet het?", "Bij de gemeente."])
    assert data.stories["cycle"].to_list() == ["applied"]
    assert data.log["kind"].cast(str).to_list() == [
        "join", "join", "attend", "attend", "ask", "answer", "story"]


def test_unknown_network():
    with pytest.raises(UnknownNetwork):
        read_network_data(database_url(), 999_999)

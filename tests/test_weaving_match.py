"""Weave on networks built in the database, where the right suggestion is known.

Anna (municipality) seeks advice on heat-pump subsidies; Bram (an installer, business) offers
exactly that; Carla (same municipality as Anna) offers it too, less precisely; Dirk offers
something unrelated. Anna and Carla are already tied (a reply). Each case runs in Dutch and
in English.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from netweave.core.weave import matcher
from netweave.discuss import services as discuss_services
from netweave.networks import services as ns
from netweave.networks.models import (
    Exchange,
    IdentityMode,
    Introduction,
    Organisation,
    Person,
)
from netweave.networks.selectors import person_ref
from netweave.weaving import selectors, services
from netweave.weaving import services as weaving_services
from netweave.weaving.models import IntroductionAnswer

pytestmark = pytest.mark.django_db

TEXTS = {
    "en": {"need": "Advice on heat pump subsidies",
           "offer": "I give advice on subsidies for heat pumps",
           "weak": "Advice on insulation subsidies for the town hall",
           "other": "Repairing bicycles in the neighbourhood workshop",
           "seeks": "seeks", "you_seek": "You seek", "bridge": "a bridge between sectors",
           "new_tie": "Anna and Bram don't know each other yet; they have no contacts in "
                      "common: a new tie."},
    "nl": {"need": "Advies over warmtepompsubsidies",
           "offer": "Ik geef advies over subsidies voor een warmtepomp",
           "weak": "Advies over isolatiesubsidies voor het gemeentehuis",
           "other": "Fietsen repareren in de buurtwerkplaats",
           "seeks": "zoekt", "you_seek": "Je zoekt", "bridge": "een brug tussen sectoren",
           "new_tie": "Anna en Bram kennen elkaar nog niet; ze hebben geen gemeenschappelijke "
                      "contacten: een nieuwe band."},
}


def person(name: str, org: Organisation | None = None, **kw) -> Person:
    return Person.objects.create(name=name, organisation=org, email=f"{name.lower()}@ex.org",
                                 **kw)


def build(lang: str, *, identity_mode: str = IdentityMode.NAMED) -> dict:
    t = TEXTS[lang]
    gemeente = Organisation.objects.create(name="Gemeente Zuid", sector="government")
    installco = Organisation.objects.create(name="InstallCo", sector="business")
    fenna = person("Fenna")
    anna, bram = person("Anna", gemeente), person("Bram", installco)
    carla, dirk = person("Carla", gemeente), person("Dirk", sector="residents")
    net = ns.create_network(facilitator=fenna, name="Warmte", slug=f"warmte-{lang}",
                            purpose="Van het gas af.", primary_type="practice",
                            identity_mode=identity_mode, language=lang)
    for p in (anna, bram, carla, dirk):
        ns.join_network(net, p)
    weaving_services.add_need(net, anna, t["need"])
    weaving_services.add_offer(net, bram, t["offer"])
    weaving_services.add_offer(net, carla, t["weak"])
    weaving_services.add_offer(net, dirk, t["other"])
    opening = discuss_services.start_topic(net, anna, title="Hallo",
                                           body="Hallo allemaal").posts.first()
    discuss_services.reply(opening.discussion, carla, "Welkom Anna", parent=opening)
    return {"net": net, "fenna": fenna, "anna": anna, "bram": bram, "carla": carla,
            "dirk": dirk}


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_need_met_by_an_offer_across_sectors_ranks_first(lang):
    w = build(lang)
    rows = selectors.suggestions_for(w["net"], w["anna"], lang)
    assert rows, "Anna should get suggestions"
    first = rows[0]
    assert first.person_b == person_ref(w["net"], w["bram"].pk)
    assert first.name_b == "Bram"
    assert TEXTS[lang]["need"] in first.reasons[0]
    assert first.reasons[0].startswith(TEXTS[lang]["you_seek"])   # spoken to Anna
    assert any(TEXTS[lang]["bridge"] in r for r in first.reasons)
    keys = {p.key for p in first.parts}
    assert {"need_offer", "bridge_sector", "bridge_organisation"} <= keys
    assert first.score == pytest.approx(sum(p.value for p in first.parts), abs=0.01)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_already_tied_pair_never_appears(lang):
    w = build(lang)
    anna, carla = (person_ref(w["net"], w[k].pk) for k in ("anna", "carla"))
    assert all(r.person_b != carla for r in selectors.suggestions_for(w["net"], w["anna"], lang))
    for row in selectors.network_suggestions(w["net"], lang, limit=100):
        assert {row.person_a, row.person_b} != {anna, carla}


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_opted_out_member_never_appears(lang):
    w = build(lang)
    services.set_interests(w["bram"], "warmtepompen", opt_out=True)
    rows = selectors.suggestions_for(w["net"], w["anna"], lang)
    bram = person_ref(w["net"], w["bram"].pk)
    assert all(r.person_b != bram for r in rows)
    assert selectors.suggestions_for(w["net"], w["bram"], lang) == []
    for row in selectors.network_suggestions(w["net"], lang, limit=100):
        assert bram not in (row.person_a, row.person_b)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_introduced_pair_is_not_suggested_again(lang, django_capture_on_commit_callbacks):
    w = build(lang)
    with django_capture_on_commit_callbacks(execute=True):
        services.make_introduction(w["net"], w["fenna"], w["anna"], w["bram"], "reden")
    rows = selectors.suggestions_for(w["net"], w["anna"], lang)
    assert all(r.person_b != person_ref(w["net"], w["bram"].pk) for r in rows)
    assert len(mail.outbox) == 2
    assert {m.to[0] for m in mail.outbox} == {"anna@ex.org", "bram@ex.org"}


def test_pseudonymous_member_is_named_by_pseudonym_only(django_capture_on_commit_callbacks):
    net_data = build("nl", identity_mode=IdentityMode.PSEUDONYMS_ALLOWED)
    net, bram = net_data["net"], net_data["bram"]
    m = bram.memberships.get(network=net)
    m.identity, m.pseudonym = "pseudonym", "Warmteman"
    m.save()
    rows = selectors.suggestions_for(net, net_data["anna"], "nl")
    assert rows[0].name_b == "Warmteman"
    text = " ".join(rows[0].reasons)
    assert "Bram" not in text and "InstallCo" not in text and "bedrijfsleven" not in text
    for row in selectors.network_suggestions(net, "en", limit=100):
        blob = " ".join([row.name_a, row.name_b, *row.reasons])
        assert "Bram" not in blob and "InstallCo" not in blob
    with django_capture_on_commit_callbacks(execute=True):
        services.make_introduction(net, net_data["fenna"], net_data["anna"], bram,
                                   rows[0].reasons_text)
    to_anna = next(x for x in mail.outbox if x.to == ["anna@ex.org"])
    assert "Warmteman" in to_anna.body
    assert "Bram" not in to_anna.body + to_anna.subject
    assert "bram@ex.org" not in to_anna.body and "InstallCo" not in to_anna.body


def test_pseudonym_outside_the_network_rules_is_not_suggested():
    w = build("en")   # a network with real names only
    m = w["bram"].memberships.get(network=w["net"])
    m.identity, m.pseudonym = "pseudonym", "Heat"
    m.save()
    assert all(r.person_b != person_ref(w["net"], w["bram"].pk)
               for r in selectors.suggestions_for(w["net"], w["anna"], "en"))


def test_follow_up_records_gives_that_make_the_pair_reciprocal():
    w = build("en")
    intro = services.make_introduction(w["net"], w["fenna"], w["anna"], w["bram"],
                                       at=timezone.now() - timedelta(days=14))
    graph = selectors.network_ties(w["net"])
    a, b = graph.index([w["anna"].pk, w["bram"].pk])
    assert graph.directed[a, b] == 0 and graph.directed[b, a] == 0
    services.answer_follow_up(intro, w["anna"], met=True, valuable=True)
    services.answer_follow_up(intro, w["bram"], met=True, valuable=True)
    graph = selectors.network_ties(w["net"])
    a, b = graph.index([w["anna"].pk, w["bram"].pk])
    assert graph.directed[a, b] == 1 and graph.directed[b, a] == 1
    assert Exchange.objects.filter(confirmed_at__isnull=False).count() == 2
    intro.refresh_from_db()
    assert intro.met is True and intro.valuable is True
    with pytest.raises(Exception, match="already answered"):
        services.answer_follow_up(intro, w["anna"], met=False, valuable=None)
    summary = selectors.introduction_outcomes(w["net"])
    assert (summary.made, summary.answered, summary.met, summary.valuable) == (1, 1, 1, 1)


def test_meeting_that_was_not_valuable_records_no_exchange():
    w = build("en")
    intro = services.make_introduction(w["net"], w["fenna"], w["anna"], w["bram"],
                                       at=timezone.now() - timedelta(days=14))
    services.answer_follow_up(intro, w["anna"], met=True, valuable=False)
    services.answer_follow_up(intro, w["bram"], met=False, valuable=True)
    assert not Exchange.objects.exists()
    assert IntroductionAnswer.objects.get(person=w["bram"]).valuable is None
    intro.refresh_from_db()
    assert intro.met is True and intro.valuable is False


def test_fulfilling_offer_waits_for_receiver_and_need_counts_at_once():
    w = build("en")
    net, anna, bram = w["net"], w["anna"], w["bram"]
    offer = bram.offers.get()
    exchange = services.fulfil(net, offer, bram, anna, "Subsidy advice")
    assert exchange.confirmed_at is None
    assert list(selectors.exchanges_to_confirm(net, anna)) == [exchange]
    with pytest.raises(PermissionDenied):
        services.confirm(exchange, bram)
    services.confirm(exchange, anna)
    offer.refresh_from_db()
    assert offer.status == "fulfilled"
    need = anna.needs.get()
    exchange = services.fulfil(net, need, anna, bram)
    assert exchange.confirmed_at is not None and exchange.giver == bram
    assert selectors.unanswered_needs(net) == []


def test_bad_input_changes_nothing():
    w = build("en")
    before = (w["anna"].needs.count(), Introduction.objects.count())
    with pytest.raises(Exception, match="few words"):
        services.add_need(w["net"], w["anna"], "   ")
    with pytest.raises(Exception, match="at most 60"):
        services.add_need(w["net"], w["anna"], "x", "a" * 61)
    services.set_interests(w["bram"], "", opt_out=True)
    with pytest.raises(Exception, match="does not want"):
        services.make_introduction(w["net"], w["fenna"], w["anna"], w["bram"])
    outsider = person("Olaf")
    with pytest.raises(Exception, match="not a member"):
        services.make_introduction(w["net"], w["fenna"], w["anna"], outsider)
    assert (w["anna"].needs.count(), Introduction.objects.count()) == before


def test_facilitator_view_data():
    w = build("en")
    rows = selectors.network_suggestions(w["net"], "en")
    assert {rows[0].person_a, rows[0].person_b} == {person_ref(w["net"], w[k].pk)
                                                     for k in ("anna", "bram")}
    assert [n.name for n in selectors.unanswered_needs(w["net"])] == ["Anna"]
    names = {n.name for n in selectors.isolated_newcomers(w["net"])}
    assert names == {"Bram", "Dirk"}   # Anna and Carla are tied; Fenna facilitates


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_facilitator_and_introduction_reasons_speak_about_the_pair(lang):
    """The facilitator reads about two other people: their names, never "you"; the same
    for the reasons prefilled into an introduction (they are mailed to both)."""
    w = build(lang)
    rows = selectors.network_suggestions(w["net"], lang)
    prefilled = selectors.pair_suggestion(w["net"], w["anna"].pk, w["bram"].pk, lang)
    you = {"en": (r"\byou\b", r"\byour\b"), "nl": (r"\bje\b", r"\bjij\b", r"\bjullie\b")}[lang]
    for reasons in (rows[0].reasons, prefilled.reasons):
        assert reasons[0].startswith("Anna ") and TEXTS[lang]["seeks"] in reasons[0]
        assert TEXTS[lang]["new_tie"] in reasons
        for reason in reasons:
            assert not any(re.search(w_, reason, re.IGNORECASE) for w_ in you), reason


def test_reasons_are_built_only_for_the_pairs_shown(monkeypatch):
    w = build("en")
    built = []
    real = matcher._Reasons.__call__

    def counting(self, s):
        built.append((s.person_a, s.person_b))
        return real(self, s)

    monkeypatch.setattr(matcher._Reasons, "__call__", counting)
    rows = selectors.network_suggestions(w["net"], "en", limit=1)
    assert len(rows) == 1 and len(built) == 1
    built.clear()
    assert selectors.pair_suggestion(w["net"], w["anna"].pk, w["bram"].pk, "en") is not None
    assert len(built) == 1


def test_an_introduction_after_a_need_answers_it_for_the_facilitator():
    w = build("en")
    assert [n.name for n in selectors.unanswered_needs(w["net"])] == ["Anna"]
    services.make_introduction(w["net"], w["fenna"], w["anna"], w["bram"])
    assert selectors.unanswered_needs(w["net"]) == []


@pytest.mark.parametrize("lang,name", [("en", "the “zon” circle"), ("nl", "de kring rond „zon”")])
def test_circles_are_leiden_clusters_named_after_a_shared_interest(lang, name):
    fenna = person("Fenna")
    net = ns.create_network(facilitator=fenna, name="Kringen", slug=f"kringen-{lang}",
                            purpose="Twee kringen.", primary_type="practice")
    people = [person(f"P{i}", interests=["zon" if i < 3 else "wind"]) for i in range(6)]
    for p in people:
        ns.join_network(net, p)
    for group in (people[:3], people[3:]):
        opening = discuss_services.start_topic(net, group[0], title="Hoi", body="Hoi").posts.first()
        hello = discuss_services.reply(opening.discussion, group[1], "Hallo",
                                       parent=opening)       # a triangle of replies
        discuss_services.reply(hello.discussion, group[2], "En ik", parent=hello)
        discuss_services.reply(opening.discussion, group[2], "Ook hallo", parent=opening)
    inp = selectors.match_input(net, lang=lang)
    cluster = dict(zip(inp.members["person"], inp.members["cluster"], strict=True))
    first, second = cluster[people[0].pk], cluster[people[3].pk]
    assert first is not None and second is not None and first != second
    assert all(cluster[p.pk] == first for p in people[:3])
    assert cluster[fenna.pk] is None                          # no ties: no circle
    assert inp.cluster_names[first] == name


def test_follow_up_reminders_ask_each_unanswered_person_once():
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    from netweave.jobs.services import enqueue

    w = build("nl")
    old = timezone.now() - timedelta(days=20)
    intro = services.make_introduction(w["net"], w["fenna"], w["anna"], w["bram"], at=old)
    services.make_introduction(w["net"], w["fenna"], w["anna"], w["dirk"])   # too recent
    services.answer_follow_up(intro, w["anna"], met=True, valuable=False)
    mail.outbox.clear()
    job = enqueue("weaving.follow_up", {"days": 14})
    job.refresh_from_db()
    assert job.status == "done" and job.result == {"sent": 1, "failed": 0}
    assert [m.to for m in mail.outbox] == [["bram@ex.org"]]
    assert mail.outbox[0].subject == "Heb je Anna ontmoet?"
    out = StringIO()
    call_command("follow_up", "--days", "14", stdout=out)
    assert out.getvalue().strip() == "follow-up e-mails sent: 0; failed: 0"

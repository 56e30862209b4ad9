"""The Weave matcher on hand-built small networks where the right suggestion is known."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta

import networkx as nx
import numpy as np
import polars as pl
import pytest
import scipy.sparse as sp

from netweave.core.measure.card import Plural, translator
from netweave.core.weave import MatchInput, explain, suggest_all, suggest_for
from netweave.core.weave.matcher import _prepare, messages, pair_signals

NOW = datetime(2026, 3, 1, tzinfo=UTC)
NAMES = {1: "Anna", 2: "Bram", 3: "Carla", 4: "Dirk", 5: "Eva", 6: "Frank", 7: "Gert",
         8: "Hugo", 9: "Ivo"}

TEXTS = {
    "en": {"need": "Advice on heat pump subsidies",
           "offer": "I give advice on subsidies for heat pumps",
           "other": "Repairing bicycles in the neighbourhood workshop",
           "mutual_need": "Volunteers for the solar panel cooperative",
           "mutual_offer": "I can volunteer for a solar cooperative"},
    "nl": {"need": "Advies over warmtepompsubsidies",
           "offer": "Ik geef advies over subsidies voor een warmtepomp",
           "other": "Fietsen repareren in de buurtwerkplaats",
           "mutual_need": "Vrijwilligers voor de zonnepanelencoöperatie",
           "mutual_offer": "Ik wil vrijwilliger zijn bij een zonnecoöperatie"},
}


def members(rows: list[tuple], **extra: list) -> pl.DataFrame:
    """``(person, sector, organisation, newcomer, opted_out, allowed)`` rows."""
    frame = pl.DataFrame(rows, schema=["person", "sector", "organisation", "newcomer",
                                       "opted_out", "allowed"], orient="row")
    return frame.with_columns(**{k: pl.Series(v) for k, v in extra.items()})


def graph(people: list[int], edges: list[tuple[int, int]]) -> tuple[np.ndarray, sp.csr_matrix]:
    index = {p: i for i, p in enumerate(people)}
    r = [index[a] for a, b in edges] + [index[b] for a, b in edges]
    c = [index[b] for a, b in edges] + [index[a] for a, b in edges]
    m = sp.csr_matrix((np.ones(len(r)), (r, c)), shape=(len(people),) * 2)
    return np.array(people), m


def texts(rows: list[tuple[int, str]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["person", "text"], orient="row")


def network(lang: str, **kw) -> MatchInput:
    t = TEXTS[lang]
    m = members([
        (1, "government", "Gemeente", True, False, True),    # Anna: seeks advice
        (2, "business", "InstallCo", False, False, True),    # Bram: offers it, other sector
        (3, "government", "Gemeente", False, False, True),   # Carla: offers it, same sector
        (4, "residents", None, False, False, True),          # Dirk: unrelated offer
        (5, "business", "Eco BV", False, True, True),        # Eva: opted out
        (6, "business", "Warm BV", False, False, True),      # Frank: already tied to Anna
        (7, "civil_society", "Buurt", False, False, False),  # Gert: pseudonym not allowed
    ])
    offers = texts([(2, t["offer"]), (3, t["offer"]), (4, t["other"]), (5, t["offer"]),
                    (6, t["offer"]), (7, t["offer"])])
    needs = texts([(1, t["need"])])
    ties = graph([1, 2, 3, 4, 6], [(1, 6), (2, 4), (3, 4)])
    return MatchInput(members=m, offers=offers, needs=needs, ties=ties, names=NAMES, now=NOW,
                      **kw)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_need_met_across_sectors_ranks_first(lang: str) -> None:
    got = suggest_for(1, network(lang), k=5, lang=lang)
    assert [s.person_b for s in got][:2] == [2, 3]
    best = got[0]
    assert best.breakdown["need_offer"] > 0.2
    assert best.breakdown["bridge_sector"] > 0
    assert best.score == pytest.approx(sum(best.breakdown.values()))
    assert got[1].breakdown["bridge_sector"] == 0
    assert best.reasons[0].startswith("You seek " if lang == "en" else "Je zoekt ")
    assert TEXTS[lang]["need"] in best.reasons[0]


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_tied_opted_out_and_not_allowed_never_appear(lang: str) -> None:
    inp = network(lang)
    everyone = suggest_all(inp, k=10)
    assert 5 not in everyone and 7 not in everyone
    for person, suggestions in everyone.items():
        others = {s.person_b for s in suggestions}
        assert not others & {5, 7}
        if person == 1:
            assert 6 not in others
        if person == 6:
            assert 1 not in others
    assert suggest_for(5, inp) == [] and suggest_for(7, inp) == []
    assert {s.person_b for s in suggest_for(1, inp, k=10)} == {2, 3}


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_mutual_benefit_ranks_above_one_way(lang: str) -> None:
    t = TEXTS[lang]
    m = members([(1, "business", "A", False, False, True), (8, "business", "B", False, False,
                 True), (9, "business", "C", False, False, True)])
    offers = texts([(8, t["offer"]), (9, t["offer"]), (1, t["mutual_offer"])])
    needs = texts([(1, t["need"]), (8, t["mutual_need"])])
    got = suggest_for(1, MatchInput(members=m, offers=offers, needs=needs, names=NAMES), lang=lang)
    assert [s.person_b for s in got] == [8, 9]
    assert got[0].breakdown["mutual"] > 0 and got[1].breakdown["mutual"] == 0
    assert len([r for r in got[0].reasons if "Hugo" in r]) >= 2


def test_adamic_adar_equals_networkx() -> None:
    g = nx.gnm_random_graph(40, 120, seed=3)
    people = list(range(100, 140))
    edges = [(a + 100, b + 100) for a, b in g.edges]
    m = members([(p, None, None, False, False, True) for p in people])
    p = _prepare(MatchInput(members=m, ties=graph(people, edges)))
    pairs = list(nx.non_edges(g))[:300]
    u = np.array([a for a, _ in pairs])
    v = np.array([b for _, b in pairs])
    sig = pair_signals(p, u, v)
    expected = {(a, b): x for a, b, x in nx.adamic_adar_index(g, pairs)}
    assert sig["aa"] == pytest.approx([expected[pair] for pair in pairs])
    assert sig["common"] == pytest.approx([len(list(nx.common_neighbors(g, a, b)))
                                           for a, b in pairs])
    assert sig["allowed"].all()
    tied = pair_signals(p, np.array([a for a, _ in g.edges]), np.array([b for _, b in g.edges]))
    assert not tied["allowed"].any()


def new_tie_network() -> MatchInput:
    """Anna (1) seeks; Bram (2) and Carla (3) offer the same; Carla already shares two
    contacts (Dirk, Eva) with Anna, Bram none."""
    m = members([(p, "business", "A", False, False, True) for p in (1, 2, 3, 4, 5)])
    offers = texts([(3, TEXTS["en"]["offer"]), (2, TEXTS["en"]["offer"])])
    needs = texts([(1, TEXTS["en"]["need"])])
    ties = graph([1, 2, 3, 4, 5], [(1, 4), (1, 5), (3, 4), (3, 5)])
    return MatchInput(members=m, offers=offers, needs=needs, ties=ties, names=NAMES)


def test_new_ties_are_favoured_over_shared_contacts_and_the_reason_says_so() -> None:
    got = suggest_for(1, new_tie_network())
    assert [s.person_b for s in got] == [2, 3]
    assert got[0].breakdown["new_tie"] == pytest.approx(0.3)
    assert 0 < got[1].breakdown["new_tie"] < 0.3 * math.exp(-1)
    assert ("You don't know each other yet; you have no contacts in common: a new tie."
            in got[0].reasons)
    assert "You don't know each other yet; you share 2 contacts." in got[1].reasons


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_pair_voice_names_both_and_never_says_you(lang: str) -> None:
    you = {"en": r"\b(you|your)\b", "nl": r"\b(je|jij|jou|jouw|jullie)\b"}[lang]
    said = []
    for inp in (network(lang), new_tie_network()):
        everyone = suggest_all(inp, k=5, lang=lang, reasons=True)
        assert everyone
        said += [r for items in everyone.values() for s in items for r in s.reasons]
    assert ("Bram and Anna don't know each other yet; they have no contacts in common: "
            "a new tie." in said) if lang == "en" else (
        "Bram en Anna kennen elkaar nog niet; ze hebben geen gemeenschappelijke contacten: "
        "een nieuwe band." in said)
    assert any(r.startswith("Carla and Anna don't know each other yet; they share 2 contacts")
               for r in said) or lang == "nl"
    assert not [r for r in said if re.search(you, r, re.IGNORECASE)]


def test_reasons_only_when_asked_and_explain_gives_the_same() -> None:
    inp = network("en")
    bare = suggest_all(inp, k=5)
    assert bare and all(s.reasons == [] for items in bare.values() for s in items)
    full = suggest_all(inp, k=5, reasons=True)
    for person, items in bare.items():
        assert [s.reasons for s in explain(inp, items)] == [s.reasons for s in full[person]]
    with pytest.raises(ValueError, match="voice"):
        explain(inp, bare[1], voice="you")


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_newcomer_pulled_to_connector(lang: str) -> None:
    m = members([(1, "business", "A", True, False, True), (2, "business", "A", False, False,
                 True), (3, "business", "A", False, False, True)],
                connector=[0.0, 0.1, 0.9], cluster=[None, 0, 0])
    interests = pl.DataFrame({"person": [1, 2, 3], "tag": ["energy", "energy", "energy"]})
    inp = MatchInput(members=m, interests=interests, names={1: "Anna", 2: "Bram", 3: "Carla"},
                     cluster_names={0: "municipal"})
    got = suggest_for(1, inp, lang=lang)
    assert [s.person_b for s in got] == [3, 2]
    assert got[0].breakdown["newcomer"] > 0 and got[1].breakdown["newcomer"] == 0
    expected = {"en": "Anna is new; Carla is a connector in municipal.",
                "nl": "Anna is nieuw; Carla is een verbinder in municipal."}[lang]
    assert expected in got[0].reasons
    assert any("energy" in r for r in got[0].reasons)


def test_recent_introductions_excluded_old_ones_not() -> None:
    for days, present in ((30, False), (400, True)):
        intro = pl.DataFrame({"person_a": [2], "person_b": [1], "at": [NOW - timedelta(days)]},
                             schema={"person_a": pl.Int64, "person_b": pl.Int64,
                                     "at": pl.Datetime("us", "UTC")})
        got = suggest_for(1, network("en", introduced=intro))
        assert (2 in [s.person_b for s in got]) is present


def test_deterministic_order_by_score_then_id() -> None:
    m = members([(p, "business", "A", False, False, True) for p in (1, 10, 20, 30)])
    offers = texts([(30, TEXTS["en"]["offer"]), (20, TEXTS["en"]["offer"]),
                    (10, TEXTS["en"]["offer"])])
    needs = texts([(1, TEXTS["en"]["need"])])
    runs = [[s.person_b for s in suggest_for(1, MatchInput(members=m, offers=offers,
                                                              needs=needs))] for _ in range(3)]
    assert runs == [[10, 20, 30]] * 3
    everyone = suggest_all(MatchInput(members=m, offers=offers, needs=needs))
    assert [s.person_b for s in everyone[1]] == [10, 20, 30]
    assert [s.person_b for s in everyone[20]] == [1]


def test_every_reason_message_is_translated_to_dutch() -> None:
    nl = translator("nl")
    for message in messages():
        if isinstance(message, Plural):
            assert nl.ngettext(message.singular, message.plural, 2) != message.plural
        else:
            assert nl.gettext(message) != message, message

"""The overlap finder (PRODUCT.md "Design": don't open a new pub) and its region table."""

from __future__ import annotations

import random

import pytest

from netweave.core.design import regions
from netweave.core.design.overlap import (
    CONCEPTS,
    OverlapIndex,
    OverlapItem,
    liveliness,
    messages,
)


def net(id_: int, text: str, *, tags=(), types=("interest",), region="", active=20,
        days: float | None = 5, kind="network") -> OverlapItem:
    return OverlapItem(kind, id_, text, tuple(tags), tuple(types), region,
                       active_participants=active, days_since_last_contribution=days)


#: A hand-built instance where the right answers are known.
INSTANCE = [
    net(1, "Heat pumps and home insulation for homeowners", tags=["energy"],
        types=("action",)),
    net(2, "Moestuin en groen in de wijk", types=("place",), region="Utrecht"),
    net(3, "Intervisie voor wijkverpleegkundigen", tags=["zorg"], types=("practice",)),
    net(4, "Lotgenoten met dementie in de familie", types=("circumstance",)),
    net(5, "Repair café en hergebruik van spullen", types=("action",)),
    net(6, "Community garden with the neighbours", types=("place",), region="Amersfoort"),
    net(7, "Community garden with the neighbours", types=("place",), region="Maastricht"),
    net(8, "Peer consultation for district nurses", types=("practice",), active=25, days=2),
    net(9, "Peer consultation for district nurses", types=("practice",), active=1, days=300),
    net(10, "Taalcafé voor nieuwkomers", types=("interest",)),
    net(11, "Wie heeft ervaring met zonnepanelen op een plat dak?", kind="discussion",
        types=("action",)),
]


@pytest.fixture(scope="module")
def index() -> OverlapIndex:
    return OverlapIndex.build(INSTANCE)


def ids(hits) -> list:
    return [h.id for h in hits]


def test_same_topic_in_dutch_and_english_ranks_first(index):
    hits = index.query("Warmtepompen en isolatie voor huiseigenaren", kinds=["network"])
    assert hits[0].id == 1
    assert any("warmtepomp / heat pump" in r for r in hits[0].reasons)
    hits = index.query("Solar panels on a flat roof", lang="en")
    assert hits[0].id == 11 and hits[0].kind == "discussion"


def test_english_query_finds_the_dutch_network(index):
    hits = index.query("Peer review for district nurses in the neighbourhood",
                       community_types=["practice"])
    assert set(ids(hits[:3])) >= {3, 8}


def test_a_dormant_twin_ranks_below_a_lively_one(index):
    hits = index.query("Intervisie voor wijkverpleegkundigen", exclude=[("network", 3)])
    assert ids(hits).index(8) < ids(hits).index(9)
    assert hits[0].id == 8
    lively = next(h for h in hits if h.id == 8)
    dormant = next(h for h in hits if h.id == 9)
    assert lively.breakdown["text"] == pytest.approx(dormant.breakdown["text"])
    assert lively.breakdown["liveliness"] > dormant.breakdown["liveliness"]


def test_a_distant_place_network_ranks_below_a_near_one(index):
    hits = index.query("Een buurtmoestuin voor de wijk", community_types=["place"],
                       region="Utrecht", exclude=[("network", 2)])
    order = ids(hits)
    assert order.index(6) < order.index(7)
    near = next(h for h in hits if h.id == 6)
    far = next(h for h in hits if h.id == 7)
    assert near.breakdown["km"] < 30 < 100 < far.breakdown["km"]
    assert any("km" in r and "Amersfoort" in r for r in near.reasons)


def test_distance_only_counts_for_communities_of_place(index):
    hits = index.query("Community garden", community_types=["interest"], region="Utrecht")
    for hit in hits:
        assert hit.breakdown["distance"] == 1.0 and "km" not in hit.breakdown
    # Unknown region: no penalty, no crash.
    hits = index.query("Community garden", community_types=["place"], region="Atlantis")
    assert all(h.breakdown["distance"] == 1.0 for h in hits)


def test_shared_tags_and_type_raise_the_score_and_are_named(index):
    plain = index.query("zorg")
    tagged = index.query("zorg", focus_tags=["Zorg"], community_types=["practice"])
    score = {h.id: h.score for h in plain}
    best = next(h for h in tagged if h.id == 3)
    assert best.score > score[3]
    assert best.breakdown["tags"] == 1.0 and best.breakdown["type"] == 1.0
    assert "Shared focus tags: zorg" in best.reasons


def test_a_tag_alone_finds_an_item(index):
    hits = index.query("", focus_tags=["energy"])
    assert ids(hits) == [1]


def test_unrelated_text_finds_nothing_and_kinds_filter(index):
    assert index.query("quantum chromodynamics") == []
    # Sharing only the community type is not overlap, in the index and brute force alike.
    assert index.query("quantum chromodynamics", community_types=["place"]) == []
    assert index.brute_force("quantum chromodynamics", community_types=["place"]) == []
    assert all(h.kind == "discussion" for h in index.query("zonnepanelen",
                                                           kinds=["discussion"]))
    assert OverlapIndex.build([]).query("anything") == []


def test_reasons_in_dutch(index):
    hit = index.query("Intervisie voor wijkverpleegkundigen", lang="nl")[0]
    text = " ".join(hit.reasons)
    assert "actieve deelnemers" in text and "active participants" not in text


def test_liveliness_formula():
    assert liveliness(0, 0) == 0.0
    assert liveliness(30, 0) == pytest.approx(1.0)
    assert liveliness(300, 0) == pytest.approx(1.0)
    assert liveliness(30, 30) == pytest.approx(0.5)
    assert liveliness(10, None) == 0.0
    assert liveliness(5, 0) < liveliness(10, 0)


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown kind"):
        OverlapIndex.build([OverlapItem("event", 1, "x")])


def test_index_equals_brute_force_on_random_items():
    rng = random.Random(7)
    words = [w for _label, phrases in CONCEPTS.values() for w in phrases[:2]]
    words += ["samen", "project", "avond", "plan", "regio", "delen", "together", "evening"]
    places = ["Utrecht", "Zeist", "Groningen", "Maastricht", "Nergenshuizen", ""]
    types = ["action", "practice", "place", "interest", "circumstance"]
    items = [
        OverlapItem(rng.choice(["network", "discussion"]), i,
                    " ".join(rng.choices(words, k=rng.randint(2, 8))),
                    tuple(rng.sample(["energie", "zorg", "buurt", "groen"], rng.randint(0, 2))),
                    tuple(rng.sample(types, rng.randint(1, 2))), rng.choice(places),
                    active_participants=rng.randint(0, 40),
                    days_since_last_contribution=rng.choice([None, 1, 20, 200]))
        for i in range(400)
    ]
    index = OverlapIndex.build(items)
    for _ in range(25):
        text = " ".join(rng.choices(words, k=4))
        kw = {"focus_tags": rng.sample(["energie", "zorg"], 1),
              "community_types": [rng.choice(types)], "region": rng.choice(places)}
        slow = index.brute_force(text, k=10, **kw)
        # A small re-rank set forces the exactness step (items outside it by their bound).
        for rerank in (400, 20, 1):
            fast = index.query(text, k=10, rerank=rerank, **kw)
            assert [(h.kind, h.id) for h in fast] == [(h.kind, h.id) for h in slow]
            assert [h.score for h in fast] == pytest.approx([h.score for h in slow])


def test_regions():
    assert regions.locate("Gemeente Utrecht") == regions.MUNICIPALITIES["utrecht"]
    assert regions.locate("Provincie Utrecht") == regions.PROVINCES["utrecht"]
    assert regions.locate("Súdwest-Fryslân") is not None
    assert regions.locate("Atlantis") is None and regions.locate("") is None
    assert regions.distance_km("Utrecht", "Atlantis") is None
    assert regions.distance_km("Amsterdam", "Rotterdam") == pytest.approx(57, abs=5)
    assert regions.distance_km("Groningen", "Maastricht") == pytest.approx(262, abs=15)


def test_every_reason_has_a_dutch_translation():
    from netweave.core.measure.card import translator

    nl = translator("nl")
    for message in messages():
        if isinstance(message, str):
            assert nl.gettext(message) != message, message
        else:
            assert nl.ngettext(*message, 2) != message.plural, message

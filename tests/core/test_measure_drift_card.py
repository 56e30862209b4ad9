"""Topic drift, lifecycle and growth (METRICS.md 7) and the health card (METRICS.md 9)."""

from __future__ import annotations

import ast
import gettext
import re
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest

from netweave.core.logreader import SCHEMA as LOG_SCHEMA
from netweave.core.measure import card
from netweave.core.measure.data import Charter, NetworkData
from netweave.core.measure.drift import growth, lifecycle_stage, topic_drift
from netweave.core.text.words import Analyser, analyse_text, guess_language

CATALOGUE = Path(card.__file__).parents[2] / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def at(y: int, m: int, d: int = 1) -> datetime:
    return datetime(y, m, d, 12, tzinfo=UTC)


def network(texts: list[tuple[datetime, str | None]], **charter) -> NetworkData:
    frame = pl.DataFrame({"at": [t for t, _ in texts], "text": [x for _, x in texts]},
                         schema={"at": pl.Datetime("us", "UTC"), "text": pl.String()})
    return NetworkData(log=pl.DataFrame(schema=LOG_SCHEMA), texts=frame,
                       charter=Charter(**charter))


def by_quarter(result: dict) -> dict[str, dict]:
    return {q["quarter"]: q for q in result["quarters"]}


# --- topic drift: words -------------------------------------------------------------------

def test_dutch_stemming_makes_plural_and_singular_one_term():
    lang, pairs = analyse_text("De warmtepompen en de warmtepomp van de gemeente")
    assert lang == "nl"
    stems = [s for s, _ in pairs]
    assert stems.count("warmtepomp") == 2
    assert "de" not in stems and "en" not in stems  # stop words dropped


def test_english_stemming_and_stop_words():
    lang, pairs = analyse_text("The heat pumps and the heat pump of our communities")
    assert lang == "en"
    stems = [s for s, _ in pairs]
    assert stems.count("pump") == 2 and "the" not in stems and "our" not in stems


def test_language_guess_by_stop_words_and_ties():
    assert guess_language(["de", "het", "een", "warmtepomp"]) == "nl"
    assert guess_language(["the", "of", "and", "pump"]) == "en"
    assert guess_language(["in", "is", "was"]) is None  # on both lists: no vote
    assert guess_language([]) is None


def test_accents_are_folded_and_surface_forms_kept():
    _, pairs = analyse_text("Één café, de ideeën van de coöperatie", language="nl")
    surfaces = dict((s, f) for s, f in pairs)
    assert "één" not in surfaces.values()  # "een" is a stop word once folded
    assert "café" in surfaces.values() and "coöperatie" in surfaces.values()
    assert all(stem.isascii() for stem in surfaces)


# --- topic drift: quarters ----------------------------------------------------------------

DUTCH_CHARTER = {"purpose": "Samen van het gas af: warmtepompen en isolatie in onze wijk.",
                 "goals": "Tien straten met een warmtepomp.",
                 "focus_tags": ("warmtepompen", "isolatie")}
DUTCH_TEXTS = [
    (at(2026, 1, 5), "Wie heeft ervaring met warmtepompen in een oude woning?"),
    (at(2026, 2, 9), "Onze warmtepomp draait goed, de isolatie van het dak was de sleutel."),
    (at(2026, 3, 2), "Is er subsidie voor isolatie van de gevel en een warmtepomp?"),
    (at(2026, 4, 20), "De warmtepompen in de Bloemstraat zijn geplaatst, en de isolatie ook."),
    (at(2026, 7, 3), "Wie komt er naar het buurtfeest bij de moestuin? Er zijn kippen."),
    (at(2026, 8, 14), "De moestuin heeft veel tomaten dit jaar en de kippen leggen eieren."),
    (at(2026, 9, 1), "Kippen voeren en de moestuin water geven: wie helpt in september?"),
]


def test_dutch_drift_similarity_drops_and_new_topic_rises():
    result = topic_drift(network(DUTCH_TEXTS, **DUTCH_CHARTER))
    quarters = by_quarter(result)
    assert list(quarters) == ["2026Q1", "2026Q2", "2026Q3"]
    q1, q3 = quarters["2026Q1"], quarters["2026Q3"]
    assert q1["documents"] == 3 and q3["documents"] == 3
    assert q1["similarity_to_charter"] > 0.3
    assert q3["similarity_to_charter"] < q1["similarity_to_charter"] / 3
    assert result["trend"] < 0
    assert q1["rising_terms"] == [] and q1["compared_with"] is None
    assert q3["compared_with"] == "2026Q2"
    rising = {t["term"] for t in q3["rising_terms"]}
    assert {"moestuin", "kippen"} <= rising
    assert len(q3["rising_terms"]) <= 10
    weights = [t["rise"] for t in q3["rising_terms"]]
    assert weights == sorted(weights, reverse=True) and all(w > 0 for w in weights)
    assert all(0 < t["weight"] <= 1 for t in q3["rising_terms"])
    assert result["languages"] == {"nl": 7, "en": 0}


def test_a_returning_term_is_one_term_shown_in_its_most_frequent_form():
    texts = [*DUTCH_TEXTS,
             (at(2026, 10, 2), "Weer over warmtepompen: de warmtepompen maken lawaai."),
             (at(2026, 11, 3), "Mijn warmtepomp maakt ook lawaai, net als andere warmtepompen.")]
    q4 = by_quarter(topic_drift(network(texts, **DUTCH_CHARTER)))["2026Q4"]
    stems = [t["stem"] for t in q4["rising_terms"]]
    assert stems.count("warmtepomp") == 1  # "warmtepompen" and "warmtepomp" are one term
    term = next(t for t in q4["rising_terms"] if t["stem"] == "warmtepomp")
    assert term["term"] == "warmtepompen"  # the most frequent surface form overall
    assert q4["similarity_to_charter"] > by_quarter(topic_drift(
        network(texts, **DUTCH_CHARTER)))["2026Q3"]["similarity_to_charter"]


def test_english_drift():
    texts = [
        (at(2025, 1, 10), "Who has experience with heat pumps in an old house?"),
        (at(2025, 2, 11), "Our heat pump works well; insulating the roof was the key."),
        (at(2025, 3, 12), "Is there a grant for insulation and a heat pump?"),
        (at(2025, 7, 1), "Who is coming to the football match on Saturday?"),
        (at(2025, 8, 2), "The football league table: our team is top of the league."),
        (at(2025, 9, 3), "Football training moves to Sunday; bring boots for the league."),
    ]
    result = topic_drift(network(texts, purpose="Heat pumps and home insulation for the "
                                                "neighbourhood", focus_tags=("heat pumps",)))
    q = by_quarter(result)
    assert q["2025Q1"]["similarity_to_charter"] > 0.3
    assert q["2025Q3"]["similarity_to_charter"] < 0.05
    assert q["2025Q2"]["documents"] == 0 and q["2025Q2"]["similarity_to_charter"] is None
    assert {"football", "league"} <= {t["term"] for t in q["2025Q3"]["rising_terms"]}
    assert result["languages"] == {"nl": 0, "en": 6}
    assert result["trend"] < 0


def test_mixed_languages_each_text_stemmed_in_its_own_language():
    texts = [(at(2026, 1, 5), "De gemeenschappen in de wijk en hun warmtepompen"),
             (at(2026, 1, 6), "The communities of the district and their heat pumps")]
    result = topic_drift(network(texts, purpose="warmtepompen"))
    assert result["languages"] == {"nl": 1, "en": 1}


def test_no_text_gives_no_quarters():
    result = topic_drift(network([], **DUTCH_CHARTER))
    assert result["quarters"] == [] and result["trend"] is None
    assert result["charter_has_text"] is True


def test_texts_without_terms_are_quarters_without_documents():
    texts = [(at(2026, 1, 5), "de het een en"), (at(2026, 5, 5), "   "), (at(2026, 6, 1), None),
             (at(2026, 6, 2), "12 34 ! ?")]
    result = topic_drift(network(texts, **DUTCH_CHARTER))
    assert [(q["quarter"], q["documents"], q["similarity_to_charter"])
            for q in result["quarters"]] == [("2026Q1", 0, None), ("2026Q2", 0, None)]
    assert result["trend"] is None


def test_one_quarter_only():
    result = topic_drift(network(DUTCH_TEXTS[:3], **DUTCH_CHARTER))
    assert len(result["quarters"]) == 1
    only = result["quarters"][0]
    assert only["documents"] == 3 and only["similarity_to_charter"] > 0
    assert only["rising_terms"] == [] and result["trend"] is None


def test_empty_charter_gives_no_similarity():
    result = topic_drift(network(DUTCH_TEXTS))
    assert result["charter_has_text"] is False
    assert all(q["similarity_to_charter"] is None for q in result["quarters"])
    assert result["trend"] is None
    assert by_quarter(result)["2026Q3"]["rising_terms"]  # terms still rise


def test_end_cuts_texts_and_runs_quarters_up_to_it():
    result = topic_drift(network(DUTCH_TEXTS, **DUTCH_CHARTER),
                         end=datetime(2027, 1, 1, tzinfo=UTC))
    quarters = by_quarter(result)
    assert list(quarters)[-1] == "2026Q4" and quarters["2026Q4"]["documents"] == 0
    cut = by_quarter(topic_drift(network(DUTCH_TEXTS, **DUTCH_CHARTER),
                                 end=datetime(2026, 7, 1, tzinfo=UTC)))
    assert list(cut) == ["2026Q1", "2026Q2"]
    with pytest.raises(ValueError, match="time-zone-aware"):
        topic_drift(network(DUTCH_TEXTS), end=datetime(2026, 7, 1))


def test_quarters_are_calendar_quarters_in_utc():
    from datetime import timedelta, timezone

    amsterdam_new_year = datetime(2026, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=1)))
    result = topic_drift(network([(amsterdam_new_year, "warmtepompen")]))
    assert result["quarters"][0]["quarter"] == "2025Q4"  # 2025-12-31 23:30 UTC


def test_a_large_corpus_is_fitted_once_and_quickly():
    import random
    import time

    rng = random.Random(7)
    words = ("warmtepompen isolatie zonnepanelen buurt gemeente subsidie moestuin kippen "
             "heat pumps insulation grant de het een the and").split()
    texts = [(at(2024 + i % 3, 1 + i % 12, 1 + i % 28),
              " ".join(rng.choice(words) for _ in range(20))) for i in range(10_000)]
    data = network(texts, **DUTCH_CHARTER)
    started = time.perf_counter()
    result = topic_drift(data)
    assert time.perf_counter() - started < 10  # about 0.5 s on the reference machine
    assert sum(q["documents"] for q in result["quarters"]) == 10_000


# --- lifecycle ----------------------------------------------------------------------------

def cluster(size: int, share: float, members=None) -> dict:
    out = {"size": size, "internal_share": share}
    if members is not None:
        out["members"] = members
    return out


SPLIT = [cluster(20, 0.7), cluster(30, 0.4)]


def test_inception_when_young_or_small():
    young = lifecycle_stage(2, 100, [0.9] * 2, [SPLIT, SPLIT])
    assert (young["stage"], young["reason"]) == ("inception", "too_young")
    small = lifecycle_stage(24, 14, [0.9] * 24, [SPLIT, SPLIT])
    assert (small["stage"], small["reason"]) == ("inception", "too_few_active")
    boundary = lifecycle_stage(3, 15, [0.1, 0.1, 0.1], [])
    assert boundary["stage"] == "establishment"


def test_mitosis_for_two_quarters():
    result = lifecycle_stage(12, 50, [0.9] * 12, [SPLIT, SPLIT])
    assert (result["stage"], result["reason"]) == ("mitosis", "cluster_holds_together")
    assert result["data"]["cluster_size"] == 20
    assert result["data"]["cluster_internal_share"] == 0.7
    # Exactly at the thresholds still counts.
    edge = [cluster(15, 0.6), cluster(40, 0.3)]
    assert lifecycle_stage(12, 50, [], [edge, edge])["stage"] == "mitosis"


def test_no_mitosis_for_one_quarter_small_loose_or_whole_clusters():
    assert lifecycle_stage(12, 50, [], [[cluster(40, 0.3)], SPLIT])["stage"] != "mitosis"
    assert lifecycle_stage(12, 50, [], [SPLIT])["stage"] != "mitosis"
    small = [cluster(14, 0.9), cluster(30, 0.3)]
    assert lifecycle_stage(12, 50, [], [small, small])["stage"] != "mitosis"
    loose = [cluster(20, 0.59), cluster(30, 0.3)]
    assert lifecycle_stage(12, 50, [], [loose, loose])["stage"] != "mitosis"
    whole = [cluster(50, 1.0)]  # one cluster is the whole network, not a split
    assert lifecycle_stage(12, 50, [], [whole, whole])["stage"] != "mitosis"


def test_mitosis_needs_the_same_cluster_when_members_are_known():
    a, b = set(range(20)), set(range(100, 120))
    same = [[cluster(20, 0.7, a), cluster(30, 0.3, b)],
            [cluster(22, 0.7, a | {50, 51}), cluster(30, 0.3, b)]]
    assert lifecycle_stage(12, 50, [], same)["stage"] == "mitosis"
    moved = [[cluster(20, 0.7, a), cluster(30, 0.3, b)],
             [cluster(20, 0.3, a), cluster(20, 0.7, set(range(200, 220)))]]
    assert lifecycle_stage(12, 50, [], moved)["stage"] == "establishment"


def test_maturity_after_six_months_of_returning_participants():
    mature = lifecycle_stage(12, 50, [0.2, 0.5, 0.6, 0.7, 0.5, 0.55, 0.8, 0.3], [])
    assert (mature["stage"], mature["reason"]) == ("maturity", "returning_sustained")
    assert mature["data"]["longest_returning_run"] == 6


def test_establishment_until_then():
    five = lifecycle_stage(12, 50, [0.9] * 5 + [0.49] + [0.9] * 5, [])
    assert (five["stage"], five["reason"]) == ("establishment", "returning_not_yet_sustained")
    gap = lifecycle_stage(12, 50, [0.9] * 3 + [None] + [0.9] * 3, [])
    assert gap["stage"] == "establishment" and gap["data"]["longest_returning_run"] == 3


# --- growth -------------------------------------------------------------------------------

def test_growth_month_over_month_and_year_over_year():
    series = [{"month": f"2025-{m:02d}", "reach": 10 * m} for m in range(1, 13)]
    series += [{"month": date(2026, 1, 1), "reach": 60},
               {"month": datetime(2026, 3, 1, tzinfo=UTC), "reach": 90}]
    result = growth(series, "reach")
    latest = result["latest"]
    assert latest["month"] == "2026-03" and latest["value"] == 90
    assert latest["mom"] is None  # February 2026 is missing
    assert latest["yoy"] == 60 and latest["yoy_pct"] == pytest.approx(2.0)
    jan = next(r for r in result["series"] if r["month"] == "2026-01")
    assert jan["mom"] == -60 and jan["mom_pct"] == pytest.approx(-0.5)
    assert jan["yoy"] == 50 and jan["yoy_pct"] == pytest.approx(5.0)


def test_growth_from_zero_and_empty():
    result = growth([{"month": "2026-01", "n": 0}, {"month": "2026-02", "n": 4}], "n")
    assert result["latest"]["mom"] == 4 and result["latest"]["mom_pct"] is None
    assert growth([], "n") == {"key": "n", "series": [], "latest": None}
    with pytest.raises(ValueError, match="not a month"):
        growth([{"month": "January", "n": 1}], "n")


# --- health card: order, lights, trends ---------------------------------------------------

METRICS_LEADS = {
    "action": ["events_held", "reach", "cross_sector_tie_share", "realised_stories"],
    "practice": ["returning_share", "answer_share", "time_to_first_response_hours",
                 "reciprocity"],
    "place": ["reach", "blau_sector", "offline_attendances"],
    "interest": ["online_activities", "new", "returning_share", "retention_3m"],
    "circumstance": ["returning_share", "time_to_first_response_hours", "reciprocity",
                     "pseudonymity_available", "pseudonymity_used"],
}
ALL_VALUES = {row.key: (1.0, 1.0) for row in card.INDICATORS}


@pytest.mark.parametrize("kind", sorted(METRICS_LEADS))
def test_leading_indicators_first_per_type(kind):
    entries = card.health_card(ALL_VALUES, kind)
    keys = [e["key"] for e in entries]
    leads = METRICS_LEADS[kind]
    assert keys[: len(leads)] == leads
    assert [e["leading"] for e in entries] == [k in leads for k in keys]
    rest = [row.key for row in card.INDICATORS if row.key not in leads]
    assert keys[len(leads):] == rest  # the others in table order
    # Without values only the leading ones show, grey.
    bare = card.health_card({}, kind)
    assert [e["key"] for e in bare] == leads
    assert {e["light"] for e in bare} == {"grey"} and {e["trend"] for e in bare} == {None}


def test_bad_input_gets_a_clear_message():
    with pytest.raises(ValueError, match="unknown community type 'hobby'"):
        card.health_card({}, "hobby")
    with pytest.raises(ValueError, match="unknown indicators \\['raech'\\]"):
        card.health_card({"raech": (1, 2)}, "place")
    with pytest.raises(ValueError, match="value now, value in P-1"):
        card.health_card({"reach": (1, 2, 3)}, "place")


def entry(key: str, value, kind: str = "practice", **kw) -> dict:
    return next(e for e in card.health_card({key: value}, kind, **kw) if e["key"] == key)


@pytest.mark.parametrize(("value", "light"), [
    (0.5, "green"), (0.4999, "amber"), (0.3, "amber"), (0.2999, "red"), (1.0, "green"),
    (0.0, "red"), (None, "grey"),
])
def test_lights_higher_is_better_at_the_boundaries(value, light):
    assert entry("returning_share", (value, 0.4))["light"] == light


@pytest.mark.parametrize(("hours", "light"), [
    (0, "green"), (48, "green"), (48.01, "amber"), (168, "amber"), (168.01, "red"),
])
def test_lights_lower_is_better_at_the_boundaries(hours, light):
    assert entry("time_to_first_response_hours", (hours, None))["light"] == light


@pytest.mark.parametrize(("now", "prev", "light"), [
    (95, 100, "green"), (94, 100, "amber"), (80, 100, "amber"), (79, 100, "red"),
    (150, 100, "green"), (5, 0, "green"), (0, 0, "red"), (0, None, "red"),
    (84, None, "grey"),
])
def test_lights_on_change_against_the_previous_period(now, prev, light):
    assert entry("reach", (now, prev), "place")["light"] == light


def test_lights_of_special_rows_and_overrides():
    assert entry("events_held", (0, 2), "action")["light"] == "red"
    assert entry("events_held", (1, 2), "action")["light"] == "green"
    assert entry("realised_stories", (0, 2), "action")["light"] == "amber"  # never red
    assert entry("pseudonymity_available", (0, 0), "circumstance")["light"] == "amber"
    assert entry("pseudonymity_available", (1, 0), "circumstance")["light"] == "green"
    custom = card.health_card({"returning_share": (0.45, None)}, "practice",
                              thresholds={"returning_share": (0.4, 0.2)})[0]
    assert custom["light"] == "green"
    assert custom["thresholds"] == {"basis": "value", "green": 0.4, "amber": 0.2}


@pytest.mark.parametrize(("key", "now", "prev", "trend"), [
    ("reach", 105, 100, "flat"), ("reach", 95, 100, "flat"), ("reach", 106, 100, "up"),
    ("reach", 94, 100, "down"), ("reach", 3, 3, "flat"), ("reach", 4, 3, "up"),
    ("returning_share", 0.52, 0.50, "flat"), ("returning_share", 0.48, 0.50, "flat"),
    ("returning_share", 0.53, 0.50, "up"), ("returning_share", 0.47, 0.50, "down"),
    ("blau_sector", 0.42, 0.40, "flat"), ("blau_sector", 0.43, 0.40, "up"),
    ("time_to_first_response_hours", 5.9, 5, "flat"),  # within 1 hour
    ("time_to_first_response_hours", 110, 100, "flat"),  # within 10%
    ("time_to_first_response_hours", 111, 100, "up"),
    ("pseudonymity_available", 1, 0, "up"), ("pseudonymity_available", 1, 1, "flat"),
    ("reach", 5, None, None), ("reach", None, 5, None),
])
def test_trend_with_flat_tolerance(key, now, prev, trend):
    assert entry(key, (now, prev), "place")["trend"] == trend


def test_grey_when_no_data_in_any_form():
    for raw in (None, (None, None), (None, 5)):
        e = entry("reach", raw, "place")
        assert (e["light"], e["trend"], e["value"], e["previous"]) == ("grey", None, None, None)
        assert e["sentence"] == "Reach: no data for this period."


def test_a_bare_number_is_a_value_without_previous():
    e = entry("reach", 84, "place")
    assert (e["value"], e["previous"], e["trend"]) == (84, None, None)
    assert e["sentence"] == "Reach this period: 84 people."


def test_every_indicator_is_documented():
    for row in card.INDICATORS:
        assert row.unit in {"count", "share", "index", "hours", "days", "flag"}, row.key
        assert row.direction in {"higher", "lower"} and row.basis in {"value", "change"}
        assert row.reason and row.source and row.label
        if row.direction == "higher":
            assert row.green >= row.amber, row.key
        else:
            assert row.green <= row.amber, row.key
        wanted = {"up", "down", "true", "false"} if row.unit == "flag" else \
            {"up", "down", "flat", "now"}
        assert set(row.templates) == wanted, row.key
        assert (row.noun is not None) == (row.unit == "count"), row.key


# --- health card: sentences in English and Dutch --------------------------------------------

def _unquote(line: str) -> str:
    return ast.literal_eval(line)


def read_po(po: Path) -> list[dict]:
    """Entries of a .po file as dicts of msgid / msgid_plural / msgstr / msgstr[n]."""
    entries: list[dict] = []
    current: dict = {}
    field = None
    for raw in [*po.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line or line.startswith("#"):
            if not line and current:
                entries.append(current)
                current, field = {}, None
            continue
        if line.startswith('"'):
            current[field] += _unquote(line)
            continue
        keyword, _, rest = line.partition(" ")
        field = keyword
        current[field] = _unquote(rest)
    return entries


@pytest.fixture(scope="module")
def localedir() -> None:
    """The package's own catalogue (``None`` makes the card use it)."""
    return None


def sentences(values: dict, kind: str, lang: str, localedir: Path | None = None) -> dict:
    return {e["key"]: e["sentence"]
            for e in card.health_card(values, kind, lang, localedir=localedir)}


def test_the_example_sentences(localedir):
    values = {"reach": (84, 72)}
    assert sentences(values, "place", "en")["reach"] == \
        "Reach grew to 84 people (+12 since the previous period)."
    assert sentences(values, "place", "nl", localedir)["reach"] == \
        "Het bereik groeide naar 84 mensen (+12 sinds de vorige periode)."


def test_sentences_in_english():
    values = {"reach": (1234, 1300), "returning_share": (0.62, 0.57),
              "time_to_first_response_hours": (2.5, 1), "blau_sector": (0.55, 0.6),
              "events_held": (1, None), "days_since_last_contribution": (1, 1),
              "pseudonymity_available": (1, 0), "pseudonymity_used": (0.08, 0.08),
              "new": (0, 0), "reciprocity": None}
    s = sentences(values, "circumstance", "en")
    assert s["reach"] == "Reach fell to 1,234 people (-66 since the previous period)."
    assert s["returning_share"] == ("Returning participants rose to 62% of those active "
                                    "(+5 percentage points since the previous period).")
    assert s["time_to_first_response_hours"] == ("The median time to a first response rose "
                                                 "to 2.5 hours (+1.5 hours since the previous "
                                                 "period).")
    assert s["blau_sector"] == ("Stakeholder diversity fell to 0.55 on a scale of 0 to 1 "
                                "(-0.05 since the previous period).")
    assert s["events_held"] == "Events held this period: 1 event."
    assert s["days_since_last_contribution"] == ("The time since the last contribution stayed "
                                                 "at 1 day (±0 days since the previous "
                                                 "period).")
    assert s["pseudonymity_available"] == "Members can now take part under a pseudonym."
    assert s["pseudonymity_used"] == ("Participants using a pseudonym held steady at 8% of "
                                      "those active (±0 percentage points since the previous "
                                      "period).")
    assert s["new"] == "New participants held steady at 0 people (±0 since the previous period)."
    assert s["reciprocity"] == "Reciprocity: no data for this period."


def test_sentences_in_dutch(localedir):
    values = {"reach": (1234, 1300), "returning_share": (0.62, 0.57),
              "time_to_first_response_hours": (2.5, 1), "blau_sector": (0.55, 0.6),
              "events_held": (1, None), "pseudonymity_available": (0, 1),
              "offline_attendances": (1, 3), "reciprocity": None}
    entries = card.health_card(values, "circumstance", "nl", localedir=localedir)
    s = {e["key"]: e["sentence"] for e in entries}
    labels = {e["key"]: e["label"] for e in entries}
    assert s["reach"] == "Het bereik daalde naar 1.234 mensen (-66 sinds de vorige periode)."
    assert s["returning_share"] == ("Het aandeel terugkerende deelnemers steeg naar 62% van de "
                                    "actieven (+5 procentpunten sinds de vorige periode).")
    assert s["time_to_first_response_hours"] == ("De mediane tijd tot een eerste reactie steeg "
                                                 "naar 2,5 uur (+1,5 uur sinds de vorige "
                                                 "periode).")
    assert s["blau_sector"] == ("De diversiteit van belanghebbenden daalde naar 0,55 op een "
                                "schaal van 0 tot 1 (-0,05 sinds de vorige periode).")
    assert s["events_held"] == "Gehouden bijeenkomsten deze periode: 1 bijeenkomst."
    assert s["offline_attendances"] == ("De fysieke opkomst daalde naar 1 bezoek (-2 sinds de "
                                        "vorige periode).")
    assert s["pseudonymity_available"] == ("Leden kunnen niet langer onder een pseudoniem "
                                           "meedoen.")
    assert s["reciprocity"] == "Wederkerigheid: geen gegevens voor deze periode."
    assert labels["reciprocity"] == "Wederkerigheid"


def test_numbers_per_language():
    assert card.format_number(1234567.891, "en", 2) == "1,234,567.89"
    assert card.format_number(1234567.891, "nl", 2) == "1.234.567,89"
    assert card.format_number(0.5, "nl-NL", 1) == "0,5"


def test_unknown_language_falls_back_to_english(localedir):
    assert sentences({"reach": (84, 72)}, "place", "fr", localedir)["reach"] == \
        "Reach grew to 84 people (+12 since the previous period)."


def test_lifecycle_sentences_in_both_languages(localedir):
    mature = lifecycle_stage(12, 40, [0.6] * 6, [])
    assert card.lifecycle_sentence(mature, "en") == {
        "stage": "maturity", "label": "Maturity",
        "sentence": "Maturity: for 6 months in a row at least 50% of those active were "
                    "returning participants."}
    assert card.lifecycle_sentence(mature, "nl", localedir=localedir)["sentence"] == (
        "Volwassenheid: 6 maanden op rij was minstens 50% van de actieven een terugkerende "
        "deelnemer.")
    young = card.lifecycle_sentence(lifecycle_stage(1, 40, [], []), "en")
    assert young["sentence"] == ("Inception: the network has been active for 1 month; it is "
                                 "established from 3 months on.")
    for args in [(2, 40, [], []), (12, 9, [], []), (12, 40, [0.6] * 5, []),
                 (12, 40, [], [SPLIT, SPLIT])]:
        result = lifecycle_stage(*args)
        for lang in ("en", "nl"):
            out = card.lifecycle_sentence(result, lang, localedir=localedir)
            assert out["sentence"] and "%(" not in out["sentence"]
    dutch = card.lifecycle_sentence(lifecycle_stage(12, 40, [], [SPLIT, SPLIT]), "nl",
                                    localedir=localedir)
    assert dutch["label"] == "Celdeling" and "20 mensen" in dutch["sentence"]


# --- the Dutch catalogue of the card ------------------------------------------------------

def test_every_message_has_a_dutch_translation():
    with CATALOGUE.with_suffix(".mo").open("rb") as fh:
        catalog = gettext.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]
    missing = []
    for message in card.messages():
        if isinstance(message, str):
            found = [catalog.get(message)]
            wanted = sorted(re.findall(r"%\(\w+\)s", message))
        else:
            found = [catalog.get((message.singular, i)) for i in range(2)]
            wanted = sorted(re.findall(r"%\(\w+\)s", message.singular))
        if not all(found):
            missing.append(message)
            continue
        for text in found:
            assert sorted(re.findall(r"%\(\w+\)s", text)) == wanted, message
    assert not missing, missing
    labels = {row.label for row in card.INDICATORS}
    assert all(catalog[label] != label for label in labels)


def test_makemessages_would_extract_exactly_the_cards_messages(tmp_path):
    """xgettext with Django's keywords finds the table's strings, and no others."""
    xgettext = shutil.which("xgettext")
    if not xgettext:
        pytest.skip("GNU gettext's xgettext is not installed")
    source = Path(card.__file__)
    pot = tmp_path / "card.pot"
    subprocess.run([xgettext, "-d", "django", "--language=Python", "--keyword=gettext_noop",
                    "--keyword=gettext_lazy", "--keyword=ngettext_lazy:1,2",
                    "--keyword=pgettext:1c,2", "--keyword=npgettext:1c,2,3",
                    "--from-code=UTF-8", f"--output={pot}", str(source),
                    str(source.with_name("drift.py"))], check=True)
    def keys(path: Path) -> set[tuple[str, str | None]]:
        return {(e["msgid"], e.get("msgid_plural")) for e in read_po(path) if e["msgid"]}

    ours = {(m, None) if isinstance(m, str) else tuple(m) for m in card.messages()}
    assert keys(pot) == ours
    assert ours <= keys(CATALOGUE)


# --- topic drift: the deduplicated fast path against the straightforward one ---------------

def _reference_topic_drift(data: NetworkData, end: datetime | None = None, *,
                           top_terms: int = 10, default_language: str = "nl") -> dict:
    """The former implementation: every text analysed and vectorised on its own."""
    from collections import Counter

    import numpy as np
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer

    from netweave.core.measure import drift

    texts = data.texts.drop_nulls()
    if end is not None:
        texts = texts.filter(pl.col("at") < end)
    texts = texts.sort("at")
    ats, bodies = texts["at"].to_list(), texts["text"].to_list()
    charter = data.charter
    charter_text = "\n".join([charter.purpose or "", charter.goals or "",
                              " ".join(charter.focus_tags)])
    analyser = Analyser()
    tokenized = [analyser.tokens(body) for body in bodies]
    guesses = [guess_language(f for _, f in tokens) for tokens in tokenized]
    votes = Counter(g for g in guesses if g is not None)
    if votes["nl"] == votes["en"]:
        corpus_language = default_language
    else:
        corpus_language = "nl" if votes["nl"] > votes["en"] else "en"
    pair_counts: Counter = Counter()
    docs, doc_quarters, languages = [], [], Counter()
    for moment, tokens, guess in zip(ats, tokenized, guesses, strict=True):
        lang = guess or corpus_language
        pairs = analyser.stems(tokens, lang)
        if not pairs:
            continue
        languages[lang] += 1
        pair_counts.update(pairs)
        docs.append([stem for stem, _ in pairs])
        doc_quarters.append(drift._quarter_index(moment))
    charter_tokens = analyser.tokens(charter_text)
    charter_lang = guess_language(f for _, f in charter_tokens) or corpus_language
    charter_stems = [stem for stem, _ in analyser.stems(charter_tokens, charter_lang)]
    result: dict = {"quarters": [], "trend": None, "charter_has_text": bool(charter_stems),
                    "languages": {"nl": languages["nl"], "en": languages["en"]}}
    if not ats:
        return result
    first, last = drift._quarter_index(ats[0]), drift._quarter_index(ats[-1])
    if end is not None:
        last = max(last, drift._quarter_index(end - drift._EPSILON))
    n_quarters = last - first + 1
    rows = [{"quarter": drift.quarter_label(first + q), "documents": 0,
             "similarity_to_charter": None, "compared_with": None, "rising_terms": []}
            for q in range(n_quarters)]
    result["quarters"] = rows
    if not docs:
        return result
    vectorizer = TfidfVectorizer(analyzer=lambda doc: doc, sublinear_tf=True, norm="l2")
    matrix = vectorizer.fit_transform([*docs, charter_stems] if charter_stems else docs)
    terms = vectorizer.get_feature_names_out()
    doc_matrix = matrix[: len(docs)]
    charter_vec = matrix[len(docs)] if charter_stems else None
    q_of_doc = np.asarray(doc_quarters) - first
    counts = np.bincount(q_of_doc, minlength=n_quarters)
    averaging = sparse.csr_matrix((1.0 / counts[q_of_doc], (q_of_doc, np.arange(len(docs)))),
                                  shape=(n_quarters, len(docs)))
    centroids = (averaging @ doc_matrix).tocsr()
    norms = np.sqrt(np.asarray(centroids.multiply(centroids).sum(axis=1)).ravel())
    sims = None
    if charter_vec is not None:
        dots = np.asarray((centroids @ charter_vec.T).todense()).ravel()
        charter_norm = float(np.sqrt(charter_vec.multiply(charter_vec).sum()))
        with np.errstate(invalid="ignore", divide="ignore"):
            sims = dots / (norms * charter_norm)
    surfaces: dict = {}
    for (stem, surface), n in pair_counts.items():
        best = surfaces.get(stem)
        if best is None or n > best[0] or (n == best[0] and surface < best[1]):
            surfaces[stem] = (n, surface)
    previous = None
    for q in range(n_quarters):
        row = rows[q]
        row["documents"] = int(counts[q])
        if not counts[q]:
            continue
        if sims is not None and norms[q] > 0:
            row["similarity_to_charter"] = min(1.0, float(sims[q]))
        if previous is not None:
            row["compared_with"] = drift.quarter_label(first + previous)
            rise = centroids[q].toarray().ravel() - centroids[previous].toarray().ravel()
            row["rising_terms"] = drift._top_rising(rise, centroids[q], terms, surfaces,
                                                    top_terms)
        previous = q
    points = [(q, r["similarity_to_charter"]) for q, r in enumerate(rows)
              if r["similarity_to_charter"] is not None]
    if len(points) >= 2:
        x = np.array([p[0] for p in points], dtype=float)
        y = np.array([p[1] for p in points], dtype=float)
        result["trend"] = float(np.polyfit(x, y, 1)[0])
    return result


def _assert_same_drift(fast: dict, slow: dict) -> None:
    def close(a, b):
        return (a is None and b is None) or (a is not None and b is not None
                                           and a == pytest.approx(b, rel=1e-9, abs=1e-12))

    assert fast.keys() == slow.keys()
    assert fast["charter_has_text"] == slow["charter_has_text"]
    assert fast["languages"] == slow["languages"]
    assert close(fast["trend"], slow["trend"])
    assert len(fast["quarters"]) == len(slow["quarters"])
    for f, s in zip(fast["quarters"], slow["quarters"], strict=True):
        assert f.keys() == s.keys()
        for key in ("quarter", "documents", "compared_with"):
            assert f[key] == s[key]
        assert close(f["similarity_to_charter"], s["similarity_to_charter"]), f["quarter"]
        assert [(t["term"], t["stem"]) for t in f["rising_terms"]] == \
            [(t["term"], t["stem"]) for t in s["rising_terms"]], f["quarter"]
        for ft, st in zip(f["rising_terms"], s["rising_terms"], strict=True):
            assert close(ft["weight"], st["weight"]) and close(ft["rise"], st["rise"])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_deduplicated_drift_equals_the_per_text_reference(seed):
    import random
    from datetime import timedelta, timezone

    rng = random.Random(seed)
    dutch = ("de het een en van in is was over wij ons onze niet ook warmtepompen warmtepomp "
             "isolatie zonnepanelen buurt gemeente subsidie moestuin kippen ideeën coöperatie "
             "één café wijk straat vergadering fietsen energie").split()
    english = ("the and of to in is was over we our not also heat pumps pump insulation grant "
               "neighbourhood council garden chickens café meeting bikes energy don't "
               "communities").split()
    pool = []
    for _ in range(150):  # distinct texts, many repeated below
        words = rng.choice([dutch, english, dutch + english])
        pool.append(" ".join(rng.choice(words) for _ in range(rng.randint(0, 14)))
                    + rng.choice(["", "?", "!", " 12", " warmte-pomp", " Auto's"]))
    pool += ["", "de het een", "12 34", "warmtepompen", "heat pumps"]
    zones = [UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-5))]
    texts = []
    for _ in range(2_000):
        moment = datetime(2023, 1, 1, tzinfo=UTC) + timedelta(
            minutes=rng.randrange(0, 3 * 365 * 24 * 60))
        if moment.year == 2024 and moment.month in (4, 5, 6):
            continue  # a quarter without text
        texts.append((moment.astimezone(rng.choice(zones)),
                      None if rng.random() < 0.02 else rng.choice(pool)))
    charters = [DUTCH_CHARTER, {"purpose": "Heat pumps and insulation for the neighbourhood"},
                {}]
    data = network(texts, **charters[seed % 3])
    assert data.texts["text"].n_unique() < len(texts) / 5  # mostly copies
    for end in (None, datetime(2025, 3, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)):
        for language in ("nl", "en"):
            _assert_same_drift(topic_drift(data, end, default_language=language),
                               _reference_topic_drift(data, end, default_language=language))
    _assert_same_drift(topic_drift(data, top_terms=3), _reference_topic_drift(data, top_terms=3))


def test_not_recorded_is_grey_and_said_not_a_measured_zero():
    """A source that does not record events, sectors or give and take (a message log) shows
    them as not recorded, in words; a measured zero stays red."""
    values = {"events_held": (0, 0), "cross_sector_tie_share": (0.0, 0.0),
              "reciprocal_members": (0.0, None), "reach": (12, 10)}
    what = {"events": False, "sectors": False, "give_take": False}
    rows = {e["key"]: e for e in card.health_card(values, "action", recorded=what)}
    for key, label in (("events_held", "Events held"),
                       ("cross_sector_tie_share", "Cross-sector ties"),
                       ("reciprocal_members", "Give and take")):
        e = rows[key]
        assert (e["status"], e["light"], e["value"], e["previous"], e["trend"]) == (
            "not_recorded", "grey", None, None, None)
        assert e["sentence"] == f"{label}: not recorded in this data."
    assert (rows["reach"]["status"], rows["reach"]["value"]) == ("measured", 12)
    measured = {e["key"]: e for e in card.health_card(
        values, "action", recorded={"events": True, "sectors": True, "give_take": True})}
    assert (measured["events_held"]["status"], measured["events_held"]["light"]) == (
        "measured", "red")
    assert measured["cross_sector_tie_share"]["light"] == "red"
    nl = {e["key"]: e for e in card.health_card(values, "action", "nl", recorded=what)}
    assert nl["events_held"]["sentence"] == (
        "Gehouden bijeenkomsten: niet vastgelegd in deze gegevens.")
    no_data = entry("reach", None, "place")
    assert no_data["status"] == "no_data"

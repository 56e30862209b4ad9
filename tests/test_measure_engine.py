"""The engine over a whole demo network read from the database (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import timedelta

import polars as pl
import pytest

from netweave.core import activity as act
from netweave.core.measure import card
from netweave.core.measure.activity import activity_figures
from netweave.core.measure.data import Period
from netweave.core.measure.engine import STEPS, measure
from netweave.core.measure.structure import structure_figures
from netweave.dashboard.reading import read_network_data
from netweave.networks.activity_log import database_url
from netweave.networks.demo_loader import load_demo_networks

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo():
    networks = load_demo_networks(seed=5, people=70, months=10)
    main, circle = networks
    return {n.slug: read_network_data(database_url(), n.pk) for n in (main, circle)}


def test_measure_the_demo_network(demo):
    data = next(d for d in demo.values() if d.charter.primary_type == "action")
    end = data.log["at"].max()
    period = Period.ending(end, 90)
    steps: list[str] = []
    result = measure(data, period, progress=steps.append)
    figures = result.figures

    assert steps == list(STEPS)
    json.dumps(figures)  # every figure is plain JSON data

    # The card leads with the action network's indicators; the engine's figures are
    # language-neutral (keys, numbers, states), put in words when shown.
    leading = [e["key"] for e in figures["card"] if e["leading"]]
    assert leading == list(card.LEADING["action"])
    assert not any("sentence" in e or "label" in e for e in figures["card"])
    assert "language" not in figures and "sentence" not in figures["lifecycle"]
    assert all(card.describe(e, "en")["sentence"] for e in figures["card"])
    by_key = {e["key"]: e for e in figures["card"]}

    # The card shows the same numbers as the sections it reads, now and for P-1.
    now, before = activity_figures(data, period), activity_figures(data, period.previous())
    assert (by_key["reach"]["value"], by_key["reach"]["previous"]) == (now["reach"],
                                                                        before["reach"])
    assert by_key["online_activities"]["value"] == now["activities_by_channel"][act.ONLINE]
    assert by_key["returning_share"]["value"] == pytest.approx(now["returning"] / now["active"])
    assert figures["structure"]["components"] == structure_figures(data, period)["components"]
    assert by_key["reciprocity"]["value"] == figures["reciprocity"]["edge_reciprocity"]

    # Monthly series run from the first contribution to the period's end.
    months = [m["month"] for m in figures["series"]["activity"]]
    first = data.log.filter(pl.col("kind").is_in(list(act.CONTRIBUTION_KINDS)))["at"].min()
    assert months[0] == f"{first:%Y-%m}" and months[-1] == f"{end - timedelta(seconds=1):%Y-%m}"
    assert [m["month"] for m in figures["series"]["graph"]] == months
    assert figures["lifecycle"]["stage"] in {"inception", "establishment", "maturity", "mitosis"}
    assert card.lifecycle_sentence(figures["lifecycle"], "nl")["sentence"]
    assert result.graph.n == len(figures["structure"]["per_person"]["person"])


def test_circumstance_network_in_dutch(demo):
    data = next(d for d in demo.values() if d.charter.primary_type == "circumstance")
    end = data.log["at"].max()
    figures = measure(data, Period.ending(end, 90)).figures
    entries = {e["key"]: e for e in figures["card"]}
    assert [k for k, e in entries.items() if e["leading"]] == list(card.LEADING["circumstance"])
    assert entries["pseudonymity_available"]["value"] == 1
    # Everyone in this network takes part under a pseudonym.
    assert entries["pseudonymity_used"]["value"] == 1.0
    assert "pseudoniem" in card.describe(entries["pseudonymity_available"], "nl")["sentence"]


def test_an_empty_period_measures_without_errors(demo):
    data = next(iter(demo.values()))
    start = data.log["at"].min() - timedelta(days=400)
    figures = measure(data, Period(start, start + timedelta(days=90))).figures
    assert (figures["activity"]["active"], figures["activity"]["reach"]) == (0, 0)
    assert figures["structure"]["ties"] == 0 and figures["stories"]["stories"] == 0
    assert all(e["light"] == "grey" for e in figures["card"] if e["value"] is None)

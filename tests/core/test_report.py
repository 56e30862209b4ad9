"""Reports (netweave.core.report): the HTML page, the JSON and graph exports, the map layout.

Pure tests: the input comes from small files read by the importers as ``netweave report``
reads them, no database.
"""

from __future__ import annotations

import csv
import json
import math
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import networkx as nx
import numpy as np
import polars as pl
import pytest
import scipy.sparse as sp

from netweave.core import importers
from netweave.core.importers.engine import to_file_data
from netweave.core.measure.card import lifecycle_sentence
from netweave.core.measure.data import Period
from netweave.core.measure.engine import STEPS
from netweave.core.measure.ties import tie_graph
from netweave.core.present import card_rows
from netweave.core.report import BUILD_STEPS, REPORT_FILES, build_report, write_report
from netweave.core.report.export import (
    node_attributes,
    to_jsonable,
    write_gexf,
    write_graphml,
    write_json,
)
from netweave.core.report.html import plotly_js, render_html
from netweave.core.report.layout import network_layout, positions

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)
END = datetime(2026, 5, 1, tzinfo=UTC)
HOSTILE = '<script>alert("x")</script> & Co'
SECTORS = ("government", "business", "civil_society", "knowledge", "residents")


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)


def write_files(directory: Path, *, people: int = 30, seed: int = 3) -> dict[str, Path]:
    """An interaction log, an attendance list and attributes of ``people`` named people."""
    rng = np.random.default_rng(seed)
    names = [f"Person {i:02d}" for i in range(people - 1)] + [HOSTILE]
    rows: list[list[str]] = [["actor", "target", "time", "kind"]]
    half = people // 2
    for _ in range(500):
        a, b = (int(x) for x in rng.choice(people, size=2, replace=False))
        if rng.random() < 0.6:  # mostly within one half: two clusters
            b = (a // half) * half + int(rng.integers(0, half))
            if b == a:
                continue
        at = T0 + timedelta(hours=int(rng.integers(0, 24 * 110)))
        kind = str(rng.choice(["reply", "answer", "message", "give"]))
        rows.append([names[a], names[b], at.isoformat(), kind])
    rows.append([names[0], "", (T0 + timedelta(days=3)).isoformat(), "post"])
    write_csv(directory / "interactions.csv", rows)
    rows = [["person", "event", "time"]]
    for e in range(6):
        when = T0 + timedelta(days=18 * e + 2)
        for p in rng.choice(people - 3, size=int(rng.integers(6, 12)), replace=False):
            rows.append([names[int(p)], f"meeting {e}", when.isoformat()])
    write_csv(directory / "attendance.csv", rows)
    write_csv(directory / "attributes.csv", [["person", "sector"]] + [
        [n, SECTORS[i % len(SECTORS)]] for i, n in enumerate(names)])
    return {"interactions": directory / "interactions.csv",
            "attendance": directory / "attendance.csv",
            "attributes": directory / "attributes.csv"}


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    return write_files(tmp_path_factory.mktemp("input"))


@pytest.fixture(scope="module")
def file_data(files):
    return to_file_data([importers.parse("log", files["interactions"]),
                         importers.parse("attendance", files["attendance"])],
                        attributes=files["attributes"])


@pytest.fixture(scope="module")
def report(file_data):
    steps = []
    result = build_report(file_data.data, Period.ending(END, days=90), labels=file_data.labels,
                          progress=steps.append)
    assert steps == list(BUILD_STEPS) and steps[:len(STEPS)] == list(STEPS)
    return result


@pytest.fixture(scope="module")
def page(report) -> str:
    return report.html()


def without_plotly(page: str) -> str:
    bundle = plotly_js()
    assert page.count(bundle) == 1, "plotly.js is inlined exactly once"
    return page.replace(bundle, "")


# --- the page ----------------------------------------------------------------------------

def test_the_page_is_one_self_contained_file(page):
    rest = without_plotly(page)
    assert rest.startswith("<!DOCTYPE html>") and '<html lang="en">' in rest
    assert "cdn." not in rest and "//cdn" not in page.split(plotly_js())[0]
    assert not re.search(r"""<(script|img|iframe)[^>]*\ssrc=""", rest)
    assert not re.search(r"""<link[^>]*href=""", rest)
    assert "@import" not in rest and "url(" not in rest
    assert not re.search(r"https?://", rest)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in rest


def test_the_page_shows_every_card_entry_with_light_trend_and_sentence(report, page):
    card = report.figures["card"]
    assert card
    rows = card_rows(card)
    for entry, row in zip(card, rows, strict=True):
        block = re.search(rf'<li class="indicator light-(\w+)[^"]*" data-key="{entry["key"]}">'
                          r"(.*?)</li>", page, re.S)
        assert block, entry["key"]
        assert block.group(1) == entry["light"]
        text = block.group(2)
        assert f"<h3>{row['label']}</h3>" in text
        assert row["light_text"] in text
        assert row["sentence"].replace("&", "&amp;") in text
        assert ("Leading indicator" in text) == entry["leading"]
        if entry["value"] is not None:
            assert row["trend_symbol"] in text and row["trend_text"] in text
    assert [r["leading"] for r in rows] == sorted((r["leading"] for r in rows), reverse=True)
    assert lifecycle_sentence(report.figures["lifecycle"], "en")["sentence"] in page


def test_the_page_has_the_plots_the_map_and_text_alternatives(page):
    for key in ("activity", "participants", "reach", "reciprocity", "cross-sector",
                "retention", "map"):
        div = re.search(rf'<div id="plot-{key}" class="[^"]*" role="img" aria-label="([^"]+)">',
                        page)
        assert div, key
        assert "table below" in div.group(1)
    assert page.count("<details><summary>The numbers</summary>") >= 7
    assert 'name="map-colour" value="sector" checked' in page
    assert 'name="map-colour" value="cluster"' in page
    for heading in ("Health card", "Over time", "Retention", "Network map", "Top brokers",
                    "Single points of failure", "Value stories", "Topic drift"):
        assert heading in page, heading


def test_user_text_is_escaped_everywhere(page):
    rest = without_plotly(page)
    assert "<script>alert" not in rest
    assert HOSTILE not in rest
    # In the page text it is HTML-escaped; inside the plot data the JSON escapes < and >.
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in rest
    assert "\\u003c" in rest


def test_file_labels_appear_and_database_networks_show_ids_only(page, file_data):
    assert "Person 03" in page
    assert "by label: a name from the files, or a reference in the network" in page
    no_labels = build_report(file_data.data, Period.ending(END, days=90))
    other = no_labels.html()
    assert "Person 03" not in other and "shown by number only" in other
    assert "label" not in no_labels.attributes


def test_dutch_report(file_data):
    nl = build_report(file_data.data, Period.ending(END, days=90), lang="nl",
                      labels=file_data.labels)
    page = nl.html()
    assert '<html lang="nl">' in page
    for text in ("Gezondheidskaart", "In de tijd", "Netwerkkaart", "Kwetsbare schakels",
                 "Waardeverhalen", "Verschuiving van onderwerpen", "Leidende indicator",
                 "Activiteiten per kanaal", "Behoud per cohort", "De cijfers", "Kleur naar",
                 "Netwerkrapport: "):
        assert text in page, text
    for text in ("Health card", "Over time", "Network map", "The numbers", "Colour by"):
        assert text not in without_plotly(page), text
    assert '"separators":",."' in page  # decimal comma in the plots
    rows = card_rows(nl.figures["card"], "nl")
    assert {r["light_text"] for r in rows} <= {"Groen", "Oranje", "Rood", "Geen gegevens",
                                              "Niet vastgelegd"}


def test_an_empty_period_renders(file_data):
    empty = build_report(file_data.data, Period(datetime(2020, 1, 1, tzinfo=UTC),
                                                datetime(2020, 4, 1, tzinfo=UTC)))
    assert empty.graph.n == 0 and empty.layout.n == 0
    page = empty.html()
    assert "Nobody took part in this period." in page
    assert 'id="plot-map"' not in page


# --- exports -----------------------------------------------------------------------------

def test_json_turns_numpy_and_nan_into_plain_values(tmp_path):
    figures = {"a": np.int64(3), "b": np.float32(0.5), "c": float("nan"),
               "d": [np.float64(np.inf), -math.inf, np.bool_(True)], "e": np.arange(3),
               "f": (1, 2), "g": T0}
    path = write_json(figures, tmp_path / "f.json")
    assert json.loads(path.read_text()) == {"a": 3, "b": 0.5, "c": None, "d": [None, None, True],
                                            "e": [0, 1, 2], "f": [1, 2], "g": T0.isoformat()}
    assert "NaN" not in path.read_text()
    with pytest.raises(TypeError):
        to_jsonable({"x": object()})


def test_report_json_is_the_figures(report, tmp_path):
    path = write_json(report.figures, tmp_path / "report.json")
    back = json.loads(path.read_text())
    assert back["card"] == to_jsonable(report.figures["card"])
    assert back["structure"]["per_person"]["person"] == report.graph.people.tolist()


def check_graph_file(g: nx.Graph, report, *, labelled: bool) -> None:
    graph = report.graph
    assert not g.is_directed()
    assert g.number_of_nodes() == graph.n
    assert g.number_of_edges() == graph.ties
    u, v, w = graph.edges()
    people = graph.people
    expected = {(str(people[a]), str(people[b])): x for a, b, x in zip(u, v, w, strict=True)}
    for a, b, data in g.edges(data=True):
        key = (a, b) if (a, b) in expected else (b, a)
        assert data["weight"] == pytest.approx(expected[key])
        assert data["interaction"] + data["coattendance"] == pytest.approx(expected[key])
    assert sum(d["weight"] for *_, d in g.edges(data=True)) == pytest.approx(w.sum())
    attrs = report.attributes
    for i, person in enumerate(people.tolist()):
        node = g.nodes[str(person)]
        assert node["sector"] == attrs["sector"][i]
        assert node["active"] == attrs["active"][i]
        assert node["coreness"] == attrs["coreness"][i]
        assert node["betweenness"] == pytest.approx(attrs["betweenness"][i])
        assert node.get("cluster") == attrs["cluster"][i]
        if labelled:
            assert node["label"] == attrs["label"][i]
        else:
            assert node.get("label") is None


def test_graphml_round_trips_through_networkx(report, tmp_path):
    path = write_graphml(report.graph, tmp_path / "ties.graphml", report.attributes)
    check_graph_file(nx.read_graphml(path), report, labelled=True)
    assert HOSTILE not in path.read_text()  # escaped as XML


def test_gexf_round_trips_through_networkx(report, tmp_path):
    layout = report.layout
    path = write_gexf(report.graph, tmp_path / "ties.gexf", report.attributes,
                      positions=np.column_stack([layout.x, layout.y]),
                      colours=["#0072B2"] * report.graph.n)
    g = nx.read_gexf(path, relabel=False)
    check_graph_file(g, report, labelled=True)
    first = g.nodes[str(report.graph.people[0])]
    assert first["viz"]["color"]["r"] == 0 and "position" in first["viz"]


def test_graph_files_without_labels_hold_ids_only(report, tmp_path):
    attrs = {k: v for k, v in report.attributes.items() if k != "label"}
    graphml = write_graphml(report.graph, tmp_path / "t.graphml", attrs)
    gexf = write_gexf(report.graph, tmp_path / "t.gexf", attrs)
    unlabelled = type(report)(report.figures, report.graph, report.layout, attrs)
    check_graph_file(nx.read_graphml(graphml), unlabelled, labelled=False)
    check_graph_file(nx.read_gexf(gexf, relabel=False), unlabelled, labelled=False)
    for path in (graphml, gexf):
        assert "Person 0" not in path.read_text()
        assert "label=" not in path.read_text()


def test_node_attributes_follow_the_engine(report, file_data):
    attrs = node_attributes(report.graph, report.figures, people=file_data.data.people)
    per_person = report.figures["structure"]["per_person"]
    assert attrs["cluster"] == per_person["cluster"]
    assert attrs["coreness"] == per_person["coreness"]
    points = set(report.figures["structure"]["articulation_points"])
    assert attrs["articulation"] == [p in points for p in report.graph.people.tolist()]
    assert "label" not in attrs


def test_write_report_writes_the_four_files(report, tmp_path):
    steps = []
    paths = write_report(report, tmp_path / "out", progress=steps.append)
    assert [p.name for p in paths] == list(REPORT_FILES) == steps
    assert all(p.stat().st_size > 0 for p in paths)
    assert not list((tmp_path / "out").glob(".*.tmp"))


# --- layout ------------------------------------------------------------------------------

def random_graph(n: int, m: int, seed: int, groups: int = 1) -> sp.csr_matrix:
    """A connected graph: a ring plus ``m`` random ties, most inside ``groups`` groups."""
    rng = np.random.default_rng(seed)
    u = rng.integers(0, n, m)
    size = n // groups
    v = np.where(rng.random(m) < 0.85, (u // size) * size + rng.integers(0, size, m),
                 rng.integers(0, n, m))
    v = np.minimum(v, n - 1)
    u, v = np.r_[u, np.arange(n)], np.r_[v, (np.arange(n) + 1) % n]  # a ring: connected
    keep = u != v
    a = sp.coo_matrix((np.ones(keep.sum()), (u[keep], v[keep])), shape=(n, n)).tocsr()
    a = ((a + a.T) > 0).astype(float)
    return sp.csr_matrix(a)


def test_layout_is_deterministic_for_a_seed():
    a = random_graph(600, 1500, seed=1, groups=3)
    first, again = positions(a, seed=7), positions(a, seed=7)
    assert np.array_equal(first, again)
    assert np.isfinite(first).all()
    other = positions(a, seed=8)
    assert not np.array_equal(first, other)
    assert np.abs(first - other).max() < 1.0  # the seed only jitters


def test_layout_keeps_ties_short_and_components_apart():
    a = sp.block_diag([random_graph(200, 600, seed=2), random_graph(40, 90, seed=3)]).tocsr()
    xy = positions(a, seed=1)
    coo = sp.triu(a, k=1).tocoo()
    tie = np.linalg.norm(xy[coo.row] - xy[coo.col], axis=1)
    rng = np.random.default_rng(0)
    i, j = rng.integers(0, 200, 2000), rng.integers(0, 200, 2000)
    assert np.median(tie) < np.median(np.linalg.norm(xy[i] - xy[j], axis=1))
    # the two components' boxes do not overlap
    lo1, hi1 = xy[:200].min(axis=0), xy[:200].max(axis=0)
    lo2, hi2 = xy[200:].min(axis=0), xy[200:].max(axis=0)
    assert (hi2 < lo1).any() or (hi1 < lo2).any()


def test_the_map_shows_people_up_to_the_limit_and_clusters_above(report):
    graph = report.graph
    people = network_layout(graph, clusters=report.attributes["cluster"],
                            attributes=report.attributes)
    assert people.kind == "people" and people.n == graph.n
    assert people.ids.tolist() == graph.people.tolist()
    assert people.attributes["label"] == report.attributes["label"]

    clusters = network_layout(graph, clusters=report.attributes["cluster"],
                              attributes=report.attributes, limit=10)
    assert clusters.kind == "clusters" and clusters.people == graph.n
    labels = report.attributes["cluster"]
    named = sorted({c for c in labels if c is not None})
    isolates = sum(c is None for c in labels)
    assert clusters.ids.tolist() == named + ([-1] if isolates else [])
    assert int(clusters.size.sum()) == graph.n
    assert clusters.size.tolist()[:len(named)] == [labels.count(c) for c in named]
    # ties between clusters: the summed weight of the ties between their members
    u, v, w = graph.edges()
    lab = np.array([-1 if c is None else c for c in labels])
    across = lab[u] != lab[v]
    assert clusters.w.sum() == pytest.approx(w[across].sum())
    assert int(sum(clusters.attributes["internal_ties"])) == int((~across).sum())
    assert len(clusters.attributes["sector"]) == clusters.n
    page = render_html(report.figures, clusters, "en")
    assert "each point is a cluster" in page
    assert network_layout(graph, clusters=labels, limit=10, seed=3).x.tolist() == \
        network_layout(graph, clusters=labels, limit=10, seed=3).x.tolist()


def test_the_cluster_view_needs_clusters(report):
    with pytest.raises(ValueError, match="cluster"):
        network_layout(report.graph, limit=5)


def test_layout_of_5000_people_in_the_cluster_limit():
    """Positions for 5,000 people with 20,000 ties: finite, distinct, deterministic."""
    a = random_graph(5000, 20000, seed=4, groups=25)
    xy = positions(a, seed=1)
    assert xy.shape == (5000, 2) and np.isfinite(xy).all()
    assert len({(round(x, 6), round(y, 6)) for x, y in xy}) > 4900


def test_layout_with_engine_graph(file_data):
    graph = tie_graph(file_data.data, Period.ending(END, days=90))
    layout = network_layout(graph)
    assert layout.to_dict()["kind"] == "people"
    assert json.dumps(layout.to_dict())


def test_sectors_from_the_people_table(report, file_data):
    people = file_data.data.people
    sector = dict(zip(people["person"].to_list(), people["sector"].to_list(), strict=True))
    assert report.attributes["sector"] == [sector[p] for p in report.graph.people.tolist()]
    assert isinstance(people, pl.DataFrame)


def test_the_period_is_shown_in_the_given_time_zone(report):
    utc = render_html(report.figures, report.layout)
    amsterdam = render_html(report.figures, report.layout, timezone="Europe/Amsterdam")
    assert "Period: 2026-01-31 to 2026-04-30 (90 days)" in utc
    assert "Period: 2026-01-31 to 2026-05-01 (90 days)" in amsterdam


def test_a_month_not_over_yet_is_marked_not_a_cliff(file_data):
    """A period ending inside a month: that month is marked partial in the series, drawn pale
    and dotted, and called "so far" in the tables; a period ending at a month's start marks
    nothing."""
    mid = build_report(file_data.data, Period.ending(END + timedelta(days=9), days=90))
    for name in ("activity", "graph"):
        flags = [m["partial"] for m in mid.figures["series"][name]]
        assert flags[-1] and not any(flags[:-1]), name
    page = mid.html()
    assert "The last month, 2026-05, is not over yet" in page
    assert '<th scope="row">2026-05 (so far)</th>' in page
    plots = json.loads(re.search(r"var plots = (.*?);\nvar config", page, re.S).group(1))
    reach = next(p for p in plots if p["id"] == "plot-reach")["data"]
    assert [t["x"] for t in reach] == [reach[0]["x"], [*reach[0]["x"][-1:], "2026-05"],
                                       ["2026-05"]]
    assert reach[1]["line"]["dash"] == "dot" and reach[2]["opacity"] < 1
    bars = next(p for p in plots if p["id"] == "plot-activity")["data"]
    for bar in bars:
        opacity = bar["marker"]["opacity"]
        assert opacity[-1] < 1 and set(opacity[:-1]) == {1.0}
    whole = build_report(file_data.data, Period.ending(END, days=90))
    assert not any(m["partial"] for m in whole.figures["series"]["activity"])
    assert "(so far)" not in whole.html() and "is not over yet" not in whole.html()
    nl = build_report(file_data.data, Period.ending(END + timedelta(days=9), days=90),
                      lang="nl").html()
    assert "2026-05 (tot nu toe)" in nl and "De laatste maand, 2026-05, is nog niet voorbij" in nl

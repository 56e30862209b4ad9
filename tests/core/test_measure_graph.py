"""Graph metrics (METRICS.md 0, 3, 4, 5) against NetworkX as the oracle (METRICS.md 10).

Random directed and undirected graphs of 50-500 people are fed in as activity logs (one
``reply`` row per arc, with weights; a ``post`` per person so isolates are active
participants) and every graph figure is compared with NetworkX's on the same graph. Known
values come from Zachary's karate club, Davis' Southern Women and the Florentine families.
"""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta

import networkx as nx
import numpy as np
import polars as pl
import pytest
from networkx.algorithms import bipartite

from netweave.core.logreader import SCHEMA
from netweave.core.measure.composition import composition_figures, expected_ei_index
from netweave.core.measure.data import Charter, NetworkData, Period
from netweave.core.measure.reciprocity import give_take, reciprocity_figures
from netweave.core.measure.structure import (
    StageThresholds,
    betweenness,
    betweenness_samples,
    development_stage,
    leiden_clusters,
    monthly_graph_series,
    source_dependencies,
    structure_figures,
    structure_headline,
    two_step_reach,
)
from netweave.core.measure.ties import tie_graph

T0 = datetime(2025, 3, 1, tzinfo=UTC)
PERIOD = Period(T0, T0 + timedelta(days=90))
SECTORS = ["government", "business", "civil_society", "knowledge", "residents", "other"]


def make_log(actor, kind, target=None, obj=None, weight=None, at=None) -> pl.DataFrame:
    """An activity log from columns (lists or arrays); missing columns get defaults."""
    actor = np.asarray(actor, dtype=np.int64)
    size = actor.size
    kinds = [kind] * size if isinstance(kind, str) else list(kind)
    return pl.DataFrame({
        "id": np.arange(1, size + 1),
        "network": np.ones(size, dtype=np.int64),
        "actor": actor,
        "kind": kinds,
        "target": pl.Series([None] * size, dtype=pl.Int64) if target is None else target,
        "object_type": [None] * size,
        "object_id": pl.Series([None] * size, dtype=pl.Int64) if obj is None else obj,
        "channel": ["online"] * size,
        "at": [T0 + timedelta(days=1)] * size if at is None else at,
        "weight": np.ones(size) if weight is None else np.asarray(weight, dtype=np.float64),
        "source": ["test"] * size,
        "corrects": pl.Series([None] * size, dtype=pl.Int64),
    }).cast(SCHEMA)


def concat(*logs: pl.DataFrame) -> pl.DataFrame:
    log = pl.concat(logs)
    return log.with_columns(pl.int_range(1, log.height + 1, dtype=pl.Int64).alias("id"))


def people_frame(ids, sector=None, organisation=None) -> pl.DataFrame:
    ids = list(ids)
    return pl.DataFrame({
        "person": ids,
        "sector": sector if sector is not None else [None] * len(ids),
        "organisation": organisation if organisation is not None else [None] * len(ids),
        "role": ["member"] * len(ids),
    }, schema={"person": pl.Int64, "sector": pl.String, "organisation": pl.String,
               "role": pl.String})


def graph_log(g: nx.Graph | nx.DiGraph, weights: dict | None = None) -> pl.DataFrame:
    """One ``reply`` per arc (person id = node + 1), one ``post`` per node."""
    edges = list(g.edges())
    u = [a + 1 for a, _ in edges]
    v = [b + 1 for _, b in edges]
    w = [weights[e] for e in edges] if weights else [1.0] * len(edges)
    nodes = [x + 1 for x in g.nodes()]
    return concat(make_log(u, "reply", target=v, weight=w), make_log(nodes, "post"))


def random_weights(g, seed):
    rng = np.random.default_rng(seed)
    return {e: float(rng.choice([0.5, 1.0, 2.0, 3.0])) for e in g.edges()}


def undirected_oracle(dg: nx.DiGraph, weights: dict) -> nx.Graph:
    ug = nx.Graph()
    ug.add_nodes_from(dg.nodes())
    for (a, b), w in weights.items():
        old = ug.get_edge_data(a, b, {"weight": 0.0})["weight"]
        ug.add_edge(a, b, weight=old + w)
    return ug


RANDOM_GRAPHS = [
    # (generator, n, parameter, seed): gnp random, gnm random; sparse ones are disconnected
    # and have isolates
    ("gnp", 50, 0.08, 1),
    ("gnp", 120, 0.03, 2),
    ("gnp", 200, 0.006, 3),
    ("gnm", 300, 450, 4),
    ("gnm", 500, 900, 5),
    ("gnp", 400, 0.003, 6),
]


def random_digraph(kind, n, par, seed) -> nx.DiGraph:
    if kind == "gnp":
        return nx.gnp_random_graph(n, par, seed=seed, directed=True)
    return nx.gnm_random_graph(n, par, seed=seed, directed=True)


# --- oracle tests on random graphs ----------------------------------------------------------

@pytest.mark.parametrize(("kind", "n", "par", "seed"), RANDOM_GRAPHS)
def test_directed_random_graphs_match_networkx(kind, n, par, seed):
    dg = random_digraph(kind, n, par, seed)
    weights = random_weights(dg, seed)
    data = NetworkData(log=graph_log(dg, weights))
    g = tie_graph(data, PERIOD)
    assert g.people.tolist() == [x + 1 for x in range(n)]
    assert g.directed.nnz == dg.number_of_edges()

    rec = reciprocity_figures(data, PERIOD, g)
    r = nx.reciprocity(dg) if dg.number_of_edges() else None
    assert rec["edge_reciprocity"] == pytest.approx(r, abs=1e-12)
    tied = sum(1 for x in dg if dg.degree(x) > 0)
    abar = dg.number_of_edges() / (tied * (tied - 1))
    assert rec["reciprocity_beyond_chance"] == pytest.approx((r - abar) / (1 - abar), abs=1e-12)
    total = sum(weights.values())
    both = sum(min(w, weights.get((b, a), 0.0)) for (a, b), w in weights.items())
    assert rec["weighted_reciprocity"] == pytest.approx(both / total, abs=1e-12)
    json.dumps(rec)

    ug = undirected_oracle(dg, weights)
    check_undirected(data, g, ug, seed)


@pytest.mark.parametrize(("kind", "n", "par", "seed"), RANDOM_GRAPHS[:4])
def test_undirected_random_graphs_match_networkx(kind, n, par, seed):
    ug = (nx.gnp_random_graph(n, par, seed=seed) if kind == "gnp"
          else nx.gnm_random_graph(n, par, seed=seed))
    weights = random_weights(ug, seed)
    data = NetworkData(log=graph_log(ug, weights))
    g = tie_graph(data, PERIOD)
    nx.set_edge_attributes(ug, weights, "weight")
    check_undirected(data, g, ug, seed)
    assert reciprocity_figures(data, PERIOD, g)["edge_reciprocity"] in (0.0, None)


def check_undirected(data: NetworkData, g, ug: nx.Graph, seed: int) -> None:
    """Every structure figure of ``g`` equals NetworkX's on ``ug`` (node x = person x+1)."""
    n, m = ug.number_of_nodes(), ug.number_of_edges()
    fig = structure_figures(data, PERIOD, g)
    json.dumps(fig)
    pp = fig["per_person"]
    assert pp["person"] == [x + 1 for x in range(n)]
    assert fig["people"] == n and fig["ties"] == m
    assert fig["density"] == pytest.approx(nx.density(ug), abs=1e-12)
    assert fig["mean_degree"] == pytest.approx(2 * m / n)
    deg = dict(ug.degree())
    assert pp["degree"] == [deg[x] for x in range(n)]
    strength = dict(ug.degree(weight="weight"))
    assert pp["strength"] == pytest.approx([strength[x] for x in range(n)])
    comps = sorted(nx.connected_components(ug), key=len, reverse=True)
    assert fig["components"] == len(comps)
    assert fig["largest_component"] == len(comps[0])
    assert fig["largest_component_share"] == pytest.approx(len(comps[0]) / n)
    assert fig["isolates"] == nx.number_of_isolates(ug)
    assert fig["fragments"] == sum(1 for c in comps[1:] if 2 <= len(c) <= 5)
    dmax = max(deg.values())
    assert fig["centralisation"] == pytest.approx(
        sum(dmax - d for d in deg.values()) / ((n - 1) * (n - 2)), abs=1e-12)

    core = nx.core_number(ug)
    assert pp["coreness"] == [core[x] for x in range(n)]
    bc = nx.betweenness_centrality(ug)
    assert fig["brokers"]["method"] == "exact"
    np.testing.assert_allclose(pp["betweenness"], [bc[x] for x in range(n)], atol=1e-12)
    top = sorted((x for x in range(n) if bc[x] > 0), key=lambda x: (-bc[x], x))[:10]
    assert [b["person"] for b in fig["brokers"]["top"]] == [x + 1 for x in top]
    assert set(fig["articulation_points"]) == {x + 1 for x in nx.articulation_points(ug)}
    assert fig["articulation_point_count"] == len(fig["articulation_points"])
    assert {tuple(b) for b in fig["bridges"]} == {
        tuple(sorted((a + 1, b + 1))) for a, b in nx.bridges(ug)}

    labels = pp["cluster"]
    groups: dict = {}
    for x, c in enumerate(labels):
        groups.setdefault(("c", c) if c is not None else ("iso", x), set()).add(x)
    communities = list(groups.values())
    if m:
        assert fig["clusters"]["modularity"] == pytest.approx(
            nx.community.modularity(ug, communities, weight="weight"), abs=1e-9)
    for c in communities:
        assert nx.is_connected(ug.subgraph(c))
    assert fig["clusters"]["count"] == sum(1 for k in groups if k[0] == "c")

    assert not fig["two_step_reach"]["sampled"]
    for x in range(n):
        within = len(nx.single_source_shortest_path_length(ug, x, cutoff=2)) - 1
        assert pp["two_step_reach"][x] == pytest.approx(within / (n - 1))

    rng = np.random.default_rng(seed)
    sector = [None if rng.random() < 0.1 else str(rng.choice(SECTORS[:4])) for _ in range(n)]
    org = [str(rng.choice(["a", "b", "c"])) if rng.random() < 0.8 else "" for _ in range(n)]
    pdata = NetworkData(log=data.log, people=people_frame(range(1, n + 1), sector, org))
    comp = composition_figures(pdata, PERIOD, g)["attributes"]
    for attr, values in (("sector", sector), ("organisation", org)):
        val = {x: (values[x] or None) for x in range(n)}
        known = [(a, b, w) for a, b, w in ug.edges(data="weight")
                 if val[a] is not None and val[b] is not None]
        ext = sum(1 for a, b, _ in known if val[a] != val[b])
        internal = len(known) - ext
        f = comp[attr]
        assert (f["external_ties"], f["internal_ties"]) == (ext, internal)
        assert f["ei_index"] == (pytest.approx((ext - internal) / (ext + internal))
                                 if known else None)
        w_ext = sum(w for a, b, w in known if val[a] != val[b])
        w_all = sum(w for *_, w in known)
        assert f["cross_group_tie_share"] == (pytest.approx(w_ext / w_all) if known else None)
        tied = [val[x] for x in range(n) if deg[x] > 0 and val[x] is not None]
        sizes = [tied.count(v) for v in set(tied)]
        nt = len(tied)
        expect = 2 * (1 - sum(s * (s - 1) for s in sizes) / (nt * (nt - 1))) - 1
        assert f["ei_expected"] == pytest.approx(expect)


def test_source_dependencies_sum_to_exact_betweenness():
    ug = nx.gnm_random_graph(200, 500, seed=12)
    g = tie_graph(NetworkData(log=graph_log(ug)), PERIOD)
    a = g.undirected.copy()
    a.data[:] = 1.0
    dep = source_dependencies(a, np.arange(200))
    exact = nx.betweenness_centrality(ug)
    np.testing.assert_allclose(dep.sum(axis=0) / (199 * 198), [exact[x] for x in range(200)],
                               atol=1e-12)


def test_sampled_betweenness_is_the_brandes_pich_estimate_within_its_bound():
    ug = nx.gnm_random_graph(300, 900, seed=11)
    n, k = 300, 120
    g = tie_graph(NetworkData(log=graph_log(ug)), PERIOD)
    scores, stderr, info = betweenness(g, exact_limit=100, samples=k, seed=3)
    assert info["method"] == "sampled" and info["samples"] == k
    assert info["confidence"] == 0.9
    assert info["error_bound"] == pytest.approx((n / (n - 1)) * np.sqrt(np.log(20) / (2 * k)))
    # the same sources through NetworkX: (n/k) Σ_s δ_s(v) / ((n-1)(n-2))
    sources = np.sort(np.random.default_rng(3).choice(n, size=k, replace=False)).tolist()
    sub = nx.betweenness_centrality_subset(ug, sources, list(ug), normalized=False)
    expect = np.array([2 * sub[x] for x in range(n)]) * n / (k * (n - 1) * (n - 2))
    np.testing.assert_allclose(scores, expect, atol=1e-12)
    exact = np.array([v for _, v in sorted(nx.betweenness_centrality(ug).items())])
    err = np.abs(scores - exact)
    assert err.max() <= info["error_bound"]
    top = np.argsort(-exact)[:20]           # standard errors are meaningful where paths are
    assert (err[top] <= 4 * stderr[top]).all()
    again, _, _ = betweenness(g, exact_limit=100, samples=k, seed=3)
    assert again.tolist() == scores.tolist()
    fig = structure_figures(NetworkData(log=graph_log(ug)), PERIOD, g,
                            exact_betweenness_limit=100, betweenness_samples=k, seed=3)
    assert fig["brokers"]["top"][0]["betweenness"] == pytest.approx(scores.max())
    assert fig["brokers"]["top"][0]["standard_error"] > 0


def test_sampled_betweenness_draws_256_sources_unless_the_graph_is_huge():
    """METRICS.md 5: 256 sources (the bench's 1M network: 12,278 people, 127,922 ties), fewer
    once 256·2m arc visits pass the budget, never fewer than 16, never more than n."""
    assert betweenness_samples(12_278, 127_922) == 256
    assert betweenness_samples(200_000, 1_500_000) == 50
    assert betweenness_samples(10**6, 10**8) == 16
    assert betweenness_samples(100, 300) == 100
    ug = nx.gnm_random_graph(400, 800, seed=5)
    g = tie_graph(NetworkData(log=graph_log(ug)), PERIOD)
    _, _, info = betweenness(g, exact_limit=100)
    assert info["method"] == "sampled" and info["samples"] == 256


def test_two_step_reach_in_small_chunks_and_on_demand():
    ug = nx.gnm_random_graph(150, 400, seed=5)
    g = tie_graph(NetworkData(log=graph_log(ug)), PERIOD)
    whole = two_step_reach(g)
    chunked = two_step_reach(g, chunk_work=7)
    np.testing.assert_allclose(whole, chunked)
    some = two_step_reach(g, g.index([1, 77, 150]))
    np.testing.assert_allclose(some, whole[[0, 76, 149]])
    data = NetworkData(log=graph_log(ug))
    fig = structure_figures(data, PERIOD, g, two_step_budget=2000)
    reach = fig["two_step_reach"]
    assert reach["sampled"] and 0 < reach["computed_for"] < 150
    values = [r for r in fig["per_person"]["two_step_reach"] if r is not None]
    assert len(values) == reach["computed_for"]
    for x, r in enumerate(fig["per_person"]["two_step_reach"]):
        if r is not None:
            assert r == pytest.approx(whole[x])


def test_leiden_is_reproducible():
    ug = nx.gnm_random_graph(400, 1600, seed=8)
    g = tie_graph(NetworkData(log=graph_log(ug)), PERIOD)
    a, qa = leiden_clusters(g, seed=5)
    b, qb = leiden_clusters(g, seed=5)
    assert a.tolist() == b.tolist() and qa == qb
    assert np.bincount(a).tolist() == sorted(np.bincount(a).tolist(), reverse=True)


# --- known values ---------------------------------------------------------------------------

def test_karate_club():
    kg = nx.karate_club_graph()
    weights = {(a, b): float(w) for a, b, w in kg.edges(data="weight")}
    data = NetworkData(log=graph_log(kg, weights))
    g = tie_graph(data, PERIOD)
    fig = structure_figures(data, PERIOD, g)
    assert (fig["people"], fig["ties"], fig["components"]) == (34, 78, 1)
    assert fig["density"] == pytest.approx(0.13903743315508021)
    assert fig["centralisation"] == pytest.approx(0.3996212121212121)
    assert fig["max_coreness"] == 4
    assert fig["articulation_points"] == [1]
    assert fig["bridges"] == [[1, 12]]
    top = fig["brokers"]["top"]
    assert top[0] == {"person": 1, "betweenness": pytest.approx(0.43763528138528146),
                      "standard_error": None}
    assert top[1] == {"person": 34, "betweenness": pytest.approx(0.30407497594997596),
                      "standard_error": None}
    assert fig["per_person"]["strength"][0] == pytest.approx(
        sum(w for (a, b), w in weights.items() if 0 in (a, b)))
    # weighted Leiden on the karate club finds 4 clusters, Q = 0.4449 (the best known
    # weighted partition), whatever the seed
    assert fig["clusters"]["count"] == 4
    assert fig["clusters"]["modularity"] == pytest.approx(0.44490358126721763)
    assert sum(fig["clusters"]["sizes"]) == 34
    # the 4-core (10 people, 25 ties) holds 29 % of the club; 21 of the other 24 are tied
    # to it: core/periphery by the METRICS.md 5 rule (the 3-core holds 22 people, 65 %)
    four = nx.k_core(kg, 4)
    assert fig["stage"]["stage"] == "core_periphery"
    assert fig["stage"]["core"] == {
        "k": 4, "size": 10, "share_of_largest": pytest.approx(10 / 34),
        "density": pytest.approx(nx.density(four)), "rest_tied_share": pytest.approx(21 / 24)}
    assert sum(1 for x in kg if x not in four and any(y in four for y in kg[x])) == 21
    rec = reciprocity_figures(data, PERIOD, g)
    assert rec["edge_reciprocity"] == 0.0 and rec["ties"] == 78


def test_florentine_families():
    fg = nx.florentine_families_graph()
    names = sorted(fg.nodes())
    pid = {name: i + 1 for i, name in enumerate(names)}
    edges = [(pid[a], pid[b]) for a, b in fg.edges()]
    log = make_log([a for a, _ in edges], "reply", target=[b for _, b in edges])
    data = NetworkData(log=log)
    fig = structure_figures(data, PERIOD)
    assert (fig["people"], fig["ties"]) == (15, 20)
    assert fig["brokers"]["top"][0] == {"person": pid["Medici"],
                                        "betweenness": pytest.approx(0.521978021978022),
                                        "standard_error": None}
    assert fig["articulation_points"] == sorted(
        pid[f] for f in ("Albizzi", "Guadagni", "Medici", "Salviati"))
    assert fig["bridge_count"] == 5
    assert [pid["Medici"], pid["Salviati"]] in [sorted(b) for b in fig["bridges"]]
    coreness = dict(zip(fig["per_person"]["person"], fig["per_person"]["coreness"],
                        strict=True))
    assert coreness[pid["Medici"]] == 2 and coreness[pid["Pazzi"]] == 1


def davis_attendance():
    b = nx.davis_southern_women_graph()
    women, events = b.graph["top"], b.graph["bottom"]
    wid = {w: i + 1 for i, w in enumerate(women)}
    eid = {e: 100 + i for i, e in enumerate(events)}
    pairs = [(wid[w], eid[e]) for w in women for e in b[w]]
    log = make_log([p for p, _ in pairs], "attend", obj=[e for _, e in pairs])
    return b, women, wid, NetworkData(log=log)


def test_davis_southern_women_co_attendance_is_newman_weighting():
    b, women, wid, data = davis_attendance()
    g = tie_graph(data, PERIOD)
    proj = bipartite.collaboration_weighted_projected_graph(b, women)
    assert g.n == 18 and g.ties == proj.number_of_edges() == 139
    dense = g.undirected.toarray()
    for u, v, w in proj.edges(data="weight"):
        assert dense[wid[u] - 1, wid[v] - 1] == pytest.approx(w)
    assert dense[wid["Evelyn Jefferson"] - 1, wid["Theresa Anderson"] - 1] == pytest.approx(
        1.4868797868797865)
    assert g.directed.nnz == 0
    # every attendee gets strength 1 per event of k >= 2 attendees: (k-1) · 1/(k-1)
    np.testing.assert_allclose(g.strength(), [b.degree(w) for w in women])
    fig = structure_figures(data, PERIOD, g)
    assert fig["components"] == 1 and fig["isolates"] == 0


def test_davis_big_meeting_substitution_keeps_strengths():
    b, women, _, data = davis_attendance()
    g = tie_graph(data, PERIOD, clique_limit=10, big_event_degree=4)
    np.testing.assert_allclose(g.strength(), [b.degree(w) for w in women])
    assert g.ties < 139


# --- co-attendance --------------------------------------------------------------------------

def test_co_attendance_weights():
    log = concat(
        make_log([1, 2, 3, 3], "attend", obj=[10, 10, 10, 10]),     # 3 attend (3 twice)
        make_log([1, 4], "attend", obj=[11, 11]),                   # a pair: weight 1
        make_log([5], "attend", obj=[12]),                          # alone: an isolate
        make_log([1], "reply", target=[2], weight=[2.0]),
        make_log([6], "rsvp", obj=[10]),                            # not a contribution
    )
    g = tie_graph(NetworkData(log=log), PERIOD)
    assert g.people.tolist() == [1, 2, 3, 4, 5]
    u = g.undirected.toarray()
    assert u[0, 1] == pytest.approx(0.5 + 2.0) and u[0, 2] == pytest.approx(0.5)
    assert u[1, 2] == pytest.approx(0.5) and u[0, 3] == pytest.approx(1.0)
    assert u[4].sum() == 0 and g.active.all()
    c = g.coattendance.toarray()
    assert c[0, 1] == pytest.approx(0.5)
    assert g.directed.toarray()[0, 1] == 2.0
    head = structure_headline(g)
    assert head["isolates"] == 1 and head["people_with_ties"] == 4
    nkg = g.to_networkit()
    assert (nkg.numberOfNodes(), nkg.numberOfEdges()) == (5, 4)
    assert nkg.weight(0, 1) == pytest.approx(2.5) and not nkg.isDirected()
    assert nkg.totalEdgeWeight() == pytest.approx(g.undirected.sum() / 2)
    nkd = g.to_networkit(directed=True)
    assert nkd.isDirected() and nkd.numberOfEdges() == 1 and nkd.weight(0, 1) == 2.0
    assert not g.to_networkit(weighted=False).isWeighted()


def big_meeting_log(k, event=7, first=1000, order=None):
    people = np.arange(first, first + k)
    if order is not None:
        people = people[order]
    return make_log(people, "attend", obj=[event] * k)


def test_big_meeting_is_sampled_but_strengths_and_connection_kept():
    k = 250
    data = NetworkData(log=big_meeting_log(k))
    g = tie_graph(data, PERIOD)                     # clique_limit 100, big_event_degree 8
    assert g.n == k and g.ties == k * 8 // 2
    np.testing.assert_allclose(g.strength(), np.ones(k))
    assert (g.degree() == 8).all()
    assert structure_headline(g)["components"] == 1
    # independent of row order, dependent on the seed
    shuffled = NetworkData(log=big_meeting_log(k, order=np.random.default_rng(1).permutation(k)))
    assert (tie_graph(shuffled, PERIOD).undirected != g.undirected).nnz == 0
    assert (tie_graph(data, PERIOD, seed=7).undirected != g.undirected).nnz > 0
    # a clique when under the limit
    full = tie_graph(data, PERIOD, clique_limit=300)
    assert full.ties == k * (k - 1) // 2
    np.testing.assert_allclose(full.strength(), np.ones(k))
    with pytest.raises(ValueError):
        tie_graph(data, PERIOD, big_event_degree=7)


def test_rows_outside_the_period_and_self_ties_are_left_out():
    log = concat(
        make_log([1, 2], "reply", target=[2, 2]),                     # 2->2 is a self-loop
        make_log([3], "reply", target=[4], at=[T0 - timedelta(days=1)]),
        make_log([5], "reply", target=[6], at=[PERIOD.end]),         # end is exclusive
        make_log([7], "reply", target=[8], weight=[0.0]),           # weight 0: no tie
    )
    g = tie_graph(NetworkData(log=log), PERIOD)
    assert g.people.tolist() == [1, 2, 7]
    assert g.ties == 1 and g.active.tolist() == [True, True, True]


# --- reciprocity and give/take --------------------------------------------------------------

def test_give_take_balance():
    log = concat(
        make_log([1], "answer", target=[2], weight=[1.0]),
        make_log([2], "give", target=[1], weight=[3.0]),    # a fulfilled offer of 2 / need of 1
        make_log([1], "host", obj=[50], weight=[1.0]),
        make_log([3], "offer"), make_log([4], "need"),      # announcements: neither side
        make_log([3], "reply", target=[3]),                 # to oneself: left out
        make_log([5], "introduce", target=[6]),
        make_log([5], "introduce", target=[1]),
        make_log([6], "react", target=[5]),                 # not a give kind
    )
    gt = give_take(log)
    rows = {r["person"]: r for r in gt.to_dicts()}
    assert rows[1]["give"] == 2.0 and rows[1]["take"] == 4.0
    assert rows[1]["balance"] == pytest.approx(-2 / 6)
    assert rows[2]["give"] == 3.0 and rows[2]["take"] == 1.0
    assert rows[5] == {"person": 5, "give": 2.0, "take": 0.0, "balance": 1.0}
    assert rows[6]["balance"] == -1.0
    assert set(rows) == {1, 2, 5, 6}
    fig = reciprocity_figures(NetworkData(log=log), PERIOD)
    assert fig["active_participants"] == 6
    assert fig["reciprocal_members"] == 2
    assert fig["reciprocal_member_share"] == pytest.approx(2 / 6)
    assert fig["balance"]["members"] == 4
    assert fig["balance"]["only_giving"] == 1 and fig["balance"]["only_taking"] == 1
    assert sum(fig["balance"]["histogram"]["counts"]) == 4
    assert fig["balance"]["quantiles"]["p50"] == pytest.approx(np.median(
        [-2 / 6, 0.5, 1.0, -1.0]))
    # arcs 1->2 (answer), 2->1 (give), 5->6, 5->1, 6->5: 4 of 5 reciprocated
    assert fig["ties"] == 5 and fig["edge_reciprocity"] == pytest.approx(4 / 5)
    json.dumps(fig)


def test_empty_period_gives_none_not_errors():
    data = NetworkData(log=make_log([], "post"))
    g = tie_graph(data, PERIOD)
    assert g.n == 0
    rec = reciprocity_figures(data, PERIOD, g)
    assert rec["edge_reciprocity"] is None and rec["reciprocal_member_share"] is None
    fig = structure_figures(data, PERIOD, g)
    assert fig["density"] is None and fig["stage"]["stage"] is None
    comp = composition_figures(data, PERIOD, g)
    assert comp["attributes"]["sector"]["blau"] is None
    json.dumps([rec, fig, comp])


# --- composition ----------------------------------------------------------------------------

def test_composition_known_values():
    # ties 1-2, 2-3 (weight 3), 3-4, 4-5; person 6 active without ties; 7 without a sector
    log = concat(make_log([1, 2, 3, 4, 7], "reply", target=[2, 3, 4, 5, 1],
                          weight=[1, 3, 1, 1, 1]), make_log([6], "post"))
    people = people_frame(range(1, 8),
                          ["government", "government", "business", "business", "residents",
                           "business", None],
                          ["A", "A", "B", "", "C", "B", "D"])
    data = NetworkData(log=log, people=people,
                       charter=Charter(target_mix={"government": 0.5, "business": 0.5}))
    comp = composition_figures(data, PERIOD)
    s = comp["attributes"]["sector"]
    assert s["known"] == 5 and s["unknown"] == 1 and s["categories"] == 6
    assert s["shares"]["government"] == pytest.approx(2 / 5)
    assert s["shares"]["business"] == pytest.approx(3 / 5)     # 5 is not active
    assert s["shares"]["knowledge"] == 0.0
    blau = 1 - (0.4 ** 2 + 0.6 ** 2)
    assert s["blau"] == pytest.approx(blau)
    assert s["blau_normalised"] == pytest.approx(blau / (1 - 1 / 6))
    # known ties: 1-2 within, 2-3 across (w 3), 3-4 within, 4-5 across; 7-1 unknown
    assert (s["external_ties"], s["internal_ties"]) == (2, 2)
    assert s["ei_index"] == 0.0
    assert s["cross_group_tie_share"] == pytest.approx(4 / 6)
    assert s["ei_expected"] == pytest.approx(expected_ei_index([2, 2, 1]))
    assert s["target_gap"] == {"government": pytest.approx(-0.1),
                               "business": pytest.approx(0.1)}
    o = comp["attributes"]["organisation"]
    # active with organisation: 1 A, 2 A, 3 B, 6 B, 7 D (4 has none; 5 is not active)
    assert o["known"] == 5 and o["unknown"] == 1 and o["categories"] == 3
    assert set(o["shares"]) == {"A", "B", "D"}
    assert o["blau_normalised"] == pytest.approx(
        (1 - (2 * (2 / 5) ** 2 + (1 / 5) ** 2)) / (1 - 1 / 3))
    with pytest.raises(KeyError):
        composition_figures(data, PERIOD, attributes=("municipality",))


# --- development stage ----------------------------------------------------------------------

def stage_of(edges, extra_active=()):
    a = [u for u, _ in edges]
    b = [v for _, v in edges]
    logs = [make_log(a, "reply", target=b)]
    if extra_active:
        logs.append(make_log(list(extra_active), "post"))
    g = tie_graph(NetworkData(log=concat(*logs)), PERIOD)
    return development_stage(g)


def test_stage_fragments():
    pairs = [(2 * i + 1, 2 * i + 2) for i in range(10)]
    st = stage_of(pairs)
    assert st["stage"] == "fragments" and st["largest_component_share"] == pytest.approx(0.1)


def test_stage_hub_and_spoke():
    st = stage_of([(1, i) for i in range(2, 12)] + [(2, 3)])
    assert st["stage"] == "hub_and_spoke"
    assert st["top_tie_end_share"] >= 0.25


def test_stage_core_periphery():
    core = list(range(1, 7))
    edges = list(itertools.combinations(core, 2))
    edges += [(core[i % 6], 100 + i) for i in range(24)]     # 24 periphery, 4 per core member
    st = stage_of(edges)
    assert st["stage"] == "core_periphery"
    assert st["core"]["k"] == 3 and st["core"]["size"] == 6
    assert st["core"]["density"] == 1.0 and st["core"]["rest_tied_share"] == 1.0
    assert st["core"]["share_of_largest"] == pytest.approx(0.2)


def test_stage_multi_hub():
    hubs = [1, 2, 3, 4]
    edges = [(1, 2), (2, 3), (3, 4), (4, 1)]
    edges += [(h, 10 * h + i) for h in hubs for i in range(8)]
    st = stage_of(edges)
    assert st["stage"] == "multi_hub" and st["core"] is None


def test_stage_thresholds_are_parameters():
    pairs = [(2 * i + 1, 2 * i + 2) for i in range(10)]
    g = tie_graph(NetworkData(log=make_log([a for a, _ in pairs], "reply",
                                           target=[b for _, b in pairs])), PERIOD)
    st = development_stage(g, StageThresholds(fragments_below=0.05))
    assert st["stage"] == "multi_hub"          # no longer fragments; no hub, no core
    assert st["thresholds"]["fragments_below"] == 0.05


# --- monthly series -------------------------------------------------------------------------

def test_monthly_graph_series_matches_per_month_figures():
    rng = np.random.default_rng(3)
    size = 600
    at = [T0 + timedelta(hours=int(h)) for h in rng.integers(0, 24 * 80, size)]
    actor = rng.integers(1, 60, size)
    target = rng.integers(1, 60, size)
    log = concat(make_log(actor, "reply", target=target, at=at),
                 make_log(actor[:200], "attend", obj=rng.integers(1, 8, 200) + 0, at=at[:200]))
    people = people_frame(range(1, 61), [SECTORS[i % 6] for i in range(60)])
    data = NetworkData(log=log, people=people)
    series = monthly_graph_series(data, T0 + timedelta(days=10), T0 + timedelta(days=75))
    assert [s["month"] for s in series] == ["2025-03", "2025-04", "2025-05"]
    assert series[0]["start"] == (T0 + timedelta(days=10)).isoformat()
    for s in series:
        month = Period(datetime.fromisoformat(s["start"]), datetime.fromisoformat(s["end"]))
        g = tie_graph(data, month)
        assert s["structure"] == structure_headline(g)
        rec = reciprocity_figures(data, month, g)
        assert s["reciprocity"]["edge_reciprocity"] == rec["edge_reciprocity"]
        assert s["reciprocity"]["reciprocal_member_share"] == rec["reciprocal_member_share"]
        comp = composition_figures(data, month, g)["attributes"]["sector"]
        assert s["composition"]["sector"]["ei_index"] == comp["ei_index"]
        assert s["composition"]["sector"]["shares"] == comp["shares"]
    json.dumps(series)

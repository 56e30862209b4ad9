"""Structure of the tie graph (docs/metrics.md#structure), and monthly series
(docs/metrics.md#dynamics).

Everything here works on the **undirected** tie graph of a period
(:func:`netweave.core.measure.ties.tie_graph`). Its nodes are the people with ≥1 tie plus the
active participants without one (isolates), so ``n`` below counts isolates too: density,
mean degree, centralisation, betweenness normalisation and two-step reach are those of the
graph with its isolates, exactly as NetworkX computes them on such a graph. Ties are counted
unweighted except where a figure says *weighted* (Leiden and modularity use the weights;
betweenness uses hop distances).

Algorithms and their costs (``n`` nodes, ``m`` ties):

* components: ``scipy.sparse.csgraph.connected_components``, ``O(n + m)``;
* coreness: Batagelj & Zaversnik 2003 (NetworKit ``CoreDecomposition``), ``O(m)``;
* articulation points and bridges: Hopcroft & Tarjan 1973 biconnected components (NetworKit
  ``BiconnectedComponents``), ``O(n + m)``; a bridge is a biconnected component of two
  people, an articulation point a person in two or more;
* betweenness: Brandes 2001, exact (NetworKit ``Betweenness``), ``O(n·m)``, up to 5,000
  people; above, estimated from ``k`` random sources drawn without replacement (Brandes &
  Pich 2007; the estimator of ``networkx.betweenness_centrality(G, k=k)``), ``O(k·m)``, with
  ``k`` = :func:`betweenness_samples` (256, fewer when ``2m`` is so large that 256 sources
  would pass the work budget). Each person's estimate is unbiased; it comes with its
  empirical standard error and, by Hoeffding's inequality, is within
  ``ε = (n/(n-1))·sqrt(ln(2/δ)/(2k))`` of the exact value with probability ≥ ``1-δ``
  (δ = 0.1): a worst-case bound, typical errors are far smaller. Not used: NetworKit's
  ``KadabraBetweenness`` (11.x), whose path sampling is biased beyond its stated bound on
  graphs with many equal shortest paths, as co-attendance makes (measured: 0.013 off on a
  50x50 grid with a bound of 0.005), and its ``EstimateBetweenness``, which draws one source
  more than it scales for and is several times slower per core than the sparse batch here.
* clusters: Leiden (Traag, Waltman & van Eck 2019) maximising weighted modularity at
  resolution 1 (NetworKit ``ParallelLeiden`` on one thread with a fixed seed, so the result
  is reproducible); every cluster is connected;
* two-step reach: sparse products ``A[rows] @ A`` in chunks of bounded work, never the whole
  ``A²``; cost ``Σ_v deg(v)²``. Above a work budget it is computed for a seeded random sample
  of people (the output says so, and for whom) and on demand with :func:`two_step_reach`.

Output: plain JSON-serialisable dicts, person ids as ints, ``None`` where undefined.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import polars as pl
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from .composition import attribute_figures, attribute_index
from .data import NetworkData, Period
from .reciprocity import reciprocity_figures
from .ties import SEED, TieGraph, networkit, tie_graph

#: Exact betweenness up to this many people (docs/metrics.md#structure).
EXACT_BETWEENNESS_LIMIT = 5000
#: Sources of the sampled betweenness by default (docs/metrics.md#structure) …
BETWEENNESS_SAMPLES = 256
#: … unless that many would visit more arcs (``k·2m``) than this; never fewer than
#: :data:`MIN_BETWEENNESS_SAMPLES`.
BETWEENNESS_BUDGET = 150_000_000
MIN_BETWEENNESS_SAMPLES = 16
#: Confidence of the reported betweenness error bound (``1 - δ``).
BETWEENNESS_CONFIDENCE = 0.9
#: Largest component size counted as a fragment (docs/metrics.md#structure).
FRAGMENT_SIZE = 5
#: Work budget (``Σ deg²`` over the people computed) of two-step reach in one report.
TWO_STEP_BUDGET = 100_000_000
#: Number of brokers reported.
TOP_BROKERS = 10


@dataclass(frozen=True)
class StageThresholds:
    """Thresholds of the development-stage rule (docs/metrics.md#structure; our design, defaults
    there)."""

    #: *fragments* when the largest component holds less than this share of active people.
    fragments_below: float = 0.5
    #: *hub-and-spoke* when one person carries at least this share of all tie ends …
    hub_tie_end_share: float = 0.25
    #: … or the degree centralisation is at least this.
    hub_centralisation: float = 0.5
    #: *core/periphery* looks at k-cores with k at least this …
    core_min_k: int = 3
    #: … holding this share of the largest component (inclusive bounds) …
    core_share_min: float = 0.1
    core_share_max: float = 0.4
    #: … with internal density at least this …
    core_min_density: float = 0.3
    #: … and at least this share of the rest of the largest component tied to the core.
    core_rest_tied: float = 0.5


# --- single figures -------------------------------------------------------------------------

def density(n: int, m: int) -> float | None:
    """Density ``2m/(n(n-1))`` (docs/metrics.md#structure; = ``networkx.density``). ``None``
    if ``n < 2``."""
    return 2.0 * m / (n * (n - 1)) if n >= 2 else None


def degree_centralisation(degree: np.ndarray) -> float | None:
    """Freeman degree centralisation ``Σ(d_max - d_i)/((n-1)(n-2))`` (Freeman 1978).

    docs/metrics.md#structure. 1 for a star, 0 for a regular graph. ``None`` if ``n < 3``.
    Example: the star on 4 people (degrees 3, 1, 1, 1) gives ``6/6 = 1``.
    """
    d = np.asarray(degree, dtype=np.float64)
    n = d.size
    if n < 3:
        return None
    return float((n * d.max() - d.sum()) / ((n - 1) * (n - 2)))


def components(graph: TieGraph) -> tuple[int, np.ndarray]:
    """Connected components of the undirected graph: ``(count, label per node)``.

    Labels are numbered by decreasing size (0 = the largest; equal sizes by smallest node).
    Isolates are components of one person.
    """
    if graph.n == 0:
        return 0, np.empty(0, dtype=np.int64)
    count, labels = connected_components(graph.undirected, directed=False)
    return int(count), _by_size(labels)


def coreness(graph: TieGraph) -> np.ndarray:
    """k-core number of each node (Batagelj & Zaversnik 2003; = ``networkx.core_number``).

    docs/metrics.md#structure: the largest ``k`` such that the person belongs to a subgraph in which
    everyone has ≥ ``k`` ties. Isolates have 0.
    """
    nk = networkit()
    if graph.ties == 0:
        return np.zeros(graph.n, dtype=np.int64)
    scores = nk.centrality.CoreDecomposition(graph.to_networkit(weighted=False)).run().scores()
    return np.rint(np.asarray(scores)).astype(np.int64)


def betweenness_samples(n: int, m: int, *, samples: int = BETWEENNESS_SAMPLES,
                        work_budget: float = BETWEENNESS_BUDGET) -> int:
    """Sources the sampled betweenness draws on a graph of ``n`` people and ``m`` ties:
    ``samples``, fewer when ``samples·2m`` arc visits pass ``work_budget``, at least
    :data:`MIN_BETWEENNESS_SAMPLES`, at most ``n``."""
    fit = int(work_budget // max(2 * m, 1))
    return int(min(n, max(MIN_BETWEENNESS_SAMPLES, min(samples, fit))))


def betweenness(graph: TieGraph, *, exact_limit: int = EXACT_BETWEENNESS_LIMIT,
                samples: int | None = None, work_budget: float = BETWEENNESS_BUDGET,
                confidence: float = BETWEENNESS_CONFIDENCE,
                seed: int = SEED) -> tuple[np.ndarray, np.ndarray | None, dict[str, Any]]:
    """Normalised betweenness of each node, its standard error, and how it was computed.

    docs/metrics.md#structure. ``c_B(v) = 2/((n-1)(n-2)) · Σ_{s<t; s,t≠v} sigma_st(v)/sigma_st``
    (Brandes 2001; hop distances; the normalisation of ``networkx.betweenness_centrality`` on an
    undirected graph). Exact (NetworKit ``Betweenness``) for ``n ≤ exact_limit``. Above, the
    Brandes & Pich (2007) estimate from ``k`` sources drawn without replacement,
    ``(n/k)·Σ_{s in S} δ_s(v)/((n-1)(n-2))`` with ``δ_s`` Brandes' dependency: the estimator of
    ``networkx.betweenness_centrality(G, k=k)``. ``k = samples``, by default
    :func:`betweenness_samples` (256 unless ``256·2m`` passes ``work_budget``, at least 16).

    Returns ``(scores, standard_error, info)``; ``standard_error`` (``None`` when exact) is
    each estimate's empirical standard error over the sampled sources. ``info``: ``method``
    (``"exact"``/``"sampled"``), ``samples``, ``error_bound`` ``ε`` (Hoeffding 1963: each
    person's estimate is within ``ε = (n/(n-1))·sqrt(ln(2/δ)/(2k))`` of the exact value with
    probability ≥ ``confidence = 1-δ``; a worst-case bound, typical errors are far smaller)
    and ``confidence``.
    """
    nk = networkit()
    n = graph.n
    info: dict[str, Any] = {"method": "exact", "samples": None, "error_bound": None,
                            "confidence": None}
    if n < 3 or graph.ties == 0:
        return np.zeros(n), None, info
    if samples is None:
        samples = betweenness_samples(n, graph.ties, work_budget=work_budget)
    if n <= exact_limit or samples >= n:
        g = graph.to_networkit(weighted=False)
        # One thread: parallel sums add up in varying order, and the same network must give
        # bit-for-bit the same figures (a restored backup, a re-run report).
        threads = nk.getCurrentNumberOfThreads()
        try:
            nk.setNumberOfThreads(1)
            scores = nk.centrality.Betweenness(g, normalized=True).run().scores()
        finally:
            nk.setNumberOfThreads(threads)
        return np.asarray(scores), None, info
    k = max(2, int(samples))
    sources = np.sort(np.random.default_rng(seed).choice(n, size=k, replace=False))
    a = graph.undirected.astype(np.float64, copy=True)
    a.data[:] = 1.0
    scale = n / ((n - 1) * (n - 2))
    total, squares = np.zeros(n), np.zeros(n)
    batch = int(np.clip(8_000_000 // n, 1, 32))
    for lo in range(0, k, batch):
        x = source_dependencies(a, sources[lo:lo + batch]) * scale
        total += x.sum(axis=0)
        squares += np.einsum("ij,ij->j", x, x)
    mean = total / k
    var = np.maximum(squares - k * mean ** 2, 0.0) / (k - 1)
    stderr = np.sqrt(var / k * (1.0 - k / n))
    eps = (n / (n - 1)) * math.sqrt(math.log(2.0 / (1.0 - confidence)) / (2.0 * k))
    info.update(method="sampled", samples=k, error_bound=eps, confidence=confidence)
    return mean, stderr, info


def source_dependencies(a: sp.csr_matrix, sources: np.ndarray) -> np.ndarray:
    """Brandes' dependencies ``δ_s(v) = Σ_t sigma_st(v)/sigma_st`` for a batch of sources.

    ``a`` is the 0/1 adjacency (CSR, symmetric), ``sources`` node indices; returns a
    ``len(sources) x n`` array, one row per source (``δ_s(s) = 0``). Level-synchronous BFS
    counting shortest paths, then back-propagation (Brandes 2001), the whole batch as one
    sparse matrix per level (``frontier @ a``): ``O(len(sources)·m)`` work, memory
    ``O(len(sources)·n)``.
    """
    n, b = a.shape[0], int(sources.size)
    first = np.arange(b, dtype=np.int64)
    src = np.asarray(sources, dtype=np.int64)
    dist = np.full((b, n), -1, dtype=np.int32)
    sigma = np.zeros((b, n))
    dist[first, src] = 0
    sigma[first, src] = 1.0
    levels = [(first, src)]
    rows, cols, vals = first, src, np.ones(b)
    depth = 0
    while rows.size:
        depth += 1
        nxt = (sp.csr_matrix((vals, (rows, cols)), shape=(b, n)) @ a).tocoo()
        fresh = dist[nxt.row, nxt.col] == -1
        rows = nxt.row[fresh].astype(np.int64)
        cols = nxt.col[fresh].astype(np.int64)
        vals = nxt.data[fresh]
        dist[rows, cols] = depth
        sigma[rows, cols] = vals
        if rows.size:
            levels.append((rows, cols))
    delta = np.zeros((b, n))
    for level in range(len(levels) - 1, 0, -1):
        rows, cols = levels[level]
        coef = sp.csr_matrix(((1.0 + delta[rows, cols]) / sigma[rows, cols], (rows, cols)),
                             shape=(b, n))
        back = (coef @ a).tocoo()
        keep = dist[back.row, back.col] == level - 1
        r, c = back.row[keep], back.col[keep]
        delta[r, c] += sigma[r, c] * back.data[keep]
    delta[first, src] = 0.0
    return delta


def cut_points(graph: TieGraph) -> tuple[np.ndarray, np.ndarray]:
    """Single points of failure (docs/metrics.md#structure): articulation points and bridges.

    Returns ``(nodes, bridges)``: node indices whose removal splits their component
    (= ``networkx.articulation_points``), and a ``(b, 2)`` array of ties ``(u, v)``, ``u < v``,
    whose removal does (= ``networkx.bridges``).
    """
    nk = networkit()
    if graph.ties == 0:
        return np.empty(0, dtype=np.int64), np.empty((0, 2), dtype=np.int64)
    bc = nk.components.BiconnectedComponents(graph.to_networkit(weighted=False)).run()
    comps = bc.getComponents()
    sizes = np.fromiter((len(c) for c in comps), dtype=np.int64, count=len(comps))
    members = np.fromiter((v for c in comps for v in c), dtype=np.int64, count=int(sizes.sum()))
    times = np.bincount(members, minlength=graph.n)
    points = np.flatnonzero(times >= 2)
    pair_start = np.cumsum(sizes)[sizes == 2] - 2
    pairs = np.sort(np.stack([members[pair_start], members[pair_start + 1]], axis=1), axis=1)
    pairs = pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))] if pairs.size else pairs
    return points, pairs.reshape(-1, 2)


def leiden_clusters(graph: TieGraph, *, seed: int = SEED,
                    resolution: float = 1.0) -> tuple[np.ndarray, float | None]:
    """Leiden clusters on weighted modularity (Traag, Waltman & van Eck 2019;
    docs/metrics.md#structure).

    Returns ``(label per node, Q)``. Labels are numbered by decreasing cluster size (ties by
    smallest node); ``Q = Σ_c [W_c/W - gamma·(S_c/2W)²]`` is the weighted modularity of the
    partition (= ``networkx.community.modularity(G, clusters, weight="weight")``), ``None``
    without ties. NetworKit ``ParallelLeiden`` on one thread with ``seed``: reproducible.
    """
    nk = networkit()
    n = graph.n
    if graph.ties == 0:
        return np.arange(n, dtype=np.int64), None
    g = graph.to_networkit(weighted=True)
    threads = nk.getCurrentNumberOfThreads()
    try:
        nk.setNumberOfThreads(1)
        nk.setSeed(int(seed), False)
        algo = nk.community.ParallelLeiden(g, randomize=True, iterations=3, gamma=resolution)
        algo.run()
    finally:
        nk.setNumberOfThreads(threads)
    partition = algo.getPartition()
    q = float(nk.community.Modularity().getQuality(partition, g)) if resolution == 1.0 else None
    labels = _by_size(np.asarray(partition.getVector(), dtype=np.int64))
    if q is None:
        q = _modularity(graph, labels, resolution)
    return labels, q


def _by_size(labels: np.ndarray) -> np.ndarray:
    """Relabel groups 0, 1, … by decreasing size, equal sizes by their smallest member."""
    if labels.size == 0:
        return labels.astype(np.int64)
    _, first, raw = np.unique(labels, return_index=True, return_inverse=True)
    sizes = np.bincount(raw, minlength=first.size)
    rank = np.empty(first.size, dtype=np.int64)
    rank[np.lexsort((first, -sizes))] = np.arange(first.size)
    return rank[raw.ravel()]


def _modularity(graph: TieGraph, labels: np.ndarray, resolution: float) -> float:
    u, v, w = graph.edges()
    total = w.sum()
    inside = w[labels[u] == labels[v]].sum()
    strength = np.bincount(labels, weights=graph.strength())
    return float(inside / total - resolution * np.sum((strength / (2 * total)) ** 2))


def two_step_reach(graph: TieGraph, nodes: np.ndarray | None = None, *,
                   chunk_work: int = 4_000_000) -> np.ndarray:
    """Share of the network within two steps of each node (Kumu's "2-step reach").

    docs/metrics.md#structure: ``|{u ≠ v : dist(v, u) ≤ 2}| / (n - 1)``, ``n`` nodes of the graph
    (the same as ``len(nx.single_source_shortest_path_length(G, v, cutoff=2)) - 1`` over
    ``n - 1``). ``nodes`` are node indices (all when ``None``; use ``graph.index`` for person
    ids). Computed as ``A[rows] @ A`` in chunks of at most ``chunk_work`` multiply-adds, so
    the whole ``A²`` is never held; cost ``Σ_{v in nodes} Σ_{u ~ v} deg(u)``.
    Example: on a path 1-2-3-4, person 1 reaches 2 and 3: ``2/3``.
    """
    n = graph.n
    nodes = np.arange(n) if nodes is None else np.asarray(nodes, dtype=np.int64)
    out = np.zeros(nodes.size)
    if n < 2 or nodes.size == 0:
        return out
    a = graph.undirected.astype(np.float32, copy=True)
    a.data[:] = 1.0
    deg = np.diff(a.indptr)
    work = (a @ deg.astype(np.float64))[nodes] + deg[nodes]
    bounds = _chunks(work, chunk_work)
    for lo, hi in itertools.pairwise(bounds):
        rows = a[nodes[lo:hi]]
        reach = rows @ a + rows
        out[lo:hi] = np.diff(reach.indptr) - (deg[nodes[lo:hi]] > 0)
    return out / (n - 1)


def _chunks(work: np.ndarray, budget: float) -> np.ndarray:
    """Boundaries splitting consecutive items into runs of total ``work`` ≤ ``budget``."""
    bounds, lo, csum = [0], 0, np.cumsum(work)
    while lo < work.size:
        base = csum[lo - 1] if lo else 0.0
        hi = int(np.searchsorted(csum, base + budget, side="right"))
        hi = max(hi, lo + 1)
        bounds.append(hi)
        lo = hi
    return np.asarray(bounds)


# --- development stage ----------------------------------------------------------------------

def development_stage(graph: TieGraph, thresholds: StageThresholds = StageThresholds(), *,
                      core: np.ndarray | None = None,
                      labels: np.ndarray | None = None) -> dict[str, Any]:
    """Development stage (Krebs & Holley, *Building Smart Communities*; docs/metrics.md#structure
    rule).

    In order: ``"fragments"`` if the largest component holds < ``fragments_below`` of the
    active participants; ``"hub_and_spoke"`` if one person carries ≥ ``hub_tie_end_share``
    of all tie ends (``d_max/2m``) or the degree centralisation is ≥ ``hub_centralisation``;
    ``"core_periphery"`` if for some ``k ≥ core_min_k`` the ``k``-core's part in the largest
    component holds ``core_share_min``-``core_share_max`` of it, has internal density
    ≥ ``core_min_density``, and ≥ ``core_rest_tied`` of the rest of the largest component
    has a tie into it (the smallest such ``k`` is reported); else ``"multi_hub"``. ``None``
    when there are no ties. Returns ``stage`` and the evidence: ``largest_component_share``,
    ``top_tie_end_share``, ``centralisation``, ``core`` (``k``, ``size``,
    ``share_of_largest``, ``density``, ``rest_tied_share``, or ``None``) and ``thresholds``.
    """
    t = thresholds
    if labels is None:
        labels = components(graph)[1]
    head = structure_headline(graph, labels=labels)
    out: dict[str, Any] = {
        "stage": None, "largest_component_share": head["largest_component_share"],
        "top_tie_end_share": None, "centralisation": head["centralisation"], "core": None,
        "thresholds": asdict(t),
    }
    m = graph.ties
    if m == 0 or head["largest_component_share"] is None:
        return out
    deg = graph.degree()
    out["top_tie_end_share"] = float(deg.max() / (2 * m))
    if head["largest_component_share"] < t.fragments_below:
        out["stage"] = "fragments"
        return out
    if (out["top_tie_end_share"] >= t.hub_tie_end_share
            or (head["centralisation"] or 0.0) >= t.hub_centralisation):
        out["stage"] = "hub_and_spoke"
        return out
    out["core"] = _core_candidate(graph, t, core, labels)
    out["stage"] = "core_periphery" if out["core"] is not None else "multi_hub"
    return out


def _core_candidate(graph: TieGraph, t: StageThresholds, core: np.ndarray | None,
                    labels: np.ndarray | None) -> dict[str, Any] | None:
    """Smallest ``k ≥ core_min_k`` whose k-core meets the core/periphery rule, vectorised."""
    if labels is None:
        labels = components(graph)[1]
    if core is None:
        core = coreness(graph)
    in_lcc = labels == 0
    lcc = int(in_lcc.sum())
    kmax = int(core[in_lcc].max()) if lcc else 0
    if kmax < t.core_min_k:
        return None
    c = core[in_lcc]
    # size of the k-core inside the largest component, for k = 0..kmax
    size = np.cumsum(np.bincount(c, minlength=kmax + 1)[::-1])[::-1]
    u, v, _ = graph.edges()
    keep = in_lcc[u]
    low = np.minimum(core[u[keep]], core[v[keep]])
    inside = np.cumsum(np.bincount(low, minlength=kmax + 1)[::-1])[::-1]
    # highest coreness among each node's neighbours: x outside the k-core is tied to it
    # iff core(x) < k <= maxnb(x)
    a = graph.undirected
    nb = core[a.indices]
    nonempty = np.diff(a.indptr) > 0
    maxnb = np.zeros(graph.n, dtype=np.int64)
    if nb.size:
        maxnb[nonempty] = np.maximum.reduceat(nb, a.indptr[:-1][nonempty])
    lo, hi = core[in_lcc] + 1, np.minimum(maxnb[in_lcc], kmax)
    ok = lo <= hi
    diff = (np.bincount(lo[ok], minlength=kmax + 2)
            - np.bincount(hi[ok] + 1, minlength=kmax + 2))
    tied = np.cumsum(diff)[: kmax + 1]
    for k in range(t.core_min_k, kmax + 1):
        s = int(size[k])
        share = s / lcc
        if not (t.core_share_min <= share <= t.core_share_max) or s < 2:
            continue
        dens = inside[k] / (s * (s - 1) / 2)
        rest = lcc - s
        rest_tied = tied[k] / rest if rest else 1.0
        if dens >= t.core_min_density and rest_tied >= t.core_rest_tied:
            return {"k": k, "size": s, "share_of_largest": float(share),
                    "density": float(dens), "rest_tied_share": float(rest_tied)}
    return None


# --- figure sets ----------------------------------------------------------------------------

def structure_headline(graph: TieGraph, *, labels: np.ndarray | None = None) -> dict[str, Any]:
    """Headline structure figures (docs/metrics.md#structure), ``O(n + m)``: cheap enough per month.

    Keys: ``people`` (nodes: people with ties plus isolated active participants),
    ``people_with_ties``, ``active_participants``, ``ties`` (``m``), ``density``
    (``2m/(n(n-1))``), ``mean_degree`` (``2m/n``), ``components`` (isolates count as
    components of one), ``largest_component`` (people in it), ``largest_component_share``
    (its active participants / all active participants), ``isolates`` (active participants
    without a tie), ``centralisation`` (Freeman degree centralisation).
    """
    n, m = graph.n, graph.ties
    deg = graph.degree()
    count, labels = components(graph) if labels is None else (int(labels.max(initial=-1)) + 1,
                                                                labels)
    active = int(graph.active.sum())
    return {
        "people": n,
        "people_with_ties": int(np.count_nonzero(deg)),
        "active_participants": active,
        "ties": m,
        "density": density(n, m),
        "mean_degree": 2.0 * m / n if n else None,
        "components": count,
        "largest_component": int(np.count_nonzero(labels == 0)),
        "largest_component_share": (int(np.count_nonzero(graph.active & (labels == 0)))
                                    / active) if active else None,
        "isolates": int(np.count_nonzero(graph.active & (deg == 0))),
        "centralisation": degree_centralisation(deg),
    }


def structure_figures(data: NetworkData, period: Period | None, graph: TieGraph | None = None,
                      *, thresholds: StageThresholds = StageThresholds(), seed: int = SEED,
                      exact_betweenness_limit: int = EXACT_BETWEENNESS_LIMIT,
                      betweenness_samples: int | None = None,
                      fragment_size: int = FRAGMENT_SIZE,
                      two_step_budget: float = TWO_STEP_BUDGET,
                      per_person: bool = True) -> dict[str, Any]:
    """All figures of docs/metrics.md#structure for ``period``.

    ``graph`` is the period's :func:`tie_graph` (built when not given). Returns the keys of
    :func:`structure_headline` and:

    * ``fragments`` (components other than the largest with 2..``fragment_size`` people),
      ``fragment_people``;
    * ``max_coreness``;
    * ``brokers``: ``method``, ``samples``, ``error_bound``, ``confidence`` (see
      :func:`betweenness`) and ``top``: up to 10 ``{"person", "betweenness",
      "standard_error"}`` with betweenness > 0, highest first (``standard_error`` is
      ``None`` when exact);
    * ``articulation_points`` (person ids), ``bridges`` (``[person, person]`` pairs),
      ``articulation_point_count``, ``bridge_count``;
    * ``clusters``: ``count`` and ``sizes`` (clusters of people with ties, largest first),
      ``modularity`` (``Q``), ``resolution``, ``seed``;
    * ``two_step_reach``: ``mean``, ``median``, ``max`` over the people computed,
      ``computed_for``, ``sampled`` (True when the work budget forced a seeded sample);
    * ``stage``: :func:`development_stage`;
    * ``per_person`` (when asked): parallel lists ``person``, ``active``, ``degree``,
      ``strength``, ``coreness``, ``betweenness``, ``cluster`` (``None`` for isolates),
      ``two_step_reach`` (``None`` where not computed).
    """
    if graph is None:
        graph = tie_graph(data, period)
    n = graph.n
    count, labels = components(graph)
    out = structure_headline(graph, labels=labels)
    sizes = np.bincount(labels, minlength=count) if n else np.zeros(0, dtype=np.int64)
    frag = (np.arange(count) > 0) & (sizes >= 2) & (sizes <= fragment_size)
    core = coreness(graph)
    scores, stderr, info = betweenness(graph, exact_limit=exact_betweenness_limit,
                                       samples=betweenness_samples, seed=seed)
    order = np.lexsort((graph.people, -scores))[:TOP_BROKERS]
    order = order[scores[order] > 0]
    points, bridges = cut_points(graph)
    clusters, q = leiden_clusters(graph, seed=seed)
    deg = graph.degree()
    tied = deg > 0
    cluster_sizes = np.bincount(clusters[tied]) if tied.any() else np.zeros(0, dtype=np.int64)
    cluster_sizes = cluster_sizes[cluster_sizes > 0]
    reach, computed, sampled = _reach_within_budget(graph, two_step_budget, seed)
    values = reach[computed]
    out.update({
        "fragments": int(np.count_nonzero(frag)),
        "fragment_people": int(sizes[frag].sum()),
        "max_coreness": int(core.max()) if n else 0,
        "brokers": {**info, "top": [
            {"person": int(graph.people[i]), "betweenness": float(scores[i]),
             "standard_error": None if stderr is None else float(stderr[i])} for i in order]},
        "articulation_points": [int(p) for p in graph.people[points]],
        "articulation_point_count": int(points.size),
        "bridges": graph.people[bridges].tolist(),
        "bridge_count": int(bridges.shape[0]),
        "clusters": {"count": int(cluster_sizes.size),
                     "sizes": sorted((int(s) for s in cluster_sizes), reverse=True),
                     "modularity": q, "resolution": 1.0, "seed": seed},
        "two_step_reach": {
            "mean": float(values.mean()) if values.size else None,
            "median": float(np.median(values)) if values.size else None,
            "max": float(values.max()) if values.size else None,
            "computed_for": int(values.size), "sampled": sampled},
        "stage": development_stage(graph, thresholds, core=core, labels=labels),
    })
    if per_person:
        out["per_person"] = {
            "person": graph.people.tolist(),
            "active": graph.active.tolist(),
            "degree": deg.tolist(),
            "strength": graph.strength().tolist(),
            "coreness": core.tolist(),
            "betweenness": scores.tolist(),
            "cluster": [int(c) if t else None for c, t in zip(clusters, tied, strict=True)],
            "two_step_reach": [float(r) if c else None
                               for r, c in zip(reach, computed, strict=True)],
        }
    return out


def _reach_within_budget(graph: TieGraph, budget: float,
                         seed: int) -> tuple[np.ndarray, np.ndarray, bool]:
    """Two-step reach of everyone, or of a seeded random sample within the work budget."""
    n = graph.n
    reach, computed = np.zeros(n), np.zeros(n, dtype=bool)
    if n == 0:
        return reach, computed, False
    deg = graph.degree().astype(np.float64)
    work = graph.undirected.astype(bool).astype(np.float64) @ deg + deg + 1.0
    if work.sum() <= budget:
        chosen, sampled = np.arange(n), False
    else:
        perm = np.random.default_rng(seed).permutation(n)
        take = max(1, int(np.searchsorted(np.cumsum(work[perm]), budget, side="right")))
        chosen, sampled = np.sort(perm[:take]), True
    reach[chosen] = two_step_reach(graph, chosen)
    computed[chosen] = True
    return reach, computed, sampled


# --- monthly series (docs/metrics.md#dynamics) ---

_RECIPROCITY_HEADLINE = ("ties", "edge_reciprocity", "reciprocity_beyond_chance",
                         "weighted_reciprocity", "reciprocal_member_share")
_COMPOSITION_HEADLINE = ("shares", "blau", "blau_normalised", "ei_index", "ei_expected",
                         "cross_group_tie_share")


#: Log columns the monthly tie graphs, reciprocity and composition read.
_SERIES_COLUMNS = ("actor", "kind", "target", "object_type", "object_id", "channel", "at",
                   "weight")


def monthly_graph_series(data: NetworkData, start: datetime, end: datetime, *,
                         attribute: str = "sector") -> list[dict[str, Any]]:
    """Headline figures of docs/metrics.md 3, 4 and 5 per calendar month (UTC), for section 7.

    One dict per month overlapping ``[start, end)`` (the first and last clipped to it):
    ``month`` (``"YYYY-MM"``), ``start``, ``end`` (ISO 8601), ``structure``
    (:func:`structure_headline`), ``reciprocity`` (``ties``, ``edge_reciprocity``,
    ``reciprocity_beyond_chance``, ``weighted_reciprocity``, ``reciprocal_member_share``) and
    ``composition`` (``{attribute: {shares, blau, blau_normalised, ei_index, ei_expected,
    cross_group_tie_share}}``). Each month's tie graph is that month's alone.
    """
    span = Period(start, end)
    # One sorted copy of the rows in the span, with only the columns a month's figures read
    # (a full-width sorted copy was the report's memory peak at 10M activities).
    keep = [c for c in data.log.columns if c in _SERIES_COLUMNS]
    log = (data.log.lazy().filter((pl.col("at") >= span.start) & (pl.col("at") < span.end))
           .select(keep).sort("at").collect())
    at = log.get_column("at")
    index = attribute_index(data.people, attribute)
    out = []
    for month in span.months():
        lo, hi = (int(i) for i in at.search_sorted(pl.Series([month.start, month.end],
                                                             dtype=at.dtype), side="left"))
        rows = log.slice(lo, hi - lo)
        rows = rows.with_columns(pl.lit(None, dtype=data.log.schema[c]).alias(c)
                                 for c in data.log.columns if c not in keep).select(
                                     data.log.columns)      # the month's rows, full schema
        mdata = NetworkData(log=rows, charter=data.charter)
        graph = tie_graph(mdata, month)
        rec = reciprocity_figures(mdata, month, graph, per_person=False)
        comp = attribute_figures(mdata, graph, attribute, detail=False, index=index)
        out.append({
            "month": month.start.astimezone(UTC).strftime("%Y-%m"),
            "start": month.start.isoformat(),
            "end": month.end.isoformat(),
            "structure": structure_headline(graph),
            "reciprocity": {k: rec[k] for k in _RECIPROCITY_HEADLINE},
            "composition": {attribute: {k: comp[k] for k in _COMPOSITION_HEADLINE}},
        })
    return out


__all__ = ["BETWEENNESS_BUDGET", "BETWEENNESS_SAMPLES", "EXACT_BETWEENNESS_LIMIT",
           "FRAGMENT_SIZE", "MIN_BETWEENNESS_SAMPLES", "StageThresholds", "betweenness",
           "betweenness_samples", "components", "coreness", "cut_points",
           "degree_centralisation", "density", "development_stage", "leiden_clusters",
           "monthly_graph_series", "structure_figures", "structure_headline", "two_step_reach"]

"""Positions for the network map of a report, computed server-side (docs/metrics.md#structure,
"shown as a network map").

**People view** (up to ``limit`` people, default 5,000): one point per person of the tie
graph. Each connected component is laid out on its own by **stress majorisation** on
shortest-path distances, so that the distance between two points approximates the number
of steps between the two people; a step between two Leiden clusters counts
``BETWEEN_CLUSTERS`` (3), so that clusters show as groups:

* components of up to ``FULL_STRESS_LIMIT`` people use the full stress model (Gansner, Koren
  & North 2004: all pairs, weights ``1/d²``), started from classical MDS;
* larger components use the **sparse stress model** (Ortmann, Klimenta & Brandes 2016,
  "A Sparse Stress Model"): the ties plus the pairs (person, pivot) for ``k`` pivots picked by
  max-min distance, each pivot pair weighted by the size of the pivot's region; started
  from **PivotMDS** (Brandes & Pich 2006) on the same pivots. Cost ``O(k·(n + m))`` for the
  distances plus ``O(iterations · (m + k·n))`` for the majorisation: well under a second
  for 5,000 people (see ``bench/``).

Components are packed in rows, largest first; isolates (active participants without ties)
end up as single points after the components. Coordinates are in units of one tie length.

**Cluster view** (above ``limit`` people): one point per Leiden cluster (docs/metrics.md#structure),
sized by its members, with a tie between two clusters weighted by the summed tie weight
between their members; isolates form one extra point without ties. Laid out the same way
with tie lengths ``1 + log(w_max / w)`` (strongly tied clusters close together).

Everything is deterministic: pivots and orders depend on the graph only, and ``seed`` fixes
the tiny jitter that separates people with identical distances.

Example::

    >>> layout = network_layout(graph, clusters=labels)    # doctest: +SKIP
    >>> layout.kind, layout.x[:3]                          # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components, shortest_path

from netweave.core.measure.ties import SEED, TieGraph

#: Above this many people the map shows clusters instead of people.
PEOPLE_LIMIT = 5000
#: Components up to this size get the full (all pairs) stress model.
FULL_STRESS_LIMIT = 300
#: Pivots of the sparse stress model.
PIVOTS = 40
#: Most majorisation rounds; it stops earlier when points move less than ``TOLERANCE``.
ITERATIONS = 80
TOLERANCE = 1e-4
#: Length of a tie between two clusters in the people view (a tie inside one is 1).
BETWEEN_CLUSTERS = 3.0
#: Space below the largest component and between the others, in tie lengths.
GAP = 1.0
SMALL_GAP = 0.5

__all__ = ["PEOPLE_LIMIT", "GraphLayout", "network_layout", "positions"]


@dataclass
class GraphLayout:
    """Points and ties of the network map.

    ``kind`` is ``"people"`` (``ids`` are person ids, ``size`` is 1) or ``"clusters"``
    (``ids`` are Leiden cluster numbers, ``-1`` for the isolates' point; ``size`` is the
    number of members). ``u, v, w`` are the ties between points (indices into ``ids``,
    ``u < v``) and their weights. ``attributes`` holds per-point lists: for people, whatever
    was passed in; for clusters ``sector`` (the most common sector), ``sector_share``,
    ``active`` (members active in the period) and ``internal_ties``. ``people`` is the number
    of people in the tie graph.
    """

    kind: str
    ids: np.ndarray
    x: np.ndarray
    y: np.ndarray
    size: np.ndarray
    u: np.ndarray
    v: np.ndarray
    w: np.ndarray
    people: int
    limit: int = PEOPLE_LIMIT
    seed: int = SEED
    attributes: dict[str, list] = field(default_factory=dict)

    @property
    def n(self) -> int:
        """Number of points."""
        return int(self.ids.shape[0])

    def to_dict(self, decimals: int = 3) -> dict[str, Any]:
        """JSON-ready form: plain lists, coordinates rounded to ``decimals``."""
        return {
            "kind": self.kind, "people": self.people, "limit": self.limit, "seed": self.seed,
            "ids": self.ids.tolist(), "x": np.round(self.x, decimals).tolist(),
            "y": np.round(self.y, decimals).tolist(), "size": self.size.tolist(),
            "u": self.u.tolist(), "v": self.v.tolist(), "w": self.w.tolist(),
            "attributes": {k: list(v) for k, v in self.attributes.items()},
        }


def network_layout(graph: TieGraph, *, clusters: np.ndarray | list | None = None,
                   attributes: dict[str, list] | None = None, limit: int = PEOPLE_LIMIT,
                   seed: int = SEED) -> GraphLayout:
    """The network map of ``graph``: people up to ``limit``, else clusters (module docstring).

    ``clusters`` gives each node's Leiden cluster (``None`` or negative for isolates), in the
    order of ``graph.people``: it groups the people view and is needed above ``limit``.
    ``attributes`` are per-node lists in the same order (e.g. ``sector``), carried into the
    layout for people and summarised per cluster above the limit.
    """
    attributes = dict(attributes or {})
    for name, values in attributes.items():
        if len(values) != graph.n:
            raise ValueError(f"attribute {name!r} has {len(values)} values for {graph.n} people")
    if graph.n <= limit:
        u, v, w = graph.edges()
        lengths = graph.undirected.copy()
        lengths.data = np.ones_like(lengths.data)
        if clusters is not None:  # ties between clusters longer: the clusters show as groups
            label = np.array([-1 if c is None else int(c) for c in clusters], dtype=np.int64)
            rows = np.repeat(np.arange(graph.n), np.diff(lengths.indptr))
            lengths.data[label[rows] != label[lengths.indices]] = BETWEEN_CLUSTERS
        xy = positions(lengths, seed=seed, weighted=True)
        return GraphLayout(kind="people", ids=graph.people.copy(), x=xy[:, 0], y=xy[:, 1],
                           size=np.ones(graph.n, dtype=np.int64), u=u, v=v, w=w,
                           people=graph.n, limit=limit, seed=seed,
                           attributes={k: list(vals) for k, vals in attributes.items()})
    if clusters is None:
        raise ValueError(f"{graph.n} people is above the limit of {limit}: "
                         "the cluster view needs each person's cluster")
    return _cluster_layout(graph, clusters, attributes, limit, seed)


def _cluster_layout(graph: TieGraph, clusters: np.ndarray | list, attributes: dict[str, list],
                    limit: int, seed: int) -> GraphLayout:
    raw = np.array([-1 if c is None else int(c) for c in clusters], dtype=np.int64)
    if raw.shape[0] != graph.n:
        raise ValueError(f"{raw.shape[0]} cluster labels for {graph.n} people")
    ids, node = np.unique(raw, return_inverse=True)  # -1 (isolates), if any, comes first
    order = np.r_[np.flatnonzero(ids >= 0), np.flatnonzero(ids < 0)]  # isolates last
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    ids, node = ids[order], rank[node]
    k = ids.size
    size = np.bincount(node, minlength=k).astype(np.int64)

    u, v, w = graph.edges()
    cu, cv = node[u], node[v]
    inside = cu == cv
    internal = np.bincount(cu[inside], minlength=k).astype(np.int64)
    a, b = np.minimum(cu[~inside], cv[~inside]), np.maximum(cu[~inside], cv[~inside])
    between = sp.coo_matrix((w[~inside], (a, b)), shape=(k, k)).tocsr()
    between.sum_duplicates()
    upper = between.tocoo()
    eu, ev, ew = upper.row.astype(np.int64), upper.col.astype(np.int64), upper.data

    out: dict[str, list] = {"internal_ties": internal.tolist(),
                            "active": np.bincount(node, weights=graph.active.astype(float),
                                                  minlength=k).astype(int).tolist()}
    sectors = attributes.get("sector")
    if sectors is not None:
        main, share = [], []
        for c in range(k):
            members = [sectors[i] for i in np.flatnonzero(node == c)]
            values, counts = np.unique(np.array(members, dtype=object).astype(str),
                                       return_counts=True)
            best = int(np.argmax(counts))
            main.append(str(values[best]))
            share.append(float(counts[best] / counts.sum()))
        out["sector"], out["sector_share"] = main, share

    lengths = np.ones_like(ew)
    if ew.size:
        lengths = 1.0 + np.log(ew.max() / ew)
    sym = sp.coo_matrix((np.r_[lengths, lengths], (np.r_[eu, ev], np.r_[ev, eu])),
                        shape=(k, k)).tocsr()
    xy = positions(sym, seed=seed, weighted=True, spread=np.sqrt(size))
    return GraphLayout(kind="clusters", ids=ids, x=xy[:, 0], y=xy[:, 1], size=size,
                       u=eu, v=ev, w=ew, people=graph.n, limit=limit, seed=seed,
                       attributes=out)


# --- positions -------------------------------------------------------------------------------

def positions(adjacency: sp.spmatrix, *, seed: int = SEED, weighted: bool = False,
              spread: np.ndarray | None = None, pivots: int = PIVOTS) -> np.ndarray:
    """2-D positions (``n x 2``) of a symmetric graph, components packed in rows.

    Without ``weighted`` every tie has length 1 (hop distances); with it the matrix values
    are the tie lengths. ``spread`` (per node, default 1) is the radius a point needs, used
    to keep big points of the cluster view apart. Deterministic for a ``seed``.
    """
    adjacency = sp.csr_matrix(adjacency)
    n = adjacency.shape[0]
    if n == 0:
        return np.zeros((0, 2))
    radius = None if spread is None else np.maximum(np.asarray(spread, float), 0.5)
    rng = np.random.default_rng(seed)
    count, labels = connected_components(adjacency, directed=False)
    sizes = np.bincount(labels, minlength=count)
    firsts = np.full(count, n)
    np.minimum.at(firsts, labels, np.arange(n))
    pieces = []
    for comp in np.lexsort((firsts, -sizes)):  # largest first, then by first node
        members = np.flatnonzero(labels == comp)
        if members.size == 1:
            xy = np.zeros((1, 2))
        elif members.size == 2:
            d = adjacency[members[0], members[1]] if weighted else 1.0
            xy = np.array([[-d / 2, 0.0], [d / 2, 0.0]])
        else:
            sub = adjacency[members][:, members]
            xy = _component(sub, rng, weighted=weighted, pivots=pivots,
                            radius=None if radius is None else radius[members])
        pieces.append((members, xy))
    return _pack(pieces, n, np.full(n, 0.25) if radius is None else radius)


def _component(sub: sp.csr_matrix, rng: np.random.Generator, *, weighted: bool, pivots: int,
               radius: np.ndarray | None) -> np.ndarray:
    n = sub.shape[0]
    if n <= FULL_STRESS_LIMIT:
        dist = shortest_path(sub, directed=False, unweighted=not weighted)
        if radius is not None:  # big points: keep them from overlapping
            dist = np.maximum(dist, (radius[:, None] + radius[None, :]) * (1 - np.eye(n)))
        return _full_stress(dist, rng)
    return _sparse_stress(sub, rng, weighted=weighted, k=min(pivots, n))


def _classical_mds(dist: np.ndarray) -> np.ndarray:
    n = dist.shape[0]
    sq = dist ** 2
    centre = np.eye(n) - 1.0 / n
    b = -0.5 * centre @ sq @ centre
    values, vectors = np.linalg.eigh(b)
    top = np.argsort(values)[::-1][:2]
    return vectors[:, top] * np.sqrt(np.maximum(values[top], 1e-12))


def _full_stress(dist: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """SMACOF stress majorisation over all pairs (weights ``1/d²``), from classical MDS."""
    n = dist.shape[0]
    xy = _canonical(_classical_mds(dist)) + rng.normal(scale=1e-3, size=(n, 2))
    off = ~np.eye(n, dtype=bool)
    weight = np.zeros_like(dist)
    weight[off] = 1.0 / dist[off] ** 2
    v_plus = np.linalg.pinv(np.diag(weight.sum(axis=1)) - weight)
    wd = weight * dist
    before = np.inf
    for _ in range(ITERATIONS):
        norm = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2))
        with np.errstate(divide="ignore", invalid="ignore"):
            b = np.where(norm > 1e-9, -wd / norm, 0.0)
        b[~off] = 0.0
        b[np.diag_indices(n)] = -b.sum(axis=1)
        xy = v_plus @ (b @ xy)
        stress = float((weight * (norm - dist) ** 2).sum())
        if before - stress < TOLERANCE * stress:
            break
        before = stress
    return _canonical(xy)


def _sparse_stress(sub: sp.csr_matrix, rng: np.random.Generator, *, weighted: bool,
                   k: int) -> np.ndarray:
    """The sparse stress model (Ortmann, Klimenta & Brandes 2016) from PivotMDS."""
    n = sub.shape[0]
    degree = np.diff(sub.indptr)
    pivots = np.empty(k, dtype=np.int64)
    dist = np.empty((k, n))
    nearest = np.full(n, np.inf)
    pivots[0] = int(np.argmax(degree))  # the first best-connected person
    for i in range(k):
        dist[i] = shortest_path(sub, directed=False, unweighted=not weighted,
                                indices=pivots[i])
        nearest = np.minimum(nearest, dist[i])
        if i + 1 < k:
            pivots[i + 1] = int(np.argmax(nearest))  # max-min: farthest from all chosen

    # PivotMDS: double-centred squared distances to the pivots, projected on the two main
    # directions of the pivot space.
    sq = dist.T ** 2
    b = -0.5 * (sq - sq.mean(axis=0) - sq.mean(axis=1)[:, None] + sq.mean())
    values, vectors = np.linalg.eigh(b.T @ b)
    xy = b @ vectors[:, np.argsort(values)[::-1][:2]]
    coo = sp.triu(sub, k=1, format="coo")
    eu, ev = coo.row.astype(np.int64), coo.col.astype(np.int64)
    ed = coo.data if weighted else np.ones(eu.size)
    scale = np.mean(ed) / max(np.mean(np.linalg.norm(xy[eu] - xy[ev], axis=1)), 1e-9)
    xy = _canonical(xy * scale) + rng.normal(scale=1e-3, size=xy.shape)

    # Terms: every tie (weight 1/d²), and each person's distance to each pivot, weighted by
    # the size of the pivot's region (the people nearer to it than to any other pivot), so
    # that a few pivots stand in for all pairs. A person's update uses its ties and the
    # pivots; a pivot's update its ties and the other pivots (localized majorisation).
    region = np.argmin(dist, axis=0)
    region_size = np.bincount(region, minlength=k).astype(float)
    with np.errstate(divide="ignore"):
        pw = np.where(dist > 0, region_size[:, None] / dist ** 2, 0.0)  # k x n
    edge_d = sp.csr_matrix((np.r_[ed, ed], (np.r_[eu, ev], np.r_[ev, eu])), shape=(n, n))
    edge_w = edge_d.copy()
    edge_w.data = 1.0 / edge_d.data ** 2
    rows = np.repeat(np.arange(n), np.diff(edge_w.indptr))
    cols, ewd = edge_w.indices, 1.0 / edge_d.data  # w·d = 1/d
    total = np.asarray(edge_w.sum(axis=1)).ravel() + pw.sum(axis=0)
    x, y = np.ascontiguousarray(xy[:, 0]), np.ascontiguousarray(xy[:, 1])
    for _ in range(ITERATIONS):
        # ties: sum_j w_ij (x_j + d_ij (x_i - x_j) / |x_i - x_j|)
        dx, dy = x[rows] - x[cols], y[rows] - y[cols]
        coef = ewd / np.maximum(np.hypot(dx, dy), 1e-9)
        c = sp.csr_matrix((coef, cols, edge_w.indptr), shape=(n, n))
        csum = np.asarray(c.sum(axis=1)).ravel()
        nx_ = edge_w @ x + csum * x - c @ x
        ny_ = edge_w @ y + csum * y - c @ y
        # pivots: the same terms, dense k x n
        px, py = x[pivots][:, None], y[pivots][:, None]
        dx, dy = x[None, :] - px, y[None, :] - py
        coef = pw * dist / np.maximum(np.hypot(dx, dy), 1e-9)
        nx_ += (pw * px + coef * dx).sum(axis=0)
        ny_ += (pw * py + coef * dy).sum(axis=0)
        nx_ /= total
        ny_ /= total
        moved = max(np.abs(nx_ - x).max(), np.abs(ny_ - y).max())
        x, y = nx_, ny_
        if moved < TOLERANCE * max(1.0, np.abs(x).max(), np.abs(y).max()):
            break
    xy = np.column_stack([x, y])
    return _canonical(xy)


def _canonical(xy: np.ndarray) -> np.ndarray:
    """Centre, turn the widest direction horizontal, and fix the signs (deterministic)."""
    xy = xy - xy.mean(axis=0)
    if xy.shape[0] < 2:
        return xy
    _, _, vt = np.linalg.svd(xy, full_matrices=False)
    xy = xy @ vt.T
    for axis in range(2):
        skew = np.sum(xy[:, axis] ** 3)
        if skew < 0:
            xy[:, axis] = -xy[:, axis]
    return xy


def _pack(pieces: list[tuple[np.ndarray, np.ndarray]], n: int,
          radius: np.ndarray) -> np.ndarray:
    """The largest component on top; the others below it in rows (shelves), largest first,
    the rows as wide as the largest component or the square root of their total area."""
    boxes = []
    for members, xy in pieces:
        r = radius[members][:, None]
        lo, hi = (xy - r).min(axis=0), (xy + r).max(axis=0)
        boxes.append((lo, hi - lo))
    rest = sum(float((size[0] + SMALL_GAP) * (size[1] + SMALL_GAP)) for _, size in boxes[1:])
    width = max(float(boxes[0][1][0]), np.sqrt(rest) * 1.2)
    out = np.zeros((n, 2))
    x = y = row_height = 0.0
    for i, ((members, xy), (lo, size)) in enumerate(zip(pieces, boxes, strict=True)):
        if i == 1 or (x > 0 and x + size[0] > width):
            x, y = 0.0, y - row_height - (GAP if i == 1 else SMALL_GAP)
            row_height = 0.0
        out[members] = xy - lo + np.array([x, y - size[1]])
        x += size[0] + SMALL_GAP
        row_height = max(row_height, float(size[1]))
    return out

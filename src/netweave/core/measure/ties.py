"""The tie graph of a period (docs/metrics.md#data, "Tie graph"; used by sections 3-5).

:func:`tie_graph` turns the activity rows of a period ``P = [start, end)`` into

* a **directed weighted interaction graph**: one arc ``u -> v`` for every pair with at least
  one interaction row (a row with a ``target``, of a contribution kind, weight > 0) from
  ``u`` to ``v`` in ``P``; its weight is the sum of those rows' ``weight``. Self-loops
  (``actor == target``, e.g. replying to oneself) are dropped. Rows of weight <= 0 make no
  tie.
* an **undirected weighted tie graph**: the symmetrised interactions, ``w_uv + w_vu``, plus
  **co-attendance**: people with an ``attend`` row for the same event (``object_id``) in ``P``
  are tied with weight ``1/(k-1)``, ``k`` = number of distinct attendees of that event in
  ``P`` (Newman 2001, "Scientific collaboration networks II", collaboration weighting; the
  same as ``networkx.bipartite.collaboration_weighted_projected_graph``). Weights of pairs
  that meet at several events, or also interact, add up.

**Nodes** are everyone with at least one tie plus every active participant (an actor with at
least one contribution in ``P``, :data:`netweave.core.activity.CONTRIBUTION_KINDS`); active
participants without ties are isolates (docs/metrics.md#structure). Node ``i`` is person
``people[i]``; ``people`` is sorted.

**Large meetings.** A clique on ``k`` attendees costs ``k(k-1)/2`` ties, so a 5,000-person
congress would add 12.5 million ties of weight 1/4999. Events with at most ``clique_limit``
attendees (default 100) get the exact clique. A larger event gets a seeded random
``m``-regular circulant instead (``m = big_event_degree``, default 8, even): the attendees are
put in a pseudo-random order ``π`` (a hash of seed, event and person, so the result does not
depend on row order), and ``π_i`` is tied to ``π_{i±1}, …, π_{i±m/2}`` (indices mod ``k``),
each tie with weight ``1/m``. Every attendee keeps a co-attendance strength of exactly
``m · 1/m = 1`` from the event, as in the clique (``(k-1) · 1/(k-1) = 1``); the ring through
offset 1 keeps the event's attendees connected. Total cost ``O(Σ_events min(k², k·m))``, near
linear in attendances. Degree-based figures of people at big events then count their ``m``
sampled co-attendees, not all ``k-1``.

Example::

    >>> g = tie_graph(data, Period.ending(now))                  # doctest: +SKIP
    >>> g.people[g.degree().argmax()]                            # doctest: +SKIP
    >>> nkg = g.to_networkit()                                   # doctest: +SKIP
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np
import polars as pl
import scipy.sparse as sp

from netweave.core import activity as act

from .data import NetworkData, Period

if TYPE_CHECKING:
    import networkit as nk

#: Packages NetworKit imports at start-up when they are installed, for parts the engine never
#: uses (link-prediction features, plots, NetworkX conversion). scikit-learn alone pulls in
#: scipy.stats and pandas: about 1 s before the first figure. :func:`networkit` keeps out
#: those not loaded yet.
NETWORKIT_SKIPPED = ("sklearn", "networkx", "matplotlib", "tabulate")


@cache
def networkit() -> ModuleType:
    """NetworKit, imported on first use without the packages of :data:`NETWORKIT_SKIPPED`
    that are not loaded yet (NetworKit then goes without those extras; they import normally
    afterwards)."""
    skipped = [name for name in NETWORKIT_SKIPPED if name not in sys.modules]
    for name in skipped:
        sys.modules[name] = None  # type: ignore[assignment]  # import raises ImportError
    try:
        import networkit as nk
    finally:
        for name in skipped:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]
    return nk

#: Events with more attendees than this get a sampled circulant instead of a clique.
CLIQUE_LIMIT = 100
#: Co-attendance degree of each attendee of a large event (even).
BIG_EVENT_DEGREE = 8
#: Default seed of every randomised step (big-event circulants, Leiden, sampled betweenness).
SEED = 42

_CONTRIBUTIONS = sorted(act.CONTRIBUTION_KINDS)


def rows_in(log: pl.DataFrame, period: Period | None) -> pl.DataFrame:
    """Rows of ``log`` with ``at`` in ``[period.start, period.end)`` (all rows for ``None``)."""
    if period is None:
        return log
    return log.filter((pl.col("at") >= period.start) & (pl.col("at") < period.end))


def active_participants(rows: pl.DataFrame) -> np.ndarray:
    """Sorted distinct actors with ≥1 contribution among ``rows`` (docs/metrics.md 1 and 5)."""
    return np.sort(rows.filter(pl.col("kind").is_in(_CONTRIBUTIONS))
                   .get_column("actor").drop_nulls().unique().to_numpy().astype(np.int64))


@dataclass(eq=False)
class TieGraph:
    """The tie graph of a period (docs/metrics.md#data): see the module docstring.

    ``people[i]`` is node ``i``'s person id; ``active[i]`` tells whether that person is an
    active participant in the period. ``directed[i, j]`` is the summed interaction weight
    ``i -> j``; ``undirected`` is symmetric: symmetrised interactions plus
    ``coattendance`` (itself symmetric). All matrices are ``n x n`` CSR, float64, with no
    diagonal and no explicit zeros.
    """

    people: np.ndarray
    active: np.ndarray
    directed: sp.csr_matrix
    undirected: sp.csr_matrix
    coattendance: sp.csr_matrix
    period: Period | None = None
    _nk: dict = field(default_factory=dict, repr=False)

    @property
    def n(self) -> int:
        """Number of nodes (people with ties plus isolated active participants)."""
        return int(self.people.shape[0])

    @property
    def ties(self) -> int:
        """Number of undirected ties ``m``."""
        return int(self.undirected.nnz // 2)

    def index(self, persons: np.ndarray | list[int]) -> np.ndarray:
        """Node index of each person id, ``-1`` for people not in the graph."""
        persons = np.asarray(persons, dtype=np.int64)
        if self.n == 0:
            return np.full(persons.shape, -1, dtype=np.int64)
        pos = np.minimum(np.searchsorted(self.people, persons), self.n - 1)
        return np.where(self.people[pos] == persons, pos, -1).astype(np.int64)

    def degree(self) -> np.ndarray:
        """Number of distinct people each node is tied to (undirected, unweighted)."""
        return np.diff(self.undirected.indptr).astype(np.int64)

    def strength(self) -> np.ndarray:
        """Sum of the undirected tie weights of each node."""
        return np.asarray(self.undirected.sum(axis=1)).ravel()

    def edges(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Undirected ties as arrays ``(u, v, weight)`` with ``u < v`` (node indices)."""
        upper = sp.triu(self.undirected, k=1, format="coo")
        return upper.row.astype(np.int64), upper.col.astype(np.int64), upper.data

    def to_networkit(self, *, directed: bool = False, weighted: bool = True) -> nk.Graph:
        """The undirected (or, with ``directed``, the interaction) graph as a NetworKit graph.

        Node ids are the node indices of this graph. Cached per ``(directed, weighted)``.
        """
        key = (directed, weighted)
        if key not in self._nk:
            nk = networkit()
            # an undirected NetworKit graph takes each stored entry as a tie: give it one
            # triangle; GraphFromCsr is ~3x faster than GraphFromCoo on millions of ties
            m = self.directed if directed else sp.triu(self.undirected, k=1, format="csr")
            if m.nnz:
                g = nk.GraphFromCsr(m, directed=directed, weighted=weighted)
            else:
                g = nk.Graph(self.n, weighted=weighted, directed=directed)
            self._nk[key] = g
        return self._nk[key]


def tie_graph(data: NetworkData, period: Period | None, *, clique_limit: int = CLIQUE_LIMIT,
              big_event_degree: int = BIG_EVENT_DEGREE, seed: int = SEED) -> TieGraph:
    """Build the tie graph of ``period`` (docs/metrics.md#data; details in the module docstring).

    ``period=None`` takes the whole log. Interactions: rows with a ``target``, of a
    contribution kind, ``weight > 0``, ``actor != target``; arc weights are summed.
    Co-attendance: ``1/(k-1)`` per event of ``k`` attendees (Newman 2001), exact cliques up
    to ``clique_limit`` attendees, a seeded ``big_event_degree``-regular circulant with
    weights ``1/big_event_degree`` above. Cost ``O(rows + Σ_events min(k², k·m))``.

    Example: two people who reply to each other once (weight 1 each) and both attend a
    three-person meeting are tied with weight ``1 + 1 + 1/2 = 2.5``.
    """
    if big_event_degree < 2 or big_event_degree % 2:
        raise ValueError("big_event_degree must be an even number >= 2")
    if clique_limit < big_event_degree + 1:
        raise ValueError("clique_limit must be at least big_event_degree + 1")
    rows = rows_in(data.log, period).select("actor", "kind", "target", "object_id", "weight")
    contrib = rows.filter(pl.col("kind").is_in(_CONTRIBUTIONS))
    active = np.sort(contrib.get_column("actor").drop_nulls().unique().to_numpy()
                     .astype(np.int64))
    inter = contrib.filter(pl.col("target").is_not_null() & (pl.col("actor") != pl.col("target"))
                           & (pl.col("weight") > 0))
    people = np.sort(pl.concat([pl.Series(active), inter.get_column("target")]).unique()
                     .to_numpy().astype(np.int64))     # actors of interactions are active
    n = int(people.shape[0])
    index = _indexer(people)
    src = index(inter.get_column("actor").to_numpy())
    dst = index(inter.get_column("target").to_numpy())
    w = inter.get_column("weight").to_numpy().astype(np.float64)
    directed = _matrix(n, (src,), (dst,), (w,))

    cu, cv, cw = _coattendance_pairs(rows, index, clique_limit, big_event_degree, seed)
    coattendance = _matrix(n, (cu, cv), (cv, cu), (cw, cw))
    undirected = _matrix(n, (src, dst, cu, cv), (dst, src, cv, cu), (w, w, cw, cw))
    is_active = np.zeros(n, dtype=bool)
    is_active[index(active)] = True
    return TieGraph(people=people, active=is_active, directed=directed, undirected=undirected,
                    coattendance=coattendance, period=period)


def _indexer(people: np.ndarray):
    """A function mapping person ids (all in ``people``, sorted) to node indices, vectorised.

    A lookup table when ids are dense enough (database ids are), else binary search.
    """
    n = int(people.size)
    dtype = np.int32 if n < 2**31 else np.int64
    if n and people[0] >= 0 and people[-1] <= 4 * n + 1_000_000:
        lut = np.full(int(people[-1]) + 1, -1, dtype=dtype)
        lut[people] = np.arange(n, dtype=dtype)
        return lambda ids: lut[np.asarray(ids, dtype=np.int64)]
    return lambda ids: np.searchsorted(people, np.asarray(ids, dtype=np.int64)).astype(dtype)


def _matrix(n: int, rows: tuple, cols: tuple, data: tuple) -> sp.csr_matrix:
    """Canonical ``n x n`` CSR (duplicates summed, sorted, no explicit zeros) from COO parts."""
    r, c, d = np.concatenate(rows), np.concatenate(cols), np.concatenate(data)
    m = sp.csr_matrix((d, (r, c)), shape=(n, n))
    m.sum_duplicates()
    m.eliminate_zeros()
    m.sort_indices()
    return m


_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


def _mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a fast, well-mixed, order-independent hash of uint64 keys."""
    x = x.astype(np.uint64, copy=True)
    x ^= x >> np.uint64(30)
    x *= _M1
    x ^= x >> np.uint64(27)
    x *= _M2
    x ^= x >> np.uint64(31)
    return x


def _coattendance_pairs(rows: pl.DataFrame, index, clique_limit: int, m: int,
                        seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Co-attendance ties ``(u, v, w)``, ``u < v`` node indices, possibly repeated."""
    att = (rows.filter((pl.col("kind") == act.ATTEND) & pl.col("object_id").is_not_null())
           .select(pl.col("object_id").alias("event"), pl.col("actor").alias("person"))
           .drop_nulls().unique())
    empty = (np.empty(0, np.int32), np.empty(0, np.int32), np.empty(0, np.float64))
    if att.height == 0:
        return empty
    event = att.get_column("event").to_numpy().astype(np.int64)
    person = att.get_column("person").to_numpy().astype(np.int64)
    key = _mix64(_mix64(event.view(np.uint64) ^ np.uint64(seed & 0xFFFFFFFFFFFFFFFF))
                 ^ person.view(np.uint64))
    order = np.lexsort((key, event))  # by event, then pseudo-random order within the event
    event, node = event[order], index(person[order])
    starts = np.flatnonzero(np.r_[True, event[1:] != event[:-1]])
    sizes = np.diff(np.r_[starts, event.size])
    k = np.repeat(sizes, sizes)                      # size of each attendance's event
    first = np.repeat(starts, sizes)                 # offset of its event
    pos = np.arange(event.size) - first              # its place in the event's order

    us, vs, ws = [], [], []
    small = (k >= 2) & (k <= clique_limit)
    if small.any():
        idx = np.flatnonzero(small)
        c = (k[idx] - 1 - pos[idx])                  # partners after it in the event
        total = int(c.sum())
        rep = np.repeat(idx, c)
        step = np.arange(total) - np.repeat(np.cumsum(c) - c, c) + 1
        us.append(node[rep])
        vs.append(node[rep + step])
        ws.append(np.repeat(1.0 / (k[idx] - 1), c))
    big = k > clique_limit
    if big.any():
        idx = np.flatnonzero(big)
        for s in range(1, m // 2 + 1):
            us.append(node[idx])
            vs.append(node[first[idx] + (pos[idx] + s) % k[idx]])
            ws.append(np.full(idx.size, 1.0 / m))
    if not us:
        return empty
    u, v, w = np.concatenate(us), np.concatenate(vs), np.concatenate(ws)
    return np.minimum(u, v), np.maximum(u, v), w


__all__ = ["BIG_EVENT_DEGREE", "CLIQUE_LIMIT", "SEED", "TieGraph", "active_participants",
           "rows_in", "tie_graph"]

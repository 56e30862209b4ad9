"""Reciprocity and give-and-take (docs/metrics.md#reciprocity).

All figures of the directed interaction graph come from :func:`netweave.core.measure.ties.
tie_graph` (co-attendance is undirected and plays no part here). Each is a few sparse-matrix
operations, ``O(L)`` for ``L`` directed ties, and the give/take balance one group-by over the
period's rows.

Give/take (docs/metrics.md#reciprocity): *give* is the summed ``weight`` of a person's rows of kind
``answer``, ``reply``, ``give``, ``introduce`` and ``host``; *take* the summed weight of the
rows of kind ``answer``, ``reply``, ``give`` and ``introduce`` that target them (``host`` has
no target). A fulfilled offer or need is recorded in the log as one ``give`` row (the
exchange: actor gives to target); ``offer`` and ``need`` rows themselves are announcements,
not exchanges, and count for neither side. So a fulfilled offer counts on its giver's give
side through the ``give`` row, a fulfilled need on its receiver's take side through the same
row, each exactly once. Rows of weight <= 0 and rows targeting their own actor are left out.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
import scipy.sparse as sp

from netweave.core import activity as act

from .data import NetworkData, Period
from .ties import TieGraph, rows_in, tie_graph

#: Kinds whose actor gives and whose target takes (docs/metrics.md#reciprocity).
GIVE_KINDS: tuple[str, ...] = (act.ANSWER, act.REPLY, act.GIVE, act.INTRODUCE, act.HOST)
#: Edges of the histogram of the balance ``b``: ten bins of width 0.2 over [-1, 1].
BALANCE_BINS: tuple[float, ...] = tuple(np.round(np.linspace(-1.0, 1.0, 11), 10).tolist())
QUANTILES: tuple[float, ...] = (0.1, 0.25, 0.5, 0.75, 0.9)


def edge_reciprocity(directed: sp.spmatrix) -> float | None:
    """Edge reciprocity ``r`` = share of directed ties ``(u,v)`` whose reverse exists.

    docs/metrics.md#reciprocity; the same value as ``networkx.reciprocity(G)`` on the graph without
    self-loops. ``None`` without ties. Example: ties 1→2, 2→1, 1→3 give ``r = 2/3``.
    """
    a = _pattern(directed)
    if a.nnz == 0:
        return None
    return float(a.multiply(a.T).nnz / a.nnz)


def reciprocity_beyond_chance(directed: sp.spmatrix) -> float | None:
    """``rho = (r - ā)/(1 - ā)``, ``ā = L/(n(n-1))`` (Garlaschelli & Loffredo 2004, PRL 93).

    docs/metrics.md#reciprocity. ``L`` directed ties, ``n`` people with ≥1 directed tie.
    ``rho > 0``: more reciprocal than a random graph of the same density; ``rho < 0``: less
    (antireciprocal). ``None`` when undefined (no ties, or ``ā = 1``).
    """
    a = _pattern(directed)
    if a.nnz == 0:
        return None
    tied = _tied(a)
    abar = a.nnz / (tied * (tied - 1))
    if abar >= 1:
        return None
    r = a.multiply(a.T).nnz / a.nnz
    return float((r - abar) / (1 - abar))


def weighted_reciprocity(directed: sp.spmatrix) -> float | None:
    """``r_w = Σ_{i≠j} min(w_ij, w_ji) / Σ_{i≠j} w_ij`` (Squartini et al. 2013, PRE 88).

    docs/metrics.md#reciprocity. Share of the interaction weight that is returned. ``None`` without
    ties. Example: 1→2 weight 3, 2→1 weight 1 give ``r_w = (1 + 1)/4 = 0.5``.
    """
    w = sp.csr_matrix(directed)
    total = float(w.sum())
    if total <= 0:
        return None
    return float(w.minimum(w.T).sum() / total)


def give_take(rows: pl.DataFrame) -> pl.DataFrame:
    """Per person: ``give``, ``take`` and balance ``b = (give - take)/(give + take)``.

    docs/metrics.md#reciprocity; ``rows`` are the period's activity rows. Columns ``person``,
    ``give``, ``take``, ``balance`` (in [-1, 1]), one row per person with give + take > 0, sorted by
    person. Kinds and the treatment of offers and needs: see the module docstring.
    """
    rel = rows.filter(pl.col("kind").is_in(list(GIVE_KINDS)) & (pl.col("weight") > 0)
                      & (pl.col("target").is_null() | (pl.col("target") != pl.col("actor"))))
    gives = (rel.group_by(pl.col("actor").alias("person"))
             .agg(pl.col("weight").sum().alias("give")))
    takes = (rel.filter(pl.col("target").is_not_null())
             .group_by(pl.col("target").alias("person")).agg(pl.col("weight").sum().alias("take")))
    out = gives.join(takes, on="person", how="full", coalesce=True).fill_null(0.0)
    return (out.with_columns(((pl.col("give") - pl.col("take"))
                              / (pl.col("give") + pl.col("take"))).alias("balance"))
            .select("person", "give", "take", "balance").sort("person"))


def balance_distribution(balance: np.ndarray) -> dict[str, Any]:
    """Distribution of the give/take balance ``b`` (docs/metrics.md#reciprocity).

    Keys: ``members`` (count), ``mean``, ``quantiles`` (``p10``, ``p25``, ``p50``, ``p75``,
    ``p90``, linear interpolation), ``histogram`` (``edges``: 11 bin edges from -1 to 1;
    ``counts``: 10 counts, the last bin includes 1), ``only_giving`` (b = 1) and
    ``only_taking`` (b = -1). Undefined figures are ``None``.
    """
    b = np.asarray(balance, dtype=np.float64)
    counts = np.histogram(b, bins=np.array(BALANCE_BINS))[0] if b.size else np.zeros(10)
    return {
        "members": int(b.size),
        "mean": float(b.mean()) if b.size else None,
        "quantiles": {f"p{round(q * 100)}": (float(np.quantile(b, q)) if b.size else None)
                      for q in QUANTILES},
        "histogram": {"edges": list(BALANCE_BINS), "counts": [int(c) for c in counts]},
        "only_giving": int(np.count_nonzero(b == 1.0)),
        "only_taking": int(np.count_nonzero(b == -1.0)),
    }


def reciprocity_figures(data: NetworkData, period: Period | None, graph: TieGraph | None = None,
                        *, per_person: bool = True) -> dict[str, Any]:
    """All figures of docs/metrics.md#reciprocity for ``period``.

    ``graph`` is the period's :func:`tie_graph` (built when not given). Returns:

    * ``ties`` (directed ties ``L``), ``reciprocal_ties`` (ties whose reverse exists),
      ``people_with_ties`` (``n`` of the directed graph), ``tie_density`` (``ā``);
    * ``edge_reciprocity`` (``r``, = ``networkx.reciprocity``), ``reciprocity_beyond_chance``
      (``rho``), ``weighted_reciprocity`` (``r_w``);
    * ``active_participants``, ``reciprocal_members`` (active participants with give > 0 and
      take > 0), ``reciprocal_member_share`` (of active participants);
    * ``balance``: :func:`balance_distribution` over everyone with give + take > 0;
    * ``per_person`` (when asked): parallel lists ``person``, ``give``, ``take``, ``balance``.
    """
    if graph is None:
        graph = tie_graph(data, period)
    a = _pattern(graph.directed)
    tied = _tied(a)
    gt = give_take(rows_in(data.log, period))
    active = graph.people[graph.active]
    person = gt.get_column("person").to_numpy()
    reciprocal = ((gt.get_column("give") > 0) & (gt.get_column("take") > 0)).to_numpy()
    idx = graph.index(person[reciprocal])
    reciprocal_active = int(np.count_nonzero(graph.active[idx[idx >= 0]]))
    out: dict[str, Any] = {
        "ties": int(a.nnz),
        "reciprocal_ties": int(a.multiply(a.T).nnz),
        "people_with_ties": tied,
        "tie_density": float(a.nnz / (tied * (tied - 1))) if tied > 1 else None,
        "edge_reciprocity": edge_reciprocity(a),
        "reciprocity_beyond_chance": reciprocity_beyond_chance(a),
        "weighted_reciprocity": weighted_reciprocity(graph.directed),
        "active_participants": int(active.size),
        "reciprocal_members": reciprocal_active,
        "reciprocal_member_share": (reciprocal_active / active.size) if active.size else None,
        "balance": balance_distribution(gt.get_column("balance").to_numpy()),
    }
    if per_person:
        out["per_person"] = {
            "person": [int(p) for p in person],
            "give": gt.get_column("give").to_list(),
            "take": gt.get_column("take").to_list(),
            "balance": gt.get_column("balance").to_list(),
        }
    return out


def _tied(a: sp.csr_matrix) -> int:
    """Number of nodes with at least one arc in or out."""
    out_deg = np.diff(a.indptr)
    in_deg = np.bincount(a.indices, minlength=a.shape[0])
    return int(np.count_nonzero(out_deg + in_deg))


def _pattern(m: sp.spmatrix) -> sp.csr_matrix:
    """0/1 pattern of ``m``'s nonzero off-diagonal entries, CSR."""
    c = sp.coo_matrix(m)
    keep = (c.row != c.col) & (c.data != 0)
    a = sp.csr_matrix((np.ones(int(keep.sum())), (c.row[keep], c.col[keep])), shape=c.shape)
    a.sum_duplicates()
    a.data[:] = 1.0
    return a


__all__ = ["GIVE_KINDS", "balance_distribution", "edge_reciprocity", "give_take",
           "reciprocity_beyond_chance", "reciprocity_figures", "weighted_reciprocity"]

"""Composition and bridging (docs/metrics.md#composition).

For a categorical attribute of people (a column of ``NetworkData.people``: ``sector`` by
default, ``organisation``, or any other column the people table carries):

* **Shares** among the period's active participants, beside the charter's target mix
  (``Charter.target_mix``, which is a sector mix, so it is shown for ``sector`` only).
* **Blau index** ``1 - Σ_g p_g²`` (Blau 1977), and normalised by ``1 - 1/K`` (the index of
  qualitative variation: 1 when the active participants are spread evenly over ``K``
  groups). **Choice of K**: for ``sector`` the six sectors of the domain (government,
  business, civil society, knowledge, residents, other; more if the data holds other values),
  so a network drawing on two sectors only cannot score 1; for any other attribute the
  number of groups present among the active participants (there is no fixed list of
  organisations). Undefined (``None``) when ``K < 2``.
* **E-I index** (Krackhardt & Stern 1988) on the undirected tie graph: ``(E - I)/(E + I)``,
  ``E`` ties between people of different groups, ``I`` ties within a group, each tie counted
  once whatever its weight; beside it its **expected value under random mixing**
  ``2·(1 - Σ_g n_g(n_g-1)/(n(n-1))) - 1`` (``n_g``, ``n``: people with ≥1 tie and a known
  value), since raw E-I is confounded by group sizes.
* **Cross-group tie share** ``E/(E + I)`` weighted: the share of tie weight (interaction plus
  co-attendance, docs/metrics.md#data) that crosses groups; for ``sector`` this is the
  cross-sector tie share.

**Unknown values.** People without a value (missing from the people table, or an empty or
null value: e.g. the organisation of a pseudonymous member or a resident) form no group:
they are counted as ``unknown`` and left out of the shares, the Blau index and the E-I
figures (ties with an unknown end are not counted as E or I).

Cost: one pass over the active participants and one over the ``m`` ties, ``O(n + m)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from netweave.core.activity import SECTORS

from .data import NetworkData, Period
from .ties import TieGraph, tie_graph

#: Attributes with a fixed list of possible values (for the normalised Blau index).
KNOWN_CATEGORIES: dict[str, tuple[str, ...]] = {"sector": SECTORS}


def blau_index(counts: Iterable[int], k: int | None = None) -> tuple[float | None, float | None]:
    """Blau's index ``1 - Σ p_g²`` and its normalised form ``(1 - Σ p_g²)/(1 - 1/K)``.

    docs/metrics.md#composition (Blau 1977). ``counts`` are group sizes; ``K`` defaults to the
    number of non-empty groups. Returns ``(blau, normalised)``, ``None`` where undefined.
    Example: counts ``(2, 2)`` give ``(0.5, 1.0)``; with ``k=6``, ``(0.5, 0.6)``.
    """
    c = np.asarray(list(counts), dtype=np.float64)
    c = c[c > 0]
    total = c.sum()
    if total == 0:
        return None, None
    blau = float(1.0 - np.sum((c / total) ** 2))
    k = int(c.size) if k is None else int(k)
    return blau, (blau / (1.0 - 1.0 / k) if k >= 2 else None)


def ei_index(external: float, internal: float) -> float | None:
    """Krackhardt & Stern's E-I index ``(E - I)/(E + I)`` (docs/metrics.md#composition); ``None`` if
    no ties."""
    total = external + internal
    return float((external - internal) / total) if total > 0 else None


def expected_ei_index(group_sizes: Iterable[int]) -> float | None:
    """E-I under random mixing: ``2·(1 - Σ_g n_g(n_g-1)/(n(n-1))) - 1``
    (docs/metrics.md#composition).

    ``group_sizes`` are ``n_g``. ``None`` when ``n < 2``.
    Example: two groups of 5: ``2·(1 - 40/90) - 1 = 0.111…``.
    """
    g = np.asarray(list(group_sizes), dtype=np.float64)
    n = g.sum()
    if n < 2:
        return None
    within = float(np.sum(g * (g - 1)) / (n * (n - 1)))
    return 2.0 * (1.0 - within) - 1.0


@dataclass(frozen=True)
class AttributeIndex:
    """One attribute of the people table, ready for lookups (see :func:`attribute_index`)."""

    attribute: str
    ids: np.ndarray          #: sorted person ids
    codes: np.ndarray        #: group code of each id, -1 = unknown
    names: list[str]         #: group names, sorted; code i is names[i]

    def lookup(self, persons: np.ndarray) -> np.ndarray:
        """Group code of each person id (``-1`` = unknown or not in the people table)."""
        persons = np.asarray(persons, dtype=np.int64)
        if self.ids.size == 0:
            return np.full(persons.shape, -1, dtype=np.int64)
        pos = np.minimum(np.searchsorted(self.ids, persons), self.ids.size - 1)
        return np.where(self.ids[pos] == persons, self.codes[pos], -1).astype(np.int64)


def attribute_index(people: pl.DataFrame, attribute: str) -> AttributeIndex:
    """Index ``people[attribute]`` for :meth:`AttributeIndex.lookup` (docs/metrics.md#composition).

    Empty strings and nulls are unknown, as are people missing from ``people``; a person
    listed twice keeps the first row. Raises ``KeyError`` for an attribute the people table
    lacks. Build it once when computing figures for many periods.
    """
    if attribute not in people.columns or attribute == "person":
        raise KeyError(f"people have no attribute {attribute!r}; "
                       f"available: {[c for c in people.columns if c != 'person']}")
    value = pl.col(attribute).cast(pl.String)
    table = (people.select("person", pl.when(value != "").then(value).alias(attribute))
             .filter(pl.col("person").is_not_null()).unique("person", keep="first")
             .sort("person"))
    values = table.get_column(attribute)
    names = sorted(values.drop_nulls().unique().to_list())
    codes = values.cast(pl.Enum(names)).to_physical().cast(pl.Int64).fill_null(-1).to_numpy()
    return AttributeIndex(attribute, table.get_column("person").to_numpy().astype(np.int64),
                          codes, names)


def attribute_figures(data: NetworkData, graph: TieGraph, attribute: str,
                      *, detail: bool = True,
                      index: AttributeIndex | None = None) -> dict[str, Any]:
    """docs/metrics.md#composition figures for one attribute on a built tie graph.

    Keys: ``active_participants``, ``known``, ``unknown`` (active participants with and
    without a value), ``categories`` (``K`` used for normalising), ``shares`` (group ->
    share of active participants with a known value; for ``sector`` all six sectors, zeros
    included), ``blau``, ``blau_normalised``, ``ties_counted`` (``E + I``), ``external_ties``
    (``E``), ``internal_ties`` (``I``), ``ei_index``, ``ei_expected``, ``ei_excess``
    (``ei_index - ei_expected``), ``cross_group_tie_share`` (weighted ``E/(E + I)``); for
    ``sector`` also ``target_mix`` (the charter's, may be empty) and ``target_gap`` (share -
    target per sector of the target mix). With ``detail``: ``counts`` (group -> active
    participants). ``index``: a prebuilt :func:`attribute_index` of ``data.people``.
    """
    if index is None:
        index = attribute_index(data.people, attribute)
    code, names = index.lookup(graph.people), index.names
    active_code = code[graph.active]
    known = active_code[active_code >= 0]
    counts = np.bincount(known, minlength=len(names))
    fixed = KNOWN_CATEGORIES.get(attribute)
    if fixed is not None:
        k = len(set(fixed) | set(names))
        order = list(fixed) + [g for g in names if g not in fixed]
    else:
        k = int(np.count_nonzero(counts))
        order = [names[i] for i in np.flatnonzero(counts)]
    by_name = dict(zip(names, counts.tolist(), strict=True))
    total = int(known.size)
    shares = {g: (by_name.get(g, 0) / total if total else None) for g in order}
    blau, blau_norm = blau_index(counts, k)

    u, v, w = graph.edges()
    cu, cv = code[u], code[v]
    both = (cu >= 0) & (cv >= 0)
    cross = both & (cu != cv)
    within = both & (cu == cv)
    external, internal = int(np.count_nonzero(cross)), int(np.count_nonzero(within))
    w_cross, w_known = float(w[cross].sum()), float(w[both].sum())
    tied = graph.degree() > 0
    tied_code = code[tied]
    sizes = np.bincount(tied_code[tied_code >= 0], minlength=len(names))
    ei, expected = ei_index(external, internal), expected_ei_index(sizes)
    out: dict[str, Any] = {
        "active_participants": int(graph.active.sum()),
        "known": total,
        "unknown": int(active_code.size - total),
        "categories": k,
        "shares": shares,
        "blau": blau,
        "blau_normalised": blau_norm,
        "ties_counted": external + internal,
        "external_ties": external,
        "internal_ties": internal,
        "ei_index": ei,
        "ei_expected": expected,
        "ei_excess": (ei - expected) if ei is not None and expected is not None else None,
        "cross_group_tie_share": (w_cross / w_known) if w_known > 0 else None,
    }
    if attribute == "sector":
        target = dict(data.charter.target_mix)
        out["target_mix"] = target
        out["target_gap"] = {g: ((shares.get(g) or 0.0) - t if total else None)
                             for g, t in target.items()}
    if detail:
        out["counts"] = {g: by_name.get(g, 0) for g in order}
    return out


def composition_figures(data: NetworkData, period: Period | None,
                        graph: TieGraph | None = None,
                        attributes: Iterable[str] = ("sector", "organisation"),
                        *, detail: bool = True) -> dict[str, Any]:
    """All figures of docs/metrics.md#composition for ``period``, per attribute.

    ``graph`` is the period's :func:`tie_graph` (built when not given). Returns
    ``{"active_participants": int, "attributes": {attribute: attribute_figures(...)}}``;
    see :func:`attribute_figures` for the keys per attribute.

    Example::

        >>> composition_figures(data, period)["attributes"]["sector"]["ei_index"]  # doctest: +SKIP
    """
    if graph is None:
        graph = tie_graph(data, period)
    return {
        "active_participants": int(graph.active.sum()),
        "attributes": {a: attribute_figures(data, graph, a, detail=detail) for a in attributes},
    }


__all__ = ["KNOWN_CATEGORIES", "SECTORS", "AttributeIndex", "attribute_figures", "attribute_index",
           "blau_index",
           "composition_figures", "ei_index", "expected_ei_index"]

"""Files of a report besides the HTML: the figures as JSON, the tie graph as GraphML and GEXF.

The graph files are written by small XML writers here (no NetworkX at run time) for Gephi,
Kumu, Cytoscape or NetworkX users. Nodes are the people of the period's tie graph
(docs/metrics.md#data), with id = person id and the attributes of :func:`node_attributes`; edges are
the undirected ties with their ``weight`` (symmetrised interactions plus co-attendance),
and the two parts as ``interaction`` and ``coattendance``.

Privacy: a node gets a ``label`` only when labels are passed (file input, where the analyst
brought the names). For a network in the database no label is passed, so no name, e-mail or
pseudonym leaves the database through these files: only person ids.

Example::

    >>> attrs = node_attributes(graph, figures, people=data.people)   # doctest: +SKIP
    >>> write_graphml(graph, "ties.graphml", attrs)                     # doctest: +SKIP
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import numpy as np
import polars as pl

from netweave.core.measure.ties import TieGraph

__all__ = ["node_attributes", "to_jsonable", "write_gexf", "write_graphml", "write_json",
           "write_text"]

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
GEXF_NS = "http://www.gexf.net/1.2draft"
GEXF_VIZ_NS = "http://www.gexf.net/1.2draft/viz"


# --- JSON ------------------------------------------------------------------------------------

def to_jsonable(value: Any) -> Any:
    """``value`` as plain JSON data: numpy scalars and arrays to Python, NaN and infinities
    to ``None``, datetimes and dates to ISO 8601, tuples and sets to lists, paths to text."""
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [to_jsonable(v) for v in items]
    if isinstance(value, np.ndarray):
        return [to_jsonable(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, _dt.datetime | _dt.date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def write_json(figures: Mapping[str, Any], path: str | Path) -> Path:
    """Write ``figures`` as UTF-8 JSON (see :func:`to_jsonable`); returns the path."""
    text = json.dumps(to_jsonable(figures), ensure_ascii=False, indent=1, allow_nan=False)
    return write_text(path, text + "\n")


# --- node attributes -------------------------------------------------------------------------

def node_attributes(graph: TieGraph, figures: Mapping[str, Any] | None = None, *,
                    people: pl.DataFrame | None = None,
                    labels: Sequence[str] | None = None) -> dict[str, list]:
    """Per-node attributes of ``graph``, lists in the order of ``graph.people``.

    ``sector`` (from ``people``; "unknown" when not known), ``active``; from the engine's
    ``figures["structure"]["per_person"]``: ``cluster`` (None for isolates), ``coreness``,
    ``betweenness``, ``degree``, and ``articulation`` (a single point of failure). ``label``
    only when ``labels`` is given: person id ``i`` is ``labels[i - 1]`` (file input).
    """
    persons = graph.people.tolist()
    out: dict[str, list] = {}
    sectors: dict[int, str] = {}
    if people is not None and people.height:
        sectors = dict(zip(people.get_column("person").to_list(),
                           people.get_column("sector").to_list(), strict=True))
    out["sector"] = [sectors.get(p) or "unknown" for p in persons]
    structure = (figures or {}).get("structure", {})
    per_person = structure.get("per_person")
    if per_person:
        where = {p: i for i, p in enumerate(per_person["person"])}
        rows = [where.get(p) for p in persons]
        for name in ("cluster", "coreness", "betweenness", "degree"):
            column = per_person.get(name)
            if column is not None:
                out[name] = [None if i is None else column[i] for i in rows]
    else:
        out["degree"] = graph.degree().tolist()
    points = set(structure.get("articulation_points") or ())
    out["articulation"] = [p in points for p in persons]
    out["active"] = [bool(a) for a in graph.active]
    if labels is not None:
        out["label"] = [labels[p - 1] if 0 < p <= len(labels) else str(p) for p in persons]
    return out


# --- GraphML ---------------------------------------------------------------------------------

_GRAPHML_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}


def _kind(values: Sequence[Any]) -> type:
    kinds = {type(v) for v in values if v is not None}
    kinds = {int if k is np.int64 else float if k is np.float64 else k for k in kinds}
    if not kinds:
        return str
    if kinds <= {bool}:
        return bool
    if kinds <= {int}:
        return int
    if kinds <= {int, float}:
        return float
    return str


def _text(value: Any, kind: type) -> str:
    if kind is bool:
        return "true" if value else "false"
    if kind is float:
        return repr(float(value))
    if kind is int:
        return str(int(value))
    return _XML_INVALID.sub("\ufffd", str(value))


def _edge_parts(graph: TieGraph) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                                          np.ndarray]:
    u, v, w = graph.edges()
    co = np.asarray(graph.coattendance[u, v]).ravel() if u.size else np.zeros(0)
    return u, v, w, w - co, co


def write_graphml(graph: TieGraph, path: str | Path,
                  attributes: Mapping[str, Sequence[Any]] | None = None) -> Path:
    """Write the undirected tie graph as GraphML: node id = person id, the node
    ``attributes`` (lists in the order of ``graph.people``; None leaves a value out) and
    edge ``weight``, ``interaction`` and ``coattendance``. Returns the path."""
    attributes = dict(attributes or {})
    _check(graph, attributes)
    kinds = {name: _kind(values) for name, values in attributes.items()}
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             f'<graphml xmlns="{GRAPHML_NS}" '
             'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
             f'xsi:schemaLocation="{GRAPHML_NS} {GRAPHML_NS}/1.0/graphml.xsd">']
    keys = {}
    for i, (name, kind) in enumerate(kinds.items()):
        keys[name] = f"d{i}"
        lines.append(f'  <key id="d{i}" for="node" attr.name={quoteattr(name)} '
                     f'attr.type="{_GRAPHML_TYPES[kind]}"/>')
    edge_keys = ("weight", "interaction", "coattendance")
    for name in edge_keys:
        lines.append(f'  <key id="e_{name}" for="edge" attr.name="{name}" '
                     'attr.type="double"/>')
    lines.append('  <graph id="ties" edgedefault="undirected">')
    persons = graph.people.tolist()
    for i, person in enumerate(persons):
        data = "".join(
            f'<data key="{keys[name]}">{_escape(_text(values[i], kinds[name]))}</data>'
            for name, values in attributes.items() if values[i] is not None)
        lines.append(f'    <node id="{person}">{data}</node>')
    u, v, w, inter, co = _edge_parts(graph)
    for a, b, *values in zip(u.tolist(), v.tolist(), w.tolist(), inter.tolist(), co.tolist(),
                             strict=True):
        data = "".join(f'<data key="e_{name}">{x!r}</data>'
                       for name, x in zip(edge_keys, values, strict=True))
        lines.append(f'    <edge source="{persons[a]}" target="{persons[b]}">{data}</edge>')
    lines += ["  </graph>", "</graphml>", ""]
    return write_text(path, "\n".join(lines))


# --- GEXF ------------------------------------------------------------------------------------

_GEXF_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}


def write_gexf(graph: TieGraph, path: str | Path,
               attributes: Mapping[str, Sequence[Any]] | None = None, *,
               positions: np.ndarray | None = None,
               colours: Sequence[str] | None = None) -> Path:
    """Write the undirected tie graph as GEXF 1.2 (Gephi's format, read by every Gephi).

    Node id = person id; ``label`` (GEXF's own node label) only when ``attributes`` has a
    ``label`` list; every other attribute as a GEXF attribute; edge ``weight`` plus
    ``interaction`` and ``coattendance``. Optional ``positions`` (``n x 2``) and ``colours``
    (``#rrggbb``) go in as ``viz`` elements so Gephi opens the map as the report draws it.
    Returns the path.
    """
    attributes = dict(attributes or {})
    _check(graph, attributes)
    labels = attributes.pop("label", None)
    kinds = {name: _kind(values) for name, values in attributes.items()}
    today = _dt.date.today().isoformat()
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             f'<gexf xmlns="{GEXF_NS}" xmlns:viz="{GEXF_VIZ_NS}" version="1.2">',
             f'  <meta lastmodifieddate="{today}"><creator>netweave</creator>'
             '<description>Tie graph of one period (netweave docs/metrics.md#data)'
             '</description></meta>',
             '  <graph defaultedgetype="undirected" mode="static">',
             '    <attributes class="node">']
    ids = {}
    for i, (name, kind) in enumerate(kinds.items()):
        ids[name] = str(i)
        lines.append(f'      <attribute id="{i}" title={quoteattr(name)} '
                     f'type="{_GEXF_TYPES[kind]}"/>')
    lines += ['    </attributes>', '    <attributes class="edge">',
              '      <attribute id="interaction" title="interaction" type="double"/>',
              '      <attribute id="coattendance" title="coattendance" type="double"/>',
              '    </attributes>', '    <nodes>']
    persons = graph.people.tolist()
    for i, person in enumerate(persons):
        label = "" if labels is None else f" label={quoteattr(_text(labels[i], str))}"
        values = "".join(
            f'<attvalue for="{ids[name]}" value={quoteattr(_text(vals[i], kinds[name]))}/>'
            for name, vals in attributes.items() if vals[i] is not None)
        viz = ""
        if colours is not None:
            r, g, b = (int(colours[i][k:k + 2], 16) for k in (1, 3, 5))
            viz += f'<viz:color r="{r}" g="{g}" b="{b}"/>'
        if positions is not None:
            x, y = (float(c) for c in positions[i])
            viz += f'<viz:position x="{x * 50:.2f}" y="{y * 50:.2f}" z="0.0"/>'
        lines.append(f'      <node id="{person}"{label}><attvalues>{values}</attvalues>'
                     f'{viz}</node>')
    lines += ['    </nodes>', '    <edges>']
    u, v, w, inter, co = _edge_parts(graph)
    for k, (a, b, weight, x, y) in enumerate(zip(u.tolist(), v.tolist(), w.tolist(),
                                                 inter.tolist(), co.tolist(), strict=True)):
        lines.append(f'      <edge id="{k}" source="{persons[a]}" target="{persons[b]}" '
                     f'weight="{weight!r}"><attvalues>'
                     f'<attvalue for="interaction" value="{x!r}"/>'
                     f'<attvalue for="coattendance" value="{y!r}"/></attvalues></edge>')
    lines += ['    </edges>', '  </graph>', '</gexf>', '']
    return write_text(path, "\n".join(lines))


# --- helpers ---------------------------------------------------------------------------------

#: Characters XML 1.0 does not allow (control characters other than tab and newlines).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _check(graph: TieGraph, attributes: Mapping[str, Sequence[Any]]) -> None:
    for name, values in attributes.items():
        if len(values) != graph.n:
            raise ValueError(f"attribute {name!r} has {len(values)} values for {graph.n} "
                             "nodes")


def write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically (a temporary file, then a rename)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path

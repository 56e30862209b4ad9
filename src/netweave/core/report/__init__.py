"""Reports: one network and one period as an HTML page, JSON figures and graph files.

:func:`build_report` runs the measurement engine (:mod:`netweave.core.measure.engine`),
collects each person's attributes and lays out the network map (:mod:`.layout`);
:func:`write_report` writes the four files of :data:`REPORT_FILES`:

* ``report.html``: the self-contained page (:mod:`.html`);
* ``report.json``: the engine's figures (:func:`.export.write_json`);
* ``ties.graphml`` and ``ties.gexf``: the period's tie graph (:mod:`.export`).

Pure core, no web framework: the ``netweave report`` command and the web app's report page
both call these. Names never come from the database: only file input passes ``labels``.

Example::

    >>> report = build_report(data, Period.ending(now, days=90), lang="nl")   # doctest: +SKIP
    >>> write_report(report, Path("report-energie"))                          # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from netweave.core.measure.data import NetworkData, Period
from netweave.core.measure.engine import STEPS, measure
from netweave.core.measure.ties import SEED, TieGraph
from netweave.core.present import SECTOR_COLOURS

from .export import node_attributes, write_gexf, write_graphml, write_json, write_text
from .html import render_html
from .layout import PEOPLE_LIMIT, GraphLayout, network_layout

__all__ = ["BUILD_STEPS", "REPORT_FILES", "WRITE_STEPS", "Report", "build_report",
           "write_report"]

#: The files :func:`write_report` writes, in order.
REPORT_FILES = ("report.html", "report.json", "ties.graphml", "ties.gexf")
#: Steps :func:`build_report` reports to its ``progress`` callback: the engine's, then the map.
BUILD_STEPS = (*STEPS, "layout")
#: Steps :func:`write_report` reports: one per file.
WRITE_STEPS = REPORT_FILES

Progress = Callable[[str], None]


@dataclass
class Report:
    """A measured network, ready to be written: figures, tie graph, map and attributes."""

    figures: dict[str, Any]
    graph: TieGraph
    layout: GraphLayout
    attributes: dict[str, list]
    lang: str = "en"
    title: str | None = None
    timezone: str | None = None

    def html(self) -> str:
        """The report page (:func:`.html.render_html`)."""
        return render_html(self.figures, self.layout, self.lang, title=self.title,
                           timezone=self.timezone)


def build_report(data: NetworkData, period: Period, *, lang: str = "en",
                 labels: Sequence[str] | None = None, title: str | None = None,
                 timezone: str | None = None, limit: int = PEOPLE_LIMIT, seed: int = SEED,
                 progress: Progress | None = None,
                 ends_at_last_activity: bool = False) -> Report:
    """Measure ``data`` over ``period`` and lay out its map.

    ``labels`` (file input only) name person ``i`` as ``labels[i - 1]`` in the map, tables
    and graph files; without them people appear by id. ``timezone`` (IANA name) is the zone
    the page shows the period's days in. ``limit``: above this many people the map shows
    clusters. ``progress`` is called with each name of :data:`BUILD_STEPS`.
    ``ends_at_last_activity``: the period was moved back to the last activity because nothing
    happened before the default end (:func:`~netweave.core.measure.data.default_end`); the
    figures (``period.ends_at_last_activity``) and the page say so.
    """
    step = progress or (lambda name: None)
    result = measure(data, period, progress=step)
    result.figures["period"]["ends_at_last_activity"] = ends_at_last_activity
    result.figures["language"] = lang
    attributes = node_attributes(result.graph, result.figures, people=data.people,
                                 labels=labels)
    step("layout")
    layout = network_layout(result.graph, clusters=attributes.get("cluster"),
                            attributes=attributes, limit=limit, seed=seed)
    return Report(figures=result.figures, graph=result.graph, layout=layout,
                  attributes=attributes, lang=lang, title=title, timezone=timezone)


def write_report(report: Report, directory: str | Path, *,
                 progress: Progress | None = None) -> list[Path]:
    """Write :data:`REPORT_FILES` into ``directory`` (created when missing); each file is
    written to a temporary name first and renamed, so none is ever half written. Returns
    the paths. ``progress`` is called with each file name before it is written."""
    step = progress or (lambda name: None)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    html_name, json_name, graphml_name, gexf_name = REPORT_FILES
    step(html_name)
    paths = [write_text(directory / html_name, report.html())]
    step(json_name)
    paths.append(write_json(report.figures, directory / json_name))
    step(graphml_name)
    paths.append(write_graphml(report.graph, directory / graphml_name, report.attributes))
    step(gexf_name)
    layout = report.layout
    positions = colours = None
    if layout.kind == "people" and layout.n == report.graph.n:
        positions = np.column_stack([layout.x, layout.y])
        colours = [SECTOR_COLOURS.get(s, SECTOR_COLOURS["other"])
                   for s in report.attributes["sector"]]
    paths.append(write_gexf(report.graph, directory / gexf_name, report.attributes,
                            positions=positions, colours=colours))
    return paths

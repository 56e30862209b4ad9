"""The report as one self-contained HTML file (PRODUCT.md "Measure": "shown as plots and a
network map, exported as a report").

:func:`render_html` turns the engine's figures (:func:`netweave.core.measure.engine.measure`)
and the network map (:mod:`.layout`) into a single page: plotly's JavaScript is inlined from
the installed ``plotly`` package, the data travels inside the page, so it opens from a file,
an e-mail attachment or a USB stick with no network access.

Sections: the health card (docs/metrics.md#health-card) with lifecycle (7) and headline figures;
monthly series (1, 3, 4; 7); retention cohorts (1); the network map with brokers and single points
of failure (5); engagement levels (6); value stories (8); topic drift (7).

Text: English and Dutch through the package's gettext catalogue (:func:`card.translator`);
strings are marked with ``_`` (``gettext_noop``) so Django's ``makemessages`` extracts them
and translated when the page is rendered. Every value that comes from users (network name,
story titles, labels from a file, terms) is escaped with :func:`html.escape`, in the page
and inside the plots. Each chart has an ``aria-label`` and a table of its numbers.

Pure core: no web framework.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

from netweave.core.measure import card as card_module
from netweave.core.measure.card import gettext_noop, ngettext
from netweave.core.present import (
    CHART_COLOURS,
    CLUSTER_COLOURS,
    DASH,
    DAYS,
    NOT_RECORDED,
    SECTOR_COLOURS,
    Text,
    card_rows,
)

from .colour import contrast_ratio
from .export import to_jsonable
from .layout import GraphLayout

__all__ = ["MAX_DRAWN_TIES", "plotly_js", "render_html"]

_ = gettext_noop

#: The network map draws at most this many ties (the strongest); the rest are counted.
MAX_DRAWN_TIES = 20_000
#: At most this many ids are listed for single points of failure, stories and so on.
MAX_LISTED = 60

#: A white edge between stacked bars, so that neighbouring colours need no contrast of their own.
BAR_EDGE = {"color": "#ffffff", "width": 1}
TYPES = {  # same msgids as the web app's CommunityType choices
    "action": _("Action"), "practice": _("Practice"), "place": _("Place"),
    "interest": _("Interest"), "circumstance": _("Circumstance"),
}
CYCLES = {  # same msgids as the web app's ValueCycle choices
    "immediate": _("Immediate value"), "potential": _("Potential value"),
    "applied": _("Applied value"), "realised": _("Realised value"),
    "reframing": _("Reframing value"),
}
STAGES = {
    "fragments": _("Scattered fragments"), "hub_and_spoke": _("Hub and spoke"),
    "multi_hub": _("Multi-hub small world"), "core_periphery": _("Core and periphery"),
}
LEVELS = {"leading": _("Leading"), "contributing": _("Contributing"),
          "participating": _("Participating"), "exploring": _("Exploring")}
PEOPLE = ngettext("%(n)s person", "%(n)s people")
EVENTS = ngettext("%(n)s event", "%(n)s events")
TIES = ngettext("%(n)s tie", "%(n)s ties")


def _e(value: object) -> str:
    """Escape ``value`` for HTML text and attributes."""
    return html.escape(str(value), quote=True)


def _tag(name: str, text: str, *, cls: str = "", **attrs: str) -> str:
    """``<name class=cls ...>text</name>`` with the text and attributes escaped."""
    if cls:
        attrs = {"class": cls, **attrs}
    extra = "".join(f' {k}="{_e(v)}"' for k, v in attrs.items())
    return f"<{name}{extra}>{_e(text)}</{name}>"


# --- page ------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def plotly_js() -> str:
    """plotly.js from the installed ``plotly`` package (inlined, never from a CDN)."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def render_html(figures: Mapping[str, Any], graph_layout: GraphLayout | None,
                lang: str = "en", *, title: str | None = None,
                timezone: str | None = None) -> str:
    """The whole report as one self-contained HTML page (see the module docstring).

    ``figures`` come from :func:`netweave.core.measure.engine.measure`, run in the same
    ``lang`` (the card's sentences are already in that language); ``graph_layout`` from
    :func:`netweave.core.report.layout.network_layout` (None: no map). ``title`` overrides
    the network's name (e.g. a file name for file input); the period's first and last day
    are shown in ``timezone`` (an IANA name; UTC when None).
    """
    tx = Text(lang)
    figures = to_jsonable(figures)
    name = title or (figures.get("network") or {}).get("name") or tx.t(_("Network"))
    plots: list[dict[str, Any]] = []
    sections = [
        ("card", tx.t(_("Health card")), _card_section(tx, figures)),
        ("trends", tx.t(_("Over time")), _trend_section(tx, figures, plots)),
        ("retention", tx.t(_("Retention")), _retention_section(tx, figures, plots)),
        ("map", tx.t(_("Network map")), _map_section(tx, figures, graph_layout, plots)),
        ("structure", tx.t(_("Brokers and single points of failure")),
         _structure_section(tx, figures, graph_layout)),
        ("engagement", tx.t(_("Engagement")), _engagement_section(tx, figures)),
        ("stories", tx.t(_("Value stories")), _stories_section(tx, figures)),
        ("drift", tx.t(_("Topic drift")), _drift_section(tx, figures, plots)),
    ]
    page_title = tx.t(_("Network report: %(name)s")) % {"name": name}
    nav = "".join(f'<li><a href="#{key}">{_e(heading)}</a></li>'
                  for key, heading, _body in sections)
    body = "\n".join(
        f'<section id="{key}" aria-labelledby="{key}-h"><h2 id="{key}-h">{_e(heading)}</h2>'
        f"\n{content}\n</section>" for key, heading, content in sections)
    return "".join([
        "<!DOCTYPE html>\n",
        f'<html lang="{_e(tx.lang)}">\n<head>\n<meta charset="utf-8">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        '<meta name="generator" content="netweave">\n',
        f"<title>{_e(page_title)}</title>\n<style>{CSS}</style>\n",
        '<script type="text/javascript">', plotly_js(), "</script>\n</head>\n<body>\n",
        _tag("a", tx.t(_("Skip to the health card")), cls="skip", href="#card"), "\n",
        _header(tx, figures, page_title, timezone),
        '<nav aria-label="', _e(tx.t(_("Contents"))), f'"><ul class="toc">{nav}</ul></nav>\n',
        f"<main>\n{body}\n</main>\n",
        _footer(tx, figures),
        _script(plots, tx),
        "</body>\n</html>\n",
    ])


def _dates(period: Mapping[str, Any], timezone: str | None) -> tuple[str, str]:
    """First and last day of ``[start, end)`` in ``timezone`` (UTC when None)."""
    try:
        zone = ZoneInfo(timezone) if timezone else UTC
    except (ZoneInfoNotFoundError, ValueError):
        zone = UTC
    try:
        start = datetime.fromisoformat(period["start"]).astimezone(zone)
        end = datetime.fromisoformat(period["end"]).astimezone(zone) - timedelta(microseconds=1)
    except (KeyError, TypeError, ValueError):
        return DASH, DASH
    return start.date().isoformat(), end.date().isoformat()


def _header(tx: Text, figures: Mapping[str, Any], page_title: str,
            timezone: str | None) -> str:
    period = figures.get("period") or {}
    network = figures.get("network") or {}
    start, end = _dates(period, timezone)
    line = tx.t(_("Period: %(start)s to %(end)s (%(days)s)")) % {
        "start": start, "end": end, "days": tx.plural(DAYS, period.get("days") or 0)}
    meta = [line]
    if period.get("ends_at_last_activity"):
        meta.append(tx.t(_("Nothing happened in the %(days)s before today, so this report "
                           "ends at the last activity, on %(end)s.")) % {
            "days": tx.plural(DAYS, period.get("days") or 0), "end": end})
    primary = network.get("primary_type")
    # File input has no charter (no name, everyone named): no community type to show.
    if primary in TYPES and (network.get("name") or network.get("identity_mode") != "named"):
        meta.append(tx.t(_("Community type: %(type)s")) % {"type": tx.t(TYPES[primary])})
    return ('<header class="top"><p class="kicker">netweave</p>'
            f"<h1>{_e(page_title)}</h1>"
            + "".join(f'<p class="meta">{_e(m)}</p>' for m in meta) + "</header>\n")


def _footer(tx: Text, figures: Mapping[str, Any]) -> str:
    at = (figures.get("generated_at") or "")[:16].replace("T", " ")
    text = tx.t(_("Generated by netweave on %(at)s UTC. Every figure is defined in "
                  "docs/metrics.md in netweave's source.")) % {"at": at}
    return f'<footer><p>{_e(text)}</p></footer>\n'


def _card_section(tx: Text, figures: Mapping[str, Any]) -> str:
    rows = card_rows(figures.get("card") or [], tx.lang)
    intro = tx.t(_("Each indicator compares this period with the one before. Leading "
                   "indicators are the ones that matter most for this type of network; "
                   "they come first."))
    items = []
    for row in rows:
        badge = _tag("span", tx.t(_("Leading indicator")), cls="badge") if row["leading"] else ""
        trend = "" if row["value_text"] == DASH else (
            f'<span class="trend trend-{_e(row["trend"] or "none")}" '
            f'title="{_e(row["trend_text"])}"><span aria-hidden="true">'
            f'{_e(row["trend_symbol"])}</span><span class="sr">{_e(row["trend_text"])}'
            "</span></span>")
        items.append(
            f'<li class="indicator light-{_e(row["light"])}{" leading" if row["leading"] else ""}"'
            f' data-key="{_e(row["key"])}">'
            f'<div class="ind-head"><h3>{_e(row["label"])}</h3>{badge}</div>'
            f'<p class="ind-value">{_e(row["value_text"])} {trend}</p>'
            f'<p class="light"><span class="dot" aria-hidden="true"></span>'
            f'{_e(row["light_text"])}</p>'
            f'<p class="sentence">{_e(row["sentence"])}</p></li>')
    parts = [f'<p class="muted">{_e(intro)}</p>',
             f'<ul class="card-grid">{"".join(items)}</ul>' if items else
             _tag("p", tx.t(_("No figures for this period.")))]
    lifecycle = figures.get("lifecycle") or {}
    if lifecycle.get("reason"):
        lifecycle = card_module.lifecycle_sentence(lifecycle, tx.lang)
        label = tx.t(_("Lifecycle: %(stage)s")) % {"stage": lifecycle.get("label", "")}
        parts.append(f'<div class="lifecycle"><h3>{_e(label)}</h3>'
                     f'<p>{_e(lifecycle["sentence"])}</p></div>')
    parts.append(_headline(tx, figures))
    return "\n".join(parts)


def _headline(tx: Text, figures: Mapping[str, Any]) -> str:
    activity = figures.get("activity") or {}
    structure = figures.get("structure") or {}
    clusters = structure.get("clusters") or {}
    stage = (structure.get("stage") or {}).get("stage")
    events = (tx.num(activity.get("events_held"))
              if (figures.get("recorded") or {}).get("events", True)
              else tx.t(NOT_RECORDED))
    items = [
        (_("Activities"), tx.num(activity.get("activities"))),
        (_("Events held"), events),
        (_("Reach"), tx.num(activity.get("reach"))),
        (_("Active participants"), tx.num(activity.get("active"))),
        (_("New"), tx.num(activity.get("new"))),
        (_("Returning"), tx.num(activity.get("returning"))),
        (_("Lapsed"), tx.num(activity.get("lapsed"))),
        (_("Ties"), tx.num(structure.get("ties"))),
        (_("Clusters"), tx.num(clusters.get("count"))),
        (_("Development stage"), tx.t(STAGES[stage]) if stage in STAGES else DASH),
    ]
    cells = "".join(f"<div><dt>{_e(tx.t(label))}</dt><dd>{_e(value)}</dd></div>"
                    for label, value in items)
    heading = tx.t(_("This period in numbers"))
    out = f'<h3>{_e(heading)}</h3><dl class="numbers">{cells}</dl>'
    rsvp = figures.get("events") or {}
    if rsvp.get("events_without_attendance"):
        note = tx.t(_("Attendance was not recorded for %(events)s of this period: by their "
                      "RSVPs, %(going)s said they would come.")) % {
            "events": tx.plural(EVENTS, rsvp["events_without_attendance"]),
            "going": tx.plural(PEOPLE, rsvp.get("rsvp_going") or 0)}
        out += f'<p class="rsvp-note">{_e(note)}</p>'
    return out


# --- charts ----------------------------------------------------------------------------------

def _chart(tx: Text, plots: list, key: str, heading: str, data: list, layout: dict,
           table_head: Sequence[str], table_rows: Sequence[Sequence[str]],
           note: str = "", css: str = "plot") -> str:
    """A chart: heading, the plot div (with an aria-label) and a table of its numbers."""
    div = f"plot-{key}"
    plots.append({"id": div, "data": data, "layout": layout})
    label = tx.t(_("Chart: %(title)s. The numbers are in the table below it.")) % {
        "title": heading}
    head = "".join(f'<th scope="col">{_e(h)}</th>' for h in table_head)
    body = "".join("<tr>" + "".join(
        (f'<th scope="row">{_e(c)}</th>' if i == 0 else f"<td>{_e(c)}</td>")
        for i, c in enumerate(row)) + "</tr>" for row in table_rows)
    numbers = tx.t(_("The numbers"))
    note_html = f'<p class="muted">{_e(note)}</p>' if note else ""
    return (f'<figure class="chart" id="chart-{key}"><figcaption><h3>{_e(heading)}</h3>'
            f"</figcaption>{note_html}"
            f'<div id="{div}" class="{css}" role="img" aria-label="{_e(label)}"></div>'
            f"<details><summary>{_e(numbers)}</summary><div class=\"table-wrap\">"
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
            "</details></figure>")


def _base_layout(tx: Text, **extra: Any) -> dict:
    layout = {
        "margin": {"l": 48, "r": 12, "t": 8, "b": 40},
        "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        "separators": ",." if tx.lang == "nl" else ".,",
        "font": {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
                 "size": 13},
        "hovermode": "x unified",
        "xaxis": {"type": "category", "automargin": True},
        "yaxis": {"rangemode": "tozero", "automargin": True},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
    }
    layout.update(extra)
    return layout


def _line(x: list, y: list, name: str, colour: str, dash: str = "solid") -> dict:
    return {"type": "scatter", "mode": "lines+markers", "x": x, "y": y, "name": name,
            "line": {"color": colour, "width": 2, "dash": dash}, "marker": {"size": 5}}


#: Opacity of the points and bars of a month that is not over yet (docs/metrics.md#dynamics).
PARTIAL_OPACITY = 0.45


def _month_lines(x: list, y: list, name: str, colour: str, dash: str = "solid",
                 partial: bool = False) -> list[dict]:
    """A monthly line; when the last month is not over (``partial``) its segment is dotted
    and its point pale, so the line does not seem to fall off a cliff."""
    if not partial or not x:
        return [_line(x, y, name, colour, dash)]
    whole = {**_line(x[:-1], y[:-1], name, colour, dash), "legendgroup": name}
    link = {**_line(x[-2:], y[-2:], name, colour, "dot"), "mode": "lines",
            "legendgroup": name, "showlegend": False, "hoverinfo": "skip"}
    last = {**_line(x[-1:], y[-1:], name, colour), "mode": "markers", "legendgroup": name,
            "showlegend": False, "opacity": PARTIAL_OPACITY}
    return [whole, link, last]


def _bar_opacity(n: int, partial: bool) -> list[float] | float:
    """Per bar opacity: the last bar pale when its month is not over."""
    return [1.0] * (n - 1) + [PARTIAL_OPACITY] if partial and n else 1.0


def _no_data(tx: Text) -> str:
    return _tag("p", tx.t(_("No data for this period.")), cls="empty")


def _trend_section(tx: Text, figures: Mapping[str, Any], plots: list) -> str:
    series = figures.get("series") or {}
    monthly = series.get("activity") or []
    graph = series.get("graph") or []
    if not monthly:
        return _no_data(tx)
    months = [m["month"] for m in monthly]
    month = tx.t(_("Month"))
    intro = tx.t(_("Monthly figures over the whole history."))
    partial = bool(monthly[-1].get("partial"))
    gpartial = bool(graph and graph[-1].get("partial"))
    if partial:
        intro += " " + tx.t(_("The last month, %(month)s, is not over yet: its figures are "
                              "drawn pale with a dotted line and marked “so far” in the "
                              "tables.")) % {"month": months[-1]}
    parts = [_tag("p", intro, cls="muted")]

    def row_label(labels: list[str], i: int, last_partial: bool) -> str:
        if last_partial and i == len(labels) - 1:
            return tx.t(_("%(month)s (so far)")) % {"month": labels[i]}
        return labels[i]

    offline = [m["activities_by_channel"].get("offline", 0) for m in monthly]
    online = [m["activities_by_channel"].get("online", 0) for m in monthly]
    names = (tx.t(_("Offline")), tx.t(_("Online")))
    opacity = _bar_opacity(len(months), partial)
    data = [{"type": "bar", "x": months, "y": offline, "name": names[0],
             "marker": {"color": CHART_COLOURS["teal"], "line": BAR_EDGE,
                        "opacity": opacity}},
            {"type": "bar", "x": months, "y": online, "name": names[1],
             "marker": {"color": CHART_COLOURS["orange"], "line": BAR_EDGE,
                        "opacity": opacity}}]
    parts.append(_chart(
        tx, plots, "activity", tx.t(_("Activities by channel")), data,
        _base_layout(tx, barmode="stack", legend={"orientation": "h", "x": 0, "y": 1.02,
                                                  "yanchor": "bottom", "traceorder": "normal"}),
        (month, *names),
        [(row_label(months, i, partial), tx.num(a), tx.num(b))
         for i, (a, b) in enumerate(zip(offline, online, strict=True))]))

    keys = (("active", _("Active participants"), CHART_COLOURS["teal"], "solid"),
            ("new", _("New"), CHART_COLOURS["blue"], "solid"),
            ("returning", _("Returning"), CHART_COLOURS["purple"], "solid"),
            ("lapsed", _("Lapsed"), CHART_COLOURS["red"], "dot"))
    data = [t for k, label, colour, dash in keys
            for t in _month_lines(months, [m.get(k) for m in monthly], tx.t(label), colour,
                                  dash, partial)]
    parts.append(_chart(
        tx, plots, "participants", tx.t(_("Active, new, returning and lapsed participants")),
        data, _base_layout(tx), (month, *(tx.t(label) for _k, label, _c, _d in keys)),
        [(row_label(months, i, partial), *(tx.num(m.get(k)) for k, *_rest in keys))
         for i, m in enumerate(monthly)]))

    reach = [m.get("reach") for m in monthly]
    parts.append(_chart(
        tx, plots, "reach", tx.t(_("Reach")),
        _month_lines(months, reach, tx.t(_("Reach")), CHART_COLOURS["blue"], partial=partial),
        _base_layout(tx), (month, tx.t(_("Reach"))),
        [(row_label(months, i, partial), tx.num(r)) for i, r in enumerate(reach)],
        note=tx.t(_("Distinct people who took part or were addressed, guests included."))))

    if graph:
        gmonths = [g["month"] for g in graph]
        rec = [g.get("reciprocity") or {} for g in graph]
        rec_keys = (
            ("edge_reciprocity", _("Ties that go both ways"), CHART_COLOURS["teal"]),
            ("weighted_reciprocity", _("Weighted reciprocity"), CHART_COLOURS["blue"]),
            ("reciprocal_member_share", _("Members who give and take"), CHART_COLOURS["purple"]))
        data = [t for k, label, colour in rec_keys
                for t in _month_lines(gmonths, [r.get(k) for r in rec], tx.t(label), colour,
                                      partial=gpartial)]
        parts.append(_chart(
            tx, plots, "reciprocity", tx.t(_("Reciprocity")), data,
            _base_layout(tx, yaxis={"rangemode": "tozero", "tickformat": ".0%",
                                    "automargin": True}),
            (month, *(tx.t(label) for _k, label, _c in rec_keys)),
            [(row_label(gmonths, i, gpartial), *(tx.pct(r.get(k)) for k, *_rest in rec_keys))
             for i, r in enumerate(rec)]))

        sector = [((g.get("composition") or {}).get("sector") or {}) for g in graph]
        share = [s.get("cross_group_tie_share") for s in sector]
        expected = [None if s.get("ei_expected") is None else (s["ei_expected"] + 1) / 2
                    for s in sector]
        names = (tx.t(_("Cross-sector share of ties")),
                 tx.t(_("Expected with random mixing")))
        data = [*_month_lines(gmonths, share, names[0], CHART_COLOURS["teal"],
                              partial=gpartial),
                *_month_lines(gmonths, expected, names[1], CHART_COLOURS["grey"], "dot",
                              partial=gpartial)]
        parts.append(_chart(
            tx, plots, "cross-sector", tx.t(_("Cross-sector ties")), data,
            _base_layout(tx, yaxis={"range": [0, 1], "tickformat": ".0%",
                                    "automargin": True}),
            (month, *names),
            [(row_label(gmonths, i, gpartial), tx.pct(a), tx.pct(b))
             for i, (a, b) in enumerate(zip(share, expected, strict=True))],
            note=tx.t(_("Share of tie weight between people of different sectors, beside "
                        "what random mixing of the same groups would give."))))
    return "\n".join(parts)


def _retention_section(tx: Text, figures: Mapping[str, Any], plots: list) -> str:
    retention = figures.get("retention") or {}
    months, offsets = retention.get("months") or [], retention.get("offsets") or []
    matrix = retention.get("matrix") or []
    if not months or not offsets:
        return _no_data(tx)
    sizes = {c["cohort"]: c["size"] for c in retention.get("cohorts") or []}
    hover = tx.t(_("Cohort %(cohort)s, month %(month)s: %(share)s")) % {
        "cohort": "%{y}", "month": "+%{x}", "share": "%{z:.0%}"}
    data = [{"type": "heatmap", "x": [str(k) for k in offsets], "y": months, "z": matrix,
             "zmin": 0, "zmax": 1, "colorscale": "YlGnBu", "reversescale": True,
             "hovertemplate": hover + "<extra></extra>", "xgap": 1, "ygap": 1,
             "colorbar": {"tickformat": ".0%", "thickness": 12}}]
    layout = _base_layout(
        tx, hovermode="closest",
        xaxis={"type": "category", "title": {"text": tx.t(_("Months after the first "
                                                            "contribution"))}},
        yaxis={"type": "category", "autorange": "reversed", "automargin": True,
               "title": {"text": tx.t(_("Cohort (month of first contribution)"))}},
        margin={"l": 70, "r": 12, "t": 12, "b": 50})
    head = (tx.t(_("Cohort")), tx.t(_("People")), *(f"+{k}" for k in offsets))
    rows = [(m, tx.num(sizes.get(m)), *(tx.pct(v) if v is not None else "" for v in row))
            for m, row in zip(months, matrix, strict=True)]
    note = tx.t(_("Each row is the people who first contributed in that month; each cell the "
                  "share of them who contributed again k months later."))
    return _chart(tx, plots, "retention", tx.t(_("Retention by cohort")), data, layout,
                  head, rows, note=note, css="plot plot-tall")


# --- network map -----------------------------------------------------------------------------

def _map_section(tx: Text, figures: Mapping[str, Any], layout: GraphLayout | None,
                 plots: list) -> str:
    if layout is None or layout.n == 0:
        return _tag("p", tx.t(_("Nobody took part in this period.")), cls="empty")
    if layout.kind == "clusters":
        data, intro, rows, head = _cluster_map(tx, layout)
    else:
        data, intro, rows, head = _people_map(tx, layout)
    colour_by, by_sector, by_cluster = tx.t(_("Colour by")), tx.t(_("Sector")), tx.t(_("Cluster"))
    toggle = (
        f'<fieldset class="toggle" data-plot="plot-map"><legend>{_e(colour_by)}'
        '</legend><label><input type="radio" name="map-colour" value="sector" checked> '
        f'{_e(by_sector)}</label><label><input type="radio" name="map-colour" '
        f'value="cluster"> {_e(by_cluster)}</label></fieldset>')
    plot_layout = {
        "margin": {"l": 4, "r": 4, "t": 4, "b": 4},
        "showlegend": True,
        "legend": {"orientation": "h", "y": -0.02, "x": 0, "yanchor": "top"},
        "hovermode": "closest", "dragmode": "pan",
        "xaxis": {"visible": False, "scaleanchor": "y", "scaleratio": 1},
        "yaxis": {"visible": False},
        "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
        "separators": ",." if tx.lang == "nl" else ".,",
        "font": {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
                 "size": 13},
    }
    chart = _chart(tx, plots, "map", tx.t(_("Who is tied to whom")), data, plot_layout,
                   head, rows, note=intro, css="plot plot-map")
    return toggle + chart


def _tie_traces(tx: Text, layout: GraphLayout) -> tuple[list[dict], str]:
    """Ties as line traces (light: weaker, dark: the strongest tenth), and a note when
    not all of them are drawn."""
    u, v, w = layout.u, layout.v, layout.w
    note = ""
    if u.size > MAX_DRAWN_TIES:
        keep = np.argsort(-w, kind="stable")[:MAX_DRAWN_TIES]
        note = tx.t(_("The %(drawn)s strongest of %(ties)s ties are drawn.")) % {
            "drawn": tx.num(MAX_DRAWN_TIES), "ties": tx.num(u.size)}
        u, v, w = u[keep], v[keep], w[keep]
    if w.size < 20 or w.size > 2000:  # few ties: all alike; many: one faint layer
        strong = np.zeros(w.size, dtype=bool)
    else:
        strong = w >= np.quantile(w, 0.9)
    fade = min(1.0, 30.0 / math.sqrt(max(w.size, 1)))  # many ties: fainter lines
    # WebGL for many ties; SVG for few, so that they stay under the SVG points of clusters
    kind = "scattergl" if layout.kind == "people" and w.size > 3000 else "scatter"
    traces = []
    for mask, colour, width, name in ((~strong, f"rgba(120,130,135,{0.4 * fade:.3f})", 0.6,
                                       tx.t(_("Ties"))),
                                      (strong, f"rgba(60,70,75,{0.7 * fade:.3f})", 1.2,
                                       tx.t(_("Strongest ties")))):
        if not mask.any():
            continue
        xs = np.column_stack([layout.x[u[mask]], layout.x[v[mask]],
                              np.full(mask.sum(), np.nan)]).ravel()
        ys = np.column_stack([layout.y[u[mask]], layout.y[v[mask]],
                              np.full(mask.sum(), np.nan)]).ravel()
        traces.append({"type": kind, "mode": "lines", "x": _coords(xs),
                       "y": _coords(ys), "name": name, "hoverinfo": "skip",
                       "line": {"color": colour, "width": width}, "meta": "always"})
    return traces, note


def _coords(values: np.ndarray) -> list:
    return [None if not math.isfinite(x) else round(float(x), 3) for x in values]


def _people_map(tx: Text, layout: GraphLayout) -> tuple[list, str, list, tuple]:
    attrs = layout.attributes
    n = layout.n
    labels = attrs.get("label")
    ids = [str(p) for p in layout.ids.tolist()]
    names = labels if labels is not None else ids
    sector = attrs.get("sector") or ["unknown"] * n
    cluster = attrs.get("cluster") or [None] * n
    coreness = attrs.get("coreness") or [None] * n
    degree = np.asarray(attrs.get("degree") or np.zeros(n), dtype=float)
    articulation = attrs.get("articulation") or [False] * n
    template = tx.t(_("Person %(person)s · %(sector)s · cluster %(cluster)s · coreness "
                      "%(coreness)s · %(ties)s"))
    hover = [template % {
        "person": _e(names[i]), "sector": _e(tx.sector(sector[i])),
        "cluster": DASH if cluster[i] is None else tx.num(cluster[i] + 1),
        "coreness": tx.num(coreness[i]), "ties": tx.plural(TIES, degree[i])}
        for i in range(n)]
    base = 4.0 if n > 1500 else 6.0
    sizes = np.round(base + np.minimum(np.sqrt(degree), 6.0) * (1.2 if n > 1500 else 1.8), 1)
    traces, note = _tie_traces(tx, layout)

    def points(mask: np.ndarray, name: str, colour: str, group: str) -> dict:
        idx = np.flatnonzero(mask)
        return {"type": "scattergl", "mode": "markers", "name": name, "meta": group,
                "visible": group != "cluster", "x": _coords(layout.x[idx]),
                "y": _coords(layout.y[idx]), "text": [hover[i] for i in idx],
                "hoverinfo": "text",
                "marker": {"color": colour, "size": sizes[idx].tolist(),
                           "line": {"color": "#ffffff", "width": 0.5}}}

    sectors = np.array([s or "unknown" for s in sector], dtype=object)
    for key in [*SECTOR_COLOURS, *sorted(set(sectors) - set(SECTOR_COLOURS))]:
        mask = sectors == key
        if mask.any():
            traces.append(points(mask, tx.sector(key),
                                 SECTOR_COLOURS.get(key, SECTOR_COLOURS["other"]),
                                 "sector"))
    labels_c = np.array([-1 if c is None else int(c) for c in cluster])
    for c in range(min(len(CLUSTER_COLOURS), int(labels_c.max()) + 1 if n else 0)):
        mask = labels_c == c
        if mask.any():
            traces.append(points(mask, tx.t(_("Cluster %(n)s")) % {"n": tx.num(c + 1)},
                                 CLUSTER_COLOURS[c], "cluster"))
    rest = labels_c >= len(CLUSTER_COLOURS)
    if rest.any():
        traces.append(points(rest, tx.t(_("Smaller clusters")), CHART_COLOURS["grey"],
                             "cluster"))
    isolated = labels_c < 0
    if isolated.any():
        traces.append(points(isolated, tx.t(_("No ties")), CHART_COLOURS["pale"], "cluster"))
    cut = np.asarray(articulation, dtype=bool)
    for mask, name, symbol, colour in ((cut, tx.t(_("Single points of failure")),
                                        "diamond-open", "#111111"),
                                       (degree == 0, tx.t(_("Isolates (no ties)")),
                                        "circle-open", CHART_COLOURS["red"])):
        if mask.any():
            idx = np.flatnonzero(mask)
            traces.append({"type": "scattergl", "mode": "markers", "name": name,
                           "meta": "always", "x": _coords(layout.x[idx]),
                           "y": _coords(layout.y[idx]), "text": [hover[i] for i in idx],
                           "hoverinfo": "text",
                           "marker": {"symbol": symbol, "color": colour,
                                      "size": (sizes[idx] + 5).tolist(), "opacity": 0.8,
                                      "line": {"color": colour, "width": 1.5}}})
    intro = tx.t(_("%(people)s and %(ties)s. Each point is a person (%(ids)s); a line is a "
                   "tie: an interaction or a meeting attended together in the period. "
                   "Bigger points have more ties.")) % {
        "people": tx.plural(PEOPLE, n), "ties": tx.plural(TIES, layout.u.size),
        "ids": tx.t(_("by label: a name from the files, or a reference in the network"))
        if labels is not None
        else tx.t(_("shown by number only"))}
    if note:
        intro += " " + note
    head = (tx.t(_("Person")), tx.t(_("Sector")), tx.t(_("Cluster")), tx.t(_("Coreness")),
            tx.t(_("Ties")))
    order = np.lexsort((layout.ids, -degree))
    rows = [(names[i], tx.sector(sector[i]),
             DASH if cluster[i] is None else tx.num(cluster[i] + 1), tx.num(coreness[i]),
             tx.num(degree[i])) for i in order[:MAX_LISTED]]
    return traces, intro, rows, head


def _label_colour(colour: str) -> str:
    """Black or white, whichever reads better on a cluster map point of ``colour``."""
    return max(("#000000", "#ffffff"), key=lambda text: contrast_ratio(text, colour))


def _cluster_map(tx: Text, layout: GraphLayout) -> tuple[list, str, list, tuple]:
    attrs = layout.attributes
    k = layout.n
    sector = attrs.get("sector") or ["other"] * k
    share = attrs.get("sector_share") or [None] * k
    active = attrs.get("active") or [None] * k
    internal = attrs.get("internal_ties") or [0] * k
    names = [tx.t(_("No ties")) if c < 0 else tx.t(_("Cluster %(n)s")) % {"n": tx.num(c + 1)}
             for c in layout.ids.tolist()]
    template = tx.t(_("%(name)s · %(people)s · %(active)s active · mostly %(sector)s "
                      "(%(share)s) · %(ties)s inside"))
    hover = [template % {"name": names[i], "people": tx.plural(PEOPLE, int(layout.size[i])),
                         "active": tx.num(active[i]), "sector": _e(tx.sector(sector[i])),
                         "share": tx.pct(share[i]), "ties": tx.plural(TIES, internal[i])}
             for i in range(k)]
    sizes = np.round(10 + 40 * np.sqrt(layout.size / max(int(layout.size.max()), 1)), 1)
    short = ["" if c < 0 else tx.num(c + 1) for c in layout.ids.tolist()]
    traces, _note = _tie_traces(tx, layout)
    for t in traces:
        t["line"]["width"] *= 2
    sectors = np.array(sector, dtype=object)
    for key in [*SECTOR_COLOURS, *sorted(set(sectors) - set(SECTOR_COLOURS))]:
        idx = np.flatnonzero(sectors == key)
        if idx.size:
            colour = SECTOR_COLOURS.get(key, SECTOR_COLOURS["other"])
            traces.append({"type": "scatter", "mode": "markers+text", "meta": "sector",
                           "name": tx.t(_("Mostly %(sector)s")) % {
                               "sector": tx.sector(key)},
                           "x": _coords(layout.x[idx]), "y": _coords(layout.y[idx]),
                           "hovertext": [hover[i] for i in idx], "hoverinfo": "text",
                           "text": [short[i] for i in idx], "textposition": "middle center",
                           "textfont": {"color": _label_colour(colour), "size": 11},
                           "marker": {"color": colour,
                                      "size": sizes[idx].tolist(),
                                      "line": {"color": "#ffffff", "width": 1}}})
    colours = [(CHART_COLOURS["pale"] if c < 0 else CLUSTER_COLOURS[c % len(CLUSTER_COLOURS)])
               for c in layout.ids.tolist()]
    traces.append({"type": "scatter", "mode": "markers+text", "meta": "cluster",
                   "visible": False, "name": tx.t(_("Clusters")), "x": _coords(layout.x),
                   "y": _coords(layout.y), "hovertext": hover, "hoverinfo": "text",
                   "text": short, "textposition": "middle center",
                   "textfont": {"color": [_label_colour(c) for c in colours], "size": 11},
                   "marker": {"color": colours, "size": sizes.tolist(),
                              "line": {"color": "#ffffff", "width": 1}}})
    intro = tx.t(_("%(people)s: too many to draw one by one, so each point is a cluster "
                   "(sized by its members) and a line the ties between two clusters.")) % {
        "people": tx.plural(PEOPLE, layout.people)}
    head = (tx.t(_("Cluster")), tx.t(_("People")), tx.t(_("Active participants")),
            tx.t(_("Main sector")), tx.t(_("Ties inside")))
    rows = [(names[i], tx.num(int(layout.size[i])), tx.num(active[i]),
             f"{tx.sector(sector[i])} ({tx.pct(share[i])})", tx.num(internal[i]))
            for i in range(min(k, MAX_LISTED))]
    return traces, intro, rows, head


# --- structure, engagement, stories, drift ---------------------------------------------------

def _names(layout: GraphLayout | None) -> dict[int, str]:
    """Person id -> shown name: the label for file input, else the id."""
    if layout is None or layout.kind != "people" or "label" not in layout.attributes:
        return {}
    return {int(p): str(label) for p, label in zip(layout.ids.tolist(),
                                                   layout.attributes["label"], strict=True)}


def _person_attrs(layout: GraphLayout | None) -> dict[int, dict[str, Any]]:
    if layout is None or layout.kind != "people":
        return {}
    attrs = layout.attributes
    return {int(p): {k: attrs[k][i] for k in ("sector", "cluster", "coreness") if k in attrs}
            for i, p in enumerate(layout.ids.tolist())}


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], caption: str = "") -> str:
    cap = f"<caption>{_e(caption)}</caption>" if caption else ""
    head_html = "".join(f'<th scope="col">{_e(h)}</th>' for h in head)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>"
                   for row in rows)
    return (f'<div class="table-wrap"><table>{cap}<thead><tr>{head_html}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>")


def _id_list(tx: Text, ids: Sequence[str]) -> str:
    shown = ", ".join(ids[:MAX_LISTED])
    if len(ids) > MAX_LISTED:
        shown += " " + tx.t(_("and %(n)s more")) % {"n": tx.num(len(ids) - MAX_LISTED)}
    return f'<p class="ids">{_e(shown)}</p>'


def _structure_section(tx: Text, figures: Mapping[str, Any],
                       layout: GraphLayout | None) -> str:
    structure = figures.get("structure") or {}
    names = _names(layout)
    attrs = _person_attrs(layout)
    brokers = structure.get("brokers") or {}
    top = brokers.get("top") or []
    parts = [_tag("h3", tx.t(_("Top brokers"))),
             _tag("p", tx.t(_("People on many shortest paths between others (betweenness): "
                              "they connect parts of the network that would otherwise drift "
                              "apart.")), cls="muted")]
    if top:
        rows = []
        for rank, b in enumerate(top, start=1):
            a = attrs.get(int(b["person"]), {})
            cluster = a.get("cluster")
            rows.append((tx.num(rank), names.get(int(b["person"]), str(b["person"])),
                         tx.num(b["betweenness"], 3), tx.sector(a.get("sector")),
                         DASH if cluster is None else tx.num(cluster + 1)))
        parts.append(_table((tx.t(_("Rank")), tx.t(_("Person")), tx.t(_("Betweenness")),
                             tx.t(_("Sector")), tx.t(_("Cluster"))), rows))
        if brokers.get("method") == "sampled":
            parts.append('<p class="muted">' + _e(tx.t(_(
                "Estimated from %(samples)s sampled people; each value is within %(error)s "
                "of the exact one with %(confidence)s confidence.")) % {
                "samples": tx.num(brokers.get("samples")),
                "error": tx.num(brokers.get("error_bound"), 3),
                "confidence": tx.pct(brokers.get("confidence"))}) + "</p>")
    else:
        parts.append(_tag("p", tx.t(_("Nobody connects otherwise separate people."))))

    points = [names.get(int(p), str(p)) for p in structure.get("articulation_points") or []]
    bridges = [f"{names.get(int(a), str(a))}{DASH}{names.get(int(b), str(b))}"
               for a, b in structure.get("bridges") or []]
    parts.append(_tag("h3", tx.t(_("Single points of failure"))))
    people_label = tx.t(_("People whose leaving splits the network"))
    ties_label = tx.t(_("Ties whose loss splits it"))
    parts.append('<dl class="numbers small">'
                 f"<div><dt>{_e(people_label)}</dt>"
                 f'<dd id="articulation-count">{_e(tx.num(len(points)))}</dd></div>'
                 f"<div><dt>{_e(ties_label)}</dt>"
                 f'<dd id="bridge-count">{_e(tx.num(len(bridges)))}</dd></div></dl>')
    if points:
        parts.append(_tag("p", tx.t(_("People:"))) + _id_list(tx, points))
    if bridges:
        parts.append(_tag("p", tx.t(_("Ties:"))) + _id_list(tx, bridges))
    clusters = structure.get("clusters") or {}
    if clusters.get("count"):
        q = clusters.get("modularity")
        text = tx.t(_("%(count)s clusters (Leiden), sizes %(sizes)s; modularity %(q)s.")) % {
            "count": tx.num(clusters["count"]),
            "sizes": ", ".join(tx.num(s) for s in (clusters.get("sizes") or [])[:12]),
            "q": tx.num(q, 2)}
        parts.append(_tag("h3", tx.t(_("Clusters"))) + _tag("p", text))
    return "\n".join(parts)


def _engagement_section(tx: Text, figures: Mapping[str, Any]) -> str:
    engagement = figures.get("engagement") or {}
    levels = engagement.get("levels") or {}
    if not levels:
        return _no_data(tx)
    staff = engagement.get("facilitators") or {}
    rows = [(tx.t(label), tx.num(levels.get(key, 0)), tx.num(staff.get(key, 0)))
            for key, label in LEVELS.items()]
    note = tx.t(_("Each member's highest level over the last 365 days. Facilitators are "
                  "counted apart."))
    return (f'<p class="muted">{_e(note)}</p>'
            + _table((tx.t(_("Level")), tx.t(_("Members")), tx.t(_("Facilitators"))), rows))


def _stories_section(tx: Text, figures: Mapping[str, Any]) -> str:
    stories = figures.get("stories") or {}
    by_cycle = stories.get("by_cycle") or {}
    count = stories.get("stories") or 0
    parts = [_tag("p", tx.t(_("What members say the network gave them, by the value-creation "
                              "cycle it reached (Wenger, Trayner & de Laat).")), cls="muted")]
    parts.append(_table((tx.t(_("Cycle")), tx.t(_("Stories"))),
                        [(tx.t(label), tx.num(by_cycle.get(key, 0)))
                         for key, label in CYCLES.items()]))
    if count:
        share = tx.t(_("%(share)s of the stories reached applied value or beyond.")) % {
            "share": tx.pct(stories.get("applied_or_beyond_share"))}
        parts.append(f"<p>{_e(share)}</p>")
    items = sorted(stories.get("items") or [], key=lambda s: s.get("at") or "", reverse=True)
    if items:
        lis = "".join(
            f'<li><time datetime="{_e(s.get("at") or "")}">{_e((s.get("at") or "")[:10])}'
            "</time> "
            + _tag("span", tx.t(CYCLES.get(s.get("cycle"), s.get("cycle") or "")), cls="tag")
            + f' {_e(s.get("title") or "")}</li>' for s in items[:MAX_LISTED])
        parts.append(f'<ul class="stories">{lis}</ul>')
    else:
        parts.append(_tag("p", tx.t(_("No stories in this period."))))
    return "\n".join(parts)


def _drift_section(tx: Text, figures: Mapping[str, Any], plots: list) -> str:
    drift = figures.get("drift") or {}
    quarters = drift.get("quarters") or []
    if not quarters:
        return _tag("p", tx.t(_("No discussion text to compare.")), cls="empty")
    parts = [_tag("p", tx.t(_("How close each quarter's discussions are to the charter "
                              "(purpose, goals, focus tags), and the terms rising fastest. "
                              "This shows a direction, not a judgement.")), cls="muted")]
    if not drift.get("charter_has_text"):
        parts.append(_tag("p", tx.t(_("The charter has no text to compare with."))))
    latest = next((q for q in reversed(quarters) if q.get("rising_terms")), None)
    if latest is not None:
        label = tx.t(_("Rising in %(quarter)s:")) % {"quarter": latest["quarter"]}
        tags = "".join(f"<li>{_tag('span', t['term'], cls='tag')}</li>"
                       for t in latest["rising_terms"][:10])
        parts.append(f'<p class="rising">{_e(label)}</p><ul class="tags">{tags}</ul>')
    names = [q["quarter"] for q in quarters]
    sim = [q.get("similarity_to_charter") for q in quarters]
    terms = [", ".join(_e(t["term"]) for t in (q.get("rising_terms") or [])[:6])
             for q in quarters]
    heading = tx.t(_("Similarity to the charter"))
    data = [{**_line(names, sim, heading, CHART_COLOURS["teal"]), "text": terms,
             "hovertemplate": "%{y:.2f}<br>%{text}<extra></extra>"}]
    parts.append(_chart(
        tx, plots, "drift", heading, data,
        _base_layout(tx, hovermode="closest", yaxis={"range": [0, 1], "automargin": True}),
        (tx.t(_("Quarter")), tx.t(_("Texts")), heading, tx.t(_("Rising terms"))),
        [(q["quarter"], tx.num(q.get("documents")), tx.num(q.get("similarity_to_charter"), 2),
          ", ".join(t["term"] for t in (q.get("rising_terms") or [])[:8])) for q in quarters]))
    return "\n".join(parts)


# --- script ----------------------------------------------------------------------------------

def _json(value: Any) -> str:
    """JSON safe inside a ``<script>`` element."""
    text = json.dumps(to_jsonable(value), separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _script(plots: list[dict], tx: Text) -> str:
    config = {"displaylogo": False, "responsive": True, "scrollZoom": False,
              "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
              "toImageButtonOptions": {"format": "png", "scale": 2}}
    return ('<script type="text/javascript">\n(function () {\n'
            f"var plots = {_json(plots)};\nvar config = {_json(config)};\n"
            f"{SCRIPT}\n}})();\n</script>\n")


SCRIPT = """
plots.forEach(function (p) {
  var div = document.getElementById(p.id);
  if (div) { Plotly.newPlot(div, p.data, p.layout, config); }
});
document.querySelectorAll('fieldset.toggle').forEach(function (box) {
  box.addEventListener('change', function (event) {
    var div = document.getElementById(box.getAttribute('data-plot'));
    var mode = event.target.value;
    var visible = div.data.map(function (t) { return t.meta === 'always' || t.meta === mode; });
    Plotly.restyle(div, {visible: visible});
  });
});
"""

CSS = """
:root { --ink:#1d2428; --muted:#56636b; --paper:#fff; --wash:#f3f5f4; --line:#d5dcd9;
  --accent:#1f6f5c; --green:#177232; --amber:#945800; --red:#c62828; --grey:#606773;
  --focus:#b06800; }
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans",
  sans-serif; font-size: 1rem; line-height: 1.5; color: var(--ink); background: var(--wash); }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: .5rem; top: -3rem; background: var(--ink); color: #fff;
  padding: .4rem .7rem; border-radius: .4rem; z-index: 10; }
.skip:focus { top: .5rem; }
header.top, nav, main, footer { max-width: 72rem; margin: 0 auto; padding: 0 1rem; }
header.top { padding-top: 1.5rem; }
.kicker { margin: 0; color: var(--accent); font-weight: 700; letter-spacing: .02em; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: .2rem 0 .4rem; overflow-wrap: anywhere; }
h2 { font-size: 1.35rem; margin: 0 0 .6rem; }
h3 { font-size: 1.05rem; margin: 1rem 0 .4rem; }
.meta, .muted { color: var(--muted); margin: .2rem 0; }
.toc { list-style: none; display: flex; flex-wrap: wrap; gap: .3rem 1rem; padding: .6rem 0;
  margin: .6rem 0 0; border-top: 1px solid var(--line); border-bottom: 1px solid var(--line); }
main section { background: var(--paper); border: 1px solid var(--line); border-radius: .5rem;
  padding: 1rem 1.1rem; margin: 1.1rem 0; }
.card-grid { list-style: none; padding: 0; margin: .6rem 0 0; display: grid; gap: .75rem;
  grid-template-columns: repeat(auto-fill, minmax(min(100%, 15.5rem), 1fr)); }
.indicator { border: 1px solid var(--line); border-left: 6px solid var(--grey);
  border-radius: .45rem; padding: .6rem .75rem; background: #fbfcfc; }
.indicator.leading { background: #f4faf8; }
.indicator h3 { margin: 0; font-size: 1rem; }
.ind-head { display: flex; flex-wrap: wrap; justify-content: space-between; gap: .3rem; }
.badge { font-size: .75rem; background: #e3f1ec; color: #124a3d; border-radius: 999px;
  padding: 0 .5rem; align-self: center; }
.ind-value { font-size: 1.45rem; font-weight: 700; margin: .3rem 0 0; }
.trend { font-size: 1.1rem; color: var(--muted); margin-left: .2rem; }
.light { margin: .1rem 0; font-weight: 600; font-size: .9rem; }
.dot { display: inline-block; width: .8rem; height: .8rem; border-radius: 50%;
  margin-right: .35rem; vertical-align: -.05rem; background: var(--grey); }
.light-green { border-left-color: var(--green); } .light-green .dot { background: var(--green); }
.light-green .light { color: var(--green); }
.light-amber { border-left-color: var(--amber); } .light-amber .dot { background: var(--amber); }
.light-amber .light { color: var(--amber); }
.light-red { border-left-color: var(--red); } .light-red .dot { background: var(--red); }
.light-red .light { color: var(--red); }
.light-grey .light { color: var(--grey); }
.sentence { margin: .3rem 0 0; font-size: .92rem; }
.lifecycle { margin-top: 1rem; padding: .6rem .8rem; background: var(--wash);
  border-radius: .45rem; }
.lifecycle h3 { margin-top: 0; }
.numbers { display: grid; gap: .5rem; margin: .4rem 0 0;
  grid-template-columns: repeat(auto-fill, minmax(min(100%, 9.5rem), 1fr)); }
.numbers div { background: var(--wash); border-radius: .4rem; padding: .4rem .6rem; }
.numbers dt { font-size: .85rem; color: var(--muted); }
.numbers dd { margin: 0; font-weight: 700; font-size: 1.15rem; }
.numbers.small { grid-template-columns: repeat(auto-fill, minmax(min(100%, 16rem), 1fr)); }
.chart { margin: 1rem 0 1.4rem; }
.chart h3 { margin-top: 0; }
.plot { width: 100%; height: 300px; }
.plot-tall { height: 440px; }
.plot-map { height: 640px; border: 1px solid var(--line); border-radius: .4rem;
  background: #fcfdfd; }
.toggle { border: 0; padding: 0; margin: 0 0 .5rem; display: flex; flex-wrap: wrap;
  gap: .3rem 1rem; align-items: center; }
.toggle legend { float: left; font-weight: 600; margin-right: .6rem; padding: 0; }
details { margin-top: .4rem; }
summary { cursor: pointer; color: var(--accent); }
.table-wrap { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; font-size: .9rem; margin: .4rem 0; }
th, td { text-align: left; padding: .25rem .6rem; border-bottom: 1px solid var(--line);
  white-space: nowrap; }
td:not(:first-child) { font-variant-numeric: tabular-nums; }
.ids { overflow-wrap: anywhere; font-variant-numeric: tabular-nums; }
.tag { display: inline-block; font-size: .8rem; background: #e3f1ec; color: #124a3d;
  border-radius: 999px; padding: 0 .5rem; }
.stories { list-style: none; padding: 0; }
.tags { list-style: none; padding: 0; margin: .2rem 0 .8rem; display: flex; flex-wrap: wrap;
  gap: .3rem; }
.rising { margin-bottom: 0; font-weight: 600; }
.stories li { padding: .35rem 0; border-top: 1px solid var(--line); overflow-wrap: anywhere; }
.empty { color: var(--muted); font-style: italic; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap; }
footer { color: var(--muted); font-size: .9rem; padding-bottom: 2rem; }
@media (max-width: 40rem) {
  h1 { font-size: 1.45rem; }
  main section { padding: .8rem .7rem; }
  .plot-map { height: 560px; }
  .plot-tall { height: 380px; }
}
@media print { .toggle, nav, .skip { display: none; } main section { break-inside: avoid; } }
"""

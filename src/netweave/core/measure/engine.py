"""The measurement engine: every figure of docs/metrics.md for one network and one period.

:func:`measure` runs sections 1-9 over a :class:`NetworkData` and returns a
:class:`Measurement`: the figures as plain JSON-ready data, plus the period's tie graph and
per-person structure for the network map and graph exports. Pure core: no web framework.

Cost: one tie graph for P and one for P-1 (the card's trends), one per quarter for the
lifecycle rule's two quarters, and the monthly series (sections 1, 3, 4, 5) over the whole
history; everything else is a handful of Polars scans of the log.

Example::

    >>> from netweave.core.measure.engine import measure       # doctest: +SKIP
    >>> result = measure(data, Period.ending(now, days=90))          # doctest: +SKIP
    >>> [(e["key"], e["light"]) for e in result.figures["card"]]      # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import polars as pl

from netweave.core import activity as act

from . import card as card_module
from .activity import (
    activity_figures,
    contributions,
    event_figures,
    in_window,
    is_contribution,
    month_of,
    month_start,
    monthly_activity_series,
    retention_cohorts,
    rsvp_figures,
)
from .composition import composition_figures
from .data import NetworkData, Period
from .drift import lifecycle_stage, topic_drift
from .engagement import engagement_figures, quarter_start
from .reciprocity import reciprocity_figures
from .stories import story_figures
from .structure import (
    leiden_clusters,
    monthly_graph_series,
    structure_figures,
    structure_headline,
)
from .ties import TieGraph, tie_graph
from .warmth import between_meetings, warmth_figures

#: The steps :func:`measure` reports to its ``progress`` callback, in order.
STEPS = ("ties", "activity", "warmth", "reciprocity", "composition", "structure",
         "engagement", "stories", "series", "retention", "drift", "lifecycle", "card")

Progress = Callable[[str], None]


@dataclass
class Measurement:
    """The result of :func:`measure`."""

    figures: dict[str, Any]
    graph: TieGraph


def measure(data: NetworkData, period: Period, *,
            progress: Progress | None = None) -> Measurement:
    """Every figure of docs/metrics.md sections 1-9 for ``period``, with monthly series.

    The figures are language-neutral: keys, numbers and states (the health card's entries
    and the lifecycle stage with its reason); the report and the web pages put them in words
    (:func:`.card.describe`, :func:`.card.lifecycle_sentence`). ``progress`` is called with
    each name of :data:`STEPS` as that step starts.
    """
    step = progress or (lambda name: None)
    previous = period.previous()

    step("ties")
    graph, graph_prev = tie_graph(data, period), tie_graph(data, previous)
    step("activity")
    activity = activity_figures(data, period)
    activity_prev = activity_figures(data, previous)
    events = event_figures(data, period) | rsvp_figures(data, period)
    events_prev = event_figures(data, previous)
    step("warmth")
    warmth = warmth_figures(data, period)
    warmth_prev = warmth_figures(data, previous)
    step("reciprocity")
    reciprocity = reciprocity_figures(data, period, graph)
    reciprocity_prev = reciprocity_figures(data, previous, graph_prev, per_person=False)
    step("composition")
    composition = composition_figures(data, period, graph)
    composition_prev = composition_figures(data, previous, graph_prev, attributes=("sector",),
                                           detail=False)
    step("structure")
    structure = structure_figures(data, period, graph)
    step("engagement")
    engagement = engagement_figures(data, period.end)
    step("stories")
    stories = story_figures(data, period)
    stories_prev = story_figures(data, previous)

    step("series")
    first = _first_activity(data)
    history_start = min(first, period.start) if first else period.start
    series = {
        "activity": monthly_activity_series(data, history_start, period.end),
        "graph": monthly_graph_series(data, history_start, period.end),
    }
    partial = _last_month_partial(period)
    for months in series.values():
        for i, month in enumerate(months):
            month["partial"] = partial and i == len(months) - 1
    step("retention")
    retention = retention_cohorts(data, period.end)
    retention_prev = retention_cohorts(data, previous.end)
    step("drift")
    drift = topic_drift(data, period.end)
    step("lifecycle")
    lifecycle = _lifecycle(data, period, activity, series["activity"], first)

    step("card")
    values = {
        "events_held": (activity["events_held"], activity_prev["events_held"]),
        "activities": (activity["activities"], activity_prev["activities"]),
        "reach": (activity["reach"], activity_prev["reach"]),
        "active": (activity["active"], activity_prev["active"]),
        "new": (activity["new"], activity_prev["new"]),
        "returning_share": (_share(activity["returning"], activity["active"]),
                            _share(activity_prev["returning"], activity_prev["active"])),
        "retention_3m": (_retention_at(retention, period, 3),
                         _retention_at(retention_prev, previous, 3)),
        "event_return_rate": (events["return_rate_mean"], events_prev["return_rate_mean"]),
        "offline_attendances": (activity["offline_attendances"],
                                activity_prev["offline_attendances"]),
        "online_activities": (activity["activities_by_channel"][act.ONLINE],
                              activity_prev["activities_by_channel"][act.ONLINE]),
        "gap_coverage": (warmth["gap_coverage_mean"], warmth_prev["gap_coverage_mean"]),
        "time_to_first_response_hours": (
            warmth["time_to_first_response"]["median_hours"],
            warmth_prev["time_to_first_response"]["median_hours"]),
        "answer_share": (warmth["time_to_first_response"]["within_7_days_share"],
                         warmth_prev["time_to_first_response"]["within_7_days_share"]),
        "days_since_last_contribution": (warmth["days_since_last_contribution"],
                                         warmth_prev["days_since_last_contribution"]),
        "reciprocity": (reciprocity["edge_reciprocity"], reciprocity_prev["edge_reciprocity"]),
        "reciprocal_members": (reciprocity["reciprocal_member_share"],
                               reciprocity_prev["reciprocal_member_share"]),
        "cross_sector_tie_share": (
            composition["attributes"]["sector"]["cross_group_tie_share"],
            composition_prev["attributes"]["sector"]["cross_group_tie_share"]),
        "blau_sector": (composition["attributes"]["sector"]["blau_normalised"],
                        composition_prev["attributes"]["sector"]["blau_normalised"]),
        "largest_component_share": (structure["largest_component_share"],
                                    structure_headline(graph_prev)["largest_component_share"]),
        "realised_stories": (stories["by_cycle"].get("realised", 0),
                             stories_prev["by_cycle"].get("realised", 0)),
        "applied_share": (stories["applied_or_beyond_share"],
                          stories_prev["applied_or_beyond_share"]),
    }
    pseudonymity = data.charter.identity_mode != "named"
    values["pseudonymity_available"] = (int(pseudonymity), None)
    if pseudonymity:
        values["pseudonymity_used"] = (_pseudonymous_share(data, period),
                                       _pseudonymous_share(data, previous))
    what = recorded(data)
    health = card_module.health_card(values, data.charter.primary_type, None, recorded=what)

    figures = {
        "generated_at": datetime.now(UTC).isoformat(),
        "network": {"name": data.charter.name, "primary_type": data.charter.primary_type,
                    "secondary_types": list(data.charter.secondary_types),
                    "identity_mode": data.charter.identity_mode,
                    "focus_tags": list(data.charter.focus_tags),
                    "target_mix": dict(data.charter.target_mix)},
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat(),
                   "days": period.length.days},
        "recorded": what,
        "card": health,
        "lifecycle": lifecycle,
        "activity": activity,
        "events": events,
        "warmth": warmth,
        "between_meetings": between_meetings(data, period.end),
        "reciprocity": reciprocity,
        "composition": composition,
        "structure": structure,
        "engagement": engagement,
        "stories": stories,
        "series": series,
        "retention": retention,
        "drift": drift,
    }
    return Measurement(figures=figures, graph=graph)


#: Kinds that are give and take (docs/metrics.md#reciprocity).
_GIVE_TAKE_KINDS = (act.ANSWER, act.REPLY, act.GIVE, act.INTRODUCE, act.HOST)


def recorded(data: NetworkData) -> dict[str, bool]:
    """What the whole history records, whatever the period (docs/metrics.md#health-card, "Not
    recorded"):
    ``events`` (a listed event, or any row about an event: attendance, RSVP, hosting),
    ``attendance`` (an attendance of an event), ``meetings`` (an offline attendance),
    ``online`` (an online contribution), ``discussions`` (a post), ``give_take`` (a row of a
    give-and-take kind: answer, reply, give, introduce, host), ``sectors`` (someone's sector
    is known), ``stories`` (a value story)."""
    log = data.log.lazy()
    kind, channel = pl.col("kind").cast(pl.String), pl.col("channel").cast(pl.String)
    about_event = pl.col("object_type").cast(pl.String) == "event"
    attend = about_event & (kind == act.ATTEND)
    found = log.select(
        listed=pl.lit(data.events.height > 0),
        events=(about_event & kind.is_in([act.ATTEND, act.RSVP, act.HOST])).any(),
        attendance=attend.any(),
        meetings=(attend & (channel == act.OFFLINE)).any(),
        online=(is_contribution() & (channel == act.ONLINE)).any(),
        give_take=kind.is_in(_GIVE_TAKE_KINDS).any(),
        stories=(kind == act.STORY).any(),
    ).collect().row(0, named=True)
    sector = data.people.get_column("sector")
    listed = found.pop("listed")
    return {k: bool(v) for k, v in found.items()} | {
        "events": bool(found["events"] or listed),
        "discussions": data.posts.height > 0,
        "sectors": bool(((sector != "") & sector.is_not_null()).any()),
        "stories": bool(found["stories"]) or data.stories.height > 0,
    }


def _last_month_partial(period: Period) -> bool:
    """Whether the period ends inside a calendar month (docs/metrics.md#dynamics, "partial month"):
    that month's figures are not complete yet."""
    last = month_of(period.end - timedelta(microseconds=1))
    return month_start(last + 1) != period.end.astimezone(UTC)


def _share(part: float | None, whole: float | None) -> float | None:
    return None if part is None or not whole else part / whole


def _first_activity(data: NetworkData) -> datetime | None:
    return contributions(data.log).get_column("at").min()  # type: ignore[return-value]


def _retention_at(retention: dict, period: Period, k: int) -> float | None:
    """Retention after ``k`` months, pooled over cohorts whose month ``c+k`` starts in P."""
    retained = size = 0
    for row, cohort in enumerate(retention["cohorts"]):
        year, month = map(int, cohort["cohort"].split("-"))
        observed = month_start(month_of(datetime(year, month, 1, tzinfo=UTC)) + k)
        counts = retention["counts"][row]
        if (period.start <= observed < period.end and cohort["size"]
                and len(counts) > k and counts[k] is not None):
            retained += counts[k]
            size += cohort["size"]
    return retained / size if size else None


def _pseudonymous_share(data: NetworkData, period: Period) -> float | None:
    """Share of active participants who take part under a pseudonym
    (docs/metrics.md#health-card)."""
    active = (contributions(data.log).filter(in_window(period.start, period.end))
              .get_column("actor").unique())
    if active.is_empty():
        return None
    pseudonymous = data.people.filter(pl.col("pseudonymous")).get_column("person")
    return float(active.is_in(pseudonymous.implode()).sum()) / active.len()


def _quarter(at: datetime) -> Period:
    """The calendar quarter (UTC) holding ``at``."""
    start = quarter_start(at)
    return Period(start, quarter_start(start + timedelta(days=92)))


def _cluster_history(data: NetworkData, end: datetime, quarters: int = 2) -> list[list[dict]]:
    """Leiden clusters of the last ``quarters`` calendar quarters up to ``end``, oldest first."""
    history: list[list[dict]] = []
    current = _quarter(end - timedelta(microseconds=1))
    periods = [current]
    for _ in range(quarters - 1):
        periods.insert(0, _quarter(periods[0].start - timedelta(microseconds=1)))
    for quarter in periods:
        graph = tie_graph(data, Period(quarter.start, min(quarter.end, end)))
        if graph.n == 0:
            history.append([])
            continue
        labels, _ = leiden_clusters(graph)
        tied = graph.degree() > 0
        u, v, w = graph.edges()
        inside = labels[u] == labels[v]
        clusters = []
        for label in np.unique(labels[tied]):
            members = np.flatnonzero((labels == label) & tied)
            touching = (labels[u] == label) | (labels[v] == label)
            total = float(w[touching].sum())
            clusters.append({
                "size": int(members.size),
                "internal_share": float(w[touching & inside].sum()) / total if total else None,
                "members": graph.people[members].tolist(),
            })
        history.append(clusters)
    return history


def _lifecycle(data: NetworkData, period: Period, activity: dict, monthly: list[dict],
               first: datetime | None) -> dict:
    if first is None:
        months_active = 0
    else:
        end = period.end.astimezone(UTC) - timedelta(microseconds=1)
        months_active = (end.year - first.year) * 12 + end.month - first.month + 1
    returning = [_share(m["returning"], m["active"]) for m in monthly]
    return lifecycle_stage(months_active, activity["active"], returning,
                           _cluster_history(data, period.end))

"""Value-creation stories (docs/metrics.md#stories; Wenger, Trayner & de Laat 2011, "Promoting
and assessing value creation in communities and networks: a conceptual framework").

Vectorised Polars over ``data.stories`` and the activity log.
"""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from netweave.core import activity as act

from .activity import CONTRIBUTION_KINDS_ORDERED, in_window, is_contribution, iso, period_dict
from .activity import share as _share
from .data import NetworkData, Period

#: The value-creation cycles, in order.
CYCLES: tuple[str, ...] = ("immediate", "potential", "applied", "realised", "reframing")
#: Cycles that count as "applied or beyond".
APPLIED_OR_BEYOND: tuple[str, ...] = ("applied", "realised", "reframing")
#: How far back a story is linked to its author's activity.
LINK_DAYS = 90


def story_links(data: NetworkData, period: Period) -> pl.DataFrame:
    """The activities each story recorded in ``period`` is linked to (docs/metrics.md#stories).

    Our choice, since a story names no activity: a story is linked to its author's
    contributions in the ``90`` days before it, ``[story.at - 90 days, story.at)``, other than
    ``story`` rows (telling a story is not what created the value). Columns ``story, kind,
    activities`` (one row per story and kind with ≥1 linked row).
    """
    stories = data.stories.filter(in_window(period.start, period.end))
    authors = stories.get_column("author").drop_nulls().unique()
    rows = (data.log.filter(is_contribution() & (pl.col("kind") != act.STORY)
                            & pl.col("actor").is_in(authors.implode()))
            .select(author="actor", kind=pl.col("kind").cast(pl.String), done="at"))
    return (stories.select("story", "author", "at").join(rows, on="author")
            .filter((pl.col("done") < pl.col("at"))
                    & (pl.col("done") >= pl.col("at") - timedelta(days=LINK_DAYS)))
            .group_by("story", "kind").agg(activities=pl.len())
            .sort("story", "kind"))


def story_figures(data: NetworkData, period: Period) -> dict:
    """Value-creation stories recorded in ``period`` P (docs/metrics.md#stories).

    - ``stories``: stories with ``at`` in P; ``by_cycle`` their count per cycle (immediate,
      potential, applied, realised, reframing, 0 when absent; other values after them,
      a missing cycle as ``unknown``).
    - ``applied_or_beyond``: stories whose cycle is applied, realised or reframing;
      ``applied_or_beyond_share`` = that / ``stories``.
    - Linked activities (:func:`story_links`: the author's contributions in the 90 days before
      the story): ``stories_with_linked_activities`` and ``linked_share`` (of ``stories``),
      ``linked_activities_by_kind`` summed over the stories, and ``items``, one dict per story
      ``{"story", "author", "at", "cycle", "title", "linked_activities", "linked_by_kind"}``,
      oldest first.

    Keys: ``period`` and the names above.
    """
    stories = data.stories.filter(in_window(period.start, period.end)).sort("at", "story")
    links = story_links(data, period)
    per_story: dict[int, dict[str, int]] = {}
    for story, kind, n in links.iter_rows():
        per_story.setdefault(story, {})[kind] = int(n)
    found = {("unknown" if c is None else c): int(n)
             for c, n in stories.group_by("cycle").len().iter_rows()}
    by_cycle = {c: found.pop(c, 0) for c in CYCLES}
    by_cycle.update(sorted(found.items()))
    applied = sum(by_cycle[c] for c in APPLIED_OR_BEYOND)
    totals = {k: 0 for k in CONTRIBUTION_KINDS_ORDERED if k != act.STORY}
    items = []
    for r in stories.iter_rows(named=True):
        kinds = per_story.get(r["story"], {})
        for k, n in kinds.items():
            totals[k] = totals.get(k, 0) + n
        items.append({
            "story": r["story"], "author": r["author"], "at": iso(r["at"]), "cycle": r["cycle"],
            "title": r["title"], "linked_activities": sum(kinds.values()),
            "linked_by_kind": dict(sorted(kinds.items())),
        })
    linked = sum(1 for item in items if item["linked_activities"])
    return {
        "period": period_dict(period),
        "stories": stories.height,
        "by_cycle": by_cycle,
        "applied_or_beyond": applied,
        "applied_or_beyond_share": _share(applied, stories.height),
        "stories_with_linked_activities": linked,
        "linked_share": _share(linked, stories.height),
        "linked_activities_by_kind": totals,
        "items": items,
    }


__all__ = ["APPLIED_OR_BEYOND", "CYCLES", "story_figures", "story_links"]

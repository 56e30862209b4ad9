"""Engagement levels (docs/metrics.md#engagement, after the Orbit model, adapted to networks that
meet).

Vectorised Polars over the activity log: one ``group_by`` per look-back, never a loop over rows.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl

from netweave.core import activity as act

from .activity import in_window, is_contribution, iso, utc
from .data import NetworkData

#: Levels, highest first.
LEVELS: tuple[str, ...] = ("leading", "contributing", "participating", "exploring")
LOOK_BACK_DAYS = 365
#: Leading thresholds: introductions made and exchanges given in the look-back.
LEADING_INTRODUCTIONS = 3
LEADING_GIVES = 3
#: Kinds that make a member Contributing: answered, gave, offered, presented (= hosted) or
#: told a value story.
CONTRIBUTING_KINDS: tuple[str, ...] = (act.ANSWER, act.GIVE, act.OFFER, act.HOST, act.STORY)
#: Kinds that alone only make a member Exploring.
EXPLORING_KINDS: tuple[str, ...] = (act.RSVP, act.REACT, act.JOIN)

_RANK = {level: len(LEVELS) - i for i, level in enumerate(LEVELS)}  # leading 4 … exploring 1
_LEVEL_OF_RANK = pl.DataFrame({"rank": list(_RANK.values()), "level": list(_RANK)},
                              schema={"rank": pl.Int8(), "level": pl.String()})


def engagement_levels(data: NetworkData, at: datetime) -> pl.DataFrame:
    """Each person's engagement level from their rows in ``[at - 365 days, at)``
    (docs/metrics.md#engagement).

    The level is the highest that applies:

    - ``leading``: hosted an event (a ``host`` row; "presented" is hosting), or made ≥ 3
      introductions (``introduce`` rows as actor counted per introduction object, i.e.
      distinct ``object_id``; rows without an object id count once per distinct time, since
      both rows of one introduction share it), or gave in ≥ 3 exchanges (``give`` rows as
      actor);
    - ``contributing``: an ``answer``, ``give``, ``offer``, ``host`` or ``story`` row;
    - ``participating``: attended or posted (``attend``, ``post``, ``reply``, ``ask``), and,
      since Exploring means *only* RSVPs, reactions or joining, any other contribution
      (``need``, ``message``, fewer than 3 introductions, kinds added later);
    - ``exploring``: only ``rsvp``, ``react`` or ``join`` rows.

    People with only ``leave`` rows in the look-back, or none, have no level and are absent.
    Promotion is immediate here; :func:`quarterly_levels` adds the quarterly demotion review.
    Columns ``person`` (Int64) and ``level`` (String), sorted by person.
    """
    at = utc(at)
    rows = (data.log.lazy().filter(in_window(at - timedelta(days=LOOK_BACK_DAYS), at)
                                   & pl.col("actor").is_not_null())
            .select("actor", "kind", "object_id", "at").collect())
    kind = pl.col("kind")
    per = rows.group_by("actor").agg(
        hosts=(kind == act.HOST).sum(),
        gives=(kind == act.GIVE).sum(),
        contributing=kind.is_in(CONTRIBUTING_KINDS).any(),
        participating=(is_contribution() & (kind != act.REACT)).any(),
        exploring=kind.is_in(EXPLORING_KINDS).any(),
    )
    intros = (rows.filter(kind == act.INTRODUCE)
              .select("actor", "object_id",
                      when=pl.when(pl.col("object_id").is_null()).then(pl.col("at")))
              .unique().group_by("actor").agg(introductions=pl.len()))
    per = per.join(intros, on="actor", how="left")
    level = (pl.when((pl.col("hosts") > 0)
                     | (pl.col("introductions").fill_null(0) >= LEADING_INTRODUCTIONS)
                     | (pl.col("gives") >= LEADING_GIVES)).then(pl.lit("leading"))
             .when(pl.col("contributing")).then(pl.lit("contributing"))
             .when(pl.col("participating")).then(pl.lit("participating"))
             .when(pl.col("exploring")).then(pl.lit("exploring")))
    return (per.select(person=pl.col("actor"), level=level)
            .drop_nulls("level").sort("person"))


def quarter_start(at: datetime) -> datetime:
    """Start (UTC) of the calendar quarter holding ``at``: 1 January, April, July or October."""
    at = utc(at)
    return datetime(at.year, 3 * ((at.month - 1) // 3) + 1, 1, tzinfo=UTC)


def quarterly_levels(data: NetworkData, at: datetime) -> pl.DataFrame:
    """Engagement levels with demotion reviewed once a quarter (docs/metrics.md#engagement; our
    rule).

    ``level(p) = max(engagement_levels(at)[p], engagement_levels(q)[p])`` with ``q`` the
    start of the calendar quarter (UTC) holding ``at`` (:func:`quarter_start`) and the order
    exploring < participating < contributing < leading; a person absent from one side takes
    the other. Promotion shows at once (the level at ``at``); a person whose look-back no
    longer supports their level keeps the level they had at the last quarter start, so a
    demotion only shows once the next quarter begins. Columns ``person, level``, by person.
    """
    now = engagement_levels(data, at)
    then = engagement_levels(data, quarter_start(at))
    ranked = pl.concat([now, then]).with_columns(
        rank=pl.col("level").replace_strict(_RANK, return_dtype=pl.Int8()))
    return (ranked.group_by("person").agg(pl.col("rank").max())
            .join(_LEVEL_OF_RANK, on="rank").select("person", "level").sort("person"))


def engagement_figures(data: NetworkData, at: datetime) -> dict:
    """Members per engagement level at ``at`` (docs/metrics.md#engagement), from
    :func:`quarterly_levels`.

    Facilitators (``people.role == "facilitator"``) are counted apart, under ``facilitators``,
    and left out of ``levels`` and ``total`` (Orbit excludes staff).
    Keys: ``at``, ``quarter_start``, ``look_back_days``, ``levels`` ({level: count} for
    leading, contributing, participating, exploring), ``total``, ``facilitators`` (same shape),
    ``facilitators_total``.
    """
    levels = quarterly_levels(data, at)
    staff = data.people.filter(pl.col("role") == "facilitator").get_column("person")
    is_staff = pl.col("person").is_in(staff.implode())

    def count(frame: pl.DataFrame) -> dict[str, int]:
        found = dict(frame.group_by("level").len().iter_rows())
        return {level: int(found.get(level, 0)) for level in LEVELS}

    members = count(levels.filter(~is_staff))
    facilitators = count(levels.filter(is_staff))
    return {
        "at": iso(at),
        "quarter_start": iso(quarter_start(at)),
        "look_back_days": LOOK_BACK_DAYS,
        "levels": members,
        "total": sum(members.values()),
        "facilitators": facilitators,
        "facilitators_total": sum(facilitators.values()),
    }


__all__ = [
    "LEVELS",
    "engagement_figures",
    "engagement_levels",
    "quarter_start",
    "quarterly_levels",
]

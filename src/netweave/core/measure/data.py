"""Inputs of the measurement engine: one network's data as columnar tables, and periods.

Everything the engine computes (docs/metrics.md sections 1-9) is a function of a
:class:`NetworkData` and a :class:`Period`. The tables are Polars DataFrames; the schemas
below are the contract between the readers (database, files, demo) and the engine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo

import polars as pl

from netweave.core import activity as act
from netweave.core.logreader import SCHEMA as LOG_SCHEMA

#: People attributes. ``role`` is facilitator, member, observer, or guest (no membership);
#: ``pseudonymous`` tells who takes part under a pseudonym (optional: False when absent).
#: Names are deliberately absent: the engine never needs them (privacy).
PEOPLE_SCHEMA: dict[str, pl.DataType] = {
    "person": pl.Int64(),
    "sector": pl.String(),
    "organisation": pl.String(),
    "role": pl.String(),
    "pseudonymous": pl.Boolean(),
}

#: Posts of discussions, for time to first response (docs/metrics.md#warmth). ``parent`` is
#: empty for a discussion's opening post; ``question`` tells whether the discussion is a
#: question.
POSTS_SCHEMA: dict[str, pl.DataType] = {
    "post": pl.Int64(),
    "discussion": pl.Int64(),
    "author": pl.Int64(),
    "parent": pl.Int64(),
    "at": pl.Datetime("us", "UTC"),
    "question": pl.Boolean(),
    "accepted": pl.Boolean(),
}

#: Discussion text (titles and post bodies), for topic drift (docs/metrics.md#dynamics).
TEXTS_SCHEMA: dict[str, pl.DataType] = {
    "at": pl.Datetime("us", "UTC"),
    "text": pl.String(),
}

#: Value-creation stories (docs/metrics.md#stories); ``cycle`` is immediate, potential, applied,
#: realised or reframing.
STORIES_SCHEMA: dict[str, pl.DataType] = {
    "story": pl.Int64(),
    "author": pl.Int64(),
    "at": pl.Datetime("us", "UTC"),
    "cycle": pl.String(),
    "title": pl.String(),
}


#: The events themselves (docs/metrics.md#data, "Event"): ``at`` is the start, ``mode`` offline,
#: online or hybrid. Cancelled events are left out by the readers. An event of the log that
#: is missing here (data without an events table) is known from its attendances only.
EVENTS_SCHEMA: dict[str, pl.DataType] = {
    "event": pl.Int64(),
    "at": pl.Datetime("us", "UTC"),
    "mode": pl.String(),
}


def empty(schema: dict[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(schema=schema)


@dataclass(frozen=True)
class Charter:
    """The parts of a network's charter the engine judges against."""

    name: str = ""
    purpose: str = ""
    goals: str = ""
    focus_tags: tuple[str, ...] = ()
    primary_type: str = "practice"
    secondary_types: tuple[str, ...] = ()
    identity_mode: str = "named"
    #: sector -> target share among active participants; empty when none was set.
    target_mix: dict[str, float] = field(default_factory=dict)


@dataclass
class NetworkData:
    """One network's (effective) activity log plus what the engine needs besides it."""

    log: pl.DataFrame
    people: pl.DataFrame = field(default_factory=lambda: empty(PEOPLE_SCHEMA))
    charter: Charter = field(default_factory=Charter)
    posts: pl.DataFrame = field(default_factory=lambda: empty(POSTS_SCHEMA))
    texts: pl.DataFrame = field(default_factory=lambda: empty(TEXTS_SCHEMA))
    stories: pl.DataFrame = field(default_factory=lambda: empty(STORIES_SCHEMA))
    events: pl.DataFrame = field(default_factory=lambda: empty(EVENTS_SCHEMA))

    def __post_init__(self) -> None:
        for name, schema in (("log", LOG_SCHEMA), ("people", PEOPLE_SCHEMA),
                             ("posts", POSTS_SCHEMA), ("texts", TEXTS_SCHEMA),
                             ("stories", STORIES_SCHEMA), ("events", EVENTS_SCHEMA)):
            frame: pl.DataFrame = getattr(self, name)
            if name == "people" and "pseudonymous" not in frame.columns:
                frame = frame.with_columns(pseudonymous=pl.lit(False))
            missing = set(schema) - set(frame.columns)
            if missing:
                raise ValueError(f"{name} table lacks columns {sorted(missing)}")
            setattr(self, name, frame.select(list(schema)).cast(pl.Schema(schema)))


@dataclass(frozen=True)
class Period:
    """A half-open time window ``[start, end)`` (docs/metrics.md#data)."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("a period needs time-zone-aware datetimes")
        if self.end <= self.start:
            raise ValueError("a period must end after it starts")

    @classmethod
    def ending(cls, end: datetime, days: int = 90) -> Period:
        """The ``days`` days before ``end`` (defaults: 90; 28 and 365 are also offered)."""
        return cls(end - timedelta(days=days), end)

    @property
    def length(self) -> timedelta:
        return self.end - self.start

    def previous(self) -> Period:
        """``P-1``: the period of the same length just before this one."""
        return Period(self.start - self.length, self.start)

    def months(self) -> list[Period]:
        """Calendar months (UTC) overlapping this period, each clipped to it."""
        out, cursor = [], self.start.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0,
                                                              microsecond=0)
        while cursor < self.end:
            nxt = (cursor + timedelta(days=32)).replace(day=1)
            out.append(Period(max(cursor, self.start), min(nxt, self.end)))
            cursor = nxt
        return out


#: Rows that do not count as something happening in a network (docs/metrics.md#data, "Period"):
#: joining and leaving are membership bookkeeping, ``void`` retracts a row.
_NOT_HAPPENING = (act.JOIN, act.LEAVE, act.VOID)


def default_end(log: pl.DataFrame, now: datetime, days: int,
                tz: tzinfo) -> tuple[datetime, bool]:
    """The end of a report's default period (docs/metrics.md#data, "Period"), for the database and
    for files alike: ``(now, False)``, unless nothing happened in the ``days`` days before
    ``now``; then ``(midnight after the last thing that happened, in tz, True)``.

    Something happened: any row of ``log`` other than joining, leaving or ``void`` (an RSVP
    counts, a join does not). A log where nothing ever happened ends at ``now``."""
    rows = log.filter(~pl.col("kind").cast(pl.String).is_in(_NOT_HAPPENING))
    last = rows.get_column("at").max() if rows.height else None
    now = now.astimezone(UTC)
    if last is None or last >= now - timedelta(days=days):  # type: ignore[operator]
        return now, False
    local = last.astimezone(tz)  # type: ignore[union-attr]
    midnight = datetime(local.year, local.month, local.day, tzinfo=tz) + timedelta(days=1)
    return midnight.astimezone(UTC), True


def renumbered(data: NetworkData, key: Callable[[int], str]) -> tuple[NetworkData, list[int]]:
    """``data`` with every person id replaced by a number from 1, in the order of ``key``
    of the original ids, and the original ids in that order (number ``i`` was
    ``originals[i - 1]``). Reports and graph files made from it hold no global ids."""
    found: set[int] = set(data.people.get_column("person").drop_nulls().to_list())
    for frame, column in ((data.log, "actor"), (data.log, "target"), (data.posts, "author"),
                          (data.stories, "author")):
        found.update(frame.get_column(column).drop_nulls().to_list())
    originals = sorted(found, key=key)
    number = {p: i for i, p in enumerate(originals, start=1)}

    def swap(frame: pl.DataFrame, *columns: str) -> pl.DataFrame:
        return frame.with_columns(
            pl.col(c).replace_strict(number, default=None, return_dtype=pl.Int64)
            for c in columns)

    return NetworkData(log=swap(data.log, "actor", "target"), people=swap(data.people, "person"),
                       charter=data.charter, posts=swap(data.posts, "author"),
                       texts=data.texts, stories=swap(data.stories, "author"),
                       events=data.events), originals

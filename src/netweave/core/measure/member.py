"""One person's own figures in a network: the member view ("My participation",
docs/metrics.md#activity, "Member view").

The same definitions as every other figure, so the member view can never count otherwise
than the dashboard: a *contribution* is :func:`.activity.is_contribution` over the effective
log (corrected rows and ``void`` retractions are not in it), an *event attended* is a
distinct event of the person's ``attend`` rows. Months are calendar months in the network's
time zone ``tz`` (an IANA name), since a member reads "March" on their own clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import polars as pl

from .activity import is_contribution, is_event_attendance, utc

__all__ = ["member_figures"]


def _month_starts(end: datetime, months: int, tz: ZoneInfo) -> list[datetime]:
    """Starts (in ``tz``) of the ``months`` calendar months up to the one holding the last
    instant before ``end``, oldest first."""
    last = (end - timedelta(microseconds=1)).astimezone(tz)
    index = last.year * 12 + last.month - 1
    return [datetime(m // 12, m % 12 + 1, 1, tzinfo=tz)
            for m in range(index - months + 1, index + 1)]


def member_figures(log: pl.DataFrame, person: int, end: datetime, *, months: int = 12,
                   tz: str = "UTC") -> dict:
    """What ``person`` did in the network before ``end``, from the effective ``log`` (schema
    :data:`netweave.core.logreader.SCHEMA`; other people's rows are ignored).

    Keys: ``months`` (``YYYY-MM`` labels of the last ``months`` calendar months in ``tz``, the
    month holding ``end`` last), ``contributions`` (the person's contributions in each of
    them), ``by_kind`` (``[(kind, n)]`` of all their contributions before ``end``, most
    first, then by kind), ``total`` (all their contributions before ``end``) and
    ``events_attended`` (distinct events they attended before ``end``).
    """
    if months < 1:
        raise ValueError("months must be at least 1")
    zone = ZoneInfo(tz)
    end = utc(end)
    mine = log.lazy().filter((pl.col("actor") == person) & (pl.col("at") < end))
    done = mine.filter(is_contribution())
    starts = _month_starts(end, months, zone)
    labels = [f"{s:%Y-%m}" for s in starts]
    per_month, by_kind, attended = pl.collect_all([
        done.filter(pl.col("at") >= utc(starts[0]))
        .group_by(month=pl.col("at").dt.convert_time_zone(tz).dt.strftime("%Y-%m")).len(),
        done.group_by(kind=pl.col("kind").cast(pl.String)).len(),
        mine.filter(is_event_attendance()).select(pl.col("object_id").n_unique()),
    ])
    counts = dict(per_month.iter_rows())
    kinds = sorted(by_kind.iter_rows(), key=lambda kn: (-kn[1], kn[0]))
    return {
        "months": labels,
        "contributions": [int(counts.get(m, 0)) for m in labels],
        "by_kind": [(k, int(n)) for k, n in kinds],
        "total": int(sum(n for _, n in kinds)),
        "events_attended": int(attended.item()),
    }

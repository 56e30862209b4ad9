"""Activity and reach (docs/metrics.md#activity), and the columnar helpers sections 2, 6 and 8
share.

Everything here is vectorised Polars over the activity log (schema
:data:`netweave.core.logreader.SCHEMA`): filters, ``group_by`` aggregations and joins, never a
Python loop over rows, so the figures stay fast at tens of millions of rows.

Conventions used by every function of the measurement engine's temporal part:

- A period is half-open, ``[start, end)``; times are compared in UTC.
- A *contribution* is any row whose kind is not ``join``, ``leave`` or ``rsvp``
  (docs/metrics.md#data, :func:`netweave.core.activity.is_contribution`); ``void`` rows
  never count.
- An *event* is a distinct ``object_id`` of ``attend`` rows with ``object_type == "event"``.
  Its *time* is its earliest ``attend`` row. *Events held* in a period also come from the
  events themselves (``NetworkData.events``): an event listed there is held in P when it
  starts in P, recorded attendance or not; an event missing there is held in P when it has an
  attendance in P. It is an *offline event* (a meeting) when at least
  one of its attendances is offline (so a hybrid meeting is a meeting); its *offline attendees*
  are the people with an offline ``attend`` row for it.
- An *online contribution between meetings* is an online contribution that is not an
  attendance of an offline event (following a hybrid meeting remotely is part of the meeting,
  not warmth between meetings). Sections 1 (conversion) and 2 (warmth) use this.
- Months are calendar months in UTC, numbered ``year * 12 + month - 1``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl

from netweave.core import activity as act

from .data import NetworkData, Period

#: Kinds that never count as a contribution (docs/metrics.md#data), plus the bookkeeping ``void``.
NOT_CONTRIBUTING: tuple[str, ...] = (*sorted(act.NON_CONTRIBUTION_KINDS), act.VOID)
#: Contribution kinds in the order of :data:`netweave.core.activity.KINDS`.
CONTRIBUTION_KINDS_ORDERED: tuple[str, ...] = tuple(
    k for k in act.KINDS if k in act.CONTRIBUTION_KINDS)
US_PER_HOUR = 3_600_000_000
US_PER_DAY = 24 * US_PER_HOUR
US_PER_WEEK = 7 * US_PER_DAY
#: Months per actor in the integer keys of :func:`monthly_activity_series`.
_KEY_SPAN = 1 << 20
#: Conversion window after an offline event (docs/metrics.md#activity).
CONVERSION_DAYS = 30


# ---------------------------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------------------------

def utc(value: datetime) -> datetime:
    """``value`` in UTC; naive datetimes are refused (the engine never guesses a zone)."""
    if value.tzinfo is None:
        raise ValueError(f"{value!r} has no time zone; pass an aware datetime")
    return value.astimezone(UTC)


def iso(value: datetime | None) -> str | None:
    """ISO 8601 text of a datetime in UTC, or None."""
    return None if value is None else utc(value).isoformat()


def period_dict(period: Period) -> dict:
    """``{"start": iso, "end": iso}`` of a period, for the figures' dicts."""
    return {"start": iso(period.start), "end": iso(period.end)}


def is_contribution() -> pl.Expr:
    """Row filter: the row is a contribution (docs/metrics.md#data)."""
    return ~pl.col("kind").is_in(NOT_CONTRIBUTING)


def in_window(start: datetime, end: datetime, column: str = "at") -> pl.Expr:
    """Row filter: ``start <= column < end``."""
    return (pl.col(column) >= utc(start)) & (pl.col(column) < utc(end))


def is_event_attendance() -> pl.Expr:
    """Row filter: an ``attend`` row pointing at an event."""
    return ((pl.col("kind") == act.ATTEND) & (pl.col("object_type") == "event")
            & pl.col("object_id").is_not_null())


def month_index(column: str = "at") -> pl.Expr:
    """Calendar month (UTC) of a datetime column as ``year * 12 + month - 1``."""
    col = pl.col(column).dt.convert_time_zone("UTC")
    return (col.dt.year().cast(pl.Int32) * 12 + col.dt.month().cast(pl.Int32) - 1)


def month_of(value: datetime) -> int:
    """Calendar month (UTC) of ``value`` as ``year * 12 + month - 1``."""
    value = utc(value)
    return value.year * 12 + value.month - 1


def month_start(index: int) -> datetime:
    """First instant (UTC) of month number ``index``."""
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def month_label(index: int) -> str:
    """``YYYY-MM`` of month number ``index``."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def contributions(log: pl.DataFrame) -> pl.DataFrame:
    """The contribution rows of ``log`` (docs/metrics.md#data)."""
    return log.filter(is_contribution())


def attendances(log: pl.DataFrame, only: pl.Series | None = None) -> pl.DataFrame:
    """One row per (event, person) who attended it: ``event, person, at`` (their earliest
    attend row) and ``offline`` (they have an offline attend row for it); only the events in
    ``only`` when given."""
    keep = is_event_attendance() & pl.col("actor").is_not_null()
    if only is not None:
        keep &= pl.col("object_id").is_in(only.implode())
    return (log.lazy().filter(keep)
            .group_by("object_id", "actor")
            .agg(at=pl.col("at").min(), offline=(pl.col("channel") == act.OFFLINE).any())
            .rename({"object_id": "event", "actor": "person"}).collect())


def events(log: pl.DataFrame) -> pl.DataFrame:
    """The events of ``log`` (module docstring): ``event, at, attendees, offline``, sorted by
    ``(at, event)``. ``at`` is the event's earliest attend row; ``attendees`` the number of
    distinct people who attended; ``offline`` true when ≥1 attendance was offline."""
    return (log.lazy().filter(is_event_attendance())
            .group_by("object_id")
            .agg(at=pl.col("at").min(), attendees=pl.col("actor").drop_nulls().n_unique(),
                 offline=(pl.col("channel") == act.OFFLINE).any())
            .rename({"object_id": "event"})
            .sort("at", "event").collect())


def online_between_meetings(log: pl.DataFrame, offline_events: pl.Series,
                            start: datetime | None = None,
                            end: datetime | None = None) -> pl.DataFrame:
    """Online contributions that are not attendances of an offline event (module docstring),
    optionally only those in ``[start, end)``: columns ``actor, at``, sorted by ``at``."""
    attends_meeting = is_event_attendance() & pl.col("object_id").is_in(offline_events.implode())
    keep = is_contribution() & (pl.col("channel") == act.ONLINE) & ~attends_meeting
    if start is not None:
        keep &= pl.col("at") >= utc(start)
    if end is not None:
        keep &= pl.col("at") < utc(end)
    return log.lazy().filter(keep).select("actor", "at").sort("at").collect()


def _is_offline_attendance() -> pl.Expr:
    return (pl.col("kind") == act.ATTEND) & (pl.col("channel") == act.OFFLINE)


def share(numerator: int | float, denominator: int | float) -> float | None:
    return None if not denominator else float(numerator) / float(denominator)


def latest(series: pl.Series) -> datetime | None:
    """The latest time in a datetime column (None when it has none)."""
    return _moment(series, series.max())


def earliest(series: pl.Series) -> datetime | None:
    """The earliest time in a datetime column (None when it has none)."""
    return _moment(series, series.min())


def _moment(series: pl.Series, value: object) -> datetime | None:
    if value is not None and not isinstance(value, datetime):
        raise TypeError(f"column {series.name!r} holds {type(value).__name__}, not times")
    return value


def number(value: object) -> float | None:
    """A Polars aggregate of a numeric column (``median()``, ``sum()``) as a float, None
    when there was nothing to aggregate."""
    if value is None:
        return None
    if not isinstance(value, int | float):
        raise TypeError(f"{value!r} is not a number")
    return float(value)


def mean_present(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def _counts(frame: pl.DataFrame, column: str, defaults: tuple[str, ...]) -> dict[str, int]:
    """``{value: count}`` from a ``group_by(column).len()`` frame; ``defaults`` always present,
    in their order, other values after them sorted; a null value is reported as ``unknown``."""
    found = {("unknown" if k is None else str(k)): int(n)
             for k, n in frame.select(column, "len").iter_rows()}
    out = {k: found.pop(k, 0) for k in defaults}
    out.update(sorted(found.items()))
    return out


# ---------------------------------------------------------------------------------------------
# Section 1
# ---------------------------------------------------------------------------------------------

def activity_figures(data: NetworkData, period: Period, *, previous: Period | None = None) -> dict:
    """Activity and reach of ``period`` P (docs/metrics.md#activity).

    - ``activities``: contributions with ``at`` in P; ``activities_by_kind`` (every
      contribution kind, 0 when absent) and ``activities_by_channel`` (offline, online).
    - ``events_held``: the listed events (``data.events``) that start in P, plus the distinct
      unlisted events (``attend`` rows on ``object_type == "event"``) with ≥1 attendance in
      P; ``offline_attendances``: ``attend`` rows with channel offline in P.
    - ``reach``: distinct people appearing as actor or target of any row in P, guests included.
    - ``active``: distinct actors with ≥1 contribution in P (CHAOSS "Contributors").
    - ``new``: active in P whose first contribution ever is in P (CHAOSS "New Contributors").
    - ``returning``: active in P with a contribution before P's start (so active = new +
      returning).
    - ``lapsed``: active in P-1, not in P. ``reactivated``: active in P, not in P-1, with a
      contribution before P-1's start (Savannah's returning = active - new, refined).

    P-1 is ``period.previous()`` (same length, just before) unless ``previous`` is given (the
    monthly series uses the previous calendar month). Keys: ``period, previous_period,
    activities, activities_by_kind, activities_by_channel, events_held, offline_attendances,
    reach, active, new, returning, lapsed, reactivated``.
    """
    prev = previous if previous is not None else period.previous()
    log = data.log.lazy()
    in_p = log.filter(in_window(period.start, period.end))
    start, prev_start = utc(period.start), utc(prev.start)
    horizon = max(utc(period.end), utc(prev.end))
    listed = data.events.get_column("event").implode()
    counts, held, reach, sums = pl.collect_all([
        in_p.filter(is_contribution()).group_by("kind", "channel").len(),
        in_p.filter(is_event_attendance() & ~pl.col("object_id").is_in(listed))
        .select(pl.col("object_id").n_unique()),
        pl.concat([in_p.select(person="actor"), in_p.select(person="target")])
        .drop_nulls().select(pl.col("person").n_unique()),
        log.filter(is_contribution() & (pl.col("at") < horizon) & pl.col("actor").is_not_null())
        .group_by("actor").agg(
            in_p=in_window(period.start, period.end).any(),
            in_prev=in_window(prev.start, prev.end).any(),
            before_p=(pl.col("at") < start).any(),
            before_prev=(pl.col("at") < prev_start).any(),
        ).select(
            active=pl.col("in_p").sum(),
            new=(pl.col("in_p") & ~pl.col("before_p")).sum(),
            returning=(pl.col("in_p") & pl.col("before_p")).sum(),
            lapsed=(pl.col("in_prev") & ~pl.col("in_p")).sum(),
            reactivated=(pl.col("in_p") & ~pl.col("in_prev") & pl.col("before_prev")).sum(),
        ),
    ])
    by_kind = _counts(counts.group_by("kind").agg(pl.col("len").sum()), "kind",
                      CONTRIBUTION_KINDS_ORDERED)
    by_channel = _counts(counts.group_by("channel").agg(pl.col("len").sum()), "channel",
                         act.CHANNELS)
    offline_attendances = int(counts.filter(_is_offline_attendance()).get_column("len").sum())
    return {
        "period": period_dict(period),
        "previous_period": period_dict(prev),
        "activities": sum(by_kind.values()),
        "activities_by_kind": by_kind,
        "activities_by_channel": by_channel,
        "events_held": int(held.item())
        + data.events.filter(in_window(period.start, period.end)).height,
        "offline_attendances": offline_attendances,
        "reach": int(reach.item()),
        **{k: int(v) for k, v in sums.row(0, named=True).items()},
    }


def monthly_activity_series(data: NetworkData, start: datetime, end: datetime) -> list[dict]:
    """The section-1 headline figures for each calendar month (UTC) overlapping
    ``[start, end)`` (docs/metrics.md 1 and 7, "monthly series").

    Each month is a whole calendar month used as P, with the previous calendar month as P-1;
    the figures equal :func:`activity_figures` ``(data, month, previous=previous_month)``
    but are computed for all months at once: with ``A`` the distinct (actor, month) pairs of
    contributions and ``f(a)`` an actor's first contribution month,
    ``new(m) = #{a ∈ A(m): f(a) = m}``, ``returning = active - new``,
    ``both(m) = |A(m) ∩ A(m-1)|``, ``lapsed(m) = |A(m-1)| - both(m)`` and
    ``reactivated(m) = |A(m)| - both(m) - new(m)`` (an actor active in m but not m-1 is either
    new or was active before m-1).

    Returns one dict per month, oldest first, with keys ``month`` (``YYYY-MM``), ``start``,
    ``end``, ``activities, activities_by_kind, activities_by_channel, events_held,
    offline_attendances, reach, active, new, returning, lapsed, reactivated``.
    """
    if utc(end) <= utc(start):
        return []
    first_m, last_m = month_of(start), month_of(utc(end) - timedelta(microseconds=1))
    lo = first_m - 1
    log = data.log
    # The rows of the months and the month before, read once with only the columns needed.
    window = (log.lazy().filter(in_window(month_start(lo), month_start(last_m + 1)))
              .select("actor", "target", "kind", "channel", "object_type", "object_id",
                      m=month_index())
              .collect().lazy())
    shown_rows = window.filter(pl.col("m") >= first_m)
    # Distinct (actor, month) pairs as one integer key: actor * 2^20 + (month - lo).
    key = (pl.col("actor") * _KEY_SPAN + (pl.col("m") - lo)).alias("k")
    month_of_key = (pl.col("k") & (_KEY_SPAN - 1)) + lo
    listed = data.events.get_column("event").implode()
    counts, reach_f, held_f, listed_f, pairs, earlier = pl.collect_all([
        shown_rows.filter(is_contribution()).group_by("m", "kind", "channel").len(),
        pl.concat([shown_rows.select("m", person="actor"), shown_rows.select("m", person="target")])
        .drop_nulls().group_by("m").agg(pl.col("person").n_unique()),
        shown_rows.filter(is_event_attendance() & ~pl.col("object_id").is_in(listed))
        .group_by("m").agg(pl.col("object_id").n_unique()),
        data.events.lazy().filter(in_window(month_start(first_m), month_start(last_m + 1)))
        .group_by(m=month_index()).len(),
        window.filter(is_contribution()).select(key).drop_nulls().unique(),
        log.lazy().filter((pl.col("at") < month_start(lo)) & is_contribution())
        .select(pl.col("actor").drop_nulls().unique()),
    ])
    by_kind: dict[int, dict[str, int]] = {}
    by_channel: dict[int, dict[str, int]] = {}
    for target, column, defaults in ((by_kind, "kind", CONTRIBUTION_KINDS_ORDERED),
                                     (by_channel, "channel", act.CHANNELS)):
        grouped = counts.group_by("m", column).agg(pl.col("len").sum())
        for (m,), part in grouped.partition_by("m", as_dict=True).items():
            target[m] = _counts(part, column, defaults)
    acts = {m: sum(kinds.values()) for m, kinds in by_kind.items()}
    offline_att = dict(counts.filter(_is_offline_attendance()).group_by("m")
                       .agg(pl.col("len").sum()).iter_rows())
    reach = dict(reach_f.iter_rows())
    held = dict(held_f.iter_rows())
    for m, n in listed_f.iter_rows():
        held[m] = held.get(m, 0) + n

    def per_month(frame: pl.DataFrame) -> dict[int, int]:
        return dict(frame.group_by(m=month_of_key).len().iter_rows())

    active = per_month(pairs)
    both = per_month(pairs.join(pairs.select(pl.col("k") + 1), on="k", how="semi"))
    # New in m: m is the actor's first month in the window and nothing came before it.
    firsts = (pairs.group_by(actor=pl.col("k") // _KEY_SPAN).agg(m=month_of_key.min())
              .filter((pl.col("m") >= first_m)
                      & ~pl.col("actor").is_in(earlier.get_column("actor").implode())))
    new = dict(firsts.group_by("m").len().iter_rows())
    out = []
    for m in range(first_m, last_m + 1):
        a, b, n = active.get(m, 0), both.get(m, 0), new.get(m, 0)
        out.append({
            "month": month_label(m),
            "start": iso(month_start(m)),
            "end": iso(month_start(m + 1)),
            "activities": acts.get(m, 0),
            "activities_by_kind": by_kind.get(m, dict.fromkeys(CONTRIBUTION_KINDS_ORDERED, 0)),
            "activities_by_channel": by_channel.get(m, dict.fromkeys(act.CHANNELS, 0)),
            "events_held": held.get(m, 0),
            "offline_attendances": offline_att.get(m, 0),
            "reach": reach.get(m, 0),
            "active": a,
            "new": n,
            "returning": a - n,
            "lapsed": active.get(m - 1, 0) - b,
            "reactivated": a - b - n,
        })
    return out


def retention_cohorts(data: NetworkData, end: datetime) -> dict:
    """Birth-retention cohorts up to ``end`` (docs/metrics.md#activity, "Retention cohorts").

    Only contributions before ``end`` count. An actor's cohort ``c`` is the calendar month
    (UTC) of their first contribution; ``retention(c, k) = |{a in c with a contribution in month
    c+k}| / |c|`` (product analytics' "birth" retention), so ``retention(c, 0) = 1``. Months
    run from the first cohort to the month holding the last instant before ``end``; when
    ``end`` is not a month start that last month is partial (``last_month_partial``).

    Keys: ``end``, ``last_month_partial``, ``cohorts`` (list of ``{"cohort": "YYYY-MM",
    "size": n, "retention": [share for k = 0, 1, …]}``, every month from the first cohort on,
    including empty ones), and for a heat map ``months`` (row labels), ``offsets`` (column
    labels ``k``), ``matrix`` (shares, None where month c+k is after the last month or the
    cohort is empty) and ``counts`` (retained actors, None where not observable).
    """
    end = utc(end)
    pairs = (data.log.lazy()
             .filter(is_contribution() & (pl.col("at") < end) & pl.col("actor").is_not_null())
             .select(k=pl.col("actor") * _KEY_SPAN + month_index()).unique()
             .select(actor=pl.col("k") // _KEY_SPAN, m=pl.col("k") & (_KEY_SPAN - 1))
             .collect())
    out: dict = {"end": iso(end), "last_month_partial": False, "cohorts": [], "months": [],
                 "offsets": [], "matrix": [], "counts": []}
    if pairs.is_empty():
        return out
    last_m = month_of(end - timedelta(microseconds=1))
    out["last_month_partial"] = month_start(last_m + 1) != end
    firsts = pairs.group_by("actor").agg(c=pl.col("m").min())
    counts = (pairs.join(firsts, on="actor").group_by("c", k=pl.col("m") - pl.col("c"))
              .len())
    table = {(c, k): n for c, k, n in counts.iter_rows()}
    first_c = int(number(firsts.get_column("c").min()) or 0)
    width = last_m - first_c + 1
    out["offsets"] = list(range(width))
    for c in range(first_c, last_m + 1):
        size = table.get((c, 0), 0)
        observable = last_m - c + 1
        row_counts = [table.get((c, k), 0) if k < observable else None for k in range(width)]
        row = [None if n is None or not size else n / size for n in row_counts]
        out["cohorts"].append({"cohort": month_label(c), "size": size,
                               "retention": row[:observable]})
        out["months"].append(month_label(c))
        out["matrix"].append(row)
        out["counts"].append(row_counts)
    return out


def rsvp_figures(data: NetworkData, period: Period) -> dict:
    """What RSVPs say of the listed events held in P whose attendance was not recorded
    (docs/metrics.md#activity, "Events without recorded attendance"): an RSVP-only history (an
    export without attendance) still shows its meetings and who said they would come.

    Keys: ``events_without_attendance`` (listed events starting in P with no attendance row
    at all), ``rsvp_going`` (distinct people whose last RSVP to one of them said going:
    weight 1), ``rsvp_answers`` (distinct people who answered one of them at all).
    """
    held = data.events.filter(in_window(period.start, period.end)).get_column("event")
    attended = (data.log.lazy().filter(is_event_attendance()
                                       & pl.col("object_id").is_in(held.implode()))
                .select(pl.col("object_id").unique()).collect().get_column("object_id"))
    bare = held.filter(~held.is_in(attended.implode()))
    last = (data.log.lazy()
            .filter((pl.col("kind") == act.RSVP) & (pl.col("object_type") == "event")
                    & pl.col("object_id").is_in(bare.implode()) & pl.col("actor").is_not_null())
            .sort("at", "id").group_by("object_id", "actor")
            .agg(pl.col("weight").last()).collect())
    going = last.filter(pl.col("weight") >= 1)
    return {
        "events_without_attendance": bare.len(),
        "rsvp_going": going.get_column("actor").n_unique(),
        "rsvp_answers": last.get_column("actor").n_unique(),
    }


def event_figures(data: NetworkData, period: Period) -> dict:
    """Event return rate and conversion for the events held in ``period``
    (docs/metrics.md#activity).

    Events and their times are as in the module docstring; an event is *in P* when its time
    is in P.

    - Return rate of event e: share of its attendees (any channel) who attended an event whose
      time is strictly earlier than e's. ``return_rate_mean`` is the mean over events in P.
    - Conversion of an offline event e (CHAOSS "Conversion Rate", offline example): its
      *first-time offline attendees* are its offline attendees who attended no earlier event;
      ``conversion`` is the share of them with an online contribution between meetings (module
      docstring) in ``[time(e), time(e) + 30 days)``. Rows after P count (the window may run
      past P's end). ``conversion`` pools all offline events in P (Σ converted / Σ
      first-timers); ``conversion_mean`` averages the events that had first-timers.

    Keys: ``period``, ``events`` (list of ``{"event", "at", "offline", "attendees",
    "returning_attendees", "return_rate", "first_time_offline_attendees", "converted",
    "conversion"}``; the last three None for events that are not offline), ``events_in_period``,
    ``return_rate_mean``, ``offline_events``, ``first_time_offline_attendees``, ``converted``,
    ``conversion``, ``conversion_mean``.
    """
    log = data.log
    ev = events(log)
    att = attendances(log).drop("at").join(ev.select("event", t="at"), on="event")
    first_seen = att.group_by("person").agg(first_t=pl.col("t").min())
    att = att.join(first_seen, on="person").with_columns(returning=pl.col("first_t") < pl.col("t"))
    in_p = ev.filter(in_window(period.start, period.end)).get_column("event")
    att_p = att.filter(pl.col("event").is_in(in_p.implode()))
    newcomers = (att_p.filter(pl.col("offline") & ~pl.col("returning"))
                 .select("event", "person", "t").sort("t"))
    online = log.select("actor", "at").clear()
    if newcomers.height:  # only the online rows inside some newcomer's 30-day window matter
        lo, hi = newcomers.select(
            lo=pl.col("t").min(), hi=pl.col("t").max() + pl.duration(days=CONVERSION_DAYS)).row(0)
        online = online_between_meetings(log, ev.filter("offline").get_column("event"), lo, hi)
    newcomers = newcomers.join_asof(
        online.rename({"actor": "person", "at": "next_online"}), left_on="t",
        right_on="next_online", by="person", strategy="forward", check_sortedness=False,
    ).with_columns(converted=pl.col("next_online")
                   < pl.col("t") + pl.duration(days=CONVERSION_DAYS))
    per_event = (ev.filter(pl.col("event").is_in(in_p.implode()))
                 .join(att_p.group_by("event").agg(returning_attendees=pl.col("returning").sum()),
                       on="event", how="left")
                 .join(newcomers.group_by("event").agg(
                     first_time_offline_attendees=pl.len(),
                     converted=pl.col("converted").fill_null(False).sum()),
                       on="event", how="left")
                 .sort("at", "event"))
    rows: list[dict[str, Any]] = []
    for r in per_event.iter_rows(named=True):
        offline = bool(r["offline"])
        first = int(r["first_time_offline_attendees"] or 0) if offline else None
        conv = int(r["converted"] or 0) if offline else None
        attendees = int(r["attendees"])
        returning = int(r["returning_attendees"] or 0)
        rows.append({
            "event": int(r["event"]), "at": iso(r["at"]), "offline": offline,
            "attendees": attendees, "returning_attendees": returning,
            "return_rate": share(returning, attendees),
            "first_time_offline_attendees": first, "converted": conv,
            "conversion": share(conv, first) if conv is not None and first else None,
        })
    offline_rows = [r for r in rows if r["offline"]]
    first_total = sum(r["first_time_offline_attendees"] for r in offline_rows)
    conv_total = sum(r["converted"] for r in offline_rows)
    return {
        "period": period_dict(period),
        "events": rows,
        "events_in_period": len(rows),
        "return_rate_mean": mean_present([r["return_rate"] for r in rows]),
        "offline_events": len(offline_rows),
        "first_time_offline_attendees": first_total,
        "converted": conv_total,
        "conversion": share(conv_total, first_total),
        "conversion_mean": mean_present([r["conversion"] for r in offline_rows]),
    }


__all__ = [
    "activity_figures",
    "attendances",
    "contributions",
    "event_figures",
    "events",
    "monthly_activity_series",
    "online_between_meetings",
    "retention_cohorts",
    "rsvp_figures",
]

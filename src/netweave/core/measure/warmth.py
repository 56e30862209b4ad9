"""Warmth between meetings (docs/metrics.md#warmth; our design, except where a source is named).

Vectorised Polars over the activity log and the posts table. Events, their times, offline
events (meetings), offline attendees and *online contributions between meetings* are defined
in :mod:`netweave.core.measure.activity`. Distinct times of offline events are *meeting
times*; a *gap* runs from one meeting time to the next. A gap is reported in the period in
which it closes (its later meeting time is in P), because only then is it complete; the gap
still open at a given moment is :func:`between_meetings`' subject.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import polars as pl

from netweave.core import activity as act

from .activity import (
    US_PER_DAY,
    US_PER_HOUR,
    US_PER_WEEK,
    attendances,
    contributions,
    earliest,
    events,
    in_window,
    is_contribution,
    is_event_attendance,
    iso,
    latest,
    mean_present,
    number,
    online_between_meetings,
    period_dict,
    share,
    utc,
)
from .data import NetworkData, Period

#: A discussion counts as answered promptly when its first response came within this.
RESPONSE_DAYS = 7
#: Members need at least this many contributions in P for a burstiness value.
BURSTINESS_MIN_CONTRIBUTIONS = 3


def _burstiness(mu: pl.Expr, sigma: pl.Expr) -> pl.Expr:
    total = sigma + mu
    return pl.when(total > 0).then((sigma - mu) / total).otherwise(None)


def member_days_since_last(data: NetworkData, at: datetime) -> pl.DataFrame:
    """Days since each person's last contribution before ``at`` (docs/metrics.md#warmth).

    ``days_since = (at - last contribution) / 1 day`` as a float, for every actor with a
    contribution before ``at``. Columns ``person, last_contribution, days_since``, by person.
    """
    at = utc(at)
    return (data.log.lazy()
            .filter(is_contribution() & (pl.col("at") < at) & pl.col("actor").is_not_null())
            .group_by("actor").agg(last_contribution=pl.col("at").max())
            .rename({"actor": "person"})
            .with_columns(days_since=(pl.lit(at) - pl.col("last_contribution"))
                          .dt.total_microseconds() / US_PER_DAY)
            .sort("person").collect())


def member_burstiness(data: NetworkData, period: Period) -> pl.DataFrame:
    """Burstiness of each member's contributions in ``period`` (docs/metrics.md#warmth; Goh &
    Barabási 2008, "Burstiness and memory in complex systems").

    With ``tau`` the times between a member's consecutive contributions in P, in seconds
    (simultaneous contributions give ``tau = 0``), ``mu`` their mean and ``sigma`` their population
    standard deviation (ddof 0): ``B = (sigma - mu)/(sigma + mu)``; -1 regular, 0 Poisson-random, →1
    bursty. Only members with ≥ 3 contributions in P (≥ 2 intervals). When ``sigma + mu = 0`` (all
    contributions at the same instant) ``B`` is undefined and null. Columns ``person,
    contributions, burstiness``, by person.
    """
    times = (data.log.lazy()
             .filter(is_contribution() & in_window(period.start, period.end)
                     & pl.col("actor").is_not_null())
             .select("actor", "at").sort("actor", "at").collect())
    same = pl.col("actor") == pl.col("actor").shift(1)
    gaps = times.with_columns(
        tau=pl.when(same).then(pl.col("at").diff().dt.total_microseconds() / 1e6))
    return (gaps.group_by("actor")
            .agg(contributions=pl.len(), mu=pl.col("tau").mean(),
                 sigma=pl.col("tau").std(ddof=0))
            .filter(pl.col("contributions") >= BURSTINESS_MIN_CONTRIBUTIONS)
            .select(person="actor", contributions="contributions",
                    burstiness=_burstiness(pl.col("mu"), pl.col("sigma")))
            .sort("person"))


def network_burstiness(data: NetworkData, period: Period) -> float | None:
    """Burstiness ``B = (sigma-mu)/(sigma+mu)`` of all contributions in ``period`` taken together
    (docs/metrics.md#warmth, as :func:`member_burstiness`); None with fewer than 3 contributions or
    when ``sigma + mu = 0``."""
    times = (data.log.lazy().filter(is_contribution() & in_window(period.start, period.end))
             .select("at").sort("at").collect())
    if times.height < BURSTINESS_MIN_CONTRIBUTIONS:
        return None
    tau = times.select(tau=pl.col("at").diff().dt.total_microseconds() / 1e6).drop_nulls()
    value = tau.select(_burstiness(pl.col("tau").mean(), pl.col("tau").std(ddof=0))).item()
    return None if value is None else float(value)


def first_response_times(data: NetworkData, period: Period) -> pl.DataFrame:
    """Time to first response of each discussion opened in ``period`` (docs/metrics.md#warmth,
    CHAOSS "Time to First Response").

    From ``data.posts``: a discussion's opening post is its earliest post without a parent;
    its time is the opening time and its author the opener. The first response is the earliest
    post with a parent in that discussion whose author is not the opener (replies at any time
    in the data count, also after P). ``hours = (first response - opening) / 1 hour``, null
    when unanswered. ``accepted`` tells whether a post of the discussion is the accepted
    answer. Columns ``discussion, question, opened, first_response, hours, accepted``.
    """
    posts = data.posts
    openings = (posts.filter(pl.col("parent").is_null()).sort("at", "post")
                .group_by("discussion")
                .agg(opened=pl.col("at").first(), opener=pl.col("author").first(),
                     question=pl.col("question").first()))
    first = (posts.filter(pl.col("parent").is_not_null())
             .join(openings.select("discussion", "opener"), on="discussion")
             .filter(pl.col("author").ne_missing(pl.col("opener")))
             .group_by("discussion").agg(first_response=pl.col("at").min()))
    accepted = posts.group_by("discussion").agg(accepted=pl.col("accepted").fill_null(False).any())
    return (openings.filter(in_window(period.start, period.end, "opened"))
            .join(first, on="discussion", how="left")
            .join(accepted, on="discussion", how="left")
            .select("discussion", pl.col("question").fill_null(False), "opened",
                    "first_response",
                    hours=(pl.col("first_response") - pl.col("opened")).dt.total_microseconds()
                    / US_PER_HOUR,
                    accepted=pl.col("accepted").fill_null(False))
            .sort("discussion"))


def _response_summary(frame: pl.DataFrame) -> dict:
    answered = frame.filter(pl.col("hours").is_not_null())
    within = answered.filter(pl.col("hours") <= RESPONSE_DAYS * 24).height
    median = number(answered.get_column("hours").median()) if answered.height else None
    return {
        "discussions": frame.height,
        "answered": answered.height,
        "answered_share": share(answered.height, frame.height),
        "median_hours": median,
        "answered_within_7_days": within,
        "within_7_days_share": share(within, frame.height),
    }


def _meetings(log: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(offline events sorted by time, distinct meeting times with the next one ``t_next``)."""
    ev = events(log).filter("offline")
    times = (ev.select(t="at").unique().sort("t")
             .with_columns(t_next=pl.col("t").shift(-1)))
    return ev, times


def _covered_weeks(online: pl.DataFrame, gaps: pl.DataFrame) -> pl.DataFrame:
    """Per gap start ``t``: distinct whole weeks ``k < weeks`` with an online row in
    ``[t + 7k days, t + 7(k+1) days)``. ``gaps`` has columns ``t, weeks`` sorted by ``t``."""
    if gaps.is_empty() or online.is_empty():
        return pl.DataFrame(schema={"t": gaps.schema["t"], "covered_weeks": pl.UInt32()})
    lo = earliest(gaps.get_column("t"))
    hits = (online.filter(pl.col("at") >= lo).select("at")
            .join_asof(gaps, left_on="at", right_on="t", strategy="backward",
                       check_sortedness=False)
            .drop_nulls("t")
            .with_columns(k=(pl.col("at") - pl.col("t")).dt.total_microseconds() // US_PER_WEEK)
            .filter(pl.col("k") < pl.col("weeks")))
    return hits.group_by("t").agg(covered_weeks=pl.col("k").n_unique())


def warmth_figures(data: NetworkData, period: Period) -> dict:
    """Warmth between meetings in ``period`` P (docs/metrics.md#warmth).

    - ``days_since_last_contribution``: ``(P.end - last contribution before P.end)`` in days;
      ``member_days_since_last_median`` the median over actors of
      :func:`member_days_since_last` at ``P.end`` (``members_with_contributions`` of them).
    - ``gaps``: for each pair of consecutive meeting times ``(t, t')`` with ``t'`` in P, the
      whole weeks between them are the 7-day windows ``[t + 7k days, t + 7(k+1) days)``,
      ``k = 0 … ⌊(t' - t)/7 days⌋ - 1``, i.e. those starting at the earlier meeting's time and
      ending no later than the later one; ``coverage`` = share of them with ≥1 online
      contribution between meetings (None when the gap is shorter than a week).
      ``gap_coverage_mean`` is the mean over gaps with a coverage.
    - ``carry_over``: for each offline event e whose next meeting time ``t'`` (the first one
      after e's time) is in P, the share of e's offline attendees with an online contribution
      between meetings in ``[time(e), t')``; ``carry_over_mean`` averages them.
    - ``time_to_first_response``: over :func:`first_response_times` (discussions opened in P):
      ``discussions, answered, answered_share, median_hours`` (median over answered ones),
      ``answered_within_7_days`` (first response ≤ 7 * 24 h) and ``within_7_days_share`` (of
      all discussions opened); ``questions`` the same for questions only, plus ``accepted``
      and ``accepted_share``.
    - ``burstiness_network`` (:func:`network_burstiness`), ``burstiness_members`` (members with
      a value in :func:`member_burstiness`), ``burstiness_member_median`` and
      ``burstiness_member_mean`` over them.

    Keys: ``period``, and the names above.
    """
    log = data.log
    start, end = utc(period.start), utc(period.end)
    members = member_days_since_last(data, end)
    last = latest(members.get_column("last_contribution"))
    days_median = number(members.get_column("days_since").median()) if members.height else None

    ev, times = _meetings(log)
    closing = (times.filter(pl.col("t_next").is_not_null()
                            & in_window(start, end, "t_next"))
               .with_columns(weeks=(pl.col("t_next") - pl.col("t")).dt.total_microseconds()
                             // US_PER_WEEK))
    # Only online rows inside the gaps closing in P matter to gaps and carry-over.
    first_gap = earliest(closing.get_column("t")) or end
    online = online_between_meetings(log, ev.get_column("event"), first_gap, end)
    covered = _covered_weeks(online, closing.select("t", "weeks"))
    gaps = (closing.join(covered, on="t", how="left")
            .with_columns(pl.col("covered_weeks").fill_null(0)).sort("t"))
    gap_rows: list[dict[str, Any]] = [
        {"from": iso(t), "to": iso(t_next), "weeks": int(w), "covered_weeks": int(c),
         "coverage": share(c, w)}
        for t, t_next, w, c in gaps.select("t", "t_next", "weeks", "covered_weeks").iter_rows()]

    carry = _carry_over(log, ev, times, online, start, end)

    responses = first_response_times(data, period)
    questions = responses.filter("question")
    q_summary = _response_summary(questions)
    accepted = questions.filter("accepted").height
    q_summary.update(accepted=accepted, accepted_share=share(accepted, questions.height))
    bursts = member_burstiness(data, period).get_column("burstiness").drop_nulls()

    return {
        "period": period_dict(period),
        "days_since_last_contribution": None if last is None
        else (end - last).total_seconds() / 86400,
        "members_with_contributions": members.height,
        "member_days_since_last_median": days_median,
        "gaps": gap_rows,
        "gap_coverage_mean": mean_present([g["coverage"] for g in gap_rows]),
        "carry_over": carry,
        "carry_over_mean": mean_present([c["share"] for c in carry]),
        "time_to_first_response": {**_response_summary(responses), "questions": q_summary},
        "burstiness_network": network_burstiness(data, period),
        "burstiness_members": bursts.len(),
        "burstiness_member_median": number(bursts.median()) if bursts.len() else None,
        "burstiness_member_mean": number(bursts.mean()) if bursts.len() else None,
    }


def _carry_over(log: pl.DataFrame, ev: pl.DataFrame, times: pl.DataFrame, online: pl.DataFrame,
                start: datetime, end: datetime) -> list[dict]:
    nexts = times.select("t", "t_next").filter(in_window(start, end, "t_next"))
    chosen = ev.join(nexts, left_on="at", right_on="t").select("event", "at", "t_next")
    if chosen.is_empty():
        return []
    offline_att = (attendances(log, only=chosen.get_column("event"))
                   .filter("offline").select("event", "person")
                   .join(chosen, on="event").sort("at"))
    carried = offline_att.join_asof(
        online.rename({"actor": "person", "at": "next_online"}), left_on="at",
        right_on="next_online", by="person", strategy="forward", check_sortedness=False,
    ).with_columns(carried=(pl.col("next_online") < pl.col("t_next")).fill_null(False))
    per = (carried.group_by("event")
           .agg(attendees=pl.len(), carried_over=pl.col("carried").sum())
           .join(chosen, on="event").sort("at", "event"))
    return [{"event": int(e), "at": iso(at), "next_at": iso(t_next), "attendees": int(n),
             "carried_over": int(c), "share": share(c, n)}
            for e, at, t_next, n, c in per.select("event", "at", "t_next", "attendees",
                                                   "carried_over").iter_rows()]


def between_meetings(data: NetworkData, at: datetime) -> dict:
    """The facilitator's view of the gap since the last meeting, as of ``at``
    (docs/metrics.md#warmth).

    Only rows before ``at`` are seen. The last meeting is the latest meeting time before
    ``at`` (all offline events at that time, usually one).

    - ``days_since_last_online_contribution``: days since the last online contribution
      between meetings (None if there is none).
    - ``gap_weeks_so_far`` = ⌊(at - last meeting)/7 days⌋ whole weeks ``[t + 7k, t + 7(k+1))``
      since the last meeting, ``gap_weeks_covered`` those with ≥1 online contribution between
      meetings, ``gap_coverage_so_far`` their share (None before a whole week has passed).
    - ``quiet_since_last_meeting``: ids (ascending) of the last meeting's offline attendees
      with no contribution at or after its time other than rows about the meeting itself
      (``object_type == "event"`` and ``object_id`` one of its events);
      ``last_meeting_attendees`` counts those attendees.

    Keys: ``at``, ``days_since_last_online_contribution``, ``last_meeting`` (``{"at": iso,
    "events": [ids]}`` or None), ``gap_weeks_so_far``, ``gap_weeks_covered``,
    ``gap_coverage_so_far``, ``last_meeting_attendees``, ``quiet_since_last_meeting``.
    """
    at = utc(at)
    before = pl.col("at") < at
    # Only attendances are needed to find the meetings; no copy of the whole log is made.
    meetings_log = (data.log.lazy().filter(is_event_attendance() & before)
                    .select("actor", "kind", "object_type", "object_id", "channel", "at")
                    .collect())
    ev, times = _meetings(meetings_log)
    offline_ids = ev.get_column("event").implode()
    last_online = (data.log.lazy()
                   .filter(before & is_contribution() & (pl.col("channel") == act.ONLINE)
                           & ~(is_event_attendance() & pl.col("object_id").is_in(offline_ids)))
                   .select(pl.col("at").max()).collect().item())
    out: dict = {
        "at": iso(at),
        "days_since_last_online_contribution": None if last_online is None
        else (at - last_online).total_seconds() / 86400,
        "last_meeting": None, "gap_weeks_so_far": 0, "gap_weeks_covered": 0,
        "gap_coverage_so_far": None, "last_meeting_attendees": 0,
        "quiet_since_last_meeting": [],
    }
    t = latest(times.get_column("t"))
    if t is None:
        return out
    weeks = (at - t) // timedelta(days=7)
    log = data.log.filter((pl.col("at") >= t) & before)  # the rows since the last meeting
    online = online_between_meetings(log, ev.get_column("event"))
    covered = _covered_weeks(online, pl.DataFrame({"t": [t], "weeks": [weeks]},
                                                   schema={"t": times.schema["t"],
                                                           "weeks": pl.Int64()}))
    n_covered = int(covered.get_column("covered_weeks").sum()) if covered.height else 0
    last_events = ev.filter(pl.col("at") == t).get_column("event")
    attendees = (attendances(meetings_log, only=last_events).filter("offline")
                 .get_column("person").unique())
    about_meeting = ((pl.col("object_type") == "event")
                     & pl.col("object_id").is_in(last_events.implode()).fill_null(False))
    active_since = (contributions(log).filter(~about_meeting)
                    .get_column("actor").drop_nulls().unique())
    quiet = attendees.filter(~attendees.is_in(active_since.implode())).sort()
    out.update(
        last_meeting={"at": iso(t), "events": sorted(int(e) for e in last_events)},
        gap_weeks_so_far=weeks, gap_weeks_covered=n_covered,
        gap_coverage_so_far=share(n_covered, weeks),
        last_meeting_attendees=attendees.len(),
        quiet_since_last_meeting=[int(p) for p in quiet],
    )
    return out


__all__ = [
    "between_meetings",
    "first_response_times",
    "member_burstiness",
    "member_days_since_last",
    "network_burstiness",
    "warmth_figures",
]

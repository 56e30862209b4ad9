"""Temporal figures (METRICS.md sections 1, 2, 6 and 8) against slow, obviously correct oracles.

Each oracle below is plain Python over a list of row dicts: loops, sets and dicts, written
from METRICS.md and the docstrings, not from the Polars code. Hypothesis draws small random
logs (actors, every kind, both channels, times over up to two years with ties and month
boundaries, events with attendances, discussions, stories) and every figure must agree.
A few hand-computed examples pin exact numbers.
"""

from __future__ import annotations

import itertools
import json
import math
import statistics
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netweave.core import activity as act
from netweave.core.logreader import SCHEMA
from netweave.core.measure.activity import (
    activity_figures,
    event_figures,
    monthly_activity_series,
    retention_cohorts,
    rsvp_figures,
)
from netweave.core.measure.data import (
    EVENTS_SCHEMA,
    PEOPLE_SCHEMA,
    POSTS_SCHEMA,
    STORIES_SCHEMA,
    NetworkData,
    Period,
)
from netweave.core.measure.engagement import (
    engagement_figures,
    engagement_levels,
    quarterly_levels,
)
from netweave.core.measure.member import member_figures
from netweave.core.measure.stories import story_figures
from netweave.core.measure.warmth import (
    between_meetings,
    member_burstiness,
    warmth_figures,
)

BASE = datetime(2023, 1, 1, tzinfo=UTC)
WEEK = timedelta(days=7)
CYCLES = ("immediate", "potential", "applied", "realised", "reframing")
ROLES = ("facilitator", "member", "observer", "guest")
PROPERTY = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# ---------------------------------------------------------------------------------------------
# Building inputs
# ---------------------------------------------------------------------------------------------

def row(i: int, actor: int, kind: str, at: datetime, *, channel: str = "online",
        target: int | None = None, object_type: str | None = None,
        object_id: int | None = None) -> dict:
    return {"id": i, "network": 1, "actor": actor, "kind": kind, "target": target,
            "object_type": object_type, "object_id": object_id, "channel": channel, "at": at,
            "weight": 1.0, "source": "test", "corrects": None}


def network(rows: list[dict], posts: list[dict] = (), stories: list[dict] = (),
            people: list[dict] = ()) -> NetworkData:
    return NetworkData(
        log=pl.DataFrame(list(rows), schema=SCHEMA, orient="row") if rows
        else pl.DataFrame(schema=SCHEMA),
        posts=pl.DataFrame(list(posts), schema=POSTS_SCHEMA) if posts
        else pl.DataFrame(schema=POSTS_SCHEMA),
        stories=pl.DataFrame(list(stories), schema=STORIES_SCHEMA) if stories
        else pl.DataFrame(schema=STORIES_SCHEMA),
        people=pl.DataFrame(list(people), schema=PEOPLE_SCHEMA) if people
        else pl.DataFrame(schema=PEOPLE_SCHEMA),
    )


def _month_starts() -> list[int]:
    """Minutes after BASE of the month starts of the next three years."""
    return [int((datetime(2023 + m // 12, m % 12 + 1, 1, tzinfo=UTC) - BASE).total_seconds()
                // 60) for m in range(36)]


MONTH_STARTS = _month_starts()


@st.composite
def logs(draw) -> dict:
    """A small random network: rows, posts, stories, people, and the span of its times."""
    span = draw(st.sampled_from([21, 120, 800])) * 1440  # minutes
    pool = draw(st.lists(st.integers(0, span), min_size=1, max_size=10))
    boundaries = [m for m in MONTH_STARTS if m <= span]

    def minute() -> int:
        return draw(st.one_of(st.sampled_from(pool), st.integers(0, span),
                              st.sampled_from(boundaries)))

    def time() -> datetime:
        return BASE + timedelta(minutes=minute())

    rows = []
    for i in range(draw(st.integers(0, 60))):
        kind = draw(st.one_of(st.sampled_from(act.KINDS), st.just(act.ATTEND),
                              st.sampled_from([act.POST, act.INTRODUCE, act.GIVE, act.HOST])))
        if kind in (act.ATTEND, act.RSVP, act.HOST):
            object_type = "event"
        else:
            object_type = draw(st.sampled_from(act.OBJECT_TYPES))
        object_id = draw(st.integers(0, 5)) or None
        target = draw(st.integers(0, 9)) or None
        rows.append(row(i + 1, draw(st.integers(1, 8)), kind, time(),
                        channel=draw(st.sampled_from(act.CHANNELS)), target=target,
                        object_type=object_type, object_id=object_id))
    posts = []
    questions = {d: draw(st.booleans()) for d in range(1, 5)}
    for i in range(draw(st.integers(0, 25))):
        parent = draw(st.integers(0, i)) or None  # post ids 1..i exist
        posts.append({"post": i + 1, "discussion": draw(st.integers(1, 4)),
                      "author": draw(st.integers(0, 5)) or None, "parent": parent,
                      "at": time(), "question": False,
                      "accepted": draw(st.booleans())})
    for p in posts:
        p["question"] = questions[p["discussion"]]
    stories = [{"story": i + 1, "author": draw(st.integers(1, 8)), "at": time(),
                "cycle": draw(st.one_of(st.sampled_from(CYCLES), st.none())), "title": "s"}
               for i in range(draw(st.integers(0, 8)))]
    people = [{"person": p, "sector": "other", "organisation": "", "role": draw(
        st.sampled_from(ROLES))} for p in range(1, 10)]
    return {"rows": rows, "posts": posts, "stories": stories, "people": people, "span": span,
            "time": time}


def data_of(net: dict) -> NetworkData:
    return network(net["rows"], net["posts"], net["stories"], net["people"])


@st.composite
def periods(draw, span: int) -> Period:
    if draw(st.booleans()):
        start = BASE + timedelta(minutes=draw(st.integers(-30 * 1440, span)))
    else:
        start = BASE + timedelta(minutes=draw(st.sampled_from(MONTH_STARTS[:27])))
    days = draw(st.one_of(st.sampled_from([1, 7, 28, 90, 365]), st.integers(1, 400)))
    return Period(start, start + timedelta(days=days, minutes=draw(st.sampled_from([0, 1, 37]))))


# ---------------------------------------------------------------------------------------------
# Comparing
# ---------------------------------------------------------------------------------------------

def assert_same(got, want, path: str = "") -> None:
    """Equal, with floats compared to 1e-9 (relative and absolute)."""
    if isinstance(want, float) and isinstance(got, float):
        assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9), (path, got, want)
    elif isinstance(want, dict):
        assert isinstance(got, dict), (path, got)
        assert set(got) == set(want), (path, sorted(set(got) ^ set(want)))
        for k in want:
            assert_same(got[k], want[k], f"{path}.{k}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), (path, got, want)
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            assert_same(g, w, f"{path}[{i}]")
    else:
        assert type(got) is type(want) and got == want, (path, got, want)


def json_ok(value) -> None:
    """The figures are plain JSON: dumping and loading gives the same value back."""
    assert json.loads(json.dumps(value, allow_nan=False)) == value


# ---------------------------------------------------------------------------------------------
# Oracles: slow, plain Python over rows
# ---------------------------------------------------------------------------------------------

def iso(t: datetime | None) -> str | None:
    return None if t is None else t.astimezone(UTC).isoformat()


def contributes(r: dict) -> bool:
    return act.is_contribution(r["kind"])


def ratio(n, d):
    return None if d == 0 else n / d


def mean_or_none(values):
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def month_of(t: datetime) -> int:
    t = t.astimezone(UTC)
    return t.year * 12 + t.month - 1


def month_start(m: int) -> datetime:
    return datetime(m // 12, m % 12 + 1, 1, tzinfo=UTC)


def oracle_activity(rows, period: Period, prev: Period) -> dict:
    s, e, ps, pe = period.start, period.end, prev.start, prev.end
    in_p = [r for r in rows if s <= r["at"] < e]
    by_kind = {k: 0 for k in act.KINDS if k in act.CONTRIBUTION_KINDS}
    by_channel = {"offline": 0, "online": 0}
    activities = 0
    offline_attendances = 0
    held, reach, active = set(), set(), set()
    for r in in_p:
        reach.add(r["actor"])
        if r["target"] is not None:
            reach.add(r["target"])
        if r["kind"] == "attend" and r["object_type"] == "event" and r["object_id"] is not None:
            held.add(r["object_id"])
        if contributes(r):
            activities += 1
            by_kind[r["kind"]] += 1
            by_channel[r["channel"]] += 1
            active.add(r["actor"])
            if r["kind"] == "attend" and r["channel"] == "offline":
                offline_attendances += 1
    first = {}
    for r in rows:
        if contributes(r):
            first[r["actor"]] = min(first.get(r["actor"], r["at"]), r["at"])
    active_prev = {r["actor"] for r in rows if contributes(r) and ps <= r["at"] < pe}
    new = {a for a in active if first[a] >= s}
    return {
        "period": {"start": iso(s), "end": iso(e)},
        "previous_period": {"start": iso(ps), "end": iso(pe)},
        "activities": activities, "activities_by_kind": by_kind,
        "activities_by_channel": by_channel, "events_held": len(held),
        "offline_attendances": offline_attendances, "reach": len(reach),
        "active": len(active), "new": len(new), "returning": len(active - new),
        "lapsed": len(active_prev - active),
        "reactivated": len({a for a in active - active_prev if first[a] < ps}),
    }


def oracle_retention(rows, end: datetime) -> dict:
    months = defaultdict(set)
    for r in rows:
        if contributes(r) and r["at"] < end:
            months[r["actor"]].add(month_of(r["at"]))
    out = {"end": iso(end), "last_month_partial": False, "cohorts": [], "months": [],
           "offsets": [], "matrix": [], "counts": []}
    if not months:
        return out
    last = month_of(end - timedelta(microseconds=1))
    out["last_month_partial"] = month_start(last + 1) != end
    first = {a: min(ms) for a, ms in months.items()}
    c0 = min(first.values())
    width = last - c0 + 1
    out["offsets"] = list(range(width))
    for c in range(c0, last + 1):
        cohort = [a for a in first if first[a] == c]
        counts, shares = [], []
        for k in range(width):
            if c + k > last:
                counts.append(None)
                shares.append(None)
            else:
                n = sum(1 for a in cohort if c + k in months[a])
                counts.append(n)
                shares.append(n / len(cohort) if cohort else None)
        label = f"{c // 12:04d}-{c % 12 + 1:02d}"
        out["cohorts"].append({"cohort": label, "size": len(cohort),
                               "retention": shares[:last - c + 1]})
        out["months"].append(label)
        out["matrix"].append(shares)
        out["counts"].append(counts)
    return out


class Events:
    """Events, meeting times and online contributions between meetings, the slow way."""

    def __init__(self, rows):
        self.rows = rows
        self.time, self.attendees, self.offline_attendees = {}, defaultdict(set), defaultdict(set)
        for r in rows:
            if r["kind"] == "attend" and r["object_type"] == "event" and r["object_id"] is not None:
                e = r["object_id"]
                self.time[e] = min(self.time.get(e, r["at"]), r["at"])
                self.attendees[e].add(r["actor"])
                if r["channel"] == "offline":
                    self.offline_attendees[e].add(r["actor"])
        self.ordered = sorted(self.time, key=lambda e: (self.time[e], e))
        self.offline = {e for e in self.time if self.offline_attendees[e]}
        self.meeting_times = sorted({self.time[e] for e in self.offline})
        self.online = [r for r in rows if contributes(r) and r["channel"] == "online"
                       and not (r["kind"] == "attend" and r["object_type"] == "event"
                                and r["object_id"] in self.offline)]

    def online_by(self, person, start, end) -> bool:
        return any(r["actor"] == person and start <= r["at"] < end for r in self.online)

    def covered_weeks(self, start, weeks) -> int:
        return sum(1 for k in range(weeks)
                   if any(start + k * WEEK <= r["at"] < start + (k + 1) * WEEK
                          for r in self.online))

    def next_meeting(self, t):
        later = [m for m in self.meeting_times if m > t]
        return min(later) if later else None


def oracle_events(rows, period: Period) -> dict:
    ev = Events(rows)
    items = []
    for e in ev.ordered:
        t = ev.time[e]
        if not period.start <= t < period.end:
            continue

        def returning(p, t=t):
            return any(p in ev.attendees[e2] and ev.time[e2] < t for e2 in ev.time)

        ret = sum(1 for p in ev.attendees[e] if returning(p))
        item = {"event": e, "at": iso(t), "offline": e in ev.offline,
                "attendees": len(ev.attendees[e]), "returning_attendees": ret,
                "return_rate": ratio(ret, len(ev.attendees[e])),
                "first_time_offline_attendees": None, "converted": None, "conversion": None}
        if e in ev.offline:
            firsts = [p for p in ev.offline_attendees[e] if not returning(p)]
            conv = sum(1 for p in firsts if ev.online_by(p, t, t + timedelta(days=30)))
            item.update(first_time_offline_attendees=len(firsts), converted=conv,
                        conversion=ratio(conv, len(firsts)))
        items.append(item)
    offline = [i for i in items if i["offline"]]
    firsts = sum(i["first_time_offline_attendees"] for i in offline)
    conv = sum(i["converted"] for i in offline)
    return {"period": {"start": iso(period.start), "end": iso(period.end)}, "events": items,
            "events_in_period": len(items),
            "return_rate_mean": mean_or_none([i["return_rate"] for i in items]),
            "offline_events": len(offline), "first_time_offline_attendees": firsts,
            "converted": conv, "conversion": ratio(conv, firsts),
            "conversion_mean": mean_or_none([i["conversion"] for i in offline])}


def burstiness(times: list[datetime]):
    times = sorted(times)
    taus = [(b - a).total_seconds() for a, b in itertools.pairwise(times)]
    mu, sigma = statistics.fmean(taus), statistics.pstdev(taus)
    return None if sigma + mu == 0 else (sigma - mu) / (sigma + mu)


def oracle_member_burstiness(rows, period: Period) -> dict:
    times = defaultdict(list)
    for r in rows:
        if contributes(r) and period.start <= r["at"] < period.end:
            times[r["actor"]].append(r["at"])
    return {a: (len(ts), burstiness(ts)) for a, ts in times.items() if len(ts) >= 3}


def oracle_responses(posts, period: Period) -> list[dict]:
    openings = {}
    for p in sorted(posts, key=lambda p: (p["at"], p["post"])):
        if p["parent"] is None and p["discussion"] not in openings:
            openings[p["discussion"]] = p
    out = []
    for d, o in sorted(openings.items()):
        if not period.start <= o["at"] < period.end:
            continue
        replies = [p["at"] for p in posts if p["discussion"] == d and p["parent"] is not None
                   and p["author"] != o["author"]]
        first = min(replies) if replies else None
        out.append({"question": o["question"],
                    "hours": None if first is None else (first - o["at"]).total_seconds() / 3600,
                    "accepted": any(p["accepted"] for p in posts if p["discussion"] == d)})
    return out


def response_summary(items) -> dict:
    hours = [i["hours"] for i in items if i["hours"] is not None]
    within = sum(1 for h in hours if h <= 168)
    return {"discussions": len(items), "answered": len(hours),
            "answered_share": ratio(len(hours), len(items)),
            "median_hours": statistics.median(hours) if hours else None,
            "answered_within_7_days": within, "within_7_days_share": ratio(within, len(items))}


def oracle_warmth(rows, posts, period: Period) -> dict:
    s, e = period.start, period.end
    ev = Events(rows)
    last = {}
    for r in rows:
        if contributes(r) and r["at"] < e:
            last[r["actor"]] = max(last.get(r["actor"], r["at"]), r["at"])
    days = [(e - t).total_seconds() / 86400 for t in last.values()]
    gaps = []
    for a, b in zip(ev.meeting_times, ev.meeting_times[1:], strict=False):
        if s <= b < e:
            weeks = (b - a) // WEEK
            covered = ev.covered_weeks(a, weeks)
            gaps.append({"from": iso(a), "to": iso(b), "weeks": weeks, "covered_weeks": covered,
                         "coverage": ratio(covered, weeks)})
    carry = []
    for x in ev.ordered:
        if x not in ev.offline:
            continue
        t, nxt = ev.time[x], ev.next_meeting(ev.time[x])
        if nxt is None or not s <= nxt < e:
            continue
        people = ev.offline_attendees[x]
        n = sum(1 for p in people if ev.online_by(p, t, nxt))
        carry.append({"event": x, "at": iso(t), "next_at": iso(nxt), "attendees": len(people),
                      "carried_over": n, "share": ratio(n, len(people))})
    responses = oracle_responses(posts, period)
    questions = [i for i in responses if i["question"]]
    q = response_summary(questions)
    accepted = sum(1 for i in questions if i["accepted"])
    q.update(accepted=accepted, accepted_share=ratio(accepted, len(questions)))
    network_times = [r["at"] for r in rows if contributes(r) and s <= r["at"] < e]
    members = [b for _, b in oracle_member_burstiness(rows, period).values() if b is not None]
    return {
        "period": {"start": iso(s), "end": iso(e)},
        "days_since_last_contribution": (e - max(last.values())).total_seconds() / 86400
        if last else None,
        "members_with_contributions": len(last),
        "member_days_since_last_median": statistics.median(days) if days else None,
        "gaps": gaps, "gap_coverage_mean": mean_or_none([g["coverage"] for g in gaps]),
        "carry_over": carry, "carry_over_mean": mean_or_none([c["share"] for c in carry]),
        "time_to_first_response": {**response_summary(responses), "questions": q},
        "burstiness_network": burstiness(network_times) if len(network_times) >= 3 else None,
        "burstiness_members": len(members),
        "burstiness_member_median": statistics.median(members) if members else None,
        "burstiness_member_mean": statistics.fmean(members) if members else None,
    }


def oracle_between(rows, at: datetime) -> dict:
    rows = [r for r in rows if r["at"] < at]
    ev = Events(rows)
    last_online = max((r["at"] for r in ev.online), default=None)
    out = {"at": iso(at),
           "days_since_last_online_contribution": None if last_online is None
           else (at - last_online).total_seconds() / 86400,
           "last_meeting": None, "gap_weeks_so_far": 0, "gap_weeks_covered": 0,
           "gap_coverage_so_far": None, "last_meeting_attendees": 0,
           "quiet_since_last_meeting": []}
    if not ev.meeting_times:
        return out
    t = ev.meeting_times[-1]
    weeks = (at - t) // WEEK
    covered = ev.covered_weeks(t, weeks)
    last_events = sorted(e for e in ev.offline if ev.time[e] == t)
    people = set().union(*(ev.offline_attendees[e] for e in last_events))
    since = {r["actor"] for r in rows if contributes(r) and r["at"] >= t
             and not (r["object_type"] == "event" and r["object_id"] in last_events)}
    out.update(last_meeting={"at": iso(t), "events": last_events}, gap_weeks_so_far=weeks,
               gap_weeks_covered=covered, gap_coverage_so_far=ratio(covered, weeks),
               last_meeting_attendees=len(people),
               quiet_since_last_meeting=sorted(people - since))
    return out


RANK = {"exploring": 1, "participating": 2, "contributing": 3, "leading": 4}


def oracle_levels(rows, at: datetime) -> dict[int, str]:
    kinds, hosts, gives, intros = defaultdict(set), defaultdict(int), defaultdict(int), \
        defaultdict(set)
    for r in rows:
        if not at - timedelta(days=365) <= r["at"] < at:
            continue
        a = r["actor"]
        kinds[a].add(r["kind"])
        hosts[a] += r["kind"] == "host"
        gives[a] += r["kind"] == "give"
        if r["kind"] == "introduce":
            intros[a].add(("id", r["object_id"]) if r["object_id"] is not None
                          else ("at", r["at"]))
    out = {}
    for a, ks in kinds.items():
        if hosts[a] or len(intros[a]) >= 3 or gives[a] >= 3:
            out[a] = "leading"
        elif ks & {"answer", "give", "offer", "host", "story"}:
            out[a] = "contributing"
        elif any(act.is_contribution(k) and k != "react" for k in ks):
            out[a] = "participating"
        elif ks & {"rsvp", "react", "join"}:
            out[a] = "exploring"
    return out


def quarter_of(at: datetime) -> datetime:
    at = at.astimezone(UTC)
    return datetime(at.year, (at.month - 1) // 3 * 3 + 1, 1, tzinfo=UTC)


def oracle_quarterly(rows, at: datetime) -> dict[int, str]:
    now, then = oracle_levels(rows, at), oracle_levels(rows, quarter_of(at))
    return {p: max((lv for lv in (now.get(p), then.get(p)) if lv), key=RANK.__getitem__)
            for p in set(now) | set(then)}


def oracle_stories(rows, stories, period: Period) -> dict:
    chosen = sorted((s for s in stories if period.start <= s["at"] < period.end),
                    key=lambda s: (s["at"], s["story"]))
    by_cycle = dict.fromkeys(CYCLES, 0)
    for s in chosen:
        key = s["cycle"] or "unknown"
        by_cycle[key] = by_cycle.get(key, 0) + 1
    totals = {k: 0 for k in act.KINDS if k in act.CONTRIBUTION_KINDS and k != "story"}
    items = []
    for s in chosen:
        kinds = defaultdict(int)
        for r in rows:
            if (r["actor"] == s["author"] and contributes(r) and r["kind"] != "story"
                    and s["at"] - timedelta(days=90) <= r["at"] < s["at"]):
                kinds[r["kind"]] += 1
                totals[r["kind"]] += 1
        items.append({"story": s["story"], "author": s["author"], "at": iso(s["at"]),
                      "cycle": s["cycle"], "title": s["title"],
                      "linked_activities": sum(kinds.values()),
                      "linked_by_kind": dict(sorted(kinds.items()))})
    applied = sum(by_cycle[c] for c in ("applied", "realised", "reframing"))
    linked = sum(1 for i in items if i["linked_activities"])
    return {"period": {"start": iso(period.start), "end": iso(period.end)},
            "stories": len(chosen), "by_cycle": by_cycle, "applied_or_beyond": applied,
            "applied_or_beyond_share": ratio(applied, len(chosen)),
            "stories_with_linked_activities": linked, "linked_share": ratio(linked, len(chosen)),
            "linked_activities_by_kind": totals, "items": items}


# ---------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------

@PROPERTY
@given(st.data())
def test_activity_figures_match_oracle(d):
    net = d.draw(logs())
    period = d.draw(periods(net["span"]))
    got = activity_figures(data_of(net), period)
    json_ok(got)
    assert_same(got, oracle_activity(net["rows"], period, period.previous()))


@PROPERTY
@given(st.data())
def test_monthly_series_matches_activity_figures_and_oracle(d):
    net = d.draw(logs())
    data = data_of(net)
    start = BASE + timedelta(minutes=d.draw(st.integers(-40 * 1440, net["span"])))
    end = start + timedelta(minutes=d.draw(st.integers(1, 500 * 1440)))
    series = monthly_activity_series(data, start, end)
    json_ok(series)
    months = list(range(month_of(start), month_of(end - timedelta(microseconds=1)) + 1))
    assert [m["month"] for m in series] == [f"{m // 12:04d}-{m % 12 + 1:02d}" for m in months]
    for m, got in zip(months, series, strict=True):
        month = Period(month_start(m), month_start(m + 1))
        prev = Period(month_start(m - 1), month_start(m))
        single = activity_figures(data, month, previous=prev)
        for key in ("period", "previous_period"):
            single.pop(key)
        assert got.pop("month") == f"{m // 12:04d}-{m % 12 + 1:02d}"
        assert (got.pop("start"), got.pop("end")) == (iso(month.start), iso(month.end))
        assert_same(got, single)
        want = oracle_activity(net["rows"], month, prev)
        del want["period"], want["previous_period"]
        assert_same(got, want)


@PROPERTY
@given(st.data())
def test_retention_cohorts_match_oracle(d):
    net = d.draw(logs())
    end = BASE + timedelta(minutes=d.draw(st.one_of(st.integers(1, net["span"] + 1440),
                                                     st.sampled_from(MONTH_STARTS[1:27]))))
    got = retention_cohorts(data_of(net), end)
    json_ok(got)
    assert_same(got, oracle_retention(net["rows"], end))


@PROPERTY
@given(st.data())
def test_event_figures_match_oracle(d):
    net = d.draw(logs())
    period = d.draw(periods(net["span"]))
    got = event_figures(data_of(net), period)
    json_ok(got)
    assert_same(got, oracle_events(net["rows"], period))


@PROPERTY
@given(st.data())
def test_warmth_figures_match_oracle(d):
    net = d.draw(logs())
    period = d.draw(periods(net["span"]))
    data = data_of(net)
    got = warmth_figures(data, period)
    json_ok(got)
    assert_same(got, oracle_warmth(net["rows"], net["posts"], period))
    per_member = {p: (n, b) for p, n, b in member_burstiness(data, period).iter_rows()}
    want = oracle_member_burstiness(net["rows"], period)
    assert set(per_member) == set(want)
    for p, (n, b) in want.items():
        assert per_member[p][0] == n
        assert (per_member[p][1] is None) == (b is None)
        if b is not None:
            assert math.isclose(per_member[p][1], b, rel_tol=1e-9, abs_tol=1e-9)


@PROPERTY
@given(st.data())
def test_between_meetings_matches_oracle(d):
    net = d.draw(logs())
    at = net["time"]() + timedelta(minutes=d.draw(st.sampled_from([0, 1, 60 * 24 * 9])))
    got = between_meetings(data_of(net), at)
    json_ok(got)
    assert_same(got, oracle_between(net["rows"], at))


@PROPERTY
@given(st.data())
def test_engagement_levels_match_oracle(d):
    net = d.draw(logs())
    at = net["time"]() + timedelta(days=d.draw(st.sampled_from([0, 1, 100, 380])))
    data = data_of(net)
    assert dict(engagement_levels(data, at).iter_rows()) == oracle_levels(net["rows"], at)
    quarterly = dict(quarterly_levels(data, at).iter_rows())
    assert quarterly == oracle_quarterly(net["rows"], at)
    figures = engagement_figures(data, at)
    json_ok(figures)
    staff = {p["person"] for p in net["people"] if p["role"] == "facilitator"}
    for key, people in (("levels", [p for p in quarterly if p not in staff]),
                        ("facilitators", [p for p in quarterly if p in staff])):
        want = {lv: sum(1 for p in people if quarterly[p] == lv)
                for lv in ("leading", "contributing", "participating", "exploring")}
        assert figures[key] == want
    assert figures["total"] == sum(figures["levels"].values())


@PROPERTY
@given(st.data())
def test_story_figures_match_oracle(d):
    net = d.draw(logs())
    period = d.draw(periods(net["span"]))
    got = story_figures(data_of(net), period)
    json_ok(got)
    assert_same(got, oracle_stories(net["rows"], net["stories"], period))


# ---------------------------------------------------------------------------------------------
# Hand-computed examples
# ---------------------------------------------------------------------------------------------

def t(days: float, hours: float = 0) -> datetime:
    return BASE + timedelta(days=days, hours=hours)


def small_network() -> NetworkData:
    """Two meetings (1 Jan and 1 Mar 2023) and some online activity around them."""
    rows = [
        row(1, 1, "attend", t(0), channel="offline", object_type="event", object_id=10),
        row(2, 2, "attend", t(0, 1), channel="offline", object_type="event", object_id=10),
        row(3, 1, "post", t(3), object_type="discussion", object_id=1),
        row(4, 2, "reply", t(40), target=1, object_type="post", object_id=1),
        row(5, 1, "attend", t(59), channel="offline", object_type="event", object_id=11),
        row(6, 3, "attend", t(59), channel="offline", object_type="event", object_id=11),
        row(7, 3, "rsvp", t(69), object_type="event", object_id=12),
    ]
    posts = [
        {"post": 1, "discussion": 1, "author": 1, "parent": None, "at": t(0), "question": True,
         "accepted": False},
        {"post": 2, "discussion": 1, "author": 1, "parent": 1, "at": t(0, 1), "question": True,
         "accepted": False},
        {"post": 3, "discussion": 1, "author": 2, "parent": 2, "at": t(0, 5), "question": True,
         "accepted": True},
        {"post": 4, "discussion": 2, "author": 2, "parent": None, "at": t(1), "question": False,
         "accepted": False},
        {"post": 5, "discussion": 2, "author": 3, "parent": 4, "at": t(9), "question": False,
         "accepted": False},
    ]
    stories = [{"story": 1, "author": 1, "at": t(60), "cycle": "applied", "title": "x"},
               {"story": 2, "author": 3, "at": t(60), "cycle": "immediate", "title": "y"}]
    return network(rows, posts, stories)


def test_hand_example_activity_and_events():
    data = small_network()
    period = Period(t(0), t(90))
    fig = activity_figures(data, period)
    assert (fig["activities"], fig["events_held"], fig["reach"], fig["active"], fig["new"]) == \
        (6, 2, 3, 3, 3)
    assert fig["activities_by_channel"] == {"offline": 4, "online": 2}
    assert fig["offline_attendances"] == 4
    series = monthly_activity_series(data, t(0), t(90))
    march = series[2]
    assert march["month"] == "2023-03"
    # person 1: January, not February, March -> reactivated; person 2: February only -> lapsed
    assert (march["active"], march["new"], march["returning"], march["lapsed"],
            march["reactivated"]) == (2, 1, 1, 1, 1)
    ev = event_figures(data, period)
    assert [e["return_rate"] for e in ev["events"]] == [0.0, 0.5]
    # event 10: person 1 posts online 3 days later (converted), person 2 only after 40 days
    assert ev["events"][0]["conversion"] == 0.5
    assert ev["conversion"] == 1 / 3 and ev["return_rate_mean"] == 0.25


def test_hand_example_warmth():
    data = small_network()
    fig = warmth_figures(data, Period(t(0), t(90)))
    # 1 Jan -> 1 Mar 2023 is 59 days: 8 whole weeks; online rows in week 0 (day 3), 5 (day 40)
    assert fig["gaps"] == [{"from": iso(t(0)), "to": iso(t(59)), "weeks": 8,
                            "covered_weeks": 2, "coverage": 0.25}]
    assert fig["carry_over"][0]["share"] == 1.0
    assert fig["days_since_last_contribution"] == 31.0
    ttfr = fig["time_to_first_response"]
    # discussion 1: the opener's own reply is skipped, first response after 5 h; 2: 8 days
    assert (ttfr["discussions"], ttfr["answered"], ttfr["median_hours"]) == (2, 2, 98.5)
    assert ttfr["within_7_days_share"] == 0.5
    assert ttfr["questions"]["median_hours"] == 5.0 and ttfr["questions"]["accepted"] == 1
    now = between_meetings(data, t(73))
    assert now["last_meeting"] == {"at": iso(t(59)), "events": [11]}
    assert (now["gap_weeks_so_far"], now["gap_weeks_covered"]) == (2, 0)
    assert now["quiet_since_last_meeting"] == [1, 3]  # an RSVP is no contribution
    assert now["days_since_last_online_contribution"] == 33.0


def test_hand_example_retention():
    rows = [row(1, 1, "post", t(1)), row(2, 1, "post", t(40)), row(3, 1, "post", t(95)),
            row(4, 2, "post", t(2)), row(5, 3, "post", t(33)), row(6, 3, "post", t(60)),
            row(7, 4, "join", t(1))]
    got = retention_cohorts(network(rows), datetime(2023, 5, 1, tzinfo=UTC))
    assert got["months"] == ["2023-01", "2023-02", "2023-03", "2023-04"]
    assert [c["size"] for c in got["cohorts"]] == [2, 1, 0, 0]
    assert got["matrix"] == [[1.0, 0.5, 0.0, 0.5], [1.0, 1.0, 0.0, None],
                             [None, None, None, None], [None, None, None, None]]
    assert got["last_month_partial"] is False


def test_hand_example_burstiness():
    hourly = [row(i, 1, "post", t(0, i)) for i in range(1, 5)]
    same = [row(10 + i, 2, "post", t(1)) for i in range(3)]
    data = network(hourly + same)
    per = {p: b for p, _, b in member_burstiness(data, Period(t(0), t(2))).iter_rows()}
    assert per[2] is None  # all at one instant: sigma + mu = 0, undefined
    assert math.isclose(per[1], -1.0)  # perfectly regular
    # intervals 1 h and 3 h: mu = 2 h, sigma = 1 h, B = (1 - 2) / (1 + 2)
    data = network([row(1, 1, "post", t(0)), row(2, 1, "post", t(0, 1)),
                    row(3, 1, "post", t(0, 4))])
    assert math.isclose(warmth_figures(data, Period(t(0), t(1)))["burstiness_network"], -1 / 3)


def test_hand_example_engagement_and_quarterly_review():
    rows = [
        row(1, 1, "host", datetime(2023, 2, 10, tzinfo=UTC), object_type="event", object_id=1),
        row(2, 1, "attend", datetime(2023, 12, 1, tzinfo=UTC), object_type="event", object_id=2),
        # person 2: three rows but two introductions -> not leading
        *[row(3 + i, 2, "introduce", datetime(2023, 11, 1 + i // 2, tzinfo=UTC), target=5 + i,
              object_type="introduction", object_id=1 + i // 2) for i in range(3)],
        row(7, 3, "react", datetime(2023, 12, 5, tzinfo=UTC), target=1),
        row(8, 4, "leave", datetime(2023, 12, 5, tzinfo=UTC)),
        *[row(9 + i, 5, "introduce", datetime(2023, 10, 1 + i, tzinfo=UTC), target=1,
              object_type="introduction", object_id=10 + i) for i in range(3)],
    ]
    people = [{"person": 5, "sector": "other", "organisation": "", "role": "facilitator"}]
    data = network(rows, people=people)
    at = datetime(2024, 2, 15, tzinfo=UTC)
    assert dict(engagement_levels(data, at).iter_rows()) == {
        1: "participating", 2: "participating", 3: "exploring", 5: "leading"}
    # the host row fell out of the look-back after 10 Feb, but demotion waits for 1 April
    assert dict(quarterly_levels(data, at).iter_rows())[1] == "leading"
    later = datetime(2024, 4, 2, tzinfo=UTC)
    assert dict(quarterly_levels(data, later).iter_rows())[1] == "participating"
    fig = engagement_figures(data, at)
    assert fig["levels"] == {"leading": 1, "contributing": 0, "participating": 1,
                             "exploring": 1}
    assert fig["facilitators"]["leading"] == 1 and fig["total"] == 3


def test_hand_example_stories_and_time_zones():
    data = small_network()
    amsterdam = ZoneInfo("Europe/Amsterdam")
    period = Period(datetime(2023, 1, 1, 1, tzinfo=amsterdam),
                    datetime(2023, 4, 1, 2, tzinfo=amsterdam))  # = t(0) .. t(90) in UTC
    fig = story_figures(data, period)
    assert fig["by_cycle"] == {"immediate": 1, "potential": 0, "applied": 1, "realised": 0,
                               "reframing": 0}
    assert fig["applied_or_beyond_share"] == 0.5
    # story 1 (person 1, day 60): attend day 0, post day 3, attend day 59; story 2: attend day 59
    assert [i["linked_by_kind"] for i in fig["items"]] == [{"attend": 2, "post": 1},
                                                            {"attend": 1}]
    assert fig["linked_share"] == 1.0
    assert activity_figures(data, period)["activities"] == 6


def test_empty_network():
    data = network([])
    period = Period(t(0), t(90))
    assert activity_figures(data, period)["reach"] == 0
    assert monthly_activity_series(data, t(0), t(40))[1]["active"] == 0
    assert retention_cohorts(data, t(90))["cohorts"] == []
    assert event_figures(data, period)["return_rate_mean"] is None
    warmth = warmth_figures(data, period)
    assert warmth["days_since_last_contribution"] is None and warmth["gaps"] == []
    assert between_meetings(data, t(5))["last_meeting"] is None
    assert engagement_figures(data, t(5))["total"] == 0
    assert story_figures(data, period)["applied_or_beyond_share"] is None


def test_hand_example_window_boundaries():
    """Half-open windows: conversion [t, t + 30 days), carry-over [t, next meeting), first
    response within 7 days inclusive."""
    meeting = {"channel": "offline", "object_type": "event"}
    rows = [
        row(1, 1, "attend", t(0), object_id=1, **meeting),
        row(2, 2, "attend", t(0), object_id=1, **meeting),
        row(3, 3, "attend", t(0), object_id=1, **meeting),
        row(4, 1, "post", t(30) - timedelta(minutes=1)),  # converted
        row(5, 2, "post", t(30)),  # just too late
        row(6, 3, "post", t(0)),  # at the event's time: converted
        row(7, 4, "attend", t(30), object_id=2, **meeting),  # next meeting
    ]
    posts = [
        {"post": 1, "discussion": 1, "author": 1, "parent": None, "at": t(1), "question": False,
         "accepted": False},
        {"post": 2, "discussion": 1, "author": 2, "parent": 1, "at": t(8), "question": False,
         "accepted": False},
    ]
    data = network(rows, posts)
    ev = event_figures(data, Period(t(0), t(1)))
    assert (ev["first_time_offline_attendees"], ev["converted"]) == (3, 2)
    warm = warmth_figures(data, Period(t(0), t(31)))
    assert warm["carry_over"][0]["carried_over"] == 2  # person 2's post is at the meeting
    # 30 days = 4 whole weeks (days 0-28); the post at day 29.99 is in the partial fifth week
    assert warm["gaps"][0]["weeks"] == 4 and warm["gaps"][0]["covered_weeks"] == 1
    assert warm["time_to_first_response"]["within_7_days_share"] == 1.0  # exactly 168 h


def test_story_links_window_and_story_rows():
    """Linked: the author's contributions in [at - 90 days, at), story rows left out."""
    at = t(120)
    rows = [
        row(1, 1, "story", t(100)),  # an earlier story: not what created the value
        row(2, 1, "give", t(110), target=2),
        row(3, 1, "reply", at - timedelta(days=90), target=2),  # first instant of the window
        row(4, 1, "post", at - timedelta(days=90, minutes=1)),  # just outside
        row(5, 1, "rsvp", t(111)),  # not a contribution
        row(6, 2, "post", t(111)),  # someone else
        row(7, 1, "story", at),  # the story's own row
    ]
    stories = [{"story": 9, "author": 1, "at": at, "cycle": "realised", "title": "z"}]
    fig = story_figures(network(rows, stories=stories), Period(t(100), t(130)))
    assert fig["items"][0]["linked_by_kind"] == {"give": 1, "reply": 1}
    assert fig["by_cycle"]["realised"] == 1 and fig["applied_or_beyond"] == 1


# ---------------------------------------------------------------------------------------------
# Events held from the events themselves (issue 17)
# ---------------------------------------------------------------------------------------------

@st.composite
def listed_histories(draw) -> dict:
    """Listed events (some with attendance, some with RSVPs only), unlisted events known from
    attendance alone, and RSVP rows whose answers change."""
    span = 400 * 1440
    minute = st.integers(0, span)
    listed = {e: BASE + timedelta(minutes=draw(minute)) for e in range(1, draw(
        st.integers(0, 6)) + 1)}
    rows, i = [], 0
    for _ in range(draw(st.integers(0, 40))):
        i += 1
        event = draw(st.integers(1, 10))  # 7-10 are never listed
        at = BASE + timedelta(minutes=draw(minute))
        kind = draw(st.sampled_from([act.ATTEND, act.RSVP, act.RSVP]))
        r = row(i, draw(st.integers(1, 8)), kind, at, object_type="event", object_id=event,
                channel=draw(st.sampled_from(act.CHANNELS)))
        r["weight"] = draw(st.sampled_from([0.0, 0.5, 1.0])) if kind == act.RSVP else 1.0
        rows.append(r)
    return {"rows": rows, "listed": listed}


def listed_data(h: dict) -> NetworkData:
    data = network(h["rows"])
    data.events = pl.DataFrame(
        [{"event": e, "at": at, "mode": "offline"} for e, at in h["listed"].items()],
        schema=EVENTS_SCHEMA)
    return data


def oracle_events_held(h: dict, period: Period) -> dict:
    """Written from METRICS.md 1: listed events by their start, unlisted ones by attendance;
    the last RSVP (by time, then id) of each person to each listed event held in P without
    any attendance."""
    inside = lambda at: period.start <= at < period.end  # noqa: E731
    listed = {e for e, at in h["listed"].items() if inside(at)}
    unlisted = {r["object_id"] for r in h["rows"] if r["kind"] == act.ATTEND
                and r["object_id"] not in h["listed"] and inside(r["at"])}
    attended = {r["object_id"] for r in h["rows"] if r["kind"] == act.ATTEND}
    bare = listed - attended
    last: dict[tuple[int, int], dict] = {}
    for r in sorted(h["rows"], key=lambda r: (r["at"], r["id"])):
        if r["kind"] == act.RSVP and r["object_id"] in bare:
            last[(r["object_id"], r["actor"])] = r
    return {"events_held": len(listed) + len(unlisted), "events_without_attendance": len(bare),
            "rsvp_going": len({a for (_, a), r in last.items() if r["weight"] >= 1}),
            "rsvp_answers": len({a for _, a in last})}


@PROPERTY
@given(st.data())
def test_events_held_come_from_the_events_themselves(d):
    """An event listed with its start is held when it starts, recorded attendance or not
    (an RSVP-only history still holds events); the monthly series agrees month by month."""
    h = d.draw(listed_histories())
    data = listed_data(h)
    period = d.draw(periods(400 * 1440))
    want = oracle_events_held(h, period)
    assert activity_figures(data, period)["events_held"] == want.pop("events_held")
    assert rsvp_figures(data, period) == want
    end = BASE + timedelta(days=420)
    for month in monthly_activity_series(data, BASE, end):
        whole = Period(datetime.fromisoformat(month["start"]), datetime.fromisoformat(
            month["end"]))
        assert month["events_held"] == oracle_events_held(h, whole)["events_held"]


def test_an_rsvp_only_history_holds_its_events_and_says_who_was_coming():
    at = BASE + timedelta(days=10)
    h = {"listed": {1: at, 2: at + WEEK},
         "rows": [row(1, 5, act.RSVP, at - WEEK, object_type="event", object_id=1),
                  row(2, 6, act.RSVP, at - WEEK, object_type="event", object_id=1),
                  row(3, 6, act.RSVP, at - timedelta(days=1), object_type="event",
                      object_id=1),
                  row(4, 7, act.RSVP, at, object_type="event", object_id=2)]}
    h["rows"][2]["weight"] = 0.0  # person 6 said no in the end
    period = Period(BASE, BASE + timedelta(days=90))
    data = listed_data(h)
    assert activity_figures(data, period)["events_held"] == 2
    assert activity_figures(network(h["rows"]), period)["events_held"] == 0  # as before
    assert rsvp_figures(data, period) == {"events_without_attendance": 2, "rsvp_going": 2,
                                          "rsvp_answers": 3}


# ---------------------------------------------------------------------------------------------
# The member view (issue 19): the engine's figures, months in the network's time zone
# ---------------------------------------------------------------------------------------------

def oracle_member(rows: list[dict], person: int, end: datetime, months: int,
                  tz: str) -> dict:
    """Written from METRICS.md 1 ("Member view"), one row at a time."""
    zone = ZoneInfo(tz)
    last = (end - timedelta(microseconds=1)).astimezone(zone)
    labels = []
    year, month = last.year, last.month
    for _ in range(months):
        labels.insert(0, f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    per_month = dict.fromkeys(labels, 0)
    kinds: dict[str, int] = {}
    events = set()
    for r in rows:
        if r["actor"] != person or r["at"] >= end:
            continue
        if r["kind"] == act.ATTEND and r["object_type"] == "event" and r["object_id"]:
            events.add(r["object_id"])
        if r["kind"] not in act.CONTRIBUTION_KINDS:
            continue
        kinds[r["kind"]] = kinds.get(r["kind"], 0) + 1
        label = f"{r['at'].astimezone(zone):%Y-%m}"
        if label in per_month:
            per_month[label] += 1
    return {"months": labels, "contributions": [per_month[m] for m in labels],
            "by_kind": sorted(kinds.items(), key=lambda kn: (-kn[1], kn[0])),
            "total": sum(kinds.values()), "events_attended": len(events)}


@PROPERTY
@given(st.data())
def test_member_figures_match_oracle(d):
    """The member view counts as the engine does, in the network's time zone: rows at month
    boundaries in local time fall in the local month."""
    net = d.draw(logs())
    tz = d.draw(st.sampled_from(["UTC", "Europe/Amsterdam", "Pacific/Auckland",
                                 "America/St_Johns"]))
    end = BASE + timedelta(minutes=d.draw(st.one_of(
        st.integers(1, net["span"] + 1440), st.sampled_from(MONTH_STARTS[1:27]))))
    months = d.draw(st.integers(1, 14))
    actors = sorted({r["actor"] for r in net["rows"] if r["actor"] is not None}) or [1]
    person = d.draw(st.sampled_from(actors))
    got = member_figures(data_of(net).log, person, end, months=months, tz=tz)
    assert got == oracle_member(net["rows"], person, end, months, tz)


def test_member_months_are_local_months():
    """23:30 UTC on 31 January is 1 February in Amsterdam: a February contribution there."""
    rows = [row(1, 7, act.POST, datetime(2026, 1, 31, 23, 30, tzinfo=UTC)),
            row(2, 7, act.RSVP, datetime(2026, 1, 15, tzinfo=UTC), object_type="event",
                object_id=3)]
    end = datetime(2026, 2, 10, tzinfo=UTC)
    local = member_figures(network(rows).log, 7, end, months=2, tz="Europe/Amsterdam")
    assert (local["months"], local["contributions"]) == (["2026-01", "2026-02"], [0, 1])
    utc_view = member_figures(network(rows).log, 7, end, months=2)
    assert utc_view["contributions"] == [1, 0]
    assert (local["total"], local["by_kind"], local["events_attended"]) == (1, [("post", 1)], 0)

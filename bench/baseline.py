"""The baseline of ``bench/report.py``: the engine's report as a good pandas + NetworkX user
writes it.

This is the code someone fluent in pandas and NetworkX would write from METRICS.md: pandas
filters and group-bys for sections 1, 2, 3, 4, 6 and 8 (engagement levels and burstiness as
vectorised group-bys, not loops or ``groupby().apply``), NetworkX graphs for the tie graph and
section 5 built from edge tables (``nx.from_pandas_edgelist``; co-attendance pairs made with a
self-merge per event, not edge by edge), Louvain (``nx.community.louvain_communities``;
NetworkX's Leiden needs a backend) where the engine runs Leiden, the monthly activity series
by group-bys over a month column (no per-month rebuilding of "active before" sets) and the
monthly graphs from the log split by month once, and topic drift tokenising each distinct
text once. It computes the same figures as :func:`netweave.core.measure.engine.measure` (the
health card's lookup of thresholds aside, which is negligible), with the same definitions,
including the engine's documented choices: events of more than 100 attendees get the seeded
circulant of ``ties.py`` instead of a clique, betweenness is exact up to 5,000 people and
above sampled from as many sources as the engine draws (:func:`betweenness_sources`, the
engine's rule), two-step reach works within the same budget. The stop-word lists of topic
drift are imported from the core and the engine's sampling rule from the engine (data,
not code).

Input: pandas frames read from the Parquet files of ``bench/demo_data.py``.
"""

from __future__ import annotations

import itertools
import re
import time
import unicodedata
from collections import Counter
from datetime import UTC, datetime, timedelta

import networkx as nx
import numpy as np
import pandas as pd
import snowballstemmer
from sklearn.feature_extraction.text import TfidfVectorizer

from netweave.core.measure.structure import betweenness_samples
from netweave.core.text.words import DUTCH_STOP_WORDS, ENGLISH_STOP_WORDS

NOT_CONTRIBUTING = ["join", "leave", "rsvp", "void"]
GIVE_KINDS = ["answer", "reply", "give", "introduce", "host"]
SECTORS = ["government", "business", "civil_society", "knowledge", "residents", "other"]
CLIQUE_LIMIT, BIG_EVENT_DEGREE, SEED = 100, 8, 42
EXACT_BETWEENNESS_LIMIT = 5000
TWO_STEP_BUDGET = 300_000_000
DAY, WEEK = pd.Timedelta(days=1), pd.Timedelta(days=7)


# --- reading -------------------------------------------------------------------------------------

def read(path) -> dict:
    """The five frames of a ``demo_data`` directory as pandas frames."""
    frames = {name: pd.read_parquet(path / f"{name}.parquet")
              for name in ("log", "people", "posts", "texts", "stories")}
    log = frames["log"]
    for column in ("target", "object_id", "corrects"):
        log[column] = log[column].astype("Int64")
    for column in ("kind", "object_type", "channel", "source"):
        log[column] = log[column].astype(str)
    frames["posts"]["parent"] = frames["posts"]["parent"].astype("Int64")
    return frames


# --- helpers -------------------------------------------------------------------------------------

def window(frame: pd.DataFrame, start, end, column: str = "at") -> pd.DataFrame:
    return frame[(frame[column] >= start) & (frame[column] < end)]


def contributions(log: pd.DataFrame) -> pd.DataFrame:
    return log[~log["kind"].isin(NOT_CONTRIBUTING)]


def share(a, b):
    return None if not b else a / b


def mean(values):
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def month_starts(start: datetime, end: datetime) -> list[datetime]:
    m = datetime(start.year, start.month, 1, tzinfo=UTC)
    out = []
    while m < end:
        out.append(m)
        m = (m + timedelta(days=32)).replace(day=1)
    return out


def next_month(m: datetime) -> datetime:
    return (m + timedelta(days=32)).replace(day=1)


# --- section 1 -----------------------------------------------------------------------------------

def activity_figures(log, start, end, prev_start, prev_end) -> dict:
    in_p = window(log, start, end)
    contrib_p = contributions(in_p)
    is_att = (in_p["kind"] == "attend") & (in_p["object_type"] == "event") & in_p[
        "object_id"].notna()
    contrib = contributions(log)
    active = set(contrib_p["actor"])
    active_prev = set(window(contrib, prev_start, prev_end)["actor"])
    before_p = set(contrib[contrib["at"] < start]["actor"])
    before_prev = set(contrib[contrib["at"] < prev_start]["actor"])
    return {
        "activities": len(contrib_p),
        "activities_by_kind": contrib_p["kind"].value_counts().to_dict(),
        "activities_by_channel": contrib_p["channel"].value_counts().to_dict(),
        "events_held": in_p[is_att]["object_id"].nunique(),
        "offline_attendances": int(((contrib_p["kind"] == "attend")
                                    & (contrib_p["channel"] == "offline")).sum()),
        "reach": pd.concat([in_p["actor"], in_p["target"]]).dropna().nunique(),
        "active": len(active),
        "new": len(active - before_p),
        "returning": len(active & before_p),
        "lapsed": len(active_prev - active),
        "reactivated": len((active - active_prev) & before_prev),
    }


def month_key(at: pd.Series) -> pd.Series:
    return at.dt.year * 12 + at.dt.month - 1


def monthly_activity(log, months: list[datetime]) -> list[dict]:
    """:func:`activity_figures` of every calendar month in ``months`` (P-1 the month before),
    by group-bys over a month column: an actor's first contribution month gives new and
    returning; active sets of consecutive months give lapsed and reactivated."""
    m = month_key(log["at"])
    rows = log.assign(m=m)
    c = contributions(rows)
    pairs = c[["actor", "m"]].drop_duplicates()
    first = pairs.groupby("actor")["m"].min()
    active = pairs.groupby("m").size()
    new = first.value_counts()
    both = pairs.assign(m=pairs["m"] + 1).merge(pairs, on=["actor", "m"]).groupby("m").size()
    activities = c.groupby("m").size()
    by_kind = c.groupby(["m", "kind"]).size()
    by_channel = c.groupby(["m", "channel"]).size()
    att = rows[(rows["kind"] == "attend") & (rows["object_type"] == "event")
               & rows["object_id"].notna()]
    events = att.groupby("m")["object_id"].nunique()
    offline = c[(c["kind"] == "attend") & (c["channel"] == "offline")].groupby("m").size()
    people = pd.concat([rows[["m", "actor"]].rename(columns={"actor": "p"}),
                        rows[["m", "target"]].rename(columns={"target": "p"})]).dropna()
    reach = people.drop_duplicates().groupby("m").size()

    def at(series: pd.Series, key: int) -> int:
        return int(series.get(key, 0))

    out = []
    for month in months:
        k = month.year * 12 + month.month - 1
        a, n, b = at(active, k), at(new, k), at(both, k)
        out.append({
            "activities": at(activities, k),
            "activities_by_kind": by_kind.xs(k, level="m").to_dict()
            if k in activities.index else {},
            "activities_by_channel": by_channel.xs(k, level="m").to_dict()
            if k in activities.index else {},
            "events_held": at(events, k), "offline_attendances": at(offline, k),
            "reach": at(reach, k), "active": a, "new": n, "returning": a - n,
            "lapsed": at(active, k - 1) - b, "reactivated": a - b - n})
    return out


def event_table(log):
    att = log[(log["kind"] == "attend") & (log["object_type"] == "event")
              & log["object_id"].notna()].copy()
    att["is_offline"] = att["channel"] == "offline"
    events = (att.groupby("object_id")
              .agg(at=("at", "min"), attendees=("actor", "nunique"), offline=("is_offline", "any"))
              .reset_index().rename(columns={"object_id": "event"}))
    per = (att.groupby(["object_id", "actor"])
           .agg(at=("at", "min"), offline=("is_offline", "any")).reset_index()
           .rename(columns={"object_id": "event", "actor": "person"}))
    return events.sort_values(["at", "event"]), per


def online_between_meetings(log, offline_events):
    contrib = contributions(log)
    meeting = (contrib["kind"] == "attend") & (contrib["object_type"] == "event") & contrib[
        "object_id"].isin(offline_events)
    return contrib[(contrib["channel"] == "online") & ~meeting][["actor", "at"]].sort_values("at")


def event_figures(log, start, end) -> dict:
    events, per = event_table(log)
    per = per.drop(columns="at").merge(events[["event", "at"]], on="event")
    per["first"] = per.groupby("person")["at"].transform("min")
    per["returning"] = per["first"] < per["at"]
    in_p = events[(events["at"] >= start) & (events["at"] < end)]
    per_p = per[per["event"].isin(in_p["event"])]
    online = online_between_meetings(log, events[events["offline"]]["event"])
    newcomers = per_p[per_p["offline"] & ~per_p["returning"]].sort_values("at")
    online = online.rename(columns={"actor": "person", "at": "next_online"})
    newcomers = pd.merge_asof(newcomers, online, left_on="at", right_on="next_online",
                              by="person", direction="forward")
    newcomers["converted"] = newcomers["next_online"] < newcomers["at"] + 30 * DAY
    rows = []
    for _, e in in_p.iterrows():
        mine = per_p[per_p["event"] == e["event"]]
        new = newcomers[newcomers["event"] == e["event"]]
        rows.append({"event": e["event"], "attendees": e["attendees"], "offline": e["offline"],
                     "return_rate": share(int(mine["returning"].sum()), e["attendees"]),
                     "first": len(new) if e["offline"] else None,
                     "converted": int(new["converted"].sum()) if e["offline"] else None})
    first = sum(r["first"] for r in rows if r["offline"])
    conv = sum(r["converted"] for r in rows if r["offline"])
    return {"events": rows, "return_rate_mean": mean([r["return_rate"] for r in rows]),
            "first_time_offline_attendees": first, "converted": conv,
            "conversion": share(conv, first),
            "conversion_mean": mean([share(r["converted"], r["first"]) for r in rows
                                     if r["offline"]])}


def retention(log, end) -> list[dict]:
    c = contributions(log)
    c = c[c["at"] < end]
    pairs = pd.DataFrame({"actor": c["actor"],
                          "m": c["at"].dt.year * 12 + c["at"].dt.month - 1}).drop_duplicates()
    pairs["c"] = pairs.groupby("actor")["m"].transform("min")
    table = pairs.groupby(["c", pairs["m"] - pairs["c"]]).size()
    last = (end - timedelta(microseconds=1)).year * 12 + (end - timedelta(microseconds=1)).month - 1
    out = []
    for cohort in range(int(pairs["c"].min()), last + 1):
        size = int(table.get((cohort, 0), 0))
        out.append({"cohort": cohort, "size": size,
                    "retention": [share(int(table.get((cohort, k), 0)), size)
                                  for k in range(last - cohort + 1)]})
    return out


# --- section 2 -----------------------------------------------------------------------------------

def burstiness(times: pd.Series):
    if len(times) < 3:
        return None
    tau = times.sort_values().diff().dropna().dt.total_seconds()
    mu, sigma = tau.mean(), tau.std(ddof=0)
    return (sigma - mu) / (sigma + mu) if sigma + mu > 0 else None


def burstiness_by_actor(rows: pd.DataFrame) -> pd.Series:
    """:func:`burstiness` of every actor's times at once (sorted diffs, group-by moments)."""
    f = rows[["actor", "at"]].sort_values(["actor", "at"])
    same = f["actor"].eq(f["actor"].shift()).to_numpy()
    tau = f["at"].diff().dt.total_seconds()[same]
    g = tau.groupby(f["actor"][same])
    n, mu, sigma = g.size(), g.mean(), g.std(ddof=0)
    b = (sigma - mu) / (sigma + mu)
    return b[(n >= 2) & (sigma + mu > 0)]


def covered_weeks(online_times: pd.Series, t, weeks: int) -> int:
    hits = online_times[(online_times >= t) & (online_times < t + weeks * WEEK)]
    return ((hits - t) // WEEK).nunique()


def first_responses(posts, start, end) -> pd.DataFrame:
    openings = (posts[posts["parent"].isna()].sort_values(["at", "post"])
                .groupby("discussion").first()[["at", "author", "question"]]
                .rename(columns={"at": "opened", "author": "opener"}))
    replies = posts[posts["parent"].notna()].merge(openings[["opener"]], left_on="discussion",
                                                   right_index=True)
    first = replies[replies["author"] != replies["opener"]].groupby("discussion")["at"].min()
    accepted = posts.groupby("discussion")["accepted"].any()
    out = openings[(openings["opened"] >= start) & (openings["opened"] < end)].copy()
    out["first_response"] = first
    out["hours"] = (out["first_response"] - out["opened"]).dt.total_seconds() / 3600
    out["accepted"] = accepted.reindex(out.index).fillna(False)
    return out


def response_summary(frame) -> dict:
    answered = frame["hours"].dropna()
    within = int((answered <= 7 * 24).sum())
    return {"discussions": len(frame), "answered": len(answered),
            "median_hours": float(answered.median()) if len(answered) else None,
            "within_7_days": within, "within_7_days_share": share(within, len(frame))}


def warmth_figures(log, posts, start, end) -> dict:
    contrib = contributions(log)
    before = contrib[contrib["at"] < end]
    last = before.groupby("actor")["at"].max()
    events, per = event_table(log)
    offline = events[events["offline"]]
    times = sorted(offline["at"].unique())
    online = online_between_meetings(log, offline["event"])["at"]
    gaps = []
    for t, t_next in itertools.pairwise(times):
        if start <= t_next < end:
            weeks = (t_next - t) // WEEK
            gaps.append(share(covered_weeks(online, t, weeks), weeks))
    carry = []
    online_rows = online_between_meetings(log, offline["event"])
    for _, e in offline.iterrows():
        later = [t for t in times if t > e["at"]]
        if not later or not (start <= later[0] < end):
            continue
        who = per[(per["event"] == e["event"]) & per["offline"]]["person"]
        seen = online_rows[(online_rows["at"] >= e["at"]) & (online_rows["at"] < later[0])]
        carry.append(share(int(who.isin(seen["actor"]).sum()), len(who)))
    responses = first_responses(posts, start, end)
    questions = responses[responses["question"]]
    in_p = window(contrib, start, end)
    members = burstiness_by_actor(in_p)
    return {
        "days_since_last_contribution": (end - last.max()).total_seconds() / 86400,
        "member_days_since_last_median": float(((end - last).dt.total_seconds()
                                                / 86400).median()),
        "gap_coverage_mean": mean(gaps), "gaps": len(gaps),
        "carry_over_mean": mean(carry),
        "time_to_first_response": {**response_summary(responses),
                                   "questions": {**response_summary(questions),
                                                 "accepted": int(questions["accepted"].sum())}},
        "burstiness_network": burstiness(in_p["at"]),
        "burstiness_member_median": float(members.median()) if len(members) else None,
    }


def between_meetings(log, at) -> dict:
    log = log[log["at"] < at]
    events, per = event_table(log)
    offline = events[events["offline"]]
    online = online_between_meetings(log, offline["event"])["at"]
    t = offline["at"].max()
    weeks = (at - t) // WEEK
    last_events = offline[offline["at"] == t]["event"]
    attendees = set(per[per["event"].isin(last_events) & per["offline"]]["person"])
    c = contributions(log)
    about = (c["object_type"] == "event") & c["object_id"].isin(last_events)
    since = set(c[(c["at"] >= t) & ~about]["actor"])
    return {"days_since_last_online": (at - online.max()).total_seconds() / 86400,
            "gap_weeks_so_far": weeks, "gap_weeks_covered": covered_weeks(online, t, weeks),
            "quiet": sorted(attendees - since)}


# --- tie graph (section 0) -----------------------------------------------------------------------

_MASK = (1 << 64) - 1


def mix64(x: int) -> int:
    """splitmix64's finaliser, as ``ties.py`` uses to order a big event's attendees."""
    x &= _MASK
    x ^= x >> 30
    x = (x * 0xBF58476D1CE4E5B9) & _MASK
    x ^= x >> 27
    x = (x * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


def _mix64(x: np.ndarray) -> np.ndarray:
    """:func:`mix64` on a uint64 array (wrapping arithmetic)."""
    x = x.astype(np.uint64)
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def co_attendance(att: pd.DataFrame) -> pd.DataFrame:
    """Undirected co-attendance edges ``(a, b, weight)`` of distinct (event, person) rows."""
    att = att.copy()
    att["k"] = att.groupby("event")["person"].transform("size")
    small = att[att["k"] <= CLIQUE_LIMIT]
    pairs = small.merge(small[["event", "person"]], on="event", suffixes=("_a", "_b"))
    pairs = pairs[pairs["person_a"] < pairs["person_b"]]
    clique = pd.DataFrame({"a": pairs["person_a"], "b": pairs["person_b"],
                           "weight": 1.0 / (pairs["k"] - 1)})
    big = att[att["k"] > CLIQUE_LIMIT].copy()
    with np.errstate(over="ignore"):
        salt = _mix64(big["event"].to_numpy().astype(np.uint64) ^ np.uint64(SEED))
        big["key"] = _mix64(salt ^ big["person"].to_numpy().astype(np.uint64))
    big = big.sort_values(["event", "key"])
    pos = big.groupby("event").cumcount().to_numpy()
    k = big["k"].to_numpy()
    start = np.arange(len(big)) - pos
    person = big["person"].to_numpy()
    rings = [pd.DataFrame({"a": person, "b": person[start + (pos + s) % k],
                           "weight": 1.0 / BIG_EVENT_DEGREE})
             for s in range(1, BIG_EVENT_DEGREE // 2 + 1)]
    return pd.concat([clique, *rings], ignore_index=True)


def tie_graphs(log, start, end):
    """(directed interactions, undirected tie graph, active participants) of ``[start, end)``."""
    rows = window(log, start, end)
    contrib = contributions(rows)
    active = set(contrib["actor"].astype(int))
    inter = contrib[contrib["target"].notna()]
    inter = inter[(inter["actor"] != inter["target"]) & (inter["weight"] > 0)]
    arcs = (inter.assign(target=inter["target"].astype("int64"))
            .groupby(["actor", "target"], as_index=False)["weight"].sum())
    d = nx.from_pandas_edgelist(arcs, "actor", "target", "weight", create_using=nx.DiGraph)
    att = rows[(rows["kind"] == "attend") & rows["object_id"].notna()]
    att = (att[["object_id", "actor"]].drop_duplicates()
           .rename(columns={"object_id": "event", "actor": "person"}).astype("int64"))
    edges = pd.concat([arcs.rename(columns={"actor": "a", "target": "b"}),
                       co_attendance(att)], ignore_index=True)
    lo, hi = np.minimum(edges["a"], edges["b"]), np.maximum(edges["a"], edges["b"])
    edges = (pd.DataFrame({"a": lo, "b": hi, "weight": edges["weight"]})
             .groupby(["a", "b"], as_index=False)["weight"].sum())
    g = nx.from_pandas_edgelist(edges, "a", "b", "weight")
    g.add_nodes_from(active)
    g.add_nodes_from(d.nodes)
    return d, g, active


# --- section 3 -----------------------------------------------------------------------------------

def give_take(rows) -> pd.DataFrame:
    rel = rows[rows["kind"].isin(GIVE_KINDS) & (rows["weight"] > 0)]
    rel = rel[rel["target"].isna() | (rel["target"] != rel["actor"])]
    gives = rel.groupby("actor")["weight"].sum().rename("give")
    takes = rel[rel["target"].notna()].groupby("target")["weight"].sum().rename("take")
    out = pd.concat([gives, takes], axis=1).fillna(0.0)
    out["balance"] = (out["give"] - out["take"]) / (out["give"] + out["take"])
    return out


def reciprocity_figures(log, start, end, d, active, per_person=True) -> dict:
    n, ties = d.number_of_nodes(), d.number_of_edges()
    r = nx.reciprocity(d) if ties else None
    abar = ties / (n * (n - 1)) if n > 1 else None
    total = sum(w for _, _, w in d.edges(data="weight"))
    returned = sum(min(w, d[b][a]["weight"]) for a, b, w in d.edges(data="weight")
                   if d.has_edge(b, a))
    gt = give_take(window(log, start, end))
    both = gt[(gt["give"] > 0) & (gt["take"] > 0)]
    reciprocal = len(set(both.index.astype(int)) & active)
    b = gt["balance"].to_numpy()
    out = {"ties": ties, "edge_reciprocity": r,
           "reciprocity_beyond_chance": (r - abar) / (1 - abar) if r is not None else None,
           "weighted_reciprocity": returned / total if total else None,
           "reciprocal_member_share": share(reciprocal, len(active)),
           "balance": {"mean": float(b.mean()) if b.size else None,
                       "quantiles": np.quantile(b, [0.1, 0.25, 0.5, 0.75, 0.9]).tolist()
                       if b.size else None,
                       "histogram": np.histogram(b, bins=np.linspace(-1, 1, 11))[0].tolist()}}
    if per_person:
        out["per_person"] = gt.reset_index().to_dict("list")
    return out


# --- section 4 -----------------------------------------------------------------------------------

def composition(people, g, active, attribute, target_mix) -> dict:
    value = people.set_index("person")[attribute]
    value = value[value.notna() & (value != "")]
    group = {int(p): v for p, v in value.items()}
    counts = Counter(group[p] for p in active if p in group)
    total = sum(counts.values())
    k = len(set(SECTORS) | set(value)) if attribute == "sector" else len(counts)
    blau = 1 - sum((c / total) ** 2 for c in counts.values()) if total else None
    external = internal = 0
    w_cross = w_known = 0.0
    for a, b, w in g.edges(data="weight"):
        if a in group and b in group:
            w_known += w
            if group[a] == group[b]:
                internal += 1
            else:
                external += 1
                w_cross += w
    sizes = Counter(group[p] for p in g.nodes if g.degree(p) > 0 and p in group)
    n = sum(sizes.values())
    expected = (2 * (1 - sum(s * (s - 1) for s in sizes.values()) / (n * (n - 1))) - 1
                if n > 1 else None)
    out = {"shares": {grp: c / total for grp, c in counts.items()},
           "blau": blau, "blau_normalised": blau / (1 - 1 / k) if blau is not None and k > 1
           else None,
           "ei_index": share(external - internal, external + internal),
           "ei_expected": expected, "cross_group_tie_share": share(w_cross, w_known)}
    if attribute == "sector":
        out["target_gap"] = {s: out["shares"].get(s, 0.0) - t for s, t in target_mix.items()}
    return out


# --- section 5 -----------------------------------------------------------------------------------

def headline(g, active) -> dict:
    n, m = g.number_of_nodes(), g.number_of_edges()
    comps = list(nx.connected_components(g))
    largest = max(comps, key=len) if comps else set()
    degrees = [d for _, d in g.degree()]
    return {"people": n, "ties": m, "density": nx.density(g) if n > 1 else None,
            "mean_degree": 2 * m / n if n else None, "components": len(comps),
            "largest_component": len(largest),
            "largest_component_share": share(len(largest & active), len(active)),
            "isolates": sum(1 for p in active if g.degree(p) == 0),
            "centralisation": (sum(max(degrees) - d for d in degrees) / ((n - 1) * (n - 2))
                               if n > 2 else None), "_comps": comps, "_largest": largest}


def two_step(g: nx.Graph) -> tuple[dict, bool]:
    n = g.number_of_nodes()
    work = {v: sum(g.degree(u) for u in g[v]) + g.degree(v) + 1 for v in g}
    nodes = sorted(g)
    sampled = sum(work.values()) > TWO_STEP_BUDGET
    if sampled:
        perm = np.random.default_rng(SEED).permutation(n)
        chosen, used = [], 0
        for i in perm:
            used += work[nodes[i]]
            if used > TWO_STEP_BUDGET:
                break
            chosen.append(nodes[i])
        nodes = chosen
    return {v: (len(nx.single_source_shortest_path_length(g, v, cutoff=2)) - 1) / (n - 1)
            for v in nodes}, sampled


def stage(g, head, active, core) -> str | None:
    m = g.number_of_edges()
    if m == 0 or head["largest_component_share"] is None:
        return None
    if head["largest_component_share"] < 0.5:
        return "fragments"
    degrees = dict(g.degree())
    if max(degrees.values()) / (2 * m) >= 0.25 or (head["centralisation"] or 0) >= 0.5:
        return "hub_and_spoke"
    lcc = head["_largest"]
    for k in range(3, max(core[v] for v in lcc) + 1):
        inner = {v for v in lcc if core[v] >= k}
        s = len(inner)
        if s < 2 or not 0.1 <= s / len(lcc) <= 0.4:
            continue
        density = g.subgraph(inner).number_of_edges() / (s * (s - 1) / 2)
        rest = lcc - inner
        tied = sum(1 for v in rest if any(u in inner for u in g[v]))
        if density >= 0.3 and (tied / len(rest) if rest else 1.0) >= 0.5:
            return "core_periphery"
    return "multi_hub"


def betweenness_sources(g: nx.Graph) -> int:
    """As many sources as the engine samples (``structure.betweenness``'s default rule)."""
    return betweenness_samples(g.number_of_nodes(), g.number_of_edges())


def structure_figures(g, active) -> dict:
    head = headline(g, active)
    comps, largest = head.pop("_comps"), head["_largest"]
    n = g.number_of_nodes()
    core = nx.core_number(g)
    if n <= EXACT_BETWEENNESS_LIMIT:
        between = nx.betweenness_centrality(g, normalized=True)
    else:
        between = nx.betweenness_centrality(g, k=betweenness_sources(g), normalized=True,
                                            seed=SEED)
    top = sorted(((-b, p) for p, b in between.items() if b > 0))[:10]
    points = list(nx.articulation_points(g))
    bridges = list(nx.bridges(g))
    clusters = nx.community.louvain_communities(g, weight="weight", seed=SEED)
    tied_clusters = [c for c in clusters if any(g.degree(v) > 0 for v in c)]
    reach, sampled = two_step(g)
    values = list(reach.values())
    out = {**head, "stage": stage(g, head, active, core)}
    out.pop("_largest")
    out.update({
        "fragments": sum(1 for c in comps if c is not largest and 2 <= len(c) <= 5),
        "max_coreness": max(core.values()) if core else 0,
        "brokers": [(p, -b) for b, p in top],
        "articulation_point_count": len(points), "bridge_count": len(bridges),
        "clusters": sorted((sum(1 for v in c if g.degree(v) > 0) for c in tied_clusters),
                           reverse=True),
        "modularity": nx.community.modularity(g, clusters, weight="weight") if g.number_of_edges()
        else None,
        "two_step_reach": {"mean": float(np.mean(values)) if values else None,
                           "median": float(np.median(values)) if values else None,
                           "computed_for": len(values), "sampled": sampled},
    })
    return out


# --- section 6 -----------------------------------------------------------------------------------

def levels(log, at) -> dict:
    rows = window(log, at - timedelta(days=365), at)
    kind = rows["kind"]
    flags = pd.DataFrame({
        "actor": rows["actor"], "host": kind == "host", "gives": kind == "give",
        "contributing": kind.isin(["answer", "give", "offer", "host", "story"]),
        "participating": ~kind.isin([*NOT_CONTRIBUTING, "react"]),
        "exploring": kind.isin(["rsvp", "react", "join"])})
    per = flags.groupby("actor").agg(host=("host", "any"), gives=("gives", "sum"),
                                     contributing=("contributing", "any"),
                                     participating=("participating", "any"),
                                     exploring=("exploring", "any"))
    intros = rows[kind == "introduce"].groupby("actor")["object_id"].nunique()
    per["intros"] = intros.reindex(per.index).fillna(0)
    level = np.select([per["host"] | (per["intros"] >= 3) | (per["gives"] >= 3),
                       per["contributing"], per["participating"], per["exploring"]],
                      [4, 3, 2, 1], 0)
    return {a: int(v) for a, v in zip(per.index, level, strict=True) if v}


def engagement(log, people, at) -> dict:
    quarter = datetime(at.year, 3 * ((at.month - 1) // 3) + 1, 1, tzinfo=UTC)
    now, then = levels(log, at), levels(log, quarter)
    merged = {p: max(now.get(p, 0), then.get(p, 0)) for p in set(now) | set(then)}
    staff = set(people[people["role"] == "facilitator"]["person"])
    names = {4: "leading", 3: "contributing", 2: "participating", 1: "exploring"}
    members = Counter(names[v] for p, v in merged.items() if p not in staff)
    return {"levels": dict(members), "total": sum(members.values()),
            "facilitators": dict(Counter(names[v] for p, v in merged.items() if p in staff))}


# --- section 8 -----------------------------------------------------------------------------------

def story_figures(log, stories, start, end) -> dict:
    mine = window(stories, start, end)
    c = contributions(log)
    c = c[(c["kind"] != "story") & c["actor"].isin(mine["author"])][["actor", "kind", "at"]]
    linked = mine.merge(c.rename(columns={"actor": "author", "at": "done"}), on="author")
    linked = linked[(linked["done"] < linked["at"]) & (linked["done"] >= linked["at"] - 90 * DAY)]
    per_story = linked.groupby(["story", "kind"]).size()
    by_cycle = mine["cycle"].value_counts().to_dict()
    applied = sum(by_cycle.get(c, 0) for c in ("applied", "realised", "reframing"))
    return {"stories": len(mine), "by_cycle": by_cycle,
            "applied_or_beyond_share": share(applied, len(mine)),
            "linked": linked["story"].nunique(),
            "linked_by_kind": per_story.groupby(level="kind").sum().to_dict()}


# --- section 7: topic drift and lifecycle --------------------------------------------------------

_WORD = re.compile(r"[^\W_]+")
_NL_ONLY, _EN_ONLY = DUTCH_STOP_WORDS - ENGLISH_STOP_WORDS, ENGLISH_STOP_WORDS - DUTCH_STOP_WORDS
_STEMMERS = {"nl": snowballstemmer.stemmer("dutch"), "en": snowballstemmer.stemmer("english")}
_STOPS = {"nl": DUTCH_STOP_WORDS, "en": ENGLISH_STOP_WORDS}


def fold(word: str) -> str:
    word = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in word if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    found = _WORD.findall(text.lower().replace("'", "").replace("\u2019", ""))
    return [fold(w) for w in found if len(w) >= 2 and any(ch.isalpha() for ch in w)]


def language(tokens: list[str]) -> str | None:
    nl = sum(t in _NL_ONLY for t in tokens)
    en = sum(t in _EN_ONLY for t in tokens)
    return None if nl == en else ("nl" if nl > en else "en")


def topic_drift(texts, charter, end) -> dict:
    texts = texts[texts["at"] < end].sort_values("at")
    codes, distinct = pd.factorize(texts["text"])      # each distinct text analysed once
    tokenised = [words(t) for t in distinct]
    guesses = [language(t) for t in tokenised]
    uses = np.bincount(codes, minlength=len(distinct))
    votes = Counter()
    for guess, count in zip(guesses, uses.tolist(), strict=True):
        if guess:
            votes[guess] += count
    corpus = "nl" if votes["nl"] >= votes["en"] else "en"
    stemmed = [_STEMMERS[g or corpus].stemWords([t for t in tokens if t not in _STOPS[g or corpus]])
               for tokens, g in zip(tokenised, guesses, strict=True)]
    docs, quarters = [], []
    for at, code in zip(texts["at"], codes.tolist(), strict=True):
        if stemmed[code]:
            docs.append(stemmed[code])
            quarters.append(at.year * 4 + (at.month - 1) // 3)
    charter_tokens = words(" ".join([charter["purpose"], charter["goals"],
                                     " ".join(charter["focus_tags"])]))
    lang = language(charter_tokens) or corpus
    charter_doc = _STEMMERS[lang].stemWords([t for t in charter_tokens if t not in _STOPS[lang]])
    vectorizer = TfidfVectorizer(analyzer=lambda doc: doc, sublinear_tf=True, norm="l2")
    matrix = vectorizer.fit_transform([*docs, charter_doc])
    terms = vectorizer.get_feature_names_out()
    charter_vec = matrix[len(docs)].toarray().ravel()
    quarters = np.asarray(quarters)
    out, previous = [], None
    for q in range(quarters.min(), quarters.max() + 1):
        idx = np.flatnonzero(quarters == q)
        if not idx.size:
            continue
        centroid = np.asarray(matrix[idx].mean(axis=0)).ravel()
        norm = np.linalg.norm(centroid) * np.linalg.norm(charter_vec)
        row = {"quarter": q, "documents": int(idx.size),
               "similarity": float(centroid @ charter_vec / norm) if norm else None}
        if previous is not None:
            rise = centroid - previous
            row["rising"] = [terms[i] for i in np.argsort(-rise)[:10] if rise[i] > 0]
        previous = centroid
        out.append(row)
    sims = [(i, r["similarity"]) for i, r in enumerate(out) if r["similarity"] is not None]
    trend = float(np.polyfit(*zip(*sims, strict=True), 1)[0]) if len(sims) >= 2 else None
    return {"quarters": out, "trend": trend}


def quarter_start(at: datetime) -> datetime:
    return datetime(at.year, 3 * ((at.month - 1) // 3) + 1, 1, tzinfo=UTC)


def cluster_history(log, end) -> list[list[dict]]:
    current = quarter_start(end - timedelta(microseconds=1))
    earlier = quarter_start(current - timedelta(microseconds=1))
    history = []
    for start, stop in ((earlier, current), (current, end)):
        _, g, _ = tie_graphs(log, start, stop)
        clusters = []
        for c in nx.community.louvain_communities(g, weight="weight", seed=SEED):
            members = {v for v in c if g.degree(v) > 0}
            if not members:
                continue
            inside = total = 0.0
            for a, b, w in g.edges(members, data="weight"):
                total += w
                if a in members and b in members:
                    inside += w
            clusters.append({"size": len(members), "internal_share": share(inside, total),
                             "members": members})
        history.append(clusters)
    return history


def lifecycle(months_active, active_now, returning, history) -> str:
    if months_active < 3 or active_now < 15:
        return "inception"
    qualifying = [[c for c in q if len(q) >= 2 and c["size"] >= 15
                   and (c["internal_share"] or 0) >= 0.6] for q in history]
    if all(qualifying) and any(len(a["members"] & b["members"])
                               / min(len(a["members"]), len(b["members"])) >= 0.5
                               for a in qualifying[0] for b in qualifying[1]):
        return "mitosis"
    run = best = 0
    for s in returning:
        run = run + 1 if s is not None and s >= 0.5 else 0
        best = max(best, run)
    return "maturity" if best >= 6 else "establishment"


# --- the report ----------------------------------------------------------------------------------

def report(frames: dict, charter: dict, start: datetime, end: datetime,
           timings: dict | None = None) -> dict:
    """Every figure of the engine's report for ``[start, end)``, the straightforward way."""
    log, people, posts = frames["log"], frames["people"], frames["posts"]
    stories, texts = frames["stories"], frames["texts"]
    length = end - start
    prev_start, prev_end = start - length, start
    timings = {} if timings is None else timings
    clock = [time.perf_counter(), None]

    def step(name):
        now = time.perf_counter()
        if clock[1] is not None:
            timings[clock[1]] = now - clock[0]
        clock[:] = [now, name]

    out: dict = {}
    step("ties")
    d, g, active = tie_graphs(log, start, end)
    d_prev, g_prev, active_prev = tie_graphs(log, prev_start, prev_end)
    step("activity")
    out["activity"] = activity_figures(log, start, end, prev_start, prev_end)
    out["activity_prev"] = activity_figures(log, prev_start, prev_end, prev_start - length,
                                            prev_start)
    out["events"] = event_figures(log, start, end)
    out["events_prev"] = event_figures(log, prev_start, prev_end)
    step("warmth")
    out["warmth"] = warmth_figures(log, posts, start, end)
    out["warmth_prev"] = warmth_figures(log, posts, prev_start, prev_end)
    out["between_meetings"] = between_meetings(log, end)
    step("reciprocity")
    out["reciprocity"] = reciprocity_figures(log, start, end, d, active)
    out["reciprocity_prev"] = reciprocity_figures(log, prev_start, prev_end, d_prev, active_prev,
                                                  per_person=False)
    step("composition")
    out["composition"] = {a: composition(people, g, active, a, charter["target_mix"])
                          for a in ("sector", "organisation")}
    out["composition_prev"] = composition(people, g_prev, active_prev, "sector",
                                          charter["target_mix"])
    step("structure")
    out["structure"] = structure_figures(g, active)
    head_prev = headline(g_prev, active_prev)
    out["structure_prev"] = {k: v for k, v in head_prev.items() if not k.startswith("_")}
    step("engagement")
    out["engagement"] = engagement(log, people, end)
    step("stories")
    out["stories"] = story_figures(log, stories, start, end)
    out["stories_prev"] = story_figures(log, stories, prev_start, prev_end)
    step("series")
    contrib = contributions(log)
    first = contrib["at"].min()
    history_start = min(first, start)
    months = month_starts(history_start, end)
    monthly = monthly_activity(log, months)
    by_month = dict(tuple(log.groupby(month_key(log["at"]))))   # the log split once
    graphs = []
    for m in months:
        lo, hi = max(m, history_start), min(next_month(m), end)
        rows = by_month.get(m.year * 12 + m.month - 1, log.iloc[:0])
        md, mg, mactive = tie_graphs(rows, lo, hi)
        head = headline(mg, mactive)
        graphs.append({"structure": {k: v for k, v in head.items() if not k.startswith("_")},
                       "reciprocity": reciprocity_figures(rows, lo, hi, md, mactive,
                                                          per_person=False),
                       "composition": composition(people, mg, mactive, "sector",
                                                  charter["target_mix"])})
    out["series"] = {"activity": monthly, "graph": graphs}
    step("retention")
    out["retention"] = retention(log, end)
    out["retention_prev"] = retention(log, prev_end)
    step("drift")
    out["drift"] = topic_drift(texts, charter, end)
    step("lifecycle")
    last = end - timedelta(microseconds=1)
    months_active = (last.year - first.year) * 12 + last.month - first.month + 1
    returning = [share(m["returning"], m["active"]) for m in monthly]
    out["lifecycle"] = lifecycle(months_active, out["activity"]["active"], returning,
                                 cluster_history(log, end))
    step("card")
    pseudo = set(people[people["pseudonymous"]]["person"])
    out["pseudonymous_share"] = share(len(active & pseudo), len(active))
    step(None)
    return out


def headline_figures(out: dict) -> dict:
    """The figures ``report.py`` compares with the engine's."""
    a, s, r = out["activity"], out["structure"], out["reciprocity"]
    w = out["warmth"]
    return {
        "active": a["active"], "reach": a["reach"], "activities": a["activities"],
        "events_held": a["events_held"], "new": a["new"], "lapsed": a["lapsed"],
        "edge_reciprocity": r["edge_reciprocity"], "directed_ties": r["ties"],
        "weighted_reciprocity": r["weighted_reciprocity"],
        "components": s["components"], "density": s["density"], "people": s["people"],
        "ties": s["ties"], "isolates": s["isolates"],
        "largest_component_share": s["largest_component_share"],
        "centralisation": s["centralisation"], "max_coreness": s["max_coreness"],
        "articulation_points": s["articulation_point_count"], "bridges": s["bridge_count"],
        "ei_index_sector": out["composition"]["sector"]["ei_index"],
        "blau_sector": out["composition"]["sector"]["blau_normalised"],
        "gap_coverage_mean": w["gap_coverage_mean"],
        "median_hours_to_first_response": w["time_to_first_response"]["median_hours"],
        "return_rate_mean": out["events"]["return_rate_mean"],
        "engagement_total": out["engagement"]["total"],
        "stories": out["stories"]["stories"],
    }

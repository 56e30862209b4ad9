"""Read queries of the dashboard pages (views stay thin; writes are in :mod:`.services`).

Figures come from a stored :class:`~.models.Snapshot`, never from running the engine here.
Every name shown comes from :func:`netweave.networks.selectors.shown_names` (pseudonyms are
kept, strangers to the network are never named) and every person handed out is a reference
of :func:`~netweave.networks.selectors.person_refs`, never a global id.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from netweave.core import activity as act
from netweave.jobs.models import Job
from netweave.networks.models import (
    Activity,
    Exchange,
    Introduction,
    Membership,
    Need,
    Network,
    Offer,
    Person,
    Sector,
    ValueCycle,
    ValueStory,
)
from netweave.networks.selectors import (
    AnyUser,
    network_tz,
    person_refs,
    shown_names,
    visible_networks,
)

from .models import ReportPage, Snapshot
from .periods import PeriodChoice
from .services import is_stale, pending_job

T = TypeVar("T")

#: Shown for a figure without a value.
DASH = "\u2013"
#: How long rendered figures and map answers are reused (seconds); a changed pseudonym shows
#: after this at the latest.
RENDER_CACHE_SECONDS = 60
#: Rows per page of the drill-down list.
DRILL_PAGE = 50

#: Sets of activity rows a figure counts: name -> (kinds or None for all, channel, targeted).
DRILL_SETS: dict[str, tuple[frozenset[str] | None, str | None, bool]] = {
    "all": (None, None, False),
    "contributions": (act.CONTRIBUTION_KINDS, None, False),
    "online": (act.CONTRIBUTION_KINDS, act.ONLINE, False),
    "offline": (act.CONTRIBUTION_KINDS, act.OFFLINE, False),
    "attendances": (frozenset({act.ATTEND}), None, False),
    "offline_attendances": (frozenset({act.ATTEND}), act.OFFLINE, False),
    "interactions": (act.CONTRIBUTION_KINDS, None, True),
    "discussions": (frozenset({act.POST, act.REPLY, act.ASK, act.ANSWER}), None, False),
    "stories": (frozenset({act.STORY}), None, False),
    "give_take": (frozenset({act.OFFER, act.NEED, act.GIVE}), None, False),
    "introductions": (frozenset({act.INTRODUCE}), None, False),
    "joins": (frozenset({act.JOIN, act.LEAVE}), None, False),
}
DRILL_LABELS = {
    "all": gettext_lazy("all activity"),
    "contributions": gettext_lazy("contributions"),
    "online": gettext_lazy("online contributions"),
    "offline": gettext_lazy("offline contributions"),
    "attendances": gettext_lazy("attendances"),
    "offline_attendances": gettext_lazy("offline attendances"),
    "interactions": gettext_lazy("interactions between two people"),
    "discussions": gettext_lazy("posts, replies, questions and answers"),
    "stories": gettext_lazy("value stories"),
    "give_take": gettext_lazy("offers, needs and gifts"),
    "introductions": gettext_lazy("introductions"),
    "joins": gettext_lazy("joining and leaving"),
}
#: The rows behind each indicator of the health card.
CARD_DRILL = {
    "events_held": "attendances", "activities": "contributions", "reach": "all",
    "active": "contributions", "new": "contributions", "returning_share": "contributions",
    "retention_3m": "contributions", "event_return_rate": "attendances",
    "offline_attendances": "offline_attendances", "online_activities": "online",
    "gap_coverage": "online", "time_to_first_response_hours": "discussions",
    "answer_share": "discussions", "days_since_last_contribution": "contributions",
    "reciprocity": "interactions", "reciprocal_members": "interactions",
    "cross_sector_tie_share": "interactions", "blau_sector": "contributions",
    "largest_component_share": "interactions", "realised_stories": "stories",
    "applied_share": "stories", "pseudonymity_available": "joins",
    "pseudonymity_used": "joins",
}
KIND_LABELS = {
    act.JOIN: pgettext_lazy("activity", "joined"),
    act.LEAVE: pgettext_lazy("activity", "left"),
    act.RSVP: gettext_lazy("answered an invitation"),
    act.ATTEND: pgettext_lazy("activity", "attended"),
    act.HOST: gettext_lazy("hosted"), act.POST: gettext_lazy("posted"),
    act.REPLY: gettext_lazy("replied"), act.REACT: gettext_lazy("reacted"),
    act.ASK: gettext_lazy("asked a question"), act.ANSWER: pgettext_lazy("activity", "answered"),
    act.OFFER: gettext_lazy("offered"), act.NEED: gettext_lazy("asked for help"),
    act.GIVE: gettext_lazy("gave"), act.INTRODUCE: gettext_lazy("introduced"),
    act.STORY: gettext_lazy("told a value story"), act.MESSAGE: gettext_lazy("sent a message"),
    act.MENTION: gettext_lazy("mentioned someone"),
}
CHANNEL_LABELS = {act.ONLINE: gettext_lazy("online"), act.OFFLINE: gettext_lazy("offline")}


def sector_label(value: str) -> str:
    """The label of a sector; ``unknown`` (nobody said, docs/metrics.md#composition) is not
    "Other"."""
    if value == "unknown":
        return _("Sector unknown")
    try:
        return str(Sector(value).label)
    except ValueError:
        return value


def cycle_label(value: str) -> str:
    try:
        return str(ValueCycle(value).label)
    except ValueError:
        return value


# --- snapshots -------------------------------------------------------------------------------

def reuse(key: str, build: Callable[[], T], seconds: float = RENDER_CACHE_SECONDS) -> T:
    """``build()``, kept in the cache under ``key`` and reused for ``seconds``.

    After that one request rebuilds it while the others keep getting the previous value
    (no stampede of identical rebuilds under load); an entry is dropped after 60 times
    ``seconds`` (at least a minute) without use.
    """
    entry = cache.get(key)
    moment = time.time()
    if entry is not None:
        value, fresh_until = entry
        if moment < fresh_until or not cache.add(f"{key}:rebuilding", 1, 30):
            return value
    value = build()
    cache.set(key, (value, moment + seconds), max(seconds * 60, 60))
    cache.delete(f"{key}:rebuilding")
    return value


@dataclass
class Freshness:
    """Which snapshot a page shows and whether a newer one is on its way."""

    snapshot: Snapshot | None
    job: Job | None = None
    stale: bool = False

    @property
    def computed_at(self) -> dt.datetime | None:
        return self.snapshot.computed_at if self.snapshot else None

    @property
    def age(self) -> dt.timedelta | None:
        return timezone.now() - self.snapshot.computed_at if self.snapshot else None


def report_html(page: ReportPage) -> str:
    """The stored page of ``page`` (read on its own: the rest of the row is read without it)."""
    return ReportPage.objects.values_list("html", flat=True).get(pk=page.pk)


def snapshot_for(network: Network, choice: PeriodChoice) -> Snapshot | None:
    """The stored snapshot of ``network`` for ``choice``: its dates only (the figures, cards
    and map are loaded when first used)."""
    return (Snapshot.objects.filter(network=network, period=choice.key)
            .only("pk", "network_id", "period", "start", "end", "computed_at", "seconds")
            .first())


def freshness(network: Network, choice: PeriodChoice) -> Freshness:
    """The snapshot and the pending job (if any) for ``choice``; no job is queued here."""
    snap = snapshot_for(network, choice)
    stale = snap is not None and is_stale(snap, choice)
    # Jobs are only queued for missing or stale snapshots: a fresh one needs no look-up.
    job = pending_job(network, choice.key) if snap is None or stale else None
    return Freshness(snapshot=snap, job=job, stale=stale)


# --- the dashboard ---------------------------------------------------------------------------

@dataclass
class Chart:
    """One chart: plotly traces for the script, a table and a summary as its text."""

    key: str
    title: str
    summary: str
    kind: str  # "bar", "stack", "line", "heatmap"
    x: list
    series: list[dict]  # {"name", "values", "percent"}
    head: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    drill: str = ""
    percent: bool = False
    #: The last month is not over yet: drawn pale and dotted, "so far" in the table.
    partial: bool = False

    def script(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "kind": self.kind, "x": self.x,
                "series": self.series, "percent": self.percent, "partial": self.partial}


def _pct(x: float | None) -> str:
    return DASH if x is None else f"{round(x * 100)}%"


def _num(x: float | None) -> str:
    if x is None:
        return DASH
    return str(round(x)) if float(x).is_integer() else f"{x:.2f}"


def drill_url(network: Network, set_name: str, start: str, end: str, *,
              person: str | None = None) -> str:
    """The drill-down page of ``set_name`` rows between ``start`` and ``end`` (ISO), of one
    person when ``person`` (their reference in ``network``) is given."""
    query = {"set": set_name, "from": start, "to": end}
    if person is not None:
        query["person"] = person
    return f"{reverse('dashboard-activities', args=[network.slug])}?{urlencode(query)}"


def _table_chart(key: str, title: str, kind: str, months: list[str], series: list[dict],
                 drill: str, *, percent: bool = False, partial: bool = False) -> Chart:
    """A monthly chart; ``partial``: the last month is not over yet (docs/metrics.md#dynamics),
    which its table row and the summary say."""
    fmt = _pct if percent else _num
    partial = partial and bool(months)
    labels = [*months[:-1], _("%(month)s (so far)") % {"month": months[-1]}] if partial \
        else months
    rows = [[m, *[fmt(s["values"][i]) for s in series]] for i, m in enumerate(labels)]
    last = [s for s in series if s["values"] and s["values"][-1] is not None]
    if months and last:
        text = (_("%(title)s, %(first)s to %(last)s. Latest month (%(month)s, not over yet): "
                  "%(values)s.") if partial else
                _("%(title)s, %(first)s to %(last)s. Latest month (%(month)s): %(values)s."))
        summary = text % {
            "title": title, "first": months[0], "last": months[-1], "month": months[-1],
            "values": "; ".join(f"{s['name']} {fmt(s['values'][-1])}" for s in last)}
    else:
        summary = _("%(title)s: no data in this period.") % {"title": title}
    return Chart(key=key, title=title, summary=summary, kind=kind, x=months, series=series,
                 head=[_("Month"), *[s["name"] for s in series]], rows=rows, drill=drill,
                 percent=percent, partial=partial)


def charts(network: Network, figures: dict[str, Any]) -> list[Chart]:
    """The dashboard's charts from a snapshot's ``figures``, labelled in the active language."""
    start, end = figures["period"]["start"], figures["period"]["end"]
    monthly = figures["series"]["activity"]
    graph = figures["series"]["graph"]
    months = [m["month"] for m in monthly]
    partial = bool(monthly and monthly[-1].get("partial"))
    gpartial = bool(graph and graph[-1].get("partial"))

    def drill(name: str) -> str:
        return drill_url(network, name, start, end)

    out = [
        _table_chart("channels", _("Activity by channel"), "stack", months, [
            {"name": str(CHANNEL_LABELS[c]).capitalize(),
             "values": [m["activities_by_channel"].get(c, 0) for m in monthly]}
            for c in act.CHANNELS], drill("contributions"), partial=partial),
        _table_chart("people", _("Active, new, returning and lapsed people"), "line", months, [
            {"name": label, "values": [m.get(k) for m in monthly]}
            for k, label in (("active", _("Active")), ("new", _("New")),
                             ("returning", _("Returning")), ("lapsed", _("Lapsed")))],
            drill("contributions"), partial=partial),
        _table_chart("reach", _("Reach"), "line", months,
                     [{"name": _("People reached"), "values": [m.get("reach") for m in monthly]}],
                     drill("all"), partial=partial),
    ]
    gmonths = [g["month"] for g in graph]
    out.append(_table_chart("reciprocity", _("Reciprocity"), "line", gmonths, [
        {"name": _("Ties returned"),
         "values": [(g.get("reciprocity") or {}).get("edge_reciprocity") for g in graph]},
        {"name": _("Members in a two-way tie"),
         "values": [(g.get("reciprocity") or {}).get("reciprocal_member_share") for g in graph]},
    ], drill("interactions"), percent=True, partial=gpartial))
    out.append(_table_chart("cross_sector", _("Cross-sector share of ties"), "line", gmonths, [
        {"name": _("Ties across sectors"),
         "values": [((g.get("composition") or {}).get("sector") or {})
                    .get("cross_group_tie_share") for g in graph]},
    ], drill("interactions"), percent=True, partial=gpartial))
    out.append(_retention_chart(figures, drill("contributions")))
    out.append(_mix_chart(figures, drill("contributions")))
    return out


def _retention_chart(figures: dict[str, Any], drill: str) -> Chart:
    retention = figures["retention"]
    months, offsets = retention.get("months", []), retention.get("offsets", [])
    sizes = {c["cohort"]: c["size"] for c in retention.get("cohorts", [])}
    matrix = retention.get("matrix", [])
    title = _("Retention by cohort")
    head = [_("Cohort"), _("People"), *[_("+%(n)d mo") % {"n": o} for o in offsets]]
    rows = [[m, str(sizes.get(m, "")), *[_pct(v) for v in matrix[i]]]
            for i, m in enumerate(months)]
    summary = _("Share of each month's newcomers still active 0 to %(n)d months later; "
                "one row per cohort.") % {"n": offsets[-1] if offsets else 0}
    return Chart(key="retention", title=title, summary=summary, kind="heatmap",
                 x=[str(o) for o in offsets],
                 series=[{"name": m, "values": matrix[i]} for i, m in enumerate(months)],
                 head=head, rows=rows, drill=drill, percent=True)


def _mix_chart(figures: dict[str, Any], drill: str) -> Chart:
    sector = figures["composition"]["attributes"]["sector"]
    shares, target = sector.get("shares") or {}, sector.get("target_mix") or {}
    keys = [s for s in act.SECTORS if s in shares or s in target]
    labels = [sector_label(s) for s in keys]
    series = [{"name": _("Active people"), "values": [shares.get(s) for s in keys]}]
    if target:
        series.append({"name": _("Charter's target"), "values": [target.get(s) for s in keys]})
    rows = [[label, _pct(shares.get(s)), _pct(target.get(s)) if target else DASH]
            for label, s in zip(labels, keys, strict=True)]
    if target:
        gaps = {k: v for k, v in (sector.get("target_gap") or {}).items() if v is not None}
        worst = max(gaps, key=lambda s: abs(gaps[s]), default=None)
        summary = (_("Largest gap to the target: %(sector)s, %(gap)s points.")
                   % {"sector": sector_label(worst), "gap": f"{gaps[worst] * 100:+.0f}"}
                   if worst else _("The mix matches the target."))
    else:
        summary = _("The charter sets no target mix.")
    return Chart(key="mix", title=_("Stakeholder mix against the charter's target"),
                 summary=summary, kind="bar", x=labels, series=series,
                 head=[_("Sector"), _("Active people"), _("Charter's target")], rows=rows,
                 drill=drill, percent=True)


def _names(network: Network, ids: Iterable[int]) -> dict[int, str]:
    return shown_names(network, ids)


def card_for(snapshot: Snapshot, network: Network, lang: str) -> dict[str, Any]:
    """The health card of ``snapshot`` in ``lang``, each row with its drill-down link."""
    cards = snapshot.cards.get(lang) or snapshot.cards.get("en") or {"rows": [], "lifecycle": {}}
    start, end = snapshot.figures["period"]["start"], snapshot.figures["period"]["end"]
    rows = [dict(row, drill=drill_url(network, CARD_DRILL.get(row["key"], "all"), start, end))
            for row in cards["rows"]]
    return {"rows": rows, "lifecycle": cards.get("lifecycle") or {}}


def warmth(network: Network, figures: dict[str, Any]) -> dict[str, Any]:
    """Warmth since the last meeting: the meeting, weeks covered, who went quiet."""
    between = figures.get("between_meetings") or {}
    last = between.get("last_meeting") or None
    quiet = between.get("quiet_since_last_meeting") or []
    names = _names(network, quiet)
    return {
        "last_meeting": dt.datetime.fromisoformat(last["at"]) if last else None,
        "attendees": between.get("last_meeting_attendees", 0),
        "weeks": between.get("gap_weeks_so_far", 0),
        "weeks_covered": between.get("gap_weeks_covered", 0),
        "coverage": _pct(between.get("gap_coverage_so_far")),
        "days_online": between.get("days_since_last_online_contribution"),
        "quiet": sorted(names.get(p, "?") for p in quiet),
        "drill": drill_url(network, "online", last["at"] if last else
                           figures["period"]["start"], between.get("at") or
                           figures["period"]["end"]),
    }


def stories(network: Network, figures: dict[str, Any]) -> dict[str, Any]:
    """The period's value stories with their authors' shown names, newest first."""
    data = figures.get("stories") or {}
    items = sorted(data.get("items") or [], key=lambda s: s.get("at") or "", reverse=True)
    names = _names(network, [s["author"] for s in items if s.get("author")])
    by_cycle = data.get("by_cycle") or {}
    return {
        "items": [{"title": s.get("title", ""), "cycle": cycle_label(s.get("cycle", "")),
                   "author": names.get(s.get("author"), ""),
                   "at": dt.datetime.fromisoformat(s["at"]) if s.get("at") else None,
                   "linked": s.get("linked_activities", 0)} for s in items],
        "by_cycle": [(cycle_label(c), by_cycle.get(c, 0)) for c in ValueCycle.values],
        "applied_share": _pct(data.get("applied_or_beyond_share")),
        "drill": drill_url(network, "stories", figures["period"]["start"],
                           figures["period"]["end"]),
    }


# --- the map ---------------------------------------------------------------------------------

def map_names(network: Network, ids: Sequence[int]) -> list[str]:
    """Shown names of the people ``ids`` (in order), pseudonyms kept; "?" for anyone the
    network does not know (:func:`~netweave.networks.selectors.shown_names`)."""
    names = shown_names(network, ids)
    return [names.get(p, "?") for p in ids]


def map_payload(network: Network, snapshot: Snapshot) -> dict[str, Any]:
    """The network map of ``snapshot`` with names and sector labels, ready for the page."""
    graph = dict(snapshot.graph)
    if graph.get("kind") == "people":
        graph["names"] = map_names(network, graph["ids"])
        refs = person_refs(network, graph["ids"])
        graph["ids"] = [refs[p] for p in graph["ids"]]
    attributes = graph.get("attributes") or {}
    sectors = sorted(set(attributes.get("sector") or []), key=lambda s: (
        act.SECTORS.index(s) if s in act.SECTORS else len(act.SECTORS), s))
    graph["sector_labels"] = {s: sector_label(s) for s in sectors}
    graph["computed_at"] = snapshot.computed_at.isoformat()
    graph["period"] = {"start": snapshot.start.isoformat(), "end": snapshot.end.isoformat()}
    return graph


# --- drill-down ------------------------------------------------------------------------------

@dataclass(frozen=True)
class ActivityRow:
    at: dt.datetime
    actor: str
    kind: str
    channel: str
    target: str


def activities(network: Network, set_name: str, start: dt.datetime, end: dt.datetime, *,
               person: int | None = None, page: int = 1) -> tuple[Page, list[ActivityRow]]:
    """The effective activity rows of ``set_name`` in ``[start, end)``, newest first, one
    page of :data:`DRILL_PAGE`; corrected and retracted rows are left out."""
    kinds, channel, targeted = DRILL_SETS[set_name]
    rows: QuerySet[Activity] = Activity.objects.filter(network=network, at__gte=start,
                                                       at__lt=end).exclude(kind=act.VOID)
    rows = rows.exclude(Exists(Activity.objects.filter(corrects=OuterRef("pk"))))
    if kinds is not None:
        rows = rows.filter(kind__in=sorted(kinds))
    if channel:
        rows = rows.filter(channel=channel)
    if targeted:
        rows = rows.filter(target__isnull=False).exclude(target=F("actor"))
    if person is not None:
        rows = rows.filter(Q(actor_id=person) | Q(target_id=person))
    paginator = Paginator(rows.order_by("-at", "-pk").only(
        "at", "actor_id", "kind", "channel", "target_id"), DRILL_PAGE)
    current = paginator.get_page(page)
    items = list(current.object_list)
    names = _names(network, {a.actor_id for a in items} | {a.target_id for a in items
                                                           if a.target_id})
    out = [ActivityRow(at=a.at, actor=names.get(a.actor_id, "?"),
                       kind=str(KIND_LABELS.get(a.kind, a.kind)),
                       channel=str(CHANNEL_LABELS.get(a.channel, a.channel)),
                       target=names.get(a.target_id, "") if a.target_id else "")
           for a in items]
    return current, out


# --- member view -----------------------------------------------------------------------------

@dataclass
class MemberView:
    months: list[str]
    contributions: list[int]
    by_kind: list[tuple[str, int]]
    events_attended: int
    gave: list[dict]
    received: list[dict]
    offers: int
    needs: int
    introductions: list[dict]
    stories: list[dict]
    total: int


def member_view(network: Network, person: Person, *, months: int = 12) -> MemberView:
    """What ``person`` did and got in ``network``: the last ``months`` months of
    contributions (counted by the engine, :func:`~netweave.core.measure.member.member_figures`,
    in calendar months of the network's time zone), give and take, introductions and how they
    went, their value stories."""
    from netweave.core.measure.member import member_figures
    from netweave.networks.activity_log import network_log

    mine = member_figures(network_log(network.pk, actor=person.pk), person.pk,
                          timezone.now(), months=months, tz=str(network_tz(network)))
    by_kind = [(str(KIND_LABELS.get(kind, kind)), n) for kind, n in mine["by_kind"]]
    exchanges = list(Exchange.objects.filter(network=network).filter(
        Q(giver=person) | Q(receiver=person)).order_by("-created_at")[:50])
    ids = {e.giver_id for e in exchanges} | {e.receiver_id for e in exchanges}
    intros = list(Introduction.objects.filter(network=network).filter(
        Q(person_a=person) | Q(person_b=person) | Q(introducer=person))
        .order_by("-created_at")[:50])
    for i in intros:
        ids |= {i.person_a_id, i.person_b_id, i.introducer_id or 0}
    names = _names(network, ids - {0})
    gave = [{"other": names.get(e.receiver_id, "?"), "what": e.description, "at": e.created_at,
             "confirmed": e.confirmed_at is not None}
            for e in exchanges if e.giver_id == person.pk]
    received = [{"other": names.get(e.giver_id, "?"), "what": e.description,
                 "at": e.created_at, "confirmed": e.confirmed_at is not None}
                for e in exchanges if e.receiver_id == person.pk]

    def outcome(flag: bool | None, yes: str, no: str) -> str:
        return _("not known yet") if flag is None else (yes if flag else no)

    introductions = []
    for i in intros:
        if i.introducer_id == person.pk:
            who = _("You introduced %(a)s and %(b)s") % {"a": names.get(i.person_a_id, "?"),
                                                         "b": names.get(i.person_b_id, "?")}
        else:
            other = i.person_b_id if i.person_a_id == person.pk else i.person_a_id
            who = _("You were introduced to %(name)s") % {"name": names.get(other, "?")}
        introductions.append({"who": who, "at": i.created_at,
                              "met": outcome(i.met, _("you met"), _("you did not meet")),
                              "valuable": outcome(i.valuable, _("valuable"),
                                                  _("not valuable"))})
    my_stories = [{"title": s.title, "cycle": cycle_label(s.cycle), "at": s.created_at}
                  for s in ValueStory.objects.filter(network=network, author=person)
                  .order_by("-created_at")[:50]]
    return MemberView(
        months=mine["months"], contributions=mine["contributions"], by_kind=by_kind,
        events_attended=mine["events_attended"], gave=gave, received=received,
        offers=Offer.objects.filter(network=network, person=person).count(),
        needs=Need.objects.filter(network=network, person=person).count(),
        introductions=introductions, stories=my_stories, total=mine["total"],
    )


# --- host view -------------------------------------------------------------------------------

#: Columns of the host view: key -> (card indicator, unit).
HOST_COLUMNS = ("members", "active", "new", "activities", "reciprocity", "retention_3m")
HOST_SORTS = ("name", "stage", *HOST_COLUMNS)


@dataclass
class HostRow:
    network: Network
    members: int
    stage: str
    stage_label: str
    values: dict[str, float | None]
    texts: dict[str, str]
    computed_at: dt.datetime | None


def host_rows(user: AnyUser, lang: str, sort: str = "name",
              descending: bool = False) -> list[HostRow]:
    """Every network ``user`` may see with its 90-day headline figures (from stored
    snapshots only) and stage, sorted by ``sort``."""
    networks = list(visible_networks(user))
    snaps = {s.network_id: s for s in Snapshot.objects.filter(
        network__in=networks, period="90").defer("graph")}
    rows = []
    for net in networks:
        snap = snaps.get(net.pk)
        values: dict[str, float | None] = dict.fromkeys(HOST_COLUMNS[1:])
        texts = dict.fromkeys(HOST_COLUMNS[1:], DASH)
        stage, stage_label = "", DASH
        if snap is not None:
            for row in (snap.cards.get(lang) or snap.cards.get("en") or {}).get("rows", []):
                if row["key"] in values:
                    texts[row["key"]] = row["value_text"]
            card = {e["key"]: e for e in snap.figures.get("card") or []}
            for key in values:
                values[key] = (card.get(key) or {}).get("value")
            life = (snap.cards.get(lang) or {}).get("lifecycle") or {}
            stage, stage_label = life.get("stage", ""), life.get("label", DASH)
        values["members"] = net.member_count
        texts["members"] = str(net.member_count)
        rows.append(HostRow(network=net, members=net.member_count, stage=stage,
                            stage_label=stage_label, values=values, texts=texts,
                            computed_at=snap.computed_at if snap else None))
    if sort == "name":
        rows.sort(key=lambda r: r.network.name.lower(), reverse=descending)
    elif sort == "stage":
        rows.sort(key=lambda r: r.stage_label, reverse=descending)
    else:
        present = [r for r in rows if r.values.get(sort) is not None]
        absent = [r for r in rows if r.values.get(sort) is None]
        present.sort(key=lambda r: r.values[sort], reverse=descending)
        rows = present + absent
    return rows


def overlap(networks: Sequence[Network]) -> list[tuple[str, str, int]]:
    """Pairs of ``networks`` with people who are active members of both, most first."""
    ids = [n.pk for n in networks]
    names = {n.pk: n.name for n in networks}
    members = Membership.objects.filter(network_id__in=ids, left_at__isnull=True)
    pairs = (members.filter(person__memberships__network_id__in=ids,
                            person__memberships__left_at__isnull=True,
                            person__memberships__network_id__gt=F("network_id"))
             .values("network_id", "person__memberships__network_id")
             .annotate(n=Count("person", distinct=True)).order_by("-n"))
    return [(names[p["network_id"]], names[p["person__memberships__network_id"]], p["n"])
            for p in pairs]

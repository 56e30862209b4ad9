"""Read queries of Weave: the matcher's input built from the database, and page data.

:func:`match_input` turns one network into a :class:`~netweave.core.weave.MatchInput`:

* members: active memberships with role facilitator or member (observers do not take part);
  ``opted_out`` from ``Person.introductions_opt_out``; ``allowed`` is False for a member who
  uses a pseudonym in a network whose rules ask for real names; ``newcomer`` when the member
  joined within :data:`NEWCOMER_DAYS`;
* pseudonymity: every name is :func:`~netweave.networks.selectors.member_name` (the
  pseudonym when one is used); a pseudonymous member's sector and organisation are left out
  (``null``), so no reason ("... works in government") can give them away;
* offers and needs: open ones of the members, for this network or for all their networks,
  with their tags; interests: ``Person.interests``;
* ties: the tie graph of the whole effective activity log (docs/metrics.md#data: interactions
  such as replies, answers, gives and introductions, plus co-attendance), read through the
  ORM so that it also sees the current transaction;
* clusters: Leiden clusters of that tie graph (docs/metrics.md#structure) with at least
  :data:`MIN_CLUSTER` members, named after their most common interest tag;
* recent introductions: this network's :class:`~netweave.networks.models.Introduction` rows.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import polars as pl
from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from netweave.core.logreader import SCHEMA as LOG_SCHEMA
from netweave.core.logreader import effective_log
from netweave.core.measure.data import NetworkData
from netweave.core.measure.structure import leiden_clusters
from netweave.core.measure.ties import TieGraph, tie_graph
from netweave.core.weave import MatchInput, Suggestion, explain, suggest_all, suggest_for
from netweave.core.weave.matcher import SIGNALS
from netweave.networks.models import (
    Activity,
    Event,
    Exchange,
    Identity,
    IdentityMode,
    Introduction,
    Membership,
    Need,
    Network,
    Offer,
    Person,
    Role,
    Status,
    ValueStory,
)
from netweave.networks.selectors import member_name, person_ref, shown_names

from .models import IntroductionAnswer, StoryLink

#: A member who joined within this many days counts as a newcomer (our design).
NEWCOMER_DAYS = 90
#: Pairs introduced within this many days are not suggested again.
RECENT_DAYS = 365
#: Smallest Leiden cluster (members) that counts as a circle for bridging and naming.
MIN_CLUSTER = 3
#: How many suggestions a member sees, and how many pairs the facilitator's view lists.
MEMBER_TOP = 5
NETWORK_TOP = 20

SIGNAL_LABELS: dict[str, str] = {
    "need_offer": _("A need met by an offer"),
    "mutual": _("Mutual benefit"),
    "interests": _("Shared interests"),
    "new_tie": _("A new tie: few or no contacts in common"),
    "bridge_sector": _("Bridge between sectors"),
    "bridge_organisation": _("Bridge between organisations"),
    "bridge_cluster": _("Bridge between circles"),
    "newcomer": _("Newcomer meets a connector"),
}
assert tuple(SIGNAL_LABELS) == SIGNALS


def active_memberships(network: Network) -> QuerySet[Membership]:
    """Active memberships of ``network`` with their people, in joining order."""
    return (Membership.objects.filter(network=network, left_at__isnull=True)
            .select_related("person", "person__organisation", "organisation")
            .order_by("joined_at", "pk"))


def member_names(network: Network) -> dict[int, str]:
    """Person id -> shown name of every active member (pseudonym where one is used)."""
    return {m.person_id: member_name(m) for m in active_memberships(network)}


def _allowed(network: Network, m: Membership) -> bool:
    if m.role == Role.OBSERVER:
        return False
    pseudonymous = m.identity == Identity.PSEUDONYM
    return not (pseudonymous and network.identity_mode == IdentityMode.NAMED)


def _items(model: type[Offer] | type[Need], network: Network,
           persons: list[int]) -> QuerySet:
    return (model.objects.filter(person_id__in=persons, status=Status.OPEN)
            .filter(Q(network=network) | Q(network__isnull=True)).order_by("pk"))


def _texts(model: type[Offer] | type[Need], network: Network,
           persons: list[int]) -> pl.DataFrame:
    rows = list(_items(model, network, persons).values_list("person_id", "text", "tags"))
    return pl.DataFrame(
        {"person": [r[0] for r in rows], "text": [r[1] for r in rows],
         "tags": [[str(t) for t in (r[2] or [])] for r in rows]},
        schema={"person": pl.Int64, "text": pl.String, "tags": pl.List(pl.String)})


def network_ties(network: Network) -> TieGraph:
    """The tie graph of ``network``'s whole effective activity log (docs/metrics.md#data)."""
    values = Activity.objects.filter(network=network).order_by("pk").values_list(
        "id", "network_id", "actor_id", "kind", "target_id", "object_type", "object_id",
        "channel", "at", "weight", "source", "corrects_id")
    plain = {name: (pl.String if dtype == pl.Categorical else dtype)
             for name, dtype in LOG_SCHEMA.items()}
    columns = list(zip(*values, strict=True)) or [()] * len(plain)
    frame = pl.DataFrame({name: pl.Series(name, list(col), dtype=plain[name])
                          for name, col in zip(plain, columns, strict=True)})
    log = effective_log(frame.cast(dict(LOG_SCHEMA)))
    return tie_graph(NetworkData(log=log), None)


def _clusters(graph: TieGraph, members: list[Membership], interests: list[tuple[int, str]],
              lang: str) -> tuple[list[int | None], dict[int, str]]:
    """Leiden cluster of each member (docs/metrics.md#structure; None when isolated or in a cluster
    of fewer than :data:`MIN_CLUSTER` members) and a name per cluster: its most common interest
    tag, when at least two of its members share it."""
    if graph.ties == 0:
        return [None] * len(members), {}
    labels, _q = leiden_clusters(graph)
    nodes = graph.index([m.person_id for m in members])
    of = [int(labels[i]) if i >= 0 else None for i in nodes]
    sizes = Counter(x for x in of if x is not None)
    of = [x if x is not None and sizes[x] >= MIN_CLUSTER else None for x in of]
    cluster_of = {m.person_id: c for m, c in zip(members, of, strict=True) if c is not None}
    tags: dict[int, Counter] = {}
    for person, tag in interests:
        if person in cluster_of:
            tags.setdefault(cluster_of[person], Counter())[tag] += 1
    names = {}
    with translation.override(lang):
        for label, counts in tags.items():
            tag, count = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            if count >= 2:
                names[label] = str(_("the “%(tag)s” circle") % {"tag": tag})
    return of, names


def match_input(network: Network, *, now: datetime | None = None,
                lang: str = "en") -> MatchInput:
    """The matcher's input for ``network`` (module docstring); cluster names in ``lang``."""
    now = now or timezone.now()
    members = list(active_memberships(network))
    persons = [m.person_id for m in members]
    newcomer_since = now - timedelta(days=NEWCOMER_DAYS)
    rows = []
    for m in members:
        person = m.person
        pseudonymous = m.identity == Identity.PSEUDONYM
        sector = m.effective_sector if not pseudonymous else None
        org = m.effective_organisation
        organisation = org.name if org and not pseudonymous else None
        rows.append((m.person_id, sector, organisation, m.joined_at >= newcomer_since,
                     bool(person.introductions_opt_out), _allowed(network, m)))
    interests = [(m.person_id, str(tag)) for m in members for tag in m.effective_interests]
    ties = network_ties(network)
    cluster, cluster_names = _clusters(ties, members, interests, lang)
    table = pl.DataFrame(rows or None, schema={
        "person": pl.Int64, "sector": pl.String, "organisation": pl.String,
        "newcomer": pl.Boolean, "opted_out": pl.Boolean, "allowed": pl.Boolean}, orient="row"
    ).with_columns(cluster=pl.Series(cluster, dtype=pl.Int64))
    intro = list(Introduction.objects.filter(network=network)
                 .values_list("person_a_id", "person_b_id", "created_at"))
    introduced = pl.DataFrame(intro or None, schema={
        "person_a": pl.Int64, "person_b": pl.Int64, "at": pl.Datetime("us", "UTC")},
        orient="row")
    return MatchInput(
        members=table,
        offers=_texts(Offer, network, persons),
        needs=_texts(Need, network, persons),
        interests=pl.DataFrame(interests or None, schema={"person": pl.Int64, "tag": pl.String},
                               orient="row"),
        ties=ties,
        introduced=introduced,
        names={m.person_id: member_name(m) for m in members},
        cluster_names=cluster_names,
        now=now,
        recent_days=RECENT_DAYS,
    )


@dataclass(frozen=True)
class Part:
    """One signal's weighted contribution to a score."""

    key: str
    label: str
    value: float


@dataclass(frozen=True)
class SuggestionRow:
    """A suggestion ready to show: the two people by their references in the network
    (never global ids) and by the names the network shows."""

    person_a: str
    person_b: str
    name_a: str
    name_b: str
    score: float
    reasons: list[str]
    parts: list[Part] = field(default_factory=list)

    @property
    def reasons_text(self) -> str:
        return " ".join(self.reasons)


def _row(network: Network, s: Suggestion, names: dict[int, str]) -> SuggestionRow:
    parts = [Part(k, str(SIGNAL_LABELS[k]), round(v, 3)) for k, v in s.breakdown.items() if v > 0]
    return SuggestionRow(person_ref(network, s.person_a), person_ref(network, s.person_b),
                         names.get(s.person_a, ""),
                         names.get(s.person_b, ""), round(s.score, 3), list(s.reasons), parts)


def suggestions_for(network: Network, person: Person, lang: str, *,
                    k: int = MEMBER_TOP, inp: MatchInput | None = None) -> list[SuggestionRow]:
    """The ``k`` people ``person`` should meet in ``network``, best first, with reasons
    spoken to ``person``."""
    inp = inp or match_input(network, lang=lang)
    names = dict(inp.names)
    return [_row(network, s, names) for s in suggest_for(person.pk, inp, k=k, lang=lang)]


def network_suggestions(network: Network, lang: str, *, k: int = MEMBER_TOP,
                        limit: int = NETWORK_TOP, inp: MatchInput | None = None,
                        ) -> list[SuggestionRow]:
    """Suggested introductions network-wide: each pair once, ranked by expected benefit
    (score descending, then the two person ids); reasons, about the pair in the third
    person, are built for the ``limit`` rows shown only."""
    inp = inp or match_input(network, lang=lang)
    names = dict(inp.names)
    seen: dict[tuple[int, int], Suggestion] = {}
    for items in suggest_all(inp, k=k, lang=lang, reasons=False).values():
        for s in items:
            key = (min(s.person_a, s.person_b), max(s.person_a, s.person_b))
            if key not in seen:
                seen[key] = s
    ranked = sorted(seen.items(), key=lambda kv: (-kv[1].score, kv[0]))
    shown = explain(inp, [s for _key, s in ranked[:limit]], lang, voice="pair")
    return [_row(network, s, names) for s in shown]


def pair_suggestion(network: Network, person_a: int, person_b: int, lang: str, *,
                    inp: MatchInput | None = None) -> SuggestionRow | None:
    """The matcher's suggestion of ``person_b`` for ``person_a``, or None when it has none;
    its reasons speak about the two in the third person (they go to both, from whoever
    introduces)."""
    inp = inp or match_input(network, lang=lang)
    for s in suggest_for(person_a, inp, k=inp.members.height, lang=lang, reasons=False):
        if s.person_b == person_b:
            return _row(network, explain(inp, [s], lang, voice="pair")[0], dict(inp.names))
    return None


# --- give and take of one member ----------------------------------------------------------


def my_offers(network: Network, person: Person) -> QuerySet[Offer]:
    """``person``'s offers that hold in ``network`` (open first, newest first)."""
    return (Offer.objects.filter(person=person)
            .filter(Q(network=network) | Q(network__isnull=True))
            .order_by("-status", "-created_at", "-pk"))


def my_needs(network: Network, person: Person) -> QuerySet[Need]:
    """``person``'s needs that hold in ``network`` (open first, newest first)."""
    return (Need.objects.filter(person=person)
            .filter(Q(network=network) | Q(network__isnull=True))
            .order_by("-status", "-created_at", "-pk"))


def exchanges_to_confirm(network: Network, person: Person) -> QuerySet[Exchange]:
    """Exchanges in ``network`` where ``person`` received and has not confirmed yet."""
    return (Exchange.objects.filter(network=network, receiver=person, confirmed_at__isnull=True)
            .order_by("created_at", "pk"))


#: Days after an introduction before the follow-up ("did you meet?") is asked.
FOLLOW_UP_DAYS = 14


def follow_up_days() -> int:
    """Days after an introduction before its follow-up is asked (setting
    ``NETWEAVE_FOLLOW_UP_DAYS``, default :data:`FOLLOW_UP_DAYS`)."""
    return int(getattr(settings, "NETWEAVE_FOLLOW_UP_DAYS", FOLLOW_UP_DAYS))


def follow_up_from(introduction: Introduction) -> datetime:
    """When the follow-up of ``introduction`` is asked."""
    return introduction.created_at + timedelta(days=follow_up_days())


def introductions_to_answer(network: Network, person: Person, *,
                            now: datetime | None = None) -> QuerySet[Introduction]:
    """Introductions of ``person`` in ``network`` that they have not answered yet, made at
    least :func:`follow_up_days` ago."""
    answered = IntroductionAnswer.objects.filter(introduction=OuterRef("pk"), person=person)
    due = (now or timezone.now()) - timedelta(days=follow_up_days())
    return (Introduction.objects.filter(network=network, created_at__lte=due)
            .filter(Q(person_a=person) | Q(person_b=person))
            .exclude(Exists(answered)).order_by("created_at", "pk"))


def other_side(introduction: Introduction, person: Person) -> int:
    """The person id of the other one introduced."""
    return (introduction.person_b_id if introduction.person_a_id == person.pk
            else introduction.person_a_id)


# --- the facilitator's view --------------------------------------------------------------


@dataclass(frozen=True)
class OpenNeed:
    need: int
    person: int
    name: str
    text: str
    created_at: datetime


def unanswered_needs(network: Network) -> list[OpenNeed]:
    """Open needs of active members that nobody has answered yet, oldest first.

    Answered: an exchange names the need, or its owner was introduced to someone in
    ``network`` after posting it.
    """
    names = member_names(network)
    answered = Exchange.objects.filter(need=OuterRef("pk"))
    introduced = Introduction.objects.filter(network=network,
                                             created_at__gte=OuterRef("created_at")).filter(
        Q(person_a=OuterRef("person_id")) | Q(person_b=OuterRef("person_id")))
    needs = (_items(Need, network, list(names)).exclude(Exists(answered))
             .exclude(Exists(introduced)).order_by("created_at", "pk"))
    return [OpenNeed(n.pk, n.person_id, names[n.person_id], n.text, n.created_at)
            for n in needs]


@dataclass(frozen=True)
class Newcomer:
    person: int
    name: str
    joined_at: datetime


def isolated_newcomers(network: Network, *, now: datetime | None = None,
                       ties: TieGraph | None = None) -> list[Newcomer]:
    """Members (not facilitators or observers) who joined within :data:`NEWCOMER_DAYS` and
    have no tie yet (docs/metrics.md#data)."""
    now = now or timezone.now()
    graph = ties if ties is not None else network_ties(network)
    degree = graph.degree()
    out = []
    for m in active_memberships(network).filter(
            joined_at__gte=now - timedelta(days=NEWCOMER_DAYS)).filter(role=Role.MEMBER):
        node = int(graph.index([m.person_id])[0])
        if node < 0 or degree[node] == 0:
            out.append(Newcomer(m.person_id, member_name(m), m.joined_at))
    return out


@dataclass(frozen=True)
class IntroductionOutcome:
    """How one introduction turned out: each side's answers (None: not answered yet)."""

    introduction: int
    name_a: str
    name_b: str
    introducer: str
    created_at: datetime
    met_a: bool | None
    met_b: bool | None
    valuable_a: bool | None
    valuable_b: bool | None


@dataclass(frozen=True)
class OutcomeSummary:
    made: int
    answered: int
    met: int
    valuable: int
    rows: list[IntroductionOutcome]


def introduction_outcomes(network: Network, *, limit: int = 50) -> OutcomeSummary:
    """Past introductions of ``network`` and how they turned out, newest first.

    ``met``: introductions where at least one side says they met; ``valuable``: where at
    least one side found it valuable; ``answered``: at least one side answered.
    """
    intros = list(Introduction.objects.filter(network=network)
                  .select_related("person_a", "person_b", "introducer")
                  .order_by("-created_at", "-pk"))
    people = {p.pk: p for i in intros for p in (i.person_a, i.person_b, i.introducer)}
    from netweave.networks.selectors import author_names

    names = author_names(network, list(people.values()))
    answers: dict[tuple[int, int], IntroductionAnswer] = {
        (a.introduction_id, a.person_id): a
        for a in IntroductionAnswer.objects.filter(introduction__network=network)}
    rows, answered, met, valuable = [], 0, 0, 0
    for i in intros:
        a, b = answers.get((i.pk, i.person_a_id)), answers.get((i.pk, i.person_b_id))
        answered += bool(a or b)
        met += any(x is not None and x.met for x in (a, b))
        valuable += any(x is not None and x.valuable for x in (a, b))
        rows.append(IntroductionOutcome(
            i.pk, names[i.person_a_id], names[i.person_b_id], names[i.introducer_id],
            i.created_at, a.met if a else None, b.met if b else None,
            a.valuable if a else None, b.valuable if b else None))
    return OutcomeSummary(len(intros), answered, met, valuable, rows[:limit])


# --- value stories ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StoryChoices:
    """What a person may name as having led to a value story: (id, label), newest first."""

    events: list[tuple[int, str]]
    introductions: list[tuple[int, str]]
    offers: list[tuple[int, str]]


def _day(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment).date())


def story_choices(network: Network, person: Person, *,
                  now: datetime | None = None) -> StoryChoices:
    """The network's meetings that have begun (not cancelled), the introductions ``person``
    was introduced in or made, and the offers of the network's active members."""
    events = (Event.objects.filter(network=network, cancelled=False,
                                   starts_at__lte=now or timezone.now())
              .order_by("-starts_at", "-pk").values_list("pk", "title", "starts_at"))
    intros = (Introduction.objects.filter(network=network)
              .filter(Q(person_a=person) | Q(person_b=person) | Q(introducer=person))
              .order_by("-created_at", "-pk"))
    names = member_names(network)
    offers = (Offer.objects.filter(person_id__in=list(names))
              .filter(Q(network=network) | Q(network__isnull=True))
              .order_by("-created_at", "-pk").values_list("pk", "person_id", "text"))
    shown = shown_names(network, {p for i in intros for p in (i.person_a_id, i.person_b_id)})

    def intro_label(i: Introduction) -> str:
        if person.pk in (i.person_a_id, i.person_b_id):
            return _("Introduction to %(name)s, %(date)s") % {
                "name": shown.get(other_side(i, person), ""), "date": _day(i.created_at)}
        return _("Introduction of %(a)s and %(b)s, %(date)s") % {
            "a": shown.get(i.person_a_id, ""), "b": shown.get(i.person_b_id, ""),
            "date": _day(i.created_at)}

    return StoryChoices(
        events=[(pk, f"{title} ({_day(at)})") for pk, title, at in events],
        introductions=[(i.pk, intro_label(i)) for i in intros],
        offers=[(pk, f"{text} ({names[pid]})") for pk, pid, text in offers],
    )


@dataclass(frozen=True)
class StoryRow:
    """A value story as the network's story list shows it to anyone who sees its contents."""

    id: int
    author: str
    name: str
    title: str
    text: str
    cycle: str
    cycle_label: str
    created_at: datetime
    events: list[int]
    introductions: list[int]
    offers: list[int]
    #: What led to it, in words: meetings by title, offers by text, introductions by date
    #: only (who was introduced to whom is theirs to tell).
    led_to_by: list[str]


def network_stories(network: Network, *, limit: int = 200,
                    ids: list[int] | None = None) -> list[StoryRow]:
    """The network's value stories (those of ``ids`` when given), newest first; authors by
    the name the network shows."""
    qs = ValueStory.objects.filter(network=network)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    stories = list(qs.order_by("-created_at", "-pk")[:limit])
    links = (StoryLink.objects.filter(story__in=stories)
             .select_related("event", "introduction", "offer").order_by("pk"))
    by_story: dict[int, list[StoryLink]] = {}
    for link in links:
        by_story.setdefault(link.story_id, []).append(link)
    names = shown_names(network, {s.author_id for s in stories})
    rows = []
    for s in stories:
        mine = by_story.get(s.pk, [])
        words = []
        for link in mine:
            if link.event is not None:
                words.append(_("the meeting “%(title)s” of %(date)s") % {
                    "title": link.event.title, "date": _day(link.event.starts_at)})
            elif link.introduction is not None:
                words.append(_("an introduction of %(date)s")
                             % {"date": _day(link.introduction.created_at)})
            elif link.offer is not None:
                words.append(_("the offer “%(text)s”") % {"text": link.offer.text})
        rows.append(StoryRow(
            id=s.pk, author=person_ref(network, s.author_id), name=names.get(s.author_id, ""),
            title=s.title, text=s.text, cycle=s.cycle, cycle_label=str(s.get_cycle_display()),
            created_at=s.created_at,
            events=[x.event_id for x in mine if x.event_id],
            introductions=[x.introduction_id for x in mine if x.introduction_id],
            offers=[x.offer_id for x in mine if x.offer_id], led_to_by=words))
    return rows

"""The overlap finder of this instance: the core index over its networks and discussions.

:func:`instance_index` builds :class:`netweave.core.design.overlap.OverlapIndex` from the
database with live figures per item (active participants in the last 90 days and days since
the last contribution, docs/metrics.md 1 and 2), and keeps it in this process for
:data:`TTL_SECONDS`; saving or deleting a network, discussion or post drops it at once, and
a change in the number or highest id of networks or discussions (another process) rebuilds
it on the next query.
:func:`find_overlap` asks it for one viewer: items the viewer may not see are excluded
(secret networks to outsiders; discussions of networks whose contents they cannot see), so
they are never suggested.

The figures are read with two aggregate queries, not the measurement engine: contributions
are activity rows of a contribution kind; a later ``void`` row is not subtracted (cheap, and
a void is rare).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Count, Max, Q
from django.db.models.signals import post_delete, post_save
from django.urls import reverse
from django.utils import timezone

from netweave.core import activity as act
from netweave.core.design.overlap import OverlapHit, OverlapIndex, OverlapItem
from netweave.networks.models import Activity, Discussion, Network, Post, Visibility
from netweave.networks.selectors import AnyUser, person_of

#: How long a built index is reused before the figures are read again.
TTL_SECONDS = 60.0
#: The period of "active participants" (docs/metrics.md#activity, as on the health card).
ACTIVE_DAYS = 90


@dataclass(frozen=True)
class Entry:
    """What a hit shows besides the core's answer: title, link and network."""

    kind: str
    id: int
    title: str
    url: str
    network_id: int
    network_name: str
    network_slug: str
    visibility: str


@dataclass
class InstanceIndex:
    index: OverlapIndex
    entries: dict[tuple[str, int], Entry]
    built_at: float
    by_key: dict[tuple[str, int], OverlapItem] = field(default_factory=dict)
    #: Network id -> the items only its members (and staff) may be shown: a secret network
    #: itself, and the discussions of a closed or secret network.
    private: dict[int, list[tuple[str, int]]] = field(default_factory=dict)
    fingerprint: tuple[Any, ...] = ()

    def item(self, kind: str, id_: int) -> OverlapItem:
        """The indexed item (with its figures) of ``kind`` and ``id_``."""
        return self.by_key[(kind, id_)]


_lock = threading.Lock()
_cached: InstanceIndex | None = None


def invalidate(**_kwargs: Any) -> None:
    """Drop the cached index (connected to saves and deletes of the indexed models)."""
    global _cached
    with _lock:
        _cached = None


for _model in (Network, Discussion, Post):
    post_save.connect(invalidate, sender=_model, dispatch_uid=f"charters-overlap-{_model}")
    post_delete.connect(invalidate, sender=_model, dispatch_uid=f"charters-overlap-d-{_model}")


def _days(now: Any, last: Any) -> float | None:
    return None if last is None else max(0.0, (now - last).total_seconds() / 86400)


def build_items() -> tuple[list[OverlapItem], dict[tuple[str, int], Entry]]:
    """Every network and discussion of this instance as overlap items, with live figures."""
    now = timezone.now()
    since = now - timedelta(days=ACTIVE_DAYS)
    contributions = Activity.objects.filter(kind__in=sorted(act.CONTRIBUTION_KINDS))
    figures = {
        row["network"]: row for row in contributions.values("network").annotate(
            active=Count("actor", distinct=True, filter=Q(at__gte=since)), last=Max("at"))
    }
    items: list[OverlapItem] = []
    entries: dict[tuple[str, int], Entry] = {}
    networks = {}
    for n in Network.objects.all().order_by("pk"):
        networks[n.pk] = n
        f = figures.get(n.pk, {})
        items.append(OverlapItem(
            "network", n.pk, f"{n.name}\n{n.purpose}", tuple(n.focus_tags or ()),
            tuple(n.community_types), n.region, n.mode,
            active_participants=int(f.get("active") or 0),
            days_since_last_contribution=_days(now, f.get("last"))))
        entries[("network", n.pk)] = Entry("network", n.pk, n.name,
                                           reverse("network-detail", args=[n.slug]), n.pk,
                                           n.name, n.slug, n.visibility)
    discussions = Discussion.objects.annotate(
        active=Count("posts__author", distinct=True, filter=Q(posts__created_at__gte=since)),
        last=Max("posts__created_at"),
    ).order_by("pk")
    for d in discussions:
        n = networks.get(d.network_id)
        if n is None:
            continue
        # A discussion is found by its own title: its network's tags would make every
        # discussion there look alike. Types and region still re-weigh it.
        items.append(OverlapItem(
            "discussion", d.pk, d.title, (), tuple(n.community_types),
            n.region, n.mode, active_participants=int(d.active or 0),
            days_since_last_contribution=_days(now, d.last or d.created_at)))
        entries[("discussion", d.pk)] = Entry("discussion", d.pk, d.title,
                                              reverse("network-detail", args=[n.slug]), n.pk,
                                              n.name, n.slug, n.visibility)
    return items, entries


def _fingerprint() -> tuple[Any, ...]:
    """Counts and highest ids of networks and discussions: a network or discussion added or
    removed by another process (or a rolled-back test) shows before the TTL runs out."""
    n = Network.objects.aggregate(n=Count("id"), m=Max("id"))
    d = Discussion.objects.aggregate(n=Count("id"), m=Max("id"))
    return (n["n"], n["m"], d["n"], d["m"])


def instance_index() -> InstanceIndex:
    """The cached index of this instance, rebuilt when stale or invalidated."""
    global _cached
    with _lock:
        cached = _cached
        fingerprint = _fingerprint()
        if (cached is not None and cached.fingerprint == fingerprint
                and time.monotonic() - cached.built_at < TTL_SECONDS):
            return cached
        items, entries = build_items()
        private: dict[int, list[tuple[str, int]]] = {}
        for key, e in entries.items():
            if ((e.kind == "network" and e.visibility == Visibility.SECRET)
                    or (e.kind == "discussion" and e.visibility != Visibility.PUBLIC)):
                private.setdefault(e.network_id, []).append(key)
        cached = InstanceIndex(OverlapIndex.build(items), entries, time.monotonic(),
                               {(i.kind, i.id): i for i in items}, private, fingerprint)
        _cached = cached
        return cached


def discussion_url(entry: Entry) -> str:
    """A discussion's page when the discuss app offers one, else its network's page."""
    from django.urls import NoReverseMatch

    try:
        return reverse("discuss-topic", args=[entry.network_slug, entry.id])
    except NoReverseMatch:
        return entry.url


def hidden_from(user: AnyUser | None, cached: InstanceIndex) -> set[tuple[str, int]]:
    """The items ``user`` may not be shown: secret networks they are not in, and the
    discussions of closed or secret networks they are not in (staff see everything)."""
    if user is not None and user.is_authenticated and user.is_staff:
        return set()
    person = person_of(user)
    mine: set[int] = set()
    if person is not None:
        mine = set(person.memberships.filter(left_at__isnull=True)
                   .values_list("network_id", flat=True))
    return {key for network_id, keys in cached.private.items() if network_id not in mine
            for key in keys}


@dataclass(frozen=True)
class Suggestion:
    """One hit as the web app, API and CLI show it."""

    entry: Entry
    hit: OverlapHit
    item: OverlapItem

    @property
    def url(self) -> str:
        return discussion_url(self.entry) if self.entry.kind == "discussion" else self.entry.url


def find_overlap(user: AnyUser | None, text: str, *, kinds: tuple[str, ...] = ("network",),
                 focus_tags: tuple[str, ...] = (), community_types: tuple[str, ...] = (),
                 region: str = "", exclude: tuple[tuple[str, int], ...] = (), k: int = 5,
                 lang: str = "en", everything: bool = False) -> list[Suggestion]:
    """The ``k`` best existing items like ``text`` that ``user`` may see, best first.

    ``everything`` (the operator's CLI) shows every item regardless of visibility.
    """
    cached = instance_index()
    hidden = set() if everything else hidden_from(user, cached)
    hits = cached.index.query(text, focus_tags=focus_tags, community_types=community_types,
                              region=region, kinds=kinds, k=k,
                              exclude=hidden | set(exclude), lang=lang)
    return [Suggestion(cached.entries[(h.kind, h.id)], h, cached.item(h.kind, h.id))
            for h in hits]

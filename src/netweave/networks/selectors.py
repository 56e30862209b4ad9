"""Read queries for the web pages (HackSoft style: views stay thin, writes go to services).

Pseudonymity is decided here, once: every name a page shows comes from :func:`member_name`
or :func:`author_names`, never from ``Person.name`` directly. A member who uses a pseudonym
is shown by the pseudonym to everyone, staff and facilitators included.
"""

from __future__ import annotations

import base64
import re
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Value
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from .models import (
    Activity,
    Attendance,
    CommunityType,
    Discussion,
    Event,
    EventMode,
    Identity,
    IdentityMode,
    Membership,
    Network,
    Person,
    Registration,
    Role,
    Sector,
    Visibility,
)

if TYPE_CHECKING:
    from netweave.core.measure.data import NetworkData

AnyUser = AbstractBaseUser | AnonymousUser

#: How many upcoming events and latest discussions a network page shows.
PAGE_EVENTS = 10
PAGE_DISCUSSIONS = 10


def person_of(user: AnyUser | None) -> Person | None:
    """The :class:`Person` linked to ``user``, or ``None`` (anonymous, or no profile)."""
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.person  # type: ignore[union-attr]
    except Person.DoesNotExist:
        return None


def _is_staff(user: AnyUser | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_staff)


def _active_memberships(person: Person) -> QuerySet[Membership]:
    return Membership.objects.filter(person=person, left_at__isnull=True)


def visible_networks(user: AnyUser | None) -> QuerySet[Network]:
    """Networks ``user`` may see: public and closed ones for everyone, secret ones only for
    their active members and for staff. Annotated with ``member_count`` (active members) and
    ``is_member`` (the viewer is an active member)."""
    networks = Network.objects.all()
    person = person_of(user)
    if person is not None:
        mine = _active_memberships(person).filter(network=OuterRef("pk"))
        networks = networks.annotate(is_member=Exists(mine))
    else:
        networks = networks.annotate(is_member=Value(False))
    if not _is_staff(user):
        allowed = ~Q(visibility=Visibility.SECRET)
        if person is not None:
            allowed |= Q(is_member=True)
        networks = networks.filter(allowed)
    return networks.annotate(
        member_count=Count("memberships", filter=Q(memberships__left_at__isnull=True))
    ).order_by("name")


def visible_network(user: AnyUser | None, slug: str) -> Network | None:
    """The network called ``slug`` if ``user`` may see it (the rule of
    :func:`visible_networks`), in at most two small queries and without counting members."""
    network = Network.objects.filter(slug=slug).first()
    if network is None or network.visibility != Visibility.SECRET or _is_staff(user):
        return network
    person = person_of(user)
    if person is not None and _active_memberships(person).filter(network=network).exists():
        return network
    return None


def can_see_contents(network: Network, user: AnyUser | None) -> bool:
    """Whether ``user`` sees members, events and discussions (not only the charter).

    Public networks show them to everyone; closed and secret ones to active members and
    staff.
    """
    if network.visibility == Visibility.PUBLIC or _is_staff(user):
        return True
    person = person_of(user)
    return person is not None and _active_memberships(person).filter(network=network).exists()


def mail_language(person: Person, network: Network | None = None) -> str:
    """The language of e-mails to ``person``: their choice in ``network``, else that
    network's language. Without a network: their choice in the network they joined last
    that has one, else the language of the network they joined last, else the site's."""
    memberships = Membership.objects.filter(person=person).select_related("network")
    if network is not None:
        membership = memberships.filter(network=network).first()
        return (membership.email_language if membership is not None
                and membership.email_language else network.language)
    active = memberships.filter(left_at__isnull=True).order_by("-joined_at", "-pk")
    chosen = active.exclude(email_language="").first()
    if chosen is not None:
        return chosen.email_language
    latest = active.first()
    return latest.network.language if latest is not None else settings.LANGUAGE_CODE


def member_name(membership: Membership) -> str:
    """The name everyone else sees for ``membership``: its pseudonym when it uses one."""
    if membership.identity == Identity.PSEUDONYM:
        return membership.pseudonym
    return _shown(membership.person)


def _shown(person: Person) -> str:
    # A person who deleted their account stays as a nameless tombstone (GDPR erasure).
    return person.name or str(_("Former member"))


def in_network(network: Network, ids: Iterable[int]) -> set[int]:
    """Those of the people ``ids`` that ``network`` knows: members (current or former) and
    people in its records (its activity log, or registered for or checked in at its events).
    Anyone else is a stranger to the network: never named, never found by reference."""
    ids = set(ids)
    if not ids:
        return set()
    known = set(Membership.objects.filter(network=network, person_id__in=ids)
                .values_list("person_id", flat=True))
    rest = ids - known
    if rest:
        known |= set(Activity.objects.filter(network=network, actor_id__in=rest)
                     .values_list("actor_id", flat=True).distinct())
    rest = ids - known
    if rest:
        known |= set(Activity.objects.filter(network=network, target_id__in=rest)
                     .values_list("target_id", flat=True).distinct())
    rest = ids - known
    if rest:
        known |= set(Registration.objects.filter(event__network=network, person_id__in=rest)
                     .values_list("person_id", flat=True))
        known |= set(Attendance.objects.filter(event__network=network, person_id__in=rest)
                     .values_list("person_id", flat=True))
    return known


def shown_names(network: Network, ids: Iterable[int]) -> dict[int, str]:
    """Person id -> the name ``network`` shows, for those of ``ids`` it knows (see
    :func:`in_network`); strangers are left out. A member (current or former) is shown as
    their membership says; someone in the records without a membership (a guest, a walk-in)
    by their name in a network that shows names, and as "Guest" in a pseudonymous-only one.
    """
    ids = set(ids)
    memberships = Membership.objects.filter(network=network, person_id__in=ids).select_related(
        "person")
    names = {m.person_id: member_name(m) for m in memberships}
    guests = in_network(network, ids - set(names))
    if guests:
        if network.identity_mode == IdentityMode.PSEUDONYMOUS_ONLY:
            names.update(dict.fromkeys(guests, str(_("Guest"))))
        else:
            names.update({p.pk: _shown(p) for p in Person.objects.filter(pk__in=guests)})
    return names


def name_in(network_id: int | None, person: Person | None) -> str:
    """``person`` as the network ``network_id`` shows them (:func:`shown_names`): what a
    row that belongs to a network (an admin list, a ``__str__``) says about its person."""
    if person is None:
        return ""
    if network_id is None:
        return _shown(person)
    network = Network.objects.filter(pk=network_id).first()
    if network is None:
        return "?"
    return shown_names(network, [person.pk]).get(person.pk, "?")


def author_names(network: Network, authors: list[Person]) -> dict[int, str]:
    """Person id -> shown name in ``network`` of ``authors`` (:func:`shown_names`); someone
    the network does not know is "?", never their name."""
    names = shown_names(network, {p.pk for p in authors})
    return {p.pk: names.get(p.pk, "?") for p in authors}


# --- person references ---------------------------------------------------------------------
#
# Outside a person's own views a person is referred to only by a reference of one network:
# a keyed hash of (network, person), so the same person has unrelated references in two
# networks and a reference says nothing about the global id. Nothing is stored: references
# are the same in every process and after a restore with the same secret key; a new key
# gives everyone new references (old ones still resolve while the old key is listed in
# SECRET_KEY_FALLBACKS).

#: What a person reference looks like: "p" and 16 base32 letters (80 bits).
REF_PATTERN = re.compile(r"^p[a-z2-7]{16}$")
_REF_SALT = "netweave.person-ref"
#: How long a network's reference -> person table is reused (seconds).
REF_CACHE_SECONDS = 300


def _ref(network_id: int, person_id: int, secret: str | bytes | None = None) -> str:
    digest = salted_hmac(_REF_SALT, f"{network_id}:{person_id}", secret=secret,
                         algorithm="sha256").digest()
    return "p" + base64.b32encode(digest[:10]).decode().lower()


def person_ref(network: Network, person_id: int) -> str:
    """The reference of person ``person_id`` in ``network``."""
    return _ref(network.pk, person_id)


def person_refs(network: Network, ids: Iterable[int]) -> dict[int, str]:
    """Person id -> reference in ``network``, for each of ``ids``."""
    return {i: _ref(network.pk, i) for i in set(ids)}


def _ref_table(network: Network) -> dict[str, int]:
    people = set(Membership.objects.filter(network=network).values_list("person_id",
                                                                        flat=True))
    people |= set(Activity.objects.filter(network=network).values_list("actor_id", flat=True)
                  .distinct())
    people |= set(Activity.objects.filter(network=network, target__isnull=False)
                  .values_list("target_id", flat=True).distinct())
    people |= set(Registration.objects.filter(event__network=network)
                  .values_list("person_id", flat=True))
    people |= set(Attendance.objects.filter(event__network=network)
                  .values_list("person_id", flat=True))
    table = {}
    for secret in [None, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        for person_id in people:
            table.setdefault(_ref(network.pk, person_id, secret), person_id)
    return table


def person_id_for_ref(network: Network, ref: str | None) -> int | None:
    """The id of the person ``network`` knows by ``ref`` (:func:`in_network`), or None for
    anything else: a malformed value, a raw id, another network's reference."""
    ref = (ref or "").strip().lower()
    if not REF_PATTERN.match(ref):
        return None
    key = f"netweave:person-refs:{network.pk}"
    table = cache.get(key)
    if table is None or ref not in table:
        table = _ref_table(network)
        cache.set(key, table, REF_CACHE_SECONDS)
    return table.get(ref)


@dataclass(frozen=True)
class CharterRow:
    """One labelled line of a charter; ``value`` is text, ``items`` a list."""

    label: str
    value: str = ""
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class MemberRow:
    name: str
    role: str
    role_label: str
    is_you: bool


@dataclass(frozen=True)
class EventRow:
    title: str
    starts_at: datetime
    ends_at: datetime
    mode_label: str
    location: str
    online: bool


@dataclass(frozen=True)
class DiscussionRow:
    title: str
    author: str
    author_is_you: bool
    is_question: bool
    created_at: datetime
    replies: int


@dataclass
class NetworkPage:
    """Everything the network page shows, already filtered for the viewer."""

    network: Network
    tz: tzinfo
    charter: list[CharterRow]
    can_see_contents: bool
    viewer_membership: Membership | None = None
    members: list[MemberRow] = field(default_factory=list)
    events: list[EventRow] = field(default_factory=list)
    discussions: list[DiscussionRow] = field(default_factory=list)


def _label(field_name: str) -> str:
    return str(Network._meta.get_field(field_name).verbose_name)


def _choice_label(choices: type, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def network_tz(network: Network) -> tzinfo:
    """The network's time zone; the site's default when the stored name is unknown."""
    try:
        return zoneinfo.ZoneInfo(network.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def target_mix_rows(network: Network) -> tuple[str, ...]:
    """The target stakeholder mix as "Label: NN%" lines, in the order of :class:`Sector`."""
    mix = network.target_mix or {}
    order = {value: i for i, value in enumerate(Sector.values)}
    lines = []
    for sector in sorted(mix, key=lambda s: (order.get(s, len(order)), s)):
        try:
            share = float(mix[sector])
        except (TypeError, ValueError):
            continue
        lines.append(f"{_choice_label(Sector, sector)}: {round(share * 100)}%")
    return tuple(lines)


def charter_rows(network: Network) -> list[CharterRow]:
    """The charter as labelled rows, with translated labels; empty fields are left out."""
    rows = [CharterRow(_label("purpose"), value=network.purpose)]
    for name in ("goals", "expectations_bring", "expectations_get", "planned_activities",
                 "cadence"):
        value = getattr(network, name)
        if value:
            rows.append(CharterRow(_label(name), value=value))
    if network.focus_tags:
        rows.append(CharterRow(_label("focus_tags"), items=tuple(map(str, network.focus_tags))))
    if network.region:
        rows.append(CharterRow(_label("region"), value=network.region))
    types = [_choice_label(CommunityType, t) for t in network.community_types]
    types[0] = str(_("%(type)s (primary)") % {"type": types[0]})
    rows.append(CharterRow(str(_("Community types")), items=tuple(types)))
    rows.append(CharterRow(_label("mode"), value=network.get_mode_display()))
    rows.append(CharterRow(_label("visibility"), value=network.get_visibility_display()))
    rows.append(CharterRow(_label("identity_mode"), value=network.get_identity_mode_display()))
    mix = target_mix_rows(network)
    if mix:
        rows.append(CharterRow(_label("target_mix"), items=mix))
    return [CharterRow(r.label[:1].upper() + r.label[1:], r.value, r.items) for r in rows]


def _members(network: Network, viewer: Person | None) -> list[MemberRow]:
    memberships = (
        Membership.objects.filter(network=network, left_at__isnull=True)
        .select_related("person")
        .order_by("joined_at", "pk")
    )
    rows = [
        MemberRow(
            name=member_name(m),
            role=m.role,
            role_label=_choice_label(Role, m.role),
            is_you=viewer is not None and m.person_id == viewer.pk,
        )
        for m in memberships
    ]
    # Facilitators first, then members, then observers; joining order within each.
    rank = {value: i for i, value in enumerate(Role.values)}
    return sorted(rows, key=lambda r: rank.get(r.role, len(rank)))


def upcoming_events(network: Network, *, limit: int = PAGE_EVENTS) -> QuerySet[Event]:
    """Events of ``network`` that have not ended yet, soonest first."""
    return Event.objects.filter(network=network, ends_at__gte=timezone.now()).order_by(
        "starts_at"
    )[:limit]


def latest_discussions(network: Network, *,
                       limit: int = PAGE_DISCUSSIONS) -> QuerySet[Discussion]:
    """The newest discussions of ``network``, with ``post_count`` and their authors."""
    return (
        Discussion.objects.filter(network=network)
        .select_related("author")
        .annotate(post_count=Count("posts"))
        .order_by("-created_at", "-pk")[:limit]
    )


def network_page(network: Network, viewer: AnyUser | None) -> NetworkPage:
    """The network page for ``viewer``: charter always; members, upcoming events and latest
    discussions when :func:`can_see_contents`. The caller has checked that ``viewer`` may see
    the network at all (see :func:`visible_networks`)."""
    person = person_of(viewer)
    page = NetworkPage(
        network=network,
        tz=network_tz(network),
        charter=charter_rows(network),
        can_see_contents=can_see_contents(network, viewer),
    )
    if person is not None:
        page.viewer_membership = _active_memberships(person).filter(network=network).first()
    if not page.can_see_contents:
        return page
    page.members = _members(network, person)
    page.events = [
        EventRow(
            title=e.title,
            starts_at=e.starts_at,
            ends_at=e.ends_at,
            mode_label=e.get_mode_display(),
            location=e.location,
            online=e.mode != EventMode.OFFLINE,
        )
        for e in upcoming_events(network)
    ]
    discussions = list(latest_discussions(network))
    names = author_names(network, [d.author for d in discussions])
    page.discussions = [
        DiscussionRow(
            title=d.title,
            author=names[d.author_id],
            author_is_you=person is not None and d.author_id == person.pk,
            is_question=d.is_question,
            created_at=d.created_at,
            replies=max(d.post_count - 1, 0),
        )
        for d in discussions
    ]
    return page


# --- reports: people by their references (docs/metrics.md#health-card; core/report) ---

def by_reference(network: Network, data: NetworkData) -> tuple[NetworkData, list[str]]:
    """``data`` of ``network`` with people numbered 1, 2, ... in the order of their
    references, and the references in that order: the labels of a report or graph file,
    which then holds no global id and no name."""
    from netweave.core.measure.data import renumbered

    numbered, originals = renumbered(data, key=lambda p: _ref(network.pk, p))
    return numbered, [_ref(network.pk, p) for p in originals]

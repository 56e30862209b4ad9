"""Meet's read queries: events a viewer may see, attendee rows and feed contents.

Names come from :func:`netweave.networks.selectors.member_name` only. Who sees what:

* everyone who sees a network's contents sees its events and the names of members going;
* facilitators see the attendance list: members by their shown name (a pseudonymous
  member's real name and e-mail address never), and guests by the name, e-mail address and
  organisation they gave when registering for this network's event.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from netweave.networks.models import (
    Attendance,
    Event,
    Identity,
    Membership,
    Network,
    Person,
    Registration,
    RsvpStatus,
)
from netweave.networks.permissions import Access, Capability, access
from netweave.networks.selectors import member_name, person_ref

from .recurrence import zone
from .rule_words import describe

#: How far back feeds reach.
FEED_PAST = timedelta(days=90)


def network_events(network: Network, *, upcoming: bool = True) -> QuerySet[Event]:
    """Events of ``network``: those not yet ended (soonest first) or the past ones (latest
    first)."""
    events = Event.objects.filter(network=network)
    if upcoming:
        return events.filter(ends_at__gte=timezone.now()).order_by("starts_at")
    return events.filter(ends_at__lt=timezone.now()).order_by("-starts_at")


@dataclass(frozen=True)
class EventRow:
    """One line of the events list: a one-off event, or a series by its next occurrence."""

    event: Event
    #: The series' rule in words ("" for a one-off event).
    rule_words: str
    #: How many other upcoming occurrences of the series this line stands for.
    later: int


def upcoming_rows(network: Network) -> list[EventRow]:
    """The upcoming events of ``network``, one line per series (its next occurrence not
    cancelled, or the next one when all are), soonest first, so a weekly series does not
    bury the one-off events."""
    rows: list[EventRow] = []
    series: dict[int, list[Event]] = {}
    for event in network_events(network).select_related("series"):
        if event.series_id is None:
            rows.append(EventRow(event, "", 0))
        else:
            series.setdefault(event.series_id, []).append(event)
    for occurrences in series.values():
        shown = next((e for e in occurrences if not e.cancelled), occurrences[0])
        first = occurrences[0].series
        words = describe(first.rrule, first.first_start.astimezone(zone(first.timezone)))
        rows.append(EventRow(shown, words, len(occurrences) - 1))
    return sorted(rows, key=lambda row: (row.event.starts_at, row.event.pk))


def rule_words(event: Event) -> str:
    """The rule of ``event``'s series in words, or "" for a one-off event."""
    if event.series is None:
        return ""
    series = event.series
    return describe(series.rrule, series.first_start.astimezone(zone(series.timezone)))


def event_of(grant: Access, pk: int) -> Event:
    """Event ``pk`` of the granted network, or :class:`~django.http.Http404`."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Event.objects.select_related("series", "network"),
                             network=grant.network, pk=pk)


@dataclass(frozen=True)
class AttendeeRow:
    """One line of an attendance list or export, already reduced to what the viewer may see."""

    person_id: int
    #: The person's reference in the event's network: what a page or an answer shows.
    ref: str
    name: str
    email: str
    organisation: str
    kind: str  # "member", "pseudonym" or "guest"
    kind_label: str
    rsvp: str
    rsvp_label: str
    waitlisted: bool
    ticket: str
    checked_in: bool
    checked_in_at: datetime | None
    method: str
    method_label: str
    mode_label: str


def _kind_label(kind: str) -> str:
    return {"member": _("Member"), "pseudonym": _("Member (pseudonym)"),
            "guest": _("Guest")}[kind]


def attendee_rows(event: Event) -> list[AttendeeRow]:
    """Everyone who answered or came, for the facilitator's list and the exports.

    A pseudonymous member is shown by the pseudonym only, without e-mail or organisation.
    """
    registrations = {r.person_id: r for r in
                     Registration.objects.filter(event=event).select_related("person")}
    attendances = {a.person_id: a for a in
                   Attendance.objects.filter(event=event).select_related("person")}
    people: dict[int, Person] = {}
    for r in registrations.values():
        people[r.person_id] = r.person
    for a in attendances.values():
        people[a.person_id] = a.person
    memberships = {m.person_id: m for m in Membership.objects.filter(
        network=event.network, person_id__in=people).select_related("person__organisation")}
    orgs = {p.pk: p.organisation.name for p in Person.objects.filter(
        pk__in=people, organisation__isnull=False).select_related("organisation")}
    rows = []
    for pid, person in people.items():
        membership = memberships.get(pid)
        if membership is not None and membership.identity == Identity.PSEUDONYM:
            kind, name, email, org = "pseudonym", member_name(membership), "", ""
        elif membership is not None:
            kind, name, email, org = "member", member_name(membership), person.email, \
                orgs.get(pid, "")
        else:
            kind, name, email, org = "guest", person.name, person.email, orgs.get(pid, "")
        r, a = registrations.get(pid), attendances.get(pid)
        rows.append(AttendeeRow(
            person_id=pid, ref=person_ref(event.network, pid), name=name, email=email,
            organisation=org, kind=kind,
            kind_label=_kind_label(kind),
            rsvp=r.status if r else "", rsvp_label=r.get_status_display() if r else "",
            waitlisted=bool(r and r.is_waitlisted), ticket=r.ticket if r else "",
            checked_in=a is not None, checked_in_at=a.checked_in_at if a else None,
            method=a.method if a else "", method_label=a.get_method_display() if a else "",
            mode_label=a.get_mode_display() if a else "",
        ))
    order = {RsvpStatus.GOING: 0, RsvpStatus.MAYBE: 1, "": 2, RsvpStatus.NOT_GOING: 3}
    rows.sort(key=lambda row: (row.waitlisted, order.get(row.rsvp, 2), row.name.casefold()))
    return rows


def door_name(event: Event, person: Person) -> str:
    """``person`` as the door list of ``event`` names them: a member by their shown name in
    the network (a pseudonym for a pseudonymous member), a guest by the name they gave."""
    membership = Membership.objects.filter(network=event.network, person=person).first()
    return member_name(membership) if membership is not None else person.name


def matching_rows(rows: list[AttendeeRow], query: str) -> list[AttendeeRow]:
    """The rows whose name or organisation contains every word of ``query`` (case and
    accents ignored), as the door's search box filters them (``meet/door.js`` alike)."""
    words = _folded(query).split()
    if not words:
        return rows
    return [row for row in rows
            if all(word in _folded(f"{row.name} {row.organisation}") for word in words)]


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class EventSummary:
    """Counts and the names of members going, as every viewer of the network sees them."""

    going: int
    maybe: int
    waiting: int
    attended: int
    #: Of those checked in: how many were on the waiting list, and how many walked in.
    attended_waiting: int
    attended_walk_in: int
    going_names: list[str]
    guests_going: int
    places_left: int | None


def event_summary(event: Event) -> EventSummary:
    registrations = list(Registration.objects.filter(event=event))
    attended = set(Attendance.objects.filter(event=event).values_list("person_id", flat=True))
    going = [r for r in registrations if r.status == RsvpStatus.GOING and not r.is_waitlisted]
    memberships = {m.person_id: m for m in Membership.objects.filter(
        network=event.network, person_id__in=[r.person_id for r in going],
        left_at__isnull=True).select_related("person")}
    names = sorted((member_name(memberships[r.person_id]) for r in going
                    if r.person_id in memberships), key=str.casefold)
    return EventSummary(
        going=len(going),
        maybe=sum(r.status == RsvpStatus.MAYBE for r in registrations),
        waiting=sum(r.is_waitlisted for r in registrations),
        attended=len(attended),
        attended_waiting=sum(r.is_waitlisted and r.person_id in attended
                             for r in registrations),
        attended_walk_in=len(attended - {r.person_id for r in registrations}),
        going_names=names,
        guests_going=len(going) - len(names),
        places_left=None if event.capacity is None else max(event.capacity - len(going), 0),
    )


def waiting_position(registration: Registration) -> int | None:
    """1 for the first person waiting, and so on; ``None`` when not waiting."""
    if not registration.is_waitlisted:
        return None
    return Registration.objects.filter(
        event=registration.event, status=RsvpStatus.GOING, waitlisted_at__isnull=False,
        waitlisted_at__lte=registration.waitlisted_at).exclude(
        waitlisted_at=registration.waitlisted_at, pk__gt=registration.pk).count()


def feed_events_for_network(network: Network) -> QuerySet[Event]:
    return Event.objects.filter(network=network,
                                ends_at__gte=timezone.now() - FEED_PAST).order_by("starts_at")


def network_feed_allowed(network: Network, person: Person | None) -> bool:
    """A public network's feed is open; a closed or secret network's feed only for a person
    (named by the feed's secret) who may see its contents."""
    user = person.user if person is not None else None
    if person is not None and user is None:
        return False
    return access(network, user).can(Capability.SEE_CONTENTS)


def person_feed_events(person: Person) -> QuerySet[Event]:
    """Events for ``person``'s own feed: those of the networks they are an active member of,
    and those they answered "going" or "maybe" for."""
    networks = Membership.objects.filter(person=person, left_at__isnull=True).values_list(
        "network_id", flat=True)
    answered = Registration.objects.filter(
        person=person, status__in=[RsvpStatus.GOING, RsvpStatus.MAYBE]
    ).values_list("event_id", flat=True)
    return Event.objects.filter(Q(network_id__in=networks) | Q(pk__in=answered),
                                ends_at__gte=timezone.now() - FEED_PAST).order_by("starts_at")

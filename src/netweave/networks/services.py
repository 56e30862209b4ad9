"""Domain actions: every change to the network's life goes through here.

Each service runs in one transaction and writes its activity rows (see
:mod:`netweave.networks.activity_rows`) in that same transaction, so an object never
exists without its activity or the other way round. Views, the API, the CLI and the
importers call these functions; they never write activity rows themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from netweave.core import activity as act

from . import activity_rows as rows
from .models import (
    Activity,
    Attendance,
    AttendanceMode,
    CheckInMethod,
    Discussion,
    Event,
    Exchange,
    Identity,
    IdentityMode,
    Introduction,
    Membership,
    Need,
    Network,
    Offer,
    Organisation,
    Person,
    Post,
    Reaction,
    Registration,
    Role,
    RsvpStatus,
    Sector,
    Status,
    ValueCycle,
    ValueStory,
    new_code,
)
from .validators import check_single_line


def _now(at: datetime | None) -> datetime:
    return at if at is not None else timezone.now()


def _record(*activity: Activity) -> None:
    Activity.objects.bulk_create(activity)


def _latest_row(kind: str, obj_type: str, obj_id: int, actor_id: int) -> Activity | None:
    return (
        Activity.objects.filter(kind=kind, object_type=obj_type, object_id=obj_id,
                                actor_id=actor_id)
        .order_by("-id").first()
    )


# --- networks and membership ---------------------------------------------------------------

@transaction.atomic
def _active_language() -> str:
    try:
        return translation.get_supported_language_variant(
            translation.get_language() or settings.LANGUAGE_CODE)
    except LookupError:
        return settings.LANGUAGE_CODE


def create_network(*, facilitator: Person, name: str, slug: str, purpose: str,
                   primary_type: str, facilitator_pseudonym: str = "",
                   at: datetime | None = None, **charter) -> Network:
    """Create a network with its charter; ``facilitator`` joins it as its first facilitator.

    With ``facilitator_pseudonym`` the facilitator takes part under that pseudonym (required
    when the network is pseudonymous only). The network's ``language`` is, unless given, the
    language active now (the facilitator's).
    """
    check_single_line(Network, name=name)
    charter.setdefault("language", _active_language())
    network = Network(name=name, slug=slug, purpose=purpose, primary_type=primary_type,
                      created_at=_now(at), **charter)
    network.full_clean()
    network.save()
    identity = Identity.PSEUDONYM if facilitator_pseudonym else Identity.REAL
    join_network(network, facilitator, role=Role.FACILITATOR, identity=identity,
                 pseudonym=facilitator_pseudonym, at=network.created_at)
    return network


def _check_identity(network: Network, identity: str, pseudonym: str) -> None:
    if network.identity_mode == IdentityMode.PSEUDONYMOUS_ONLY and identity != Identity.PSEUDONYM:
        raise ValidationError(_("In this network every member takes part under a pseudonym."))
    if network.identity_mode == IdentityMode.NAMED and identity != Identity.REAL:
        raise ValidationError(_("This network does not allow pseudonyms."))
    if identity == Identity.PSEUDONYM and not pseudonym.strip():
        raise ValidationError(_("Choose a pseudonym."))
    check_single_line(Membership, pseudonym=pseudonym)


@transaction.atomic
def join_network(network: Network, person: Person, *, role: str = Role.MEMBER,
                 identity: str | None = None, pseudonym: str = "",
                 at: datetime | None = None, source: str = "web") -> Membership:
    """Make ``person`` a member; a former member re-joins (a new ``join`` row)."""
    if identity is None:
        identity = (Identity.PSEUDONYM if network.identity_mode == IdentityMode.PSEUDONYMOUS_ONLY
                    else Identity.REAL)
    _check_identity(network, identity, pseudonym)
    pseudonym = pseudonym.strip() if identity == Identity.PSEUDONYM else ""
    if pseudonym and Membership.objects.filter(network=network, pseudonym=pseudonym).exclude(
            person=person).exists():
        raise ValidationError(_("That pseudonym is taken in this network."))
    membership = Membership.objects.filter(network=network, person=person).first()
    if membership is not None and membership.is_active:
        raise ValidationError(
            _("%(name)s is already a member.") % {"name": membership.display_name})
    if membership is None:
        membership = Membership(network=network, person=person)
    membership.role, membership.identity, membership.pseudonym = role, identity, pseudonym
    membership.joined_at, membership.left_at = _now(at), None
    membership.save()
    _record(rows.join(membership, source=source))
    return membership


@transaction.atomic
def leave_network(membership: Membership, *, at: datetime | None = None,
                  source: str = "web") -> Membership:
    if not membership.is_active:
        raise ValidationError(_("This membership has already ended."))
    membership.left_at = _now(at)
    membership.save(update_fields=["left_at"])
    _record(rows.leave(membership, source=source))
    return membership


# --- events, RSVPs and attendance ----------------------------------------------------------

@transaction.atomic
def create_event(network: Network, *, title: str, starts_at: datetime, ends_at: datetime,
                 hosts: Iterable[Person] = (), source: str = "web", **fields) -> Event:
    """Create an event; each host gets a ``host`` row at the event's start."""
    check_single_line(Event, title=title, location=fields.get("location", ""))
    event = Event(network=network, title=title, starts_at=starts_at, ends_at=ends_at, **fields)
    event.full_clean()
    event.save()
    hosts = list(hosts)
    if hosts:
        event.hosts.add(*hosts)
        _record(*(rows.host(event, h.pk, source=source) for h in hosts))
    return event


def _void_host_rows(event: Event, person_ids: Iterable[int], at: datetime,
                    source: str) -> list[Activity]:
    voids = []
    for pid in person_ids:
        previous = _latest_row(act.HOST, "event", event.pk, pid)
        if previous is None or previous.kind == act.VOID:
            continue
        void = rows.host(event, pid, source=source)
        void.kind, void.corrects, void.at, void.weight = act.VOID, previous, at, 0.0
        voids.append(void)
    return voids


@transaction.atomic
def update_event(event: Event, *, hosts: Iterable[Person] | None = None,
                 at: datetime | None = None, source: str = "web", **fields) -> Event:
    """Change an event's fields (and hosts). A moved start re-dates the ``host`` rows (new
    rows correcting the old ones); a removed host's row is voided; more places move people
    up from the waiting list."""
    at = _now(at)
    check_single_line(Event, **{f: fields[f] for f in ("title", "location") if f in fields})
    moved = "starts_at" in fields and fields["starts_at"] != event.starts_at
    for name, value in fields.items():
        setattr(event, name, value)
    event.full_clean()
    event.save()
    old_hosts = set(event.hosts.values_list("pk", flat=True))
    new_hosts = old_hosts if hosts is None else {h.pk for h in hosts}
    new_rows = _void_host_rows(event, old_hosts - new_hosts, at, source)
    if hosts is not None:
        event.hosts.set(list(new_hosts))
    for pid in sorted(new_hosts):
        previous = _latest_row(act.HOST, "event", event.pk, pid)
        if previous is not None and previous.kind != act.VOID and not moved:
            continue
        row = rows.host(event, pid, source=source)
        if previous is not None and previous.kind != act.VOID:
            row.corrects = previous
        new_rows.append(row)
    _record(*new_rows)
    fill_places(event, at=at)
    return event


@transaction.atomic
def cancel_event(event: Event, *, at: datetime | None = None, source: str = "web") -> Event:
    """Cancel an event (or one occurrence of a series): its hosting did not happen, so the
    ``host`` rows are voided. RSVPs stay, for the record."""
    if event.cancelled:
        return event
    event.cancelled = True
    event.save(update_fields=["cancelled"])
    _record(*_void_host_rows(event, event.hosts.values_list("pk", flat=True), _now(at), source))
    return event


def places_taken(event: Event) -> int:
    """People holding a place: "going" and not on the waiting list."""
    return Registration.objects.filter(event=event, status=RsvpStatus.GOING,
                                       waitlisted_at__isnull=True).count()


@transaction.atomic
def fill_places(event: Event, *, at: datetime | None = None) -> list[Registration]:
    """Give free places to the waiting list, first come first served; returns who moved up."""
    waiting = Registration.objects.select_for_update().filter(
        event=event, status=RsvpStatus.GOING, waitlisted_at__isnull=False
    ).order_by("waitlisted_at", "pk")
    if event.capacity is None:
        free = len(waiting)
    else:
        free = max(event.capacity - places_taken(event), 0)
    promoted = list(waiting[:free]) if free else []
    for registration in promoted:
        registration.waitlisted_at, registration.updated_at = None, _now(at)
        registration.save(update_fields=["waitlisted_at", "updated_at"])
    return promoted


@dataclass
class RsvpResult:
    """What an RSVP changed: the answer, and who moved up from the waiting list."""

    registration: Registration
    promoted: list[Registration] = field(default_factory=list)


@transaction.atomic
def answer_rsvp(event: Event, person: Person, status: str, *, at: datetime | None = None,
                source: str = "web") -> RsvpResult:
    """Record or change an RSVP, keeping the capacity.

    "Going" on a full event puts the person on the waiting list; a place given up goes to
    the first person waiting (see :func:`fill_places`). A changed answer is a new ``rsvp``
    row correcting the earlier one.
    """
    status = RsvpStatus(status)
    at = _now(at)
    Event.objects.select_for_update().filter(pk=event.pk).first()  # one answer at a time
    registration = Registration.objects.select_for_update().filter(
        event=event, person=person).first()
    full = event.capacity is not None and places_taken(event) >= event.capacity
    if registration is None:
        registration = Registration.objects.create(
            event=event, person=person, status=status, created_at=at, updated_at=at,
            ticket=new_code(8),
            waitlisted_at=at if status == RsvpStatus.GOING and full else None)
        _record(rows.rsvp(registration, event, source=source))
        return RsvpResult(registration)
    if registration.status == status:
        return RsvpResult(registration)
    previous = _latest_row(act.RSVP, "event", event.pk, person.pk)
    held_place = registration.status == RsvpStatus.GOING and not registration.is_waitlisted
    registration.status, registration.updated_at = status, at
    registration.waitlisted_at = at if status == RsvpStatus.GOING and full else None
    if not registration.ticket:
        registration.ticket = new_code(8)
    registration.save(update_fields=["status", "updated_at", "waitlisted_at", "ticket"])
    row = rows.rsvp(registration, event, source=source)
    row.corrects = previous
    _record(row)
    promoted = fill_places(event, at=at) if held_place else []
    return RsvpResult(registration, promoted)


def rsvp(event: Event, person: Person, status: str, *, at: datetime | None = None,
         source: str = "web") -> Registration:
    """Record or change an RSVP (see :func:`answer_rsvp`, which also says who moved up)."""
    return answer_rsvp(event, person, status, at=at, source=source).registration


def _known_only_to(network: Network) -> Q:
    """People seen by ``network`` (a registration, an attendance or a membership there) and
    by no other network."""
    here = (Q(pk__in=Registration.objects.filter(event__network=network).values("person_id"))
            | Q(pk__in=Attendance.objects.filter(event__network=network).values("person_id"))
            | Q(pk__in=Membership.objects.filter(network=network).values("person_id")))
    elsewhere = (
        Q(pk__in=Registration.objects.exclude(event__network=network).values("person_id"))
        | Q(pk__in=Attendance.objects.exclude(event__network=network).values("person_id"))
        | Q(pk__in=Membership.objects.exclude(network=network).values("person_id")))
    return here & ~elsewhere


@transaction.atomic
def add_guest(network: Network, *, name: str, email: str = "",
              organisation: str = "") -> Person:
    """A person without an account (a guest or a walk-in) for ``network``. The same e-mail
    address is the same guest only within the network: a person without an account whom
    this network (and no other) has seen before. Otherwise a new guest is made, so nothing
    another network knows about that address (a name, an organisation, a ticket) is found
    or changed. An unknown organisation is added with sector "other"."""
    name, email, organisation = name.strip(), email.strip().lower(), organisation.strip()
    if not name:
        raise ValidationError(_("Give a name."))
    check_single_line(Person, name=name, organisation=organisation)
    org = None
    if organisation:
        org = (Organisation.objects.filter(name__iexact=organisation).first()
               or Organisation.objects.create(name=organisation, sector=Sector.OTHER))
    guest = None
    if email:
        guest = (Person.objects.filter(user__isnull=True, email__iexact=email)
                 .filter(_known_only_to(network)).order_by("pk").first())
    if guest is None:
        guest = Person(name=name, email=email, organisation=org)
        guest.full_clean()
        guest.save()
    elif org is not None and guest.organisation_id is None:
        guest.organisation = org
        guest.save(update_fields=["organisation"])
    return guest


@transaction.atomic
def check_in(event: Event, person: Person, *, method: str = CheckInMethod.LIST,
             mode: str | None = None, at: datetime | None = None,
             source: str = "web") -> Attendance:
    """Record that ``person`` was there. Checking in twice changes nothing."""
    existing = Attendance.objects.filter(event=event, person=person).first()
    if existing is not None:
        return existing
    if mode is None:
        mode = AttendanceMode.REMOTE if event.mode == "online" else AttendanceMode.IN_PERSON
    attendance = Attendance.objects.create(
        event=event, person=person, method=method, mode=mode, checked_in_at=_now(at))
    _record(rows.attend(attendance, event, source=source))
    return attendance


@transaction.atomic
def undo_check_in(attendance: Attendance, *, at: datetime | None = None,
                  source: str = "web") -> None:
    """Retract an attendance ticked by mistake: a ``void`` row corrects the ``attend`` row."""
    event = attendance.event
    previous = _latest_row(act.ATTEND, "event", event.pk, attendance.person_id)
    void = rows.attend(attendance, event, source=source)
    void.kind, void.corrects, void.at, void.weight = act.VOID, previous, _now(at), 0.0
    attendance.delete()
    _record(void)


# --- discussions ---------------------------------------------------------------------------

@transaction.atomic
def start_discussion(network: Network, author: Person, *, title: str, body: str,
                     is_question: bool = False, at: datetime | None = None,
                     source: str = "web") -> Discussion:
    at = _now(at)
    discussion = Discussion.objects.create(network=network, author=author, title=title,
                                           is_question=is_question, created_at=at)
    opening = Post.objects.create(discussion=discussion, author=author, body=body, created_at=at)
    _record(rows.opening_post(discussion, opening, source=source))
    return discussion


@transaction.atomic
def reply(parent: Post, author: Person, body: str, *, at: datetime | None = None,
          source: str = "web") -> Post:
    discussion = parent.discussion
    post = Post.objects.create(discussion=discussion, author=author, body=body, parent=parent,
                               created_at=_now(at))
    _record(rows.reply(discussion, post, parent, source=source))
    return post


@transaction.atomic
def react(post: Post, person: Person, emoji: str = "👍", *, at: datetime | None = None,
          source: str = "web") -> Reaction:
    existing = Reaction.objects.filter(post=post, person=person, emoji=emoji).first()
    if existing is not None:
        return existing
    reaction = Reaction.objects.create(post=post, person=person, emoji=emoji,
                                       created_at=_now(at))
    _record(rows.react(reaction, post, post.discussion.network_id, source=source))
    return reaction


@transaction.atomic
def accept_answer(discussion: Discussion, post: Post) -> Discussion:
    """Mark the accepted answer of a question. State only: the answer row already exists."""
    if not discussion.is_question:
        raise ValidationError(_("Only a question has an accepted answer."))
    if post.discussion_id != discussion.pk or post.parent_id is None:
        raise ValidationError(_("The accepted answer must be a reply in this question."))
    discussion.accepted_answer = post
    discussion.save(update_fields=["accepted_answer"])
    return discussion


# --- give and take -------------------------------------------------------------------------

def _networks_of(person: Person, network: Network | None) -> list[int]:
    if network is not None:
        return [network.pk]
    return list(Membership.objects.filter(person=person, left_at__isnull=True)
                .values_list("network_id", flat=True))


@transaction.atomic
def add_offer(person: Person, text: str, *, network: Network | None = None,
              tags: Iterable[str] = (), at: datetime | None = None,
              source: str = "web") -> Offer:
    """What ``person`` brings; without a network it holds in all their networks."""
    offer = Offer.objects.create(person=person, network=network, text=text, tags=list(tags),
                                 created_at=_now(at))
    _record(*(rows.offer(offer, nid, source=source) for nid in _networks_of(person, network)))
    return offer


@transaction.atomic
def add_need(person: Person, text: str, *, network: Network | None = None,
             tags: Iterable[str] = (), at: datetime | None = None,
             source: str = "web") -> Need:
    """What ``person`` seeks; without a network it holds in all their networks."""
    need = Need.objects.create(person=person, network=network, text=text, tags=list(tags),
                               created_at=_now(at))
    _record(*(rows.need(need, nid, source=source) for nid in _networks_of(person, network)))
    return need


@transaction.atomic
def record_exchange(network: Network, *, giver: Person, receiver: Person, description: str,
                    offer: Offer | None = None, need: Need | None = None, weight: float = 1.0,
                    at: datetime | None = None) -> Exchange:
    """Record that something was given. It counts (a ``give`` row) once the receiver confirms."""
    if giver.pk == receiver.pk:
        raise ValidationError(_("An exchange needs two different people."))
    return Exchange.objects.create(network=network, giver=giver, receiver=receiver,
                                   description=description, offer=offer, need=need,
                                   weight=weight, created_at=_now(at))


@transaction.atomic
def confirm_exchange(exchange: Exchange, *, at: datetime | None = None,
                     source: str = "web") -> Exchange:
    """The receiving side confirms; the offer and need it answers are fulfilled."""
    if exchange.confirmed_at is not None:
        return exchange
    exchange.confirmed_at = _now(at)
    exchange.save(update_fields=["confirmed_at"])
    for item in (exchange.offer, exchange.need):
        if item is not None and item.status != Status.FULFILLED:
            item.status, item.fulfilled_at = Status.FULFILLED, exchange.confirmed_at
            item.save(update_fields=["status", "fulfilled_at"])
    _record(rows.give(exchange, source=source))
    return exchange


@transaction.atomic
def introduce(network: Network, *, introducer: Person, person_a: Person, person_b: Person,
              reasons: str = "", at: datetime | None = None,
              source: str = "web") -> Introduction:
    if person_a.pk == person_b.pk:
        raise ValidationError(_("An introduction needs two different people."))
    intro = Introduction.objects.create(network=network, introducer=introducer,
                                        person_a=person_a, person_b=person_b, reasons=reasons,
                                        created_at=_now(at))
    _record(*rows.introduce(intro, source=source))
    return intro


@transaction.atomic
def tell_story(network: Network, author: Person, *, title: str, text: str, cycle: str,
               at: datetime | None = None, source: str = "web") -> ValueStory:
    story = ValueStory(network=network, author=author, title=title, text=text,
                       cycle=ValueCycle(cycle), created_at=_now(at))
    story.save()
    _record(rows.story(story, source=source))
    return story

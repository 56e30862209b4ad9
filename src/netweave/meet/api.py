"""REST API of meetings: events and series, RSVPs, check-in and the attendance list.

Reading needs SEE_CONTENTS, answering TAKE_PART, creating, editing, the attendance list and
check-in of others FACILITATE (:mod:`netweave.networks.permissions`); a secret network is a
404 to outsiders. Names are the ones the network shows (pseudonyms where used); a
pseudonymous member's e-mail address is never given.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from netweave.networks.apikit import ErrorOut, bad_request, network_access, refused
from netweave.networks.models import Event, EventMode, RsvpStatus
from netweave.networks.permissions import Access, Capability
from netweave.networks.selectors import author_names, person_id_for_ref

from . import recurrence, selectors, services

PREFIX = "/meet"
router = Router(tags=["meetings"])


class EventOut(Schema):
    id: int
    title: str
    description: str
    mode: EventMode
    location: str
    online_url: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    capacity: int | None
    cancelled: bool
    series: int | None
    rrule: str | None
    hosts: list[str]
    going: int
    maybe: int
    waiting: int
    places_left: int | None


class EventIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    mode: EventMode = EventMode.OFFLINE
    location: str = Field("", max_length=300)
    online_url: str = Field("", max_length=200)
    starts_at: datetime = Field(..., description="start, with a UTC offset")
    ends_at: datetime
    timezone: str = Field("", description="IANA time zone; empty: the network's")
    capacity: int | None = Field(None, ge=1)
    hosts: list[str] = Field(default_factory=list,
                             description="members' references in this network")
    rrule: str = Field("", description="RFC 5545 RRULE, e.g. FREQ=MONTHLY;BYDAY=1TH; "
                                       "empty for a one-off event")


class EventPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None
    location: str | None = Field(None, max_length=300)
    online_url: str | None = Field(None, max_length=200)
    capacity: int | None = Field(None, ge=1)
    cancelled: bool | None = Field(None, description="true cancels the event")


class RsvpIn(Schema):
    status: RsvpStatus


class RsvpOut(Schema):
    event: int
    status: RsvpStatus
    waiting_list_position: int | None
    ticket: str


class CodeIn(Schema):
    code: str = Field(..., min_length=1, max_length=20,
                      description="the event's check-in code (checks you in) or, for a "
                                  "facilitator, a person's ticket code")


class WalkInIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    email: str = Field("", max_length=254)
    organisation: str = Field("", max_length=200)


class CheckInOut(Schema):
    event: int
    name: str
    method: str
    checked_in_at: datetime


class AttendeeOut(Schema):
    person: str = Field(description="the person's reference in this network")
    name: str
    email: str
    organisation: str
    kind: str
    rsvp: str
    waitlisted: bool
    checked_in: bool
    checked_in_at: datetime | None
    method: str


def _bad(exc: ValidationError | recurrence.RuleError) -> HttpError:
    return bad_request(exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))


def _event(grant: Access, event_id: int) -> Event:
    event = Event.objects.filter(network=grant.network, pk=event_id).select_related(
        "series").first()
    if event is None:
        raise HttpError(404, "No such event in this network.")
    return event


def _out(event: Event) -> EventOut:
    summary = selectors.event_summary(event)
    hosts = list(author_names(event.network, list(event.hosts.all())).values())
    return EventOut(
        id=event.pk, title=event.title, description=event.description, mode=event.mode,
        location=event.location, online_url=event.online_url, starts_at=event.starts_at,
        ends_at=event.ends_at, timezone=event.timezone, capacity=event.capacity,
        cancelled=event.cancelled, series=event.series_id,
        rrule=event.series.rrule if event.series else None, hosts=sorted(hosts),
        going=summary.going, maybe=summary.maybe, waiting=summary.waiting,
        places_left=summary.places_left)


@router.get("/n/{slug}/events", response={200: list[EventOut], 403: ErrorOut},
            summary="The network's events that have not ended, soonest first")
def list_events(request: HttpRequest, slug: str):
    grant = network_access(request, slug, Capability.SEE_CONTENTS)
    return [_out(e) for e in selectors.network_events(grant.network)[:200]]


@router.get("/n/{slug}/events/{event_id}", response={200: EventOut, 403: ErrorOut,
                                                     404: ErrorOut},
            summary="One event (one occurrence of a series)")
def read_event(request: HttpRequest, slug: str, event_id: int):
    grant = network_access(request, slug, Capability.SEE_CONTENTS)
    return _out(_event(grant, event_id))


@router.post("/n/{slug}/events", response={201: list[EventOut], 400: ErrorOut, 403: ErrorOut},
             summary="Create an event, or with an rrule a series (one event per occurrence)")
def create_event(request: HttpRequest, slug: str, data: EventIn):
    grant = network_access(request, slug, Capability.FACILITATE)
    network = grant.network
    ids = [person_id_for_ref(network, ref) for ref in data.hosts]
    members = {m.person_id: m.person for m in network.memberships.filter(
        left_at__isnull=True, person_id__in=[i for i in ids if i]).select_related("person")}
    if None in ids or set(ids) - set(members):
        raise HttpError(400, "hosts: every host must be an active member of the network.")
    if data.starts_at.tzinfo is None or data.ends_at.tzinfo is None:
        raise HttpError(400, "starts_at, ends_at: expected times with a UTC offset.")
    fields = {"title": data.title, "description": data.description, "mode": data.mode,
              "location": data.location, "online_url": data.online_url,
              "capacity": data.capacity}
    tz = data.timezone or network.timezone
    try:
        recurrence.zone(tz)
        if data.rrule:
            series = services.create_series(
                network, starts_at=data.starts_at, ends_at=data.ends_at, rule=data.rrule,
                timezone_name=tz, hosts=list(members.values()), source="api", **fields)
            events = list(series.occurrences.order_by("starts_at"))
        else:
            events = [services.create_event(network, starts_at=data.starts_at,
                                            ends_at=data.ends_at, timezone=tz,
                                            hosts=list(members.values()), source="api",
                                            **fields)]
    except (ValidationError, recurrence.RuleError) as exc:
        raise _bad(exc) from exc
    return Status(201, [_out(e) for e in events])


@router.patch("/n/{slug}/events/{event_id}",
              response={200: list[EventOut], 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
              summary="Change one event, or with scope=series it and every later occurrence")
def patch_event(request: HttpRequest, slug: str, event_id: int, data: EventPatch,
                scope: str = "one"):
    grant = network_access(request, slug, Capability.FACILITATE)
    event = _event(grant, event_id)
    fields = data.dict(exclude_unset=True)
    cancel = fields.pop("cancelled", None)
    if scope not in ("one", "series"):
        raise HttpError(400, "scope: expected one or series.")
    try:
        if scope == "series" and event.series_id is not None:
            changed = services.edit_series(event, source="api", **fields) if fields else [event]
        else:
            changed = [services.edit_occurrence(event, source="api", **fields)] if fields \
                else [event]
        if cancel:
            services.cancel_event(event, source="api")
    except ValidationError as exc:
        raise _bad(exc) from exc
    for e in changed:
        e.refresh_from_db()
    return [_out(e) for e in changed]


@router.post("/n/{slug}/events/{event_id}/rsvp",
             response={200: RsvpOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="Answer going, maybe or not going (a full event puts you on the waiting "
                     "list)")
def answer(request: HttpRequest, slug: str, event_id: int, data: RsvpIn):
    grant = network_access(request, slug, Capability.TAKE_PART)
    event = _event(grant, event_id)
    try:
        registration = services.rsvp(event, grant.person, data.status, source="api")
    except ValidationError as exc:
        raise _bad(exc) from exc
    return RsvpOut(event=event.pk, status=registration.status, ticket=registration.ticket,
                   waiting_list_position=selectors.waiting_position(registration))


def _checkin_out(event: Event, attendance) -> CheckInOut:
    name = author_names(event.network, [attendance.person])[attendance.person_id]
    return CheckInOut(event=event.pk, name=name, method=attendance.method,
                      checked_in_at=attendance.checked_in_at)


@router.post("/n/{slug}/events/{event_id}/checkin",
             response={200: CheckInOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="Check yourself in with the event's code, or (facilitators) someone "
                     "else with their ticket code")
def check_in(request: HttpRequest, slug: str, event_id: int, data: CodeIn):
    grant = network_access(request, slug, Capability.SEE_CONTENTS)
    event = _event(grant, event_id)
    own_code = "".join(data.code.split()).upper() == event.checkin_code
    if not (grant.is_facilitator or (own_code and grant.can(Capability.TAKE_PART))):
        raise refused()
    try:
        if own_code and grant.can(Capability.TAKE_PART):
            attendance = services.self_check_in(event, grant.person, data.code, source="api")
        else:
            attendance = services.check_in_ticket(event, data.code, source="api")
    except ValidationError as exc:
        raise _bad(exc) from exc
    return _checkin_out(event, attendance)


@router.post("/n/{slug}/events/{event_id}/walk-ins",
             response={201: CheckInOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="Add and check in someone who came without registering")
def add_walk_in(request: HttpRequest, slug: str, event_id: int, data: WalkInIn):
    grant = network_access(request, slug, Capability.FACILITATE)
    event = _event(grant, event_id)
    try:
        attendance = services.walk_in(event, name=data.name, email=data.email,
                                      organisation=data.organisation, source="api")
    except ValidationError as exc:
        raise _bad(exc) from exc
    return Status(201, _checkin_out(event, attendance))


@router.get("/n/{slug}/events/{event_id}/attendees",
            response={200: list[AttendeeOut], 403: ErrorOut, 404: ErrorOut},
            summary="The attendance list: answers and check-ins (facilitators)")
def attendees(request: HttpRequest, slug: str, event_id: int):
    grant = network_access(request, slug, Capability.FACILITATE)
    event = _event(grant, event_id)
    return [AttendeeOut(person=r.ref, name=r.name, email=r.email,
                        organisation=r.organisation, kind=r.kind, rsvp=r.rsvp,
                        waitlisted=r.waitlisted, checked_in=r.checked_in,
                        checked_in_at=r.checked_in_at, method=r.method)
            for r in selectors.attendee_rows(event)]



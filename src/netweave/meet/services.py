"""Meet's write actions, the only public writer of events and what hangs on them: events and
recurring series, RSVPs with the waiting list, guests, check-in, invitations and reminders.

Each change writes its activity rows (docs/metrics.md#data, built by
:mod:`netweave.networks.activity_rows`) in the same transaction.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from netweave.core import activity as act
from netweave.core.text import one_line
from netweave.networks import activity_rows as rows
from netweave.networks.models import (
    Activity,
    Attendance,
    AttendanceMode,
    CheckInMethod,
    Event,
    EventSeries,
    IdentityMode,
    Membership,
    Network,
    Organisation,
    Person,
    Registration,
    RsvpStatus,
    Sector,
    Visibility,
    new_code,
)
from netweave.networks.selectors import mail_language, member_name
from netweave.networks.services import latest_activity, record_activity
from netweave.networks.validators import check_single_line
from netweave.trust import audit

from . import ical, recurrence
from .models import CalendarToken, CheckInWindow, Notice, NoticeKind

log = logging.getLogger(__name__)

#: Fields of an event that an edit of the whole series carries to every occurrence.
SERIES_FIELDS = ("title", "description", "mode", "location", "online_url", "capacity")


def _clean_error(exc: recurrence.RuleError) -> ValidationError:
    return ValidationError(str(exc))


# --- events and series ---------------------------------------------------------------------

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
        record_activity(*(rows.host(event, h.pk, source=source) for h in hosts))
    return event


def _void_host_rows(event: Event, person_ids: Iterable[int], at: datetime,
                    source: str) -> list[Activity]:
    voids = []
    for pid in person_ids:
        previous = latest_activity(act.HOST, "event", event.pk, pid)
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
    at = at or timezone.now()
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
        previous = latest_activity(act.HOST, "event", event.pk, pid)
        if previous is not None and previous.kind != act.VOID and not moved:
            continue
        row = rows.host(event, pid, source=source)
        if previous is not None and previous.kind != act.VOID:
            row.corrects = previous
        new_rows.append(row)
    record_activity(*new_rows)
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
    hosts = event.hosts.values_list("pk", flat=True)
    record_activity(*_void_host_rows(event, hosts, at or timezone.now(), source))
    return event


@transaction.atomic
def create_series(network: Network, *, title: str, starts_at: datetime, ends_at: datetime,
                  rule: str, timezone_name: str = "", hosts: Iterable[Person] = (),
                  source: str = "web", **fields) -> EventSeries:
    """A recurring event: one :class:`Event` row per occurrence within the horizon
    (:data:`recurrence.HORIZON`, at most :data:`recurrence.MAX_OCCURRENCES`), expanded in
    the event's local time zone."""
    tz = timezone_name or network.timezone
    if ends_at < starts_at:
        raise ValidationError(_("The end must not be before the start."))
    try:
        starts = recurrence.expand(rule, starts_at, tz,
                                   until=max(timezone.now(), starts_at) + recurrence.HORIZON)
    except recurrence.RuleError as exc:
        raise _clean_error(exc) from exc
    if not starts:
        raise ValidationError(_("This rule gives no dates."))
    series = EventSeries.objects.create(
        network=network, rrule=recurrence.normalise(rule), timezone=tz,
        first_start=starts[0], duration=ends_at - starts_at)
    hosts = list(hosts)
    for start in starts:
        _make_occurrence(series, start, title=title, hosts=hosts, source=source, **fields)
    return series


def _make_occurrence(series: EventSeries, start: datetime, *, hosts: list[Person],
                     source: str, **fields) -> Event:
    return create_event(
        series.network, starts_at=recurrence.to_utc(start),
        ends_at=recurrence.to_utc(start + series.duration), hosts=hosts, source=source,
        series=series, recurrence_id=recurrence.to_utc(start), timezone=series.timezone,
        **fields)


@transaction.atomic
def extend_series(series: EventSeries, *, now: datetime | None = None,
                  source: str = "web") -> list[Event]:
    """Make the occurrences that came within the horizon since the series was made; they
    copy the latest occurrence (fields and hosts). Returns the new events."""
    latest = series.occurrences.order_by("-recurrence_id").first()
    if latest is None:
        return []
    moment = now or timezone.now()
    starts = recurrence.expand(series.rrule, series.first_start, series.timezone,
                               after=latest.recurrence_id + timedelta(seconds=1),
                               until=moment + recurrence.HORIZON)
    fields = {name: getattr(latest, name) for name in SERIES_FIELDS}
    hosts = list(latest.hosts.all())
    return [_make_occurrence(series, s, hosts=hosts, source=source, **fields) for s in starts]


@transaction.atomic
def edit_series(event: Event, *, start_time: datetime | None = None,
                duration: timedelta | None = None, hosts: Iterable[Person] | None = None,
                source: str = "web", **fields) -> list[Event]:
    """Change ``event`` and every later occurrence of its series not edited on its own.

    ``start_time`` (a local wall-clock time) and ``duration`` move each occurrence on its own
    date, so a new time holds on both sides of a daylight-saving change. Returns the events
    changed.
    """
    if event.series is None:
        raise ValidationError(_("This event is not part of a series."))
    series = event.series
    tz = recurrence.zone(series.timezone)
    if duration is not None:
        series.duration = duration
    changed = []
    targets = series.occurrences.filter(recurrence_id__gte=event.recurrence_id,
                                        detached=False, cancelled=False)
    hosts = list(hosts) if hosts is not None else None
    for occurrence in targets.order_by("recurrence_id"):
        values = dict(fields)
        local = occurrence.recurrence_id.astimezone(tz)
        if start_time is not None:
            local = local.replace(hour=start_time.hour, minute=start_time.minute,
                                  second=0, microsecond=0)
        if start_time is not None or duration is not None:
            values["starts_at"] = recurrence.to_utc(local)
            values["ends_at"] = recurrence.to_utc(local + series.duration)
        waiting = set(_waiting(occurrence))
        update_event(occurrence, hosts=hosts, source=source, **values)
        _tell_moved_up(occurrence, waiting)
        changed.append(occurrence)
    if event.recurrence_id == series.first_start and start_time is not None:
        series.first_start = recurrence.to_utc(
            series.first_start.astimezone(tz).replace(hour=start_time.hour,
                                                      minute=start_time.minute))
    series.save()
    return changed


@transaction.atomic
def edit_occurrence(event: Event, *, hosts: Iterable[Person] | None = None,
                    source: str = "web", **fields) -> Event:
    """Change this one event; in a series it is then left alone by edits of the series.
    People who move up from the waiting list (more places) are told by e-mail."""
    if event.series_id is not None:
        fields["detached"] = True
    waiting = set(_waiting(event))
    update_event(event, hosts=hosts, source=source, **fields)
    _tell_moved_up(event, waiting)
    return event


def _waiting(event: Event) -> list[int]:
    return list(Registration.objects.filter(event=event, waitlisted_at__isnull=False)
                .values_list("pk", flat=True))


def _tell_moved_up(event: Event, waiting: set[int]) -> None:
    moved = waiting - set(_waiting(event))
    for registration in Registration.objects.filter(pk__in=moved).select_related("person"):
        transaction.on_commit(lambda r=registration: notify_moved_up(r), robust=True)


# --- RSVPs, guests and the waiting list ----------------------------------------------------

def guests_allowed(event: Event) -> bool:
    """Guests without an account may register for events of public networks that do not
    require pseudonyms (a guest's registration carries a real name)."""
    network = event.network
    return (network.visibility == Visibility.PUBLIC
            and network.identity_mode != IdentityMode.PSEUDONYMOUS_ONLY
            and not event.cancelled)


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
        registration.waitlisted_at, registration.updated_at = None, at or timezone.now()
        registration.save(update_fields=["waitlisted_at", "updated_at"])
    return promoted


def _check_open(event: Event, at: datetime) -> None:
    if event.cancelled:
        raise ValidationError(_("This event has been cancelled."))
    if event.ends_at < at:
        raise ValidationError(_("This event is over."))


@transaction.atomic
def rsvp(event: Event, person: Person, status: str, *, at: datetime | None = None,
         source: str = "web") -> Registration:
    """Record or change ``person``'s answer, given at ``at`` (default now), keeping the
    capacity.

    "Going" on a full event puts the person on the waiting list; a place given up goes to
    the first person waiting (see :func:`fill_places`), who is told by e-mail. A changed
    answer is a new ``rsvp`` row correcting the earlier one. A cancelled event, or one over
    by ``at``, takes no answers.
    """
    status = RsvpStatus(status)
    at = at or timezone.now()
    _check_open(event, at)
    Event.objects.select_for_update().filter(pk=event.pk).first()  # one answer at a time
    registration = Registration.objects.select_for_update().filter(
        event=event, person=person).first()
    full = event.capacity is not None and places_taken(event) >= event.capacity
    if registration is None:
        registration = Registration.objects.create(
            event=event, person=person, status=status, created_at=at, updated_at=at,
            ticket=new_code(8),
            waitlisted_at=at if status == RsvpStatus.GOING and full else None)
        record_activity(rows.rsvp(registration, event, source=source))
        return registration
    if registration.status == status:
        return registration
    previous = latest_activity(act.RSVP, "event", event.pk, person.pk)
    held_place = registration.status == RsvpStatus.GOING and not registration.is_waitlisted
    registration.status, registration.updated_at = status, at
    registration.waitlisted_at = at if status == RsvpStatus.GOING and full else None
    if not registration.ticket:
        registration.ticket = new_code(8)
    registration.save(update_fields=["status", "updated_at", "waitlisted_at", "ticket"])
    row = rows.rsvp(registration, event, source=source)
    row.corrects = previous
    record_activity(row)
    if held_place:
        for moved in fill_places(event, at=at):
            transaction.on_commit(lambda r=moved: notify_moved_up(r), robust=True)
    return registration


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
def register_guest(event: Event, *, name: str, email: str, organisation: str = "",
                   source: str = "web") -> Registration:
    """A guest without an account says they are coming; the ticket (or the place on the
    waiting list) goes to the e-mail address only, again on each registration with it.

    The guest is resolved within the event's network only (see :func:`add_guest`). The
    caller must not show the returned registration's ticket or status to whoever typed the
    address: it may be someone else's.
    """
    if not guests_allowed(event):
        raise ValidationError(_("Guests cannot register for this event."))
    if not email.strip():
        raise ValidationError(_("Give an e-mail address, so that we can send your ticket."))
    guest = add_guest(event.network, name=name, email=email, organisation=organisation)
    registration = rsvp(event, guest, RsvpStatus.GOING, source=source)
    # robust: a mail that fails is logged; the registration is saved and answered anyway.
    transaction.on_commit(lambda: send_notice(registration.event, registration.person,
                                              NoticeKind.REGISTERED, once=False),
                          robust=True)
    return registration


# --- check-in ------------------------------------------------------------------------------

class CheckInError(ValidationError):
    """A code that does not check anyone in."""


#: Check-in opens this long before an event starts, unless the network set its own window
#: (:class:`~netweave.meet.models.CheckInWindow`; site setting
#: ``NETWEAVE_CHECKIN_OPENS_BEFORE``).
OPENS_BEFORE = timedelta(hours=2)
#: Check-in closes this long after an event ends, unless the network set its own window
#: (site setting ``NETWEAVE_CHECKIN_CLOSES_AFTER``).
CLOSES_AFTER = timedelta(hours=6)


def window_lengths(network: Network) -> tuple[timedelta, timedelta]:
    """How long before an event's start check-in opens and how long after its end it
    closes in ``network``: the network's own window, else the site's defaults."""
    own = CheckInWindow.objects.filter(network=network).first()
    if own is not None:
        return (timedelta(minutes=own.opens_minutes_before),
                timedelta(minutes=own.closes_minutes_after))
    return (getattr(settings, "NETWEAVE_CHECKIN_OPENS_BEFORE", OPENS_BEFORE),
            getattr(settings, "NETWEAVE_CHECKIN_CLOSES_AFTER", CLOSES_AFTER))


def set_window(network: Network, *, opens_before: timedelta | None,
               closes_after: timedelta | None) -> None:
    """Give ``network`` its own check-in window (a ``None`` side takes the site's default),
    or with both ``None`` return it to the site's defaults."""
    if opens_before is None and closes_after is None:
        CheckInWindow.objects.filter(network=network).delete()
        return
    default_before, default_after = (
        getattr(settings, "NETWEAVE_CHECKIN_OPENS_BEFORE", OPENS_BEFORE),
        getattr(settings, "NETWEAVE_CHECKIN_CLOSES_AFTER", CLOSES_AFTER))
    CheckInWindow.objects.update_or_create(network=network, defaults={
        "opens_minutes_before": int((opens_before or default_before).total_seconds() // 60),
        "closes_minutes_after": int((closes_after or default_after).total_seconds() // 60)})


def checkin_window(event: Event) -> tuple[datetime, datetime]:
    """When check-in for ``event`` opens and closes."""
    before, after = window_lengths(event.network)
    return event.starts_at - before, event.ends_at + after


def checkin_open(event: Event, *, now: datetime | None = None) -> bool:
    """Whether people can check in for ``event`` now."""
    opens, closes = checkin_window(event)
    return opens <= (now or timezone.now()) <= closes


def _require_window(event: Event) -> None:
    if event.cancelled:
        raise CheckInError(_("This event has been cancelled."))
    opens, closes = checkin_window(event)
    moment = timezone.now()
    local = recurrence.zone(event.timezone)
    if moment < opens:
        raise CheckInError(_("Check-in for this event opens on %(when)s.")
                           % {"when": formats.date_format(opens.astimezone(local),
                                                          "DATETIME_FORMAT")})
    if moment > closes:
        raise CheckInError(_(
            "Check-in for this event closed on %(when)s. A facilitator can still record "
            "attendance as a correction.")
            % {"when": formats.date_format(closes.astimezone(local), "DATETIME_FORMAT")})


@transaction.atomic
def check_in(event: Event, person: Person, *, method: str = CheckInMethod.LIST,
             mode: str | None = None, at: datetime | None = None,
             source: str = "web") -> Attendance:
    """Record that ``person`` was there, at ``at`` (default now), whatever the check-in
    window: the door, ticket, code and walk-in actions below keep the window. Checking in
    twice changes nothing."""
    existing = Attendance.objects.filter(event=event, person=person).first()
    if existing is not None:
        return existing
    if mode is None:
        mode = AttendanceMode.REMOTE if event.mode == "online" else AttendanceMode.IN_PERSON
    attendance = Attendance.objects.create(
        event=event, person=person, method=method, mode=mode,
        checked_in_at=at or timezone.now())
    record_activity(rows.attend(attendance, event, source=source))
    return attendance


@transaction.atomic
def undo_check_in(attendance: Attendance, *, at: datetime | None = None,
                  source: str = "web") -> None:
    """Retract an attendance ticked by mistake: a ``void`` row corrects the ``attend`` row."""
    event = attendance.event
    previous = latest_activity(act.ATTEND, "event", event.pk, attendance.person_id)
    void = rows.attend(attendance, event, source=source)
    void.kind, void.corrects, void.weight = act.VOID, previous, 0.0
    void.at = at or timezone.now()
    attendance.delete()
    record_activity(void)


@transaction.atomic
def door_check_in(event: Event, person: Person, *, source: str = "web") -> Attendance:
    """Tick ``person`` on the door list, while check-in is open."""
    _require_window(event)
    return check_in(event, person, source=source)


@transaction.atomic
def record_attendance(event: Event, person: Person, *, by: Any, reason: str = "",
                      source: str = "web") -> Attendance:
    """A facilitator's correction: ``person`` was at ``event`` although nobody checked them
    in while check-in was open. The attendance is dated at the event's start, and the
    correction is written to the audit log with ``by`` (the facilitator's account)."""
    if not Registration.objects.filter(event=event, person=person).exists() and \
            not Membership.objects.filter(network=event.network, person=person).exists():
        raise ValidationError(_("That person is not on this list."))
    attendance = check_in(event, person, method=CheckInMethod.LIST, at=event.starts_at,
                          source=source)
    audit.record(by, "meet.attendance.correct", network=event.network, target=person,
                 details={"event": event.pk, "reason": reason[:500]})
    return attendance


def _normal_code(code: str) -> str:
    return "".join(code.split()).upper()


@transaction.atomic
def check_in_ticket(event: Event, ticket: str, *, source: str = "web") -> Attendance:
    """Check in the person whose ticket code (from their registration) is ``ticket``."""
    code = _normal_code(ticket)
    registration = Registration.objects.filter(event=event, ticket=code).select_related(
        "person").first() if code else None
    if registration is None:
        raise CheckInError(_("No registration for this event has the code %(code)s.")
                           % {"code": code or "-"})
    _require_window(event)
    return check_in(event, registration.person, method=CheckInMethod.CODE, source=source)


def code_matches(event: Event, code: str) -> bool:
    """Whether ``code`` (spaces and case ignored) is ``event``'s check-in code."""
    return bool(event.checkin_code) and hmac.compare_digest(
        _normal_code(code).encode(), event.checkin_code.encode())


@transaction.atomic
def self_check_in(event: Event, person: Person, code: str, *,
                  source: str = "web") -> Attendance:
    """``person`` checks in on their own phone with the event's check-in code."""
    if not code_matches(event, code):
        raise CheckInError(_("That is not this event's check-in code."))
    _require_window(event)
    return check_in(event, person, method=CheckInMethod.CODE, source=source)


@transaction.atomic
def walk_in(event: Event, *, name: str, email: str = "", organisation: str = "",
            source: str = "web") -> Attendance:
    """Someone who came without registering; a guest without an account, the same guest
    as before only when this network (and no other) saw that e-mail address before."""
    if event.network.identity_mode == IdentityMode.PSEUDONYMOUS_ONLY:
        raise ValidationError(_("In this network walk-ins are checked in as members only."))
    _require_window(event)
    guest = add_guest(event.network, name=name, email=email, organisation=organisation)
    return check_in(event, guest, method=CheckInMethod.WALK_IN, source=source)


# --- calendar feeds ------------------------------------------------------------------------

def calendar_token(person: Person, *, renew: bool = False) -> CalendarToken:
    """``person``'s feed secret, made on first use; ``renew`` replaces it (old links die)."""
    token, created = CalendarToken.objects.get_or_create(person=person)
    if renew and not created:
        token.delete()
        token = CalendarToken.objects.create(person=person)
    return token


# --- e-mail --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Mail:
    subject: str
    body: str


def _greeting_name(event: Event, person: Person) -> str:
    membership = Membership.objects.filter(network=event.network, person=person).first()
    return member_name(membership) if membership is not None else person.name


def event_links(event: Event) -> tuple[str, str]:
    """The addresses of ``event``'s page and of its "Are you coming?" answer, for e-mails
    (``NETWEAVE_BASE_URL``)."""
    base = getattr(settings, "NETWEAVE_BASE_URL", "http://localhost:8000").rstrip("/")
    page = base + reverse("meet-event-detail", args=[event.network.slug, event.pk])
    return page, page + "#rsvp-heading"


def _compose(event: Event, person: Person, kind: str,
             registration: Registration | None) -> Mail:
    event_url, rsvp_url = event_links(event)
    context = {
        "event_url": event_url,
        "rsvp_url": rsvp_url,
        "event": event,
        "network": event.network,
        "name": _greeting_name(event, person),
        "ticket": registration.ticket if registration is not None else "",
        "waitlisted": registration is not None and registration.is_waitlisted,
        "tz": recurrence.zone(event.timezone),
        "site": getattr(settings, "NETWEAVE_SITE_URL", ""),
        "kind": kind,
    }
    subjects = {
        NoticeKind.INVITATION: _("Invitation: %(title)s"),
        NoticeKind.REMINDER: _("Reminder: %(title)s"),
        NoticeKind.MOVED_UP: _("A place for you: %(title)s"),
        NoticeKind.REGISTERED: _("You are registered: %(title)s"),
    }
    if kind == NoticeKind.REGISTERED and context["waitlisted"]:
        subjects[NoticeKind.REGISTERED] = _("On the waiting list: %(title)s")
    subject = one_line(subjects[NoticeKind(kind)] % {"title": event.title})
    return Mail(subject, render_to_string("meet/email/notice.txt", context))


def send_notice(event: Event, person: Person, kind: str, *, once: bool = True) -> bool:
    """E-mail ``person`` about ``event`` in their language (:func:`mail_language`), with
    the event's .ics attached unless they are on the waiting list (they get it with their
    place). With ``once`` (the default) a notice of this kind already sent is not sent
    again. Returns whether a mail went out."""
    if not person.email:
        return False
    with transaction.atomic():
        try:
            with transaction.atomic():
                Notice.objects.create(event=event, person=person, kind=kind)
        except IntegrityError:
            if once:
                return False
            Notice.objects.filter(event=event, person=person, kind=kind).update(
                sent_at=timezone.now())
        registration = Registration.objects.filter(event=event, person=person).first()
        with translation.override(mail_language(person, event.network)):
            mail = _compose(event, person, kind, registration)
            message = EmailMessage(mail.subject, mail.body, to=[person.email])
            if registration is None or not registration.is_waitlisted:
                message.attach("event.ics", ical.event_calendar(event).to_ical(),
                               "text/calendar")
        message.send()
    return True


def notify_moved_up(registration: Registration) -> bool:
    """Tell someone who moved up from the waiting list that they have a place."""
    return send_notice(registration.event, registration.person, NoticeKind.MOVED_UP,
                       once=False)


def invitation_recipients(event: Event) -> list[Membership]:
    """The active members of the event's network with an e-mail address who have not
    answered and were not invited to it before: whom :func:`invite_members` mails."""
    answered = Registration.objects.filter(event=event).values_list("person_id", flat=True)
    invited = Notice.objects.filter(event=event, kind=NoticeKind.INVITATION).values_list(
        "person_id", flat=True)
    return list(Membership.objects.filter(network=event.network, left_at__isnull=True)
                .exclude(person_id__in=answered).exclude(person_id__in=invited)
                .exclude(person__email="").select_related("person").order_by("pk"))


def invitation_preview(event: Event, membership: Membership) -> Mail:
    """The invitation to ``event`` exactly as ``membership``'s member would receive it (in
    their language)."""
    with translation.override(mail_language(membership.person, event.network)):
        return _compose(event, membership.person, NoticeKind.INVITATION, None)


def invite_members(event: Event) -> int:
    """Invite every member :func:`invitation_recipients` names; returns how many were
    invited (each member once per event)."""
    return sum(send_notice(event, m.person, NoticeKind.INVITATION)
               for m in invitation_recipients(event))


@dataclass(frozen=True)
class Outcome:
    """What a run of e-mails did: how many went out, and how many failed (each logged)."""

    sent: int = 0
    failed: int = 0


def send_reminders(*, now: datetime | None = None, within: timedelta = timedelta(hours=24),
                   ) -> Outcome:
    """Remind everyone going (or maybe going) to an event that starts within ``within``;
    each person once per event, so running this again sends nothing new.

    Each reminder is sent on its own: one that fails (logged with the event and person) is
    rolled back, so it is tried again next run, and never stops the others."""
    moment = now or timezone.now()
    events = Event.objects.filter(starts_at__gt=moment, starts_at__lte=moment + within,
                                  cancelled=False).select_related("network").order_by("pk")
    sent = failed = 0
    for event in events:
        registrations = (Registration.objects.filter(
            event=event, status__in=[RsvpStatus.GOING, RsvpStatus.MAYBE],
            waitlisted_at__isnull=True).select_related("person").order_by("pk"))
        for registration in registrations:
            try:
                sent += send_notice(event, registration.person, NoticeKind.REMINDER)
            except Exception:
                failed += 1
                log.exception("reminder for event %s to person %s failed", event.pk,
                              registration.person_id)
    return Outcome(sent, failed)

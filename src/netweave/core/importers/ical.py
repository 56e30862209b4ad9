"""iCalendar files (``.ics``): each ``VEVENT`` becomes an event.

``UID`` is the event's source id (with ``RECURRENCE-ID`` for a moved occurrence; a
recurring series is one event, its first occurrence). ``ORGANIZER`` becomes a host and each
``ATTENDEE`` an RSVP by ``PARTSTAT`` (accepted: going, tentative: maybe, declined: not
going). Errors name the event by its position and ``UID``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from .common import MAX_FIELD, clean_email, decode, normalise_name, parse_time, read_bytes
from .errors import ParseError
from .limits import Limits
from .records import Batch, EventRec, RsvpRec

PARTSTAT = {"ACCEPTED": "going", "TENTATIVE": "maybe", "DECLINED": "not_going"}


def _text(component, key: str) -> str:
    value = component.get(key)
    return "" if value is None else str(value).strip()


def _person(batch: Batch, prop) -> str | None:
    """Register an ORGANIZER or ATTENDEE property's person; None when it names nobody."""
    address = str(prop)
    email = clean_email(address[7:] if address.lower().startswith("mailto:") else address)
    params = getattr(prop, "params", {}) or {}
    label = str(params.get("CN", "")).strip().strip('"')
    if not email and not label:
        return None
    key = email or "name:" + normalise_name(label)
    return batch.person(key, label or email.split("@")[0], email)


def parse(path: Path | str, *, name: str | None = None, mapping: Mapping[str, str] | None = None,
          timezone: str = "Europe/Amsterdam", limits: Limits | None = None) -> Batch:
    """Read an iCalendar file into events, their hosts and RSVPs."""
    from icalendar import Calendar

    limits = limits or Limits()
    name, raw = read_bytes(path, name, limits)
    text, encoding = decode(raw, name)
    if "BEGIN:VCALENDAR" not in text[:2000].upper():
        raise ParseError(name, 1, "does not start a calendar", "an iCalendar file "
                         "beginning with BEGIN:VCALENDAR")
    try:
        calendars = Calendar.from_ical(text, multiple=True)
    except Exception as exc:  # icalendar raises ValueError, KeyError, IndexError …
        raise ParseError(name, None, f"is not valid iCalendar: {exc}",
                         "an .ics file with BEGIN:VCALENDAR … END:VCALENDAR") from exc
    limits.check_time(name)
    tz = ZoneInfo(timezone)
    batch = Batch("ical", name, encoding)
    seen: set[str] = set()
    number = 0
    for calendar in calendars:
        for component in calendar.walk("VEVENT"):
            number += 1
            limits.check_rows(name, number)
            if number % 1000 == 0:
                limits.check_time(name)
            _event(batch, component, number, name, tz, seen)
    if not batch.events:
        raise ParseError(name, None, "holds no events", "VEVENT components")
    return batch


def _event(batch: Batch, component, number: int, name: str, tz: ZoneInfo, seen: set[str]
           ) -> None:
    uid = _text(component, "UID")
    where = f"event {number}" + (f" (UID {uid[:80]})" if uid else "")
    if not uid:
        raise ParseError(name, None, f"{where} has no UID", "a UID on every VEVENT")
    recurrence = _text(component, "RECURRENCE-ID")
    source_id = uid + ("|" + recurrence if recurrence else "")
    if source_id in seen:
        batch.duplicates += 1
        return
    seen.add(source_id)
    try:
        start = component.decoded("DTSTART")
    except Exception as exc:
        raise ParseError(name, None, f"{where} has no readable DTSTART",
                         "DTSTART:20260305T190000 or a date") from exc
    try:
        end = component.decoded("DTEND") if "DTEND" in component else None
        duration = component.decoded("DURATION") if "DURATION" in component else None
    except Exception as exc:
        raise ParseError(name, None, f"{where} has an unreadable DTEND or DURATION") from exc
    if not isinstance(start, date):
        raise ParseError(name, None, f"{where}: DTSTART is not a date or time")
    all_day = not isinstance(start, datetime)
    try:
        starts = parse_time(start, tz)
        if isinstance(end, date):
            ends = parse_time(end, tz)
        elif isinstance(duration, timedelta):
            ends = starts + duration
        else:
            ends = starts + (timedelta(days=1) if all_day else timedelta())
    except (ValueError, OverflowError) as exc:
        raise ParseError(name, None, f"{where} has a time out of range") from exc
    if ends < starts:
        raise ParseError(name, None, f"{where} ends before it starts",
                         "DTEND at or after DTSTART")
    title = _text(component, "SUMMARY") or uid
    description = _text(component, "DESCRIPTION")
    if len(description) > MAX_FIELD * 10 or len(title) > MAX_FIELD:
        raise ParseError(name, None, f"{where} has a field too long to be an event",
                         f"a summary under {MAX_FIELD:,} characters")
    location, url = _text(component, "LOCATION"), _text(component, "URL")
    online = (bool(url) and not location) or location.lower().startswith(("http", "online"))
    event = EventRec(source_id, title[:200], starts, ends, location=location[:300],
                     online=online, description=description)
    organizer = component.get("ORGANIZER")
    if organizer is not None:
        host = _person(batch, organizer)
        if host is not None:
            event.hosts.append(host)
    attendees = component.get("ATTENDEE") or []
    if not isinstance(attendees, list):
        attendees = [attendees]
    stamp = component.get("DTSTAMP")
    try:
        answered = parse_time(stamp.dt, tz) if stamp is not None else starts
    except (AttributeError, ValueError, OverflowError):
        answered = starts
    for attendee in attendees:
        person = _person(batch, attendee)
        params = getattr(attendee, "params", {}) or {}
        status = PARTSTAT.get(str(params.get("PARTSTAT", "")).upper())
        if person is not None and status is not None:
            batch.rsvps.append(RsvpRec(person, source_id, status, min(answered, starts)))
    batch.events.append(event)

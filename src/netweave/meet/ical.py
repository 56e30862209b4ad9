"""iCalendar (RFC 5545) output: one event, a whole series, and subscribable feeds.

Feeds list every concrete occurrence as its own VEVENT (UID ``event-<id>@netweave``), the
same as the single-event file, so RSVPs and attendance always match one entry. A series'
own file carries the RRULE (expanded in the series' time zone, with a VTIMEZONE), EXDATEs
for cancelled occurrences and RECURRENCE-ID overrides for occurrences that differ. No
attendee appears in any of them. Titles and places are written on one line (rows stored
before line breaks were refused may hold them); descriptions keep theirs, escaped.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta

from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as VEvent
from icalendar.prop import vRecur, vText

from netweave.core.text import one_line
from netweave.networks.models import Event, EventMode, EventSeries

from . import recurrence

PRODID = "-//netweave//meet//EN"


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    # An X- property is not escaped by icalendar: a line break would end the content line.
    cal.add("x-wr-calname", vText(one_line(name)))
    return cal


def event_uid(event: Event) -> str:
    return f"event-{event.pk}@netweave"


def series_uid(series: EventSeries) -> str:
    return f"series-{series.pk}@netweave"


def _fill(vevent: VEvent, event: Event, *, times: bool = True) -> None:
    tz = recurrence.zone(event.timezone)
    vevent.add("summary", one_line(event.title))
    if times:
        vevent.add("dtstart", event.starts_at.astimezone(tz))
        vevent.add("dtend", event.ends_at.astimezone(tz))
    vevent.add("dtstamp", timezone.now())
    if event.description:
        vevent.add("description", event.description)
    location = event.location if event.mode != EventMode.ONLINE else ""
    if event.online_url and event.mode != EventMode.OFFLINE:
        vevent.add("url", event.online_url)
        location = f"{location} / {event.online_url}" if location else event.online_url
    if location:
        vevent.add("location", one_line(location))
    vevent.add("status", "CANCELLED" if event.cancelled and times else "CONFIRMED")


def _vevent(event: Event) -> VEvent:
    vevent = VEvent()
    vevent.add("uid", event_uid(event))
    _fill(vevent, event)
    return vevent


def event_calendar(event: Event) -> Calendar:
    """The .ics of one event (one occurrence of a series)."""
    cal = _calendar(event.title)
    cal.add_component(_vevent(event))
    cal.add_missing_timezones()
    return cal


def feed_calendar(name: str, events: Iterable[Event]) -> Calendar:
    """A subscribable feed: every event as its own entry."""
    cal = _calendar(name)
    for event in events:
        cal.add_component(_vevent(event))
    cal.add_missing_timezones()
    return cal


def _differs(event: Event, start, duration: timedelta, master: Event) -> bool:
    return (event.detached or event.starts_at != start
            or event.ends_at - event.starts_at != duration
            or any(getattr(event, f) != getattr(master, f)
                   for f in ("title", "description", "mode", "location", "online_url")))


def series_calendar(series: EventSeries) -> Calendar:
    """The .ics of a whole series: its rule, cancelled dates and changed occurrences.

    An open-ended rule gets an UNTIL at the last occurrence made so far, so calendars show
    exactly the occurrences people can answer for.
    """
    occurrences = list(series.occurrences.order_by("recurrence_id"))
    if not occurrences:
        raise ValueError("a series without occurrences has no calendar")
    tz = recurrence.zone(series.timezone)
    master = next((e for e in occurrences if not e.detached and not e.cancelled),
                  occurrences[0])
    cal = _calendar(master.title)
    vevent = VEvent()
    vevent.add("uid", series_uid(series))
    _fill(vevent, master, times=False)
    first = series.first_start.astimezone(tz)
    vevent.add("dtstart", first)
    vevent.add("dtend", first + series.duration)
    rule = recurrence.normalise(series.rrule)
    if "COUNT=" not in rule and "UNTIL=" not in rule:
        last = occurrences[-1].recurrence_id.astimezone(UTC)
        rule = f"{rule};UNTIL={last:%Y%m%dT%H%M%SZ}"
    recur = vRecur.from_ical(rule)
    if "UNTIL" in recur:  # RFC 5545: with a TZID start, UNTIL is given in UTC
        until = recur["UNTIL"][0]
        if not isinstance(until, datetime):
            until = datetime.combine(until, time(23, 59, 59))
        if until.tzinfo is None:
            until = until.replace(tzinfo=tz)
        recur["UNTIL"] = [until.astimezone(UTC)]
    vevent.add("rrule", recur)
    for event in occurrences:
        if event.cancelled:
            vevent.add("exdate", event.recurrence_id.astimezone(tz))
    cal.add_component(vevent)
    for event in occurrences:
        if event.cancelled:
            continue
        if _differs(event, event.recurrence_id, series.duration, master):
            override = VEvent()
            override.add("uid", series_uid(series))
            override.add("recurrence-id", event.recurrence_id.astimezone(tz))
            _fill(override, event)
            cal.add_component(override)
    cal.add_missing_timezones()
    return cal

"""Attendance lists (CSV or XLSX): one row per person per event, arbitrary headers.

Columns are found by English or Dutch header names (``naam``, ``e-mail``, ``bijeenkomst``,
``datum`` …) or by a mapping ``{"Column title": "person"}``. Fields: ``person`` (or
``first_name`` + ``last_name``), ``email``, ``event``, ``time``, ``organisation``,
``sector``, ``channel``. Without an ``event`` column each date is one event named after the
file; without a ``time`` column the event's name must be its date.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path, PurePath
from zoneinfo import ZoneInfo

from netweave.core.parsers import SECTORS, ParseError

from .common import (
    clean_email,
    find_columns,
    get,
    normalise_name,
    parse_time,
    read_bytes,
    read_table,
)
from .limits import Limits
from .records import AttendRec, Batch, EventRec

ALIASES: dict[str, tuple[str, ...]] = {
    "person": ("name", "naam", "person", "persoon", "participant", "deelnemer", "attendee",
               "full name", "volledige naam", "member", "lid", "who", "wie"),
    "first_name": ("first name", "given name", "voornaam"),
    "last_name": ("last name", "surname", "family name", "achternaam"),
    "email": ("email", "e-mail", "e mail", "email address", "e-mail address", "e-mailadres",
              "emailadres", "mail", "mailadres"),
    "event": ("event", "bijeenkomst", "meeting", "activity", "activiteit", "session",
              "sessie", "event name", "title", "titel"),
    "time": ("date", "datum", "time", "tijd", "when", "wanneer", "start", "starts",
             "aanvang", "event date"),
    "organisation": ("organisation", "organization", "organisatie", "company", "bedrijf",
                     "employer", "werkgever", "affiliation"),
    "sector": ("sector",),
    "channel": ("channel", "kanaal", "mode", "vorm", "attended", "aanwezig als"),
}
ONLINE = {"online", "remote", "digitaal", "digital", "virtueel", "virtual", "zoom", "teams"}
OFFLINE = {"offline", "in person", "fysiek", "op locatie", "live", "ter plaatse", "", "onsite",
           "on site"}


def channel_of(value: str, name: str, line: int) -> bool:
    """True for online, False for offline; an error for anything else."""
    v = value.strip().lower()
    if v in ONLINE:
        return True
    if v in OFFLINE:
        return False
    raise ParseError(name, line, f"unknown channel {value!r}", "online or offline (or "
                     "remote, in person, fysiek, digitaal)")


def person_from(batch: Batch, fields: list[str], pos: Mapping[str, int], name: str,
                line: int) -> str:
    """Register the row's person in ``batch`` and return the person key."""
    label = get(fields, pos, "person")
    if not label:
        label = " ".join(p for p in (get(fields, pos, "first_name"),
                                     get(fields, pos, "last_name")) if p)
    raw_email = get(fields, pos, "email")
    email = clean_email(raw_email)
    if raw_email and not email:
        raise ParseError(name, line, f"{raw_email!r} is not an e-mail address",
                         "an address like name@example.org, or an empty cell")
    if not label and not email:
        raise ParseError(name, line, "no name and no e-mail", "a person on every row")
    sector_text = get(fields, pos, "sector")
    sector = SECTORS.get(sector_text.lower(), "") if sector_text else ""
    if sector_text and not sector:
        raise ParseError(name, line, f"unknown sector {sector_text!r}",
                         "government, business, civil_society, knowledge, residents or other "
                         "(or the Dutch names)")
    key = email or "name:" + normalise_name(label)
    return batch.person(key, label or email.split("@")[0], email,
                        organisation=get(fields, pos, "organisation"), sector=sector)


def parse(path: Path | str, *, name: str | None = None, mapping: Mapping[str, str] | None = None,
          timezone: str = "Europe/Amsterdam", limits: Limits | None = None) -> Batch:
    """Read an attendance list into a :class:`Batch` of people, events and attendance."""
    limits = limits or Limits()
    name, raw = read_bytes(path, name, limits)
    table = read_table(raw, name, limits)
    pos = find_columns(table, ALIASES, (), mapping)
    if "person" not in pos and "email" not in pos and not {"first_name", "last_name"} <= set(pos):
        find_columns(table, ALIASES, ("person",), mapping)  # raises the clear error
    if "event" not in pos and "time" not in pos:
        find_columns(table, ALIASES, ("event",), mapping)
    tz = ZoneInfo(timezone)
    batch = Batch("attendance", name, table.encoding)
    events: dict[str, EventRec] = {}
    seen: set[tuple[str, str]] = set()
    stem = PurePath(name).stem
    for line, fields in table.rows:
        person = person_from(batch, fields, pos, name, line)
        title, raw_time = get(fields, pos, "event"), get(fields, pos, "time")
        try:
            at = parse_time(raw_time or title, tz)
        except (ValueError, OverflowError, OSError) as exc:
            what = "time" if raw_time else "event date"
            raise ParseError(name, line, f"{what} {raw_time or title!r} is unreadable",
                             "a date like 2026-03-05, 05-03-2026 or 2026-03-05T19:30 (or a "
                             "time column)") from exc
        if not title:
            title = f"{stem} {at.astimezone(tz):%Y-%m-%d}"
        event_id = title if "event" in pos and not raw_time else f"{title}|{at:%Y-%m-%d}"
        online = channel_of(get(fields, pos, "channel"), name, line)
        event = events.get(event_id)
        if event is None:
            event = events[event_id] = EventRec(event_id, title[:200], at, at, online=online)
        else:
            event.starts_at, event.ends_at = min(event.starts_at, at), max(event.ends_at, at)
        if (person, event_id) in seen:
            batch.duplicates += 1
            continue
        seen.add((person, event_id))
        batch.attendance.append(AttendRec(person, event_id, at, online))
    if not batch.attendance:
        raise ParseError(name, None, "holds no attendance", "a header line and rows")
    batch.events = list(events.values())
    return batch

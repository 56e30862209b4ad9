"""Attendance lists (CSV or XLSX): one row per person per event, arbitrary headers.

Columns are found by English or Dutch header names (``naam``, ``e-mail``, ``bijeenkomst``,
``datum`` …) or by a mapping ``{"Column title": "person"}``. Fields: ``person`` (or
``first_name`` + ``last_name``), ``email``, ``event``, ``time``, ``organisation``,
``sector``, ``channel``, ``attended``. Without an ``event`` column each date is one event
named after the file; without a ``time`` column the event's date comes from the events file
(``events``: a table of ``event, time[, location]``), else from the event's name when that is
a date, else the events are undated: all held in one period, dated at ``date`` (or today, said
in the notes).

An ``attended`` column says yes (``yes``, ``ja``, ``1``, ``x`` …), no (``no``, ``nee``, ``0``
…) or unknown (empty, ``?``, ``unknown``); ``not_recorded`` lists values that mean unknown
instead (``"0"`` in tables where 0 means "not recorded"). Only yes is attendance; the people
of the other rows are still listed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path, PurePath
from zoneinfo import ZoneInfo

from .common import (
    clean_email,
    find_columns,
    get,
    normalise_name,
    parse_time,
    read_bytes,
    read_sector,
    read_table,
)
from .errors import ParseError
from .limits import Limits
from .records import AttendRec, Batch, EventRec

ALIASES: dict[str, tuple[str, ...]] = {
    "person": ("name", "naam", "person", "persoon", "participant", "deelnemer", "attendee",
               "full name", "volledige naam", "member", "lid", "who", "wie", "respondent",
               "woman", "man", "vrouw", "actor", "individual", "student", "employee",
               "medewerker"),
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
    "channel": ("channel", "kanaal", "mode", "vorm", "aanwezig als"),
    "attended": ("attended", "present", "aanwezig", "attendance", "aanwezigheid",
                 "was there"),
    "location": ("location", "locatie", "place", "plaats", "venue"),
}
YES = {"yes", "y", "ja", "j", "1", "true", "waar", "x", "✓", "✔", "present", "aanwezig"}
NO = {"no", "n", "nee", "0", "false", "onwaar", "absent", "afwezig", "-"}
UNKNOWN = {"", "?", "unknown", "onbekend", "n/a", "na", "not recorded", "niet bekend"}
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
    sector = read_sector(sector_text, name, line) if sector_text else ""
    key = email or "name:" + normalise_name(label)
    return batch.person(key, label or email.split("@")[0], email,
                        organisation=get(fields, pos, "organisation"), sector=sector)


def attended_of(value: str, not_recorded: set[str], name: str, line: int) -> bool | None:
    """True for yes, False for no, None for unknown; an error for anything else."""
    v = value.strip().lower()
    if v in not_recorded or v in UNKNOWN:
        return None
    if v in YES:
        return True
    if v in NO:
        return False
    raise ParseError(name, line, f"attended {value!r} is not yes, no or unknown",
                     "yes/no/unknown (or ja/nee, 1/0, x, empty); give not_recorded for values "
                     "that mean unknown")


def read_events(path: Path | str, tz: ZoneInfo, limits: Limits,
                mapping: Mapping[str, str] | None = None) -> dict[str, tuple[datetime, str]]:
    """An events file (``event, time[, location]``) as normalised title -> (start, location)."""
    name, raw = read_bytes(path, None, limits)
    table = read_table(raw, name, limits)
    pos = find_columns(table, ALIASES, ("event", "time"), mapping)
    out: dict[str, tuple[datetime, str]] = {}
    for line, fields in table.rows:
        title, when = get(fields, pos, "event"), get(fields, pos, "time")
        try:
            at = parse_time(when, tz)
        except (ValueError, OverflowError, OSError) as exc:
            raise ParseError(name, line, f"time {when!r} is unreadable",
                             "a date like 2026-03-05 or 2026-03-05T19:30") from exc
        out[normalise_name(title)] = (at, get(fields, pos, "location"))
    if not out:
        raise ParseError(name, None, "holds no events", "a header line and one row per event")
    return out


def parse(path: Path | str, *, name: str | None = None, mapping: Mapping[str, str] | None = None,
          timezone: str = "Europe/Amsterdam", limits: Limits | None = None,
          events: str | None = None, date: str | None = None,
          not_recorded: str | None = None) -> Batch:
    """Read an attendance list into a :class:`Batch` of people, events and attendance (see
    the module's description for ``events``, ``date`` and ``not_recorded``)."""
    limits = limits or Limits()
    name, raw = read_bytes(path, name, limits)
    table = read_table(raw, name, limits)
    pos = find_columns(table, ALIASES, (), mapping)
    if "person" not in pos and "email" not in pos and not {"first_name", "last_name"} <= set(pos):
        find_columns(table, ALIASES, ("person",), mapping)  # raises the clear error
    if "event" not in pos and "time" not in pos:
        find_columns(table, ALIASES, ("event",), mapping)
    tz = ZoneInfo(timezone)
    listed = read_events(events, tz, limits) if events else {}
    try:
        undated_at = parse_time(date, tz) if date else None
    except (ValueError, OverflowError) as exc:
        raise ParseError(name, None, f"the date {date!r} is unreadable",
                         "a date like 2026-03-05") from exc
    unknown_values = {v.strip().lower() for v in (not_recorded or "").split(",") if v.strip()}
    batch = Batch("attendance", name, table.encoding)
    found: dict[str, EventRec] = {}
    seen: set[tuple[str, str]] = set()
    stem = PurePath(name).stem
    undated: set[str] = set()
    counts = {False: 0, None: 0}
    for line, fields in table.rows:
        person = person_from(batch, fields, pos, name, line)
        title, raw_time = get(fields, pos, "event"), get(fields, pos, "time")
        location = ""
        if not raw_time and title and normalise_name(title) in listed:
            at, location = listed[normalise_name(title)]
        else:
            try:
                at = parse_time(raw_time or title, tz)
            except (ValueError, OverflowError, OSError) as exc:
                if raw_time or not title or listed or "time" in pos:
                    what = "time" if raw_time else "event"
                    raise ParseError(
                        name, line, f"{what} {raw_time or title!r} is unreadable"
                        + ("" if raw_time or not listed else " and not in the events file"),
                        "a date like 2026-03-05, 05-03-2026 or 2026-03-05T19:30 (or a time "
                        "column, or an events file)") from exc
                undated.add(title)
                at = undated_at = undated_at or datetime.now(UTC).replace(
                    hour=0, minute=0, second=0, microsecond=0)
        if not title:
            title = f"{stem} {at.astimezone(tz):%Y-%m-%d}"
        event_id = title if "event" in pos and not raw_time else f"{title}|{at:%Y-%m-%d}"
        online = channel_of(get(fields, pos, "channel"), name, line)
        event = found.get(event_id)
        if event is None:
            event = found[event_id] = EventRec(event_id, title[:200], at, at, online=online,
                                               location=location or get(fields, pos,
                                                                        "location"))
        else:
            event.starts_at, event.ends_at = min(event.starts_at, at), max(event.ends_at, at)
        attended = (attended_of(get(fields, pos, "attended"), unknown_values, name, line)
                    if "attended" in pos else True)
        if attended is not True:
            counts[attended] += 1
            continue
        if (person, event_id) in seen:
            batch.duplicates += 1
            continue
        seen.add((person, event_id))
        batch.attendance.append(AttendRec(person, event_id, at, online))
    if not batch.attendance:
        raise ParseError(name, None, "holds no attendance", "a header line and rows")
    used = {a.event for a in batch.attendance}
    batch.events = [e for e in found.values() if e.source_id in used]
    if counts[False] or counts[None]:
        batch.notes.append(f"{counts[False]:,} rows say not attended and {counts[None]:,} "
                           "rows say unknown: not counted as attendance")
    if undated and undated_at is not None:
        batch.notes.append(f"{len(undated):,} events have no date: all are dated "
                           f"{undated_at.astimezone(tz):%Y-%m-%d} (one period; --date sets "
                           "it)")
    return batch

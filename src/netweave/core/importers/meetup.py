"""Meetup RSVP and attendance exports (CSV or XLSX, one file per event or one for many).

Meetup's export columns (``Name``, ``User ID``, ``RSVP``, ``RSVPed on``, ``Attendance`` …)
are found by name; a mapping names others. An event comes from an ``event`` column, or is
the file itself (named after it) dated by an ``event date`` column or the mapping's
``event_date=…`` entry. ``RSVP`` yes/maybe/no becomes a registration; ``Attendance``
attended/yes/present becomes attendance at the event's start (a no-show is none).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path, PurePath
from zoneinfo import ZoneInfo

from netweave.core.parsers import ParseError

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
from .records import AttendRec, Batch, EventRec, RsvpRec

ALIASES: dict[str, tuple[str, ...]] = {
    "person": ("name", "naam", "member name", "full name"),
    "member_id": ("user id", "member id", "meetup id", "id"),
    "email": ("email", "e-mail", "email address", "e-mailadres"),
    "rsvp": ("rsvp", "response", "rsvp response", "antwoord", "reactie"),
    "rsvp_time": ("rsvped on", "rsvp date", "rsvp time", "rsvp'd on", "aangemeld op"),
    "attended": ("attendance", "attended", "aanwezig", "aanwezigheid", "check in",
                 "checked in"),
    "event": ("event", "event name", "event title", "title", "bijeenkomst"),
    "event_date": ("event date", "event time", "date", "datum", "event start"),
}
RSVP = {"yes": "going", "ja": "going", "going": "going", "attending": "going",
        "maybe": "maybe", "misschien": "maybe", "waitlist": "maybe", "wachtlijst": "maybe",
        "no": "not_going", "nee": "not_going", "not going": "not_going",
        "not_going": "not_going"}
ATTENDED = {"attended": True, "yes": True, "ja": True, "present": True, "aanwezig": True,
            "checked in": True, "true": True, "1": True,
            "noshow": False, "no show": False, "no-show": False, "absent": False, "no": False,
            "nee": False, "afwezig": False, "false": False, "0": False, "": False}


def parse(path: Path | str, *, name: str | None = None, mapping: Mapping[str, str] | None = None,
          timezone: str = "Europe/Amsterdam", limits: Limits | None = None) -> Batch:
    """Read a Meetup export into people, one or more events, RSVPs and attendance."""
    limits = limits or Limits()
    name, raw = read_bytes(path, name, limits)
    mapping = dict(mapping or {})
    fixed_date = mapping.pop("event_date", None)
    fixed_title = mapping.pop("event", None)
    columns = {k: v for k, v in mapping.items()}
    table = read_table(raw, name, limits)
    pos = find_columns(table, ALIASES, ("person",), columns)
    if "rsvp" not in pos and "attended" not in pos:
        find_columns(table, ALIASES, ("rsvp",), columns)
    tz = ZoneInfo(timezone)
    batch = Batch("meetup", name, table.encoding)
    events: dict[str, EventRec] = {}
    seen: set[tuple[str, str]] = set()
    for line, fields in table.rows:
        label, member_id = get(fields, pos, "person"), get(fields, pos, "member_id")
        email = clean_email(get(fields, pos, "email"))
        if not label:
            raise ParseError(name, line, "the name is empty", "a member's name on every row")
        key = (f"meetup:{member_id}" if member_id else email or
               "name:" + normalise_name(label))
        batch.person(key, label, email)
        title = get(fields, pos, "event") or fixed_title or PurePath(name).stem
        raw_date = get(fields, pos, "event_date") or fixed_date or ""
        if not raw_date:
            raise ParseError(name, line, f"no date for event {title!r}",
                             "an 'event date' column or a mapping entry "
                             "event_date=2026-03-05T19:00")
        try:
            starts = parse_time(raw_date, tz)
        except (ValueError, OverflowError, OSError) as exc:
            raise ParseError(name, line, f"event date {raw_date!r} is unreadable",
                             "a date like 2026-03-05T19:00 or 05-03-2026 19:00") from exc
        event_id = f"{title}|{starts.isoformat()}"
        if event_id not in events:
            events[event_id] = EventRec(event_id, title[:200], starts, starts)
        if (key, event_id) in seen:
            batch.duplicates += 1
            continue
        seen.add((key, event_id))
        answer = get(fields, pos, "rsvp").strip().lower()
        if answer:
            status = RSVP.get(answer)
            if status is None:
                raise ParseError(name, line, f"unknown RSVP {answer!r}", "yes, maybe or no")
            raw_rsvp = get(fields, pos, "rsvp_time")
            try:
                at = parse_time(raw_rsvp, tz) if raw_rsvp else starts
            except (ValueError, OverflowError, OSError) as exc:
                raise ParseError(name, line, f"RSVP time {raw_rsvp!r} is unreadable",
                                 "a date like 2026-03-01 or 01-03-2026 10:00") from exc
            batch.rsvps.append(RsvpRec(key, event_id, status, at))
        attended = get(fields, pos, "attended").strip().lower()
        if attended not in ATTENDED:
            raise ParseError(name, line, f"unknown attendance {attended!r}",
                             "attended, noshow, yes or no")
        if ATTENDED[attended]:
            batch.attendance.append(AttendRec(key, event_id, starts))
    if not batch.rsvps and not batch.attendance:
        raise ParseError(name, None, "holds no RSVPs and no attendance",
                         "a Meetup attendance or RSVP export")
    batch.events = list(events.values())
    return batch

"""Meetup's exports as an organiser downloads them (CSV or XLSX), each imported on its own:

* an event's **attendee list / attendance report** (``Name``, ``User ID``, ``Title``,
  ``Event Host``, ``RSVP``, ``Guests``, ``RSVPed on``, ``Joined Group on``,
  ``URL of Member Profile``, and ``Attendance`` once taken): RSVPs, attendance, hosts and
  the members' join dates. It names no event: the event is the file, titled and dated by its
  name (``Repair Café 2026-03-05.csv``) or by the mapping's ``event=`` / ``event_date=``.
  ``Title`` is the member's title in the group (Organizer …), never the event;
* the group's **member list** (``Name``, ``Member ID``, ``Joined Group on``, ``Last
  Attended``, ``URL of Member Profile`` …): the members with their join dates;
* an **RSVP export** of many events in the API's names (``event.id``, ``event.name``,
  ``event.time``, ``member.id``, ``member.name``, ``response``, ``mtime``), times in Unix
  milliseconds.

A person is known by their Meetup member id (from ``User ID``/``Member ID`` or the profile
address), so the files of one group match without joining them by hand. ``RSVP``
yes/maybe/no/waitlist becomes a registration; ``Attendance`` attended/yes becomes attendance
at the event's start (a no-show is none); ``Joined Group on`` dates the member's join.
Meetup writes dates month first (``3/5/2026 7:00 PM``); Unix seconds, milliseconds and ISO
dates are read too.
"""

from __future__ import annotations

import re
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
    read_table,
)
from .errors import ParseError
from .limits import Limits
from .records import AttendRec, Batch, EventRec, RsvpRec

ALIASES: dict[str, tuple[str, ...]] = {
    "person": ("name", "naam", "member name", "full name", "member.name"),
    "member_id": ("user id", "member id", "meetup id", "id", "member.id", "member.member id"),
    "profile": ("url of member profile", "profile url", "member profile", "member.link"),
    "email": ("email", "e-mail", "email address", "e-mailadres", "member.email"),
    "rsvp": ("rsvp", "response", "rsvp response", "antwoord", "reactie"),
    "rsvp_time": ("rsvped on", "rsvp date", "rsvp time", "rsvp'd on", "aangemeld op",
                  "created", "rsvp.created"),
    # When an answer last changed (the API's mtime): the answer's time when given.
    "rsvp_changed": ("mtime", "rsvp.mtime", "updated"),
    "attended": ("attendance", "attended", "aanwezig", "aanwezigheid", "check in",
                 "checked in", "attendance status"),
    "event": ("event", "event name", "event title", "event.name", "bijeenkomst"),
    "event_date": ("event date", "event time", "date", "datum", "event start", "event.time"),
    "venue": ("venue", "venue name", "venue.name"),
    "joined": ("joined group on", "joined group", "join date", "joined", "member since",
               "lid sinds", "member.joined"),
    "host": ("event host", "host"),
    "guests": ("guests", "gasten"),
}
RSVP = {"yes": "going", "ja": "going", "going": "going", "attending": "going",
        "maybe": "maybe", "misschien": "maybe", "waitlist": "maybe", "wachtlijst": "maybe",
        "no": "not_going", "nee": "not_going", "not going": "not_going",
        "not_going": "not_going"}
ATTENDED = {"attended": True, "yes": True, "ja": True, "present": True, "aanwezig": True,
            "checked in": True, "true": True, "1": True,
            "noshow": False, "no show": False, "no-show": False, "absent": False, "no": False,
            "excused": False, "nee": False, "afwezig": False, "false": False, "0": False,
            "": False}
HOST = {"yes", "ja", "true", "1", "host", "x"}
_PROFILE_ID = re.compile(r"/members?/(\d+)")
_STEM_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T _](\d{2})[:.h]?(\d{2}))?")
_US_FORMATS = ("%m/%d/%Y %I:%M %p", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%y %I:%M %p",
               "%m/%d/%Y %H:%M", "%m/%d/%Y", "%m/%d/%y", "%b %d, %Y %I:%M %p", "%b %d, %Y",
               "%B %d, %Y %I:%M %p", "%B %d, %Y", "%a %b %d %H:%M:%S %Z %Y")
_DATE_HINT = "a date like 3/5/2026 7:00 PM, 2026-03-05T19:00 or Unix milliseconds"


def meetup_time(value: str, tz: ZoneInfo) -> datetime:
    """A time as Meetup writes it: Unix milliseconds (or seconds), month-first
    ``3/5/2026 7:00 PM``, ``Mar 5, 2026``, or ISO; :class:`ValueError` otherwise."""
    text = value.strip()
    if "/" in text or text[:3].isalpha():
        for fmt in _US_FORMATS:
            try:
                parsed = datetime.strptime(text, fmt)
            except ValueError:
                continue
            return parsed.replace(tzinfo=tz).astimezone(UTC)
    return parse_time(text, tz)


def _file_event(name: str, tz: ZoneInfo) -> tuple[str, datetime | None]:
    """The event a per-event export stands for, from its file name: the title, and the
    date (and time) written in it, if any."""
    stem = PurePath(name).stem
    found = _STEM_DATE.search(stem)
    if found is None:
        return stem.replace("_", " ").strip(), None
    day, hour, minute = found.groups()
    title = (stem[:found.start()] + stem[found.end():]).replace("_", " ")
    title = " ".join(title.strip(" -\u2013\u00b7").split()) or stem
    return title, parse_time(f"{day}T{hour or '00'}:{minute or '00'}", tz)


def _time(raw: str, tz: ZoneInfo, name: str, line: int, what: str) -> datetime:
    try:
        return meetup_time(raw, tz)
    except (ValueError, OverflowError, OSError) as exc:
        raise ParseError(name, line, f"{what} {raw!r} is unreadable", _DATE_HINT) from exc


def parse(path: Path | str, *, name: str | None = None, mapping: Mapping[str, str] | None = None,
          timezone: str = "Europe/Amsterdam", limits: Limits | None = None) -> Batch:
    """Read a Meetup export into people (with join dates), events, RSVPs and attendance."""
    limits = limits or Limits()
    name, raw = read_bytes(path, name, limits)
    mapping = dict(mapping or {})
    fixed_date = mapping.pop("event_date", None)
    fixed_title = mapping.pop("event", None)
    table = read_table(raw, name, limits)
    pos = find_columns(table, ALIASES, ("person",), mapping)
    member_list = "rsvp" not in pos and "attended" not in pos
    if member_list and "joined" not in pos:
        find_columns(table, ALIASES, ("rsvp",), mapping)
    tz = ZoneInfo(timezone)
    file_title, file_date = _file_event(name, tz)
    batch = Batch("meetup", name, table.encoding)
    events: dict[str, EventRec] = {}
    seen: set[tuple[str, str]] = set()
    guests = 0
    for line, fields in table.rows:
        label = get(fields, pos, "person").strip()
        if not label:
            raise ParseError(name, line, "the name is empty", "a member's name on every row")
        member_id = "".join(re.findall(r"\d+", get(fields, pos, "member_id")))
        if not member_id and (found := _PROFILE_ID.search(get(fields, pos, "profile"))):
            member_id = found.group(1)
        email = clean_email(get(fields, pos, "email"))
        key = (f"meetup:{member_id}" if member_id else email or
               "name:" + normalise_name(label))
        batch.person(key, label, email)
        if raw_joined := get(fields, pos, "joined").strip():
            joined = _time(raw_joined, tz, name, line, "join date")
            if key not in batch.joined or joined < batch.joined[key]:
                batch.joined[key] = joined
        if member_list:
            continue
        event_id = _event(fields, pos, events, name, line, tz,
                          fixed=(fixed_title, fixed_date), from_file=(file_title, file_date))
        event = events[event_id]
        if get(fields, pos, "host").strip().lower() in HOST and key not in event.hosts:
            event.hosts.append(key)
        if (key, event_id) in seen:
            batch.duplicates += 1
            continue
        seen.add((key, event_id))
        guests += _guests(get(fields, pos, "guests"))
        answer = get(fields, pos, "rsvp").strip().lower()
        if answer:
            status = RSVP.get(answer)
            if status is None:
                raise ParseError(name, line, f"unknown RSVP {answer!r}",
                                 "yes, maybe, waitlist or no")
            raw_rsvp = (get(fields, pos, "rsvp_changed").strip()
                        or get(fields, pos, "rsvp_time").strip())
            at = _time(raw_rsvp, tz, name, line, "RSVP time") if raw_rsvp else event.starts_at
            batch.rsvps.append(RsvpRec(key, event_id, status, at))
        attended = get(fields, pos, "attended").strip().lower()
        if attended not in ATTENDED:
            raise ParseError(name, line, f"unknown attendance {attended!r}",
                             "attended, noshow, absent, yes or no")
        if ATTENDED[attended]:
            batch.attendance.append(AttendRec(key, event_id, event.starts_at))
    if member_list:
        batch.notes.append(f"a member list: {len(batch.people):,} members, "
                           f"{len(batch.joined):,} with the day they joined the group")
    elif not batch.rsvps and not batch.attendance:
        raise ParseError(name, None, "holds no RSVPs and no attendance",
                         "a Meetup attendance report, RSVP export or member list")
    if guests:
        batch.notes.append(f"{guests:,} guests brought along by members are not named by "
                           "Meetup and were not imported")
    batch.events = list(events.values())
    return batch


def _guests(text: str) -> int:
    text = text.strip()
    return int(text) if text.isdigit() else 0


def _event(fields: list[str], pos: Mapping[str, int], events: dict[str, EventRec], name: str,
           line: int, tz: ZoneInfo, *, fixed: tuple[str | None, str | None],
           from_file: tuple[str, datetime | None]) -> str:
    """The source id of the row's event, made on first sight: from the row's event columns,
    else the mapping, else the file's name."""
    fixed_title, fixed_date = fixed
    title = get(fields, pos, "event").strip() or fixed_title or from_file[0]
    raw_date = get(fields, pos, "event_date").strip() or fixed_date or ""
    if raw_date:
        starts = _time(raw_date, tz, name, line, "event date")
    elif from_file[1] is not None:
        starts = from_file[1]
    else:
        raise ParseError(name, line, f"no date for event {title!r}",
                         "an 'event date' column, a date in the file's name "
                         "(Repair Café 2026-03-05.csv) or a mapping entry "
                         "event_date=2026-03-05T19:00")
    # Title and start, not Meetup's event id: an attendance report names no id, and the
    # same event in it and in an RSVP export must be one event.
    event_id = f"{title}|{starts.isoformat()}"
    if event_id not in events:
        events[event_id] = EventRec(event_id, title[:200], starts, starts,
                                    location=get(fields, pos, "venue").strip()[:300])
    return event_id

"""Generic interaction logs: ``actor, target, time[, kind[, channel[, weight]]]``.

Comma, tab, semicolon or runs of spaces (:func:`.common.delimited_lines`); an optional
header, in English or Dutch; ``#`` comments; times as :func:`.common.parse_time` reads them
(Unix seconds, milliseconds or microseconds, or ISO 8601), read in one pass into columns so
that a million lines take seconds. An actor or target that looks like an e-mail address is
matched by e-mail; any other label by name. A line repeated exactly is counted once.

A file without a header is read as ``actor, target, time`` unless ``columns`` says otherwise
(``"time,actor,target"``; ``-`` skips a column). When another column looks like the time (its
numbers rise line by line) the file is refused rather than read wrong. Options:

* ``time_origin``: numeric times are seconds after this moment (a relative clock);
* ``contacts``: the lines are undirected contact windows of this many seconds (face-to-face
  sensors, one line per window): consecutive windows of a pair become one offline contact,
  dated at its start, weighted by its length in minutes;
* a log of two columns ``actor, target`` (a relationship survey) is a static edge list: each
  tie is dated at ``time_origin``, or today, and said so in the notes.

Implausible data (times before 1980, about as many people as lines) is imported with a note.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from netweave.core import activity as act

from .common import (
    MAX_FIELD,
    clean_email,
    decode,
    delimited_lines,
    epoch_seconds,
    parse_time,
    read_bytes,
)
from .errors import ParseError
from .limits import Limits
from .records import Batch, Interactions

FIELDS = ("actor", "target", "time", "kind", "channel", "weight")
ALIASES: dict[str, tuple[str, ...]] = {
    "actor": ("actor", "source", "from", "van", "sender", "afzender", "who", "wie"),
    "target": ("target", "to", "naar", "recipient", "ontvanger"),
    "time": ("time", "timestamp", "tijd", "datum", "date", "when", "wanneer"),
    "kind": ("kind", "type", "soort"),
    "channel": ("channel", "kanaal"),
    "weight": ("weight", "gewicht"),
}
_HEADER_WORDS = {w for names in ALIASES.values() for w in names}
_KINDS = frozenset(act.KINDS)
_EXPECTED_TIME = "Unix seconds or ISO 8601, e.g. 1767225600 or 2026-01-01T10:00"
#: Headerless lines looked at to tell which column is the time.
_SNIFF = 200
_COLUMNS_HINT = "say which column is which, e.g. --columns time,actor,target"


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def _rises(values: list[str]) -> bool:
    """True when every value is a number and they never go down and do go up."""
    numbers = [_number(v) for v in values]
    if len(numbers) < 3 or any(n is None for n in numbers):
        return False
    pairs = list(itertools.pairwise(numbers))
    return all(b >= a for a, b in pairs) and any(b > a for a, b in pairs)  # type: ignore[operator]


def _small_numbers(values: list[str]) -> bool:
    """True when every value is a number too small for a Unix time after 1973 (an id)."""
    numbers = [_number(v) for v in values]
    return bool(numbers) and all(n is not None and abs(epoch_seconds(n)) < 1e8 for n in numbers)


def parse_columns(text: str, name: str) -> dict[str, int]:
    """``"time,actor,target"`` as positions; ``-`` skips a column."""
    positions: dict[str, int] = {}
    for i, part in enumerate(p.strip().lower() for p in text.split(",")):
        if part in ("-", "", "skip"):
            continue
        if part not in ALIASES or part in positions:
            raise ParseError(name, None, f"--columns names {part!r} "
                             + ("twice" if part in positions else "which is not a field"),
                             "a list of " + ", ".join(FIELDS) + " (or - to skip a column)")
        positions[part] = i
    if "actor" not in positions or "target" not in positions:
        raise ParseError(name, None, "--columns lacks actor or target",
                         "at least actor and target, e.g. time,actor,target")
    return positions


def _positions(fields: list[str], mapping: Mapping[str, str] | None, name: str, line: int,
               columns: dict[str, int] | None = None) -> tuple[dict[str, int], bool]:
    """Column positions and whether ``fields`` is a header line."""
    lowered = [f.strip().lower() for f in fields]
    looks_like_header = sum(f in _HEADER_WORDS for f in lowered) >= 2
    if columns is not None:
        return columns, looks_like_header
    is_header = bool(mapping) or looks_like_header
    if not is_header:
        return {f: i for i, f in enumerate(FIELDS)}, False
    pos: dict[str, int] = {}
    for column, fieldname in (mapping or {}).items():
        fieldname = fieldname.lower()
        if fieldname not in ALIASES:
            raise ParseError(name, line, f"the mapping names an unknown field {fieldname!r}",
                             ", ".join(FIELDS))
        if column.strip().lower() not in lowered:
            raise ParseError(name, line, f"the mapping names a column {column!r} the header "
                             "lacks", "one of: " + ", ".join(fields))
        pos[fieldname] = lowered.index(column.strip().lower())
    for fieldname, names in ALIASES.items():
        if fieldname not in pos:
            found = next((i for i, h in enumerate(lowered) if h in names), None)
            if found is not None:
                pos[fieldname] = found
    missing = [f for f in FIELDS[:3] if f not in pos]
    if missing:
        raise ParseError(name, line, f"the header lacks {', '.join(missing)}",
                         "columns actor, target, time[, kind, channel, weight]")
    return pos, True


def parse(path: Path | str, *, name: str | None = None, mapping: Mapping[str, str] | None = None,
          timezone: str = "Europe/Amsterdam", limits: Limits | None = None,
          columns: str | None = None, time_origin: str | None = None,
          contacts: str | float | None = None) -> Batch:
    """Read an interaction log into a :class:`Batch` (people and interactions); see the
    module's description for ``columns``, ``time_origin`` and ``contacts``."""
    limits = limits or Limits()
    name, raw = read_bytes(path, name, limits)
    text, encoding = decode(raw, name)
    del raw
    tz = ZoneInfo(timezone)
    origin = _origin(time_origin, tz, name)
    window = _window(contacts, name)
    batch = Batch("log", name, encoding)
    out = batch.interactions
    people = batch.people
    lines = delimited_lines(text, name)
    first = next(lines, None)
    if first is None:
        raise ParseError(name, None, "holds no interactions", "lines of actor, target, time")
    pos, header = _positions(first[1], mapping, name, first[0],
                             parse_columns(columns, name) if columns else None)
    static = "time" not in pos or (not header and columns is None and len(first[1]) == 2)
    if static:
        pos.pop("time", None)
    rows = lines if header else _chain(first, lines)
    if not header and columns is None and not static:
        sniffed = list(itertools.islice(rows, _SNIFF))
        _check_time_column(sniffed, pos, name)
        rows = itertools.chain(sniffed, rows)
    pa, pt, ptime = pos["actor"], pos["target"], pos.get("time", -1)
    pk, pc, pw = pos.get("kind", -1), pos.get("channel", -1), pos.get("weight", -1)
    need = max(pa, pt, ptime) + 1
    seen: set[tuple] = set()
    times: dict[str, datetime] = {}
    undated = origin or datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    add_actor, add_target, add_kind = out.actor.append, out.target.append, out.kind.append
    add_channel, add_at, add_weight = out.channel.append, out.at.append, out.weight.append

    def person(label: str) -> None:
        email = clean_email(label) if "@" in label else ""
        batch.person(label, email.split("@")[0] if email else label, email)

    count = 0
    for number, fields in rows:
        width = len(fields)
        count += 1
        limits.check_rows(name, count)
        limits.check_columns(name, number, width)
        if count % 10_000 == 0:
            limits.check_time(name)
        if width < need:
            raise ParseError(name, number, f"{width} field(s)",
                             "at least actor, target" + ("" if static else ", time"))
        if max(map(len, fields)) > MAX_FIELD:
            raise ParseError(name, number, f"a field of {max(map(len, fields)):,} characters",
                             f"fields of at most {MAX_FIELD:,} characters")
        actor, target = fields[pa], fields[pt]
        if not actor:
            raise ParseError(name, number, "the actor is empty", "a person's name, id or e-mail")
        if static:
            at = undated
        else:
            stamp = fields[ptime]
            known = times.get(stamp)
            if known is None:
                known = _time(stamp, origin, tz, name, number)
                if len(times) < 100_000:
                    times[stamp] = known
            at = known
        kind = fields[pk].lower() if 0 <= pk < width and fields[pk] else act.MESSAGE
        if kind not in _KINDS:
            raise ParseError(name, number, f"unknown kind {kind!r}", ", ".join(act.KINDS))
        default_channel = act.OFFLINE if window else act.ONLINE
        channel = fields[pc].lower() if 0 <= pc < width and fields[pc] else default_channel
        if channel != act.ONLINE and channel != act.OFFLINE:
            raise ParseError(name, number, f"unknown channel {channel!r}", "online or offline")
        if 0 <= pw < width and fields[pw]:
            try:
                weight = float(fields[pw])
            except ValueError as exc:
                raise ParseError(name, number, f"weight {fields[pw]!r} is not a number") from exc
            if weight != weight or weight in (float("inf"), float("-inf")):
                raise ParseError(name, number, f"weight {fields[pw]!r} is not a finite number")
        else:
            weight = 1.0
        if window and target and target < actor:  # a contact has no direction
            actor, target = target, actor
        key = (actor, target, kind, channel, at, weight)
        if key in seen:
            batch.duplicates += 1
            continue
        seen.add(key)
        if actor not in people:
            person(actor)
        if target and target not in people:
            person(target)
        add_actor(actor)
        add_target(target or None)
        add_kind(kind)
        add_channel(channel)
        add_at(at)
        add_weight(weight)
    if not out.actor:
        raise ParseError(name, None, "holds no interactions", "lines of actor, target, time")
    if window:
        lines_read = len(out)
        batch.interactions = merge_contacts(out, window)
        batch.notes.append(f"{lines_read:,} contact windows of {window:g} seconds read as "
                           f"{len(batch.interactions):,} contacts")
    _warn(batch, static, undated, count)
    return batch


def _origin(text: str | None, tz: ZoneInfo, name: str) -> datetime | None:
    if not text:
        return None
    try:
        return parse_time(text, tz)
    except (ValueError, OverflowError) as exc:
        raise ParseError(name, None, f"the time origin {text!r} is unreadable",
                         "a moment like 2026-01-01T09:00") from exc


def _window(value: str | float | None, name: str) -> float:
    if value in (None, ""):
        return 0.0
    number = _number(str(value))
    if number is None or number <= 0:
        raise ParseError(name, None, f"the contact window {value!r} is not a positive number",
                         "seconds, e.g. 20")
    return number


def _time(stamp: str, origin: datetime | None, tz: ZoneInfo, name: str, number: int
          ) -> datetime:
    try:
        return parse_time(stamp, tz, origin=origin)
    except ValueError as exc:
        raise ParseError(name, number, f"time {stamp!r} is unreadable", _EXPECTED_TIME) from exc


def _check_time_column(sample: list[tuple[int, list[str]]], pos: dict[str, int],
                       name: str) -> None:
    """Refuse a headerless file whose time is evidently in another column than the third."""
    ptime = pos["time"]
    width = min((len(f) for _, f in sample), default=0)
    column = [[f[i] for _, f in sample] for i in range(width)]
    if width <= ptime or _rises(column[ptime]) or not _small_numbers(column[ptime]):
        return
    rising = [i for i in range(width) if i != ptime and _rises(column[i])]
    if rising:
        raise ParseError(name, sample[0][0],
                         f"has no header, and its column {rising[0] + 1} looks like the time "
                         f"(its numbers rise line by line), not column {ptime + 1}",
                         _COLUMNS_HINT)


def merge_contacts(windows: Interactions, window: float) -> Interactions:
    """Contact windows as contacts: for each pair and kind, windows that follow each other
    (no more than ``window`` seconds apart) become one contact dated at its first window,
    weighted by its length in minutes."""
    groups: dict[tuple, list[datetime]] = {}
    for actor, target, kind, channel, at in zip(windows.actor, windows.target, windows.kind,
                                                 windows.channel, windows.at, strict=True):
        groups.setdefault((actor, target, kind, channel), []).append(at)
    merged = Interactions()
    step = timedelta(seconds=window)
    for (actor, target, kind, channel), stamps in groups.items():
        stamps.sort()
        start = last = stamps[0]
        for following in [*stamps[1:], None]:
            if following is not None and following - last <= step:
                last = following
                continue
            minutes = ((last - start) + step).total_seconds() / 60
            merged.add(actor, target, kind, channel, start, minutes)
            if following is not None:
                start = last = following
    return merged


def _warn(batch: Batch, static: bool, undated: datetime, rows: int) -> None:
    if static:
        batch.notes.append(f"no times: every tie is dated {undated:%Y-%m-%d} (a static "
                           "network, for a report on its structure; --time-origin sets "
                           "the date)")
        return
    earliest = min(batch.interactions.at)
    if earliest.year < 1980:
        batch.notes.append(f"times begin in {earliest.year}: if the clock counts from the "
                           "start of a recording, give --time-origin; if the columns are in "
                           f"another order, {_COLUMNS_HINT}")
    if rows >= 20 and len(batch.people) >= 0.5 * rows:
        batch.notes.append(f"{len(batch.people):,} people in {rows:,} lines: is a column of "
                           f"times or numbers read as people? If so, {_COLUMNS_HINT}")


def _chain(first, rest):
    yield first
    yield from rest

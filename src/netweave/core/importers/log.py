"""Generic interaction logs: ``actor, target, time[, kind[, channel[, weight]]]``.

The format of :mod:`netweave.core.parsers` (comma, tab, semicolon or runs of spaces; an
optional header, in English or Dutch; ``#`` comments; Unix or ISO 8601 times), read in one
pass into columns so that a million lines take seconds. An actor or target that looks like
an e-mail address is matched by e-mail; any other label by name. A line repeated exactly is
counted once.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from netweave.core import activity as act
from netweave.core.parsers import ParseError, decode

from .common import MAX_FIELD, clean_email, read_bytes
from .limits import Limits
from .records import Batch

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


def _lines(text: str, name: str):
    """(line number, fields) of each data line: comments and blank lines skipped."""
    first = next((ln for ln in text.splitlines()
                  if ln.strip() and not ln.lstrip().startswith("#")), "")
    delimiter = next((d for d in ("\t", ",", ";") if d in first), None)
    if delimiter is None:
        for number, line in enumerate(text.splitlines(), start=1):
            fields = line.split()
            if fields and not fields[0].startswith("#"):
                yield number, fields
        return
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    number = 1
    try:
        for fields in reader:
            if fields and not fields[0].lstrip().startswith("#") and any(fields):
                yield number, [f.strip() for f in fields]
            number = reader.line_num + 1
    except csv.Error as exc:
        raise ParseError(name, reader.line_num, f"unreadable line: {exc}",
                         "delimited text with balanced quotes") from exc


def _positions(fields: list[str], mapping: Mapping[str, str] | None, name: str, line: int
               ) -> tuple[dict[str, int], bool]:
    """Column positions and whether ``fields`` is a header line."""
    lowered = [f.strip().lower() for f in fields]
    is_header = bool(mapping) or sum(f in _HEADER_WORDS for f in lowered) >= 2
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
          timezone: str = "Europe/Amsterdam", limits: Limits | None = None) -> Batch:
    """Read an interaction log into a :class:`Batch` (people and interactions)."""
    limits = limits or Limits()
    name, raw = read_bytes(path, name, limits)
    text, encoding = decode(raw, name)
    del raw
    tz = ZoneInfo(timezone)
    batch = Batch("log", name, encoding)
    out = batch.interactions
    people = batch.people
    lines = _lines(text, name)
    first = next(lines, None)
    if first is None:
        raise ParseError(name, None, "holds no interactions", "lines of actor, target, time")
    pos, header = _positions(first[1], mapping, name, first[0])
    pa, pt, ptime = pos["actor"], pos["target"], pos["time"]
    pk, pc, pw = pos.get("kind", -1), pos.get("channel", -1), pos.get("weight", -1)
    need = max(pa, pt, ptime) + 1
    seen: set[tuple] = set()
    times: dict[str, datetime] = {}
    fromts, fromiso = datetime.fromtimestamp, datetime.fromisoformat
    add_actor, add_target, add_kind = out.actor.append, out.target.append, out.kind.append
    add_channel, add_at, add_weight = out.channel.append, out.at.append, out.weight.append

    def person(label: str) -> None:
        email = clean_email(label) if "@" in label else ""
        batch.person(label, email.split("@")[0] if email else label, email)

    rows = lines if header else _chain(first, lines)
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
                             "at least actor, target, time")
        if max(map(len, fields)) > MAX_FIELD:
            raise ParseError(name, number, f"a field of {max(map(len, fields)):,} characters",
                             f"fields of at most {MAX_FIELD:,} characters")
        actor, target, stamp = fields[pa], fields[pt], fields[ptime]
        if not actor:
            raise ParseError(name, number, "the actor is empty", "a person's name, id or e-mail")
        at = times.get(stamp)
        if at is None:
            try:
                if stamp.lstrip("-").replace(".", "", 1).isdigit():
                    at = fromts(float(stamp), UTC)
                else:
                    at = fromiso(stamp.replace("Z", "+00:00"))
                    at = (at.replace(tzinfo=tz) if at.tzinfo is None else at).astimezone(UTC)
            except (ValueError, OverflowError, OSError) as exc:
                raise ParseError(name, number, f"time {stamp!r} is unreadable",
                                 _EXPECTED_TIME) from exc
            if len(times) < 100_000:
                times[stamp] = at
        kind = fields[pk].lower() if 0 <= pk < width and fields[pk] else act.MESSAGE
        if kind not in _KINDS:
            raise ParseError(name, number, f"unknown kind {kind!r}", ", ".join(act.KINDS))
        channel = fields[pc].lower() if 0 <= pc < width and fields[pc] else act.ONLINE
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
    return batch


def _chain(first, rest):
    yield first
    yield from rest

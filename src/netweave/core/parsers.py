"""Parsers for the files an analyst brings: interaction logs, attendance lists, attributes.

Pure Python, no web framework. Every parser reads the whole file before it returns, and
any problem raises :class:`ParseError` naming the file, the line and what was expected, so
a caller either gets a complete result or nothing.

Formats (delimiter: tab, comma or semicolon when the first data line has one, else runs of
whitespace; an optional header line; ``#`` starts a comment line; UTF-8, UTF-16 with a BOM
or Windows-1252):

* **interaction log**: ``actor, target, time[, kind[, channel[, weight]]]``; ``target`` may
  be empty for an activity without one (a post); ``kind`` defaults to ``message``,
  ``channel`` to ``online``, ``weight`` to 1.
* **attendance list**: ``person, event[, time[, channel]]``: one line per person per event;
  ``channel`` defaults to ``offline``.
* **attributes**: ``person, sector[, organisation]``; sectors in English or Dutch.

Times are Unix seconds or ISO 8601; an ISO time without a zone is read in ``timezone``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl

from netweave.core import activity as act
from netweave.core.logreader import SCHEMA as LOG_SCHEMA
from netweave.core.measure.data import PEOPLE_SCHEMA, NetworkData

SECTORS = {
    "government": "government", "overheid": "government", "gemeente": "government",
    "business": "business", "bedrijf": "business", "bedrijfsleven": "business",
    "civil_society": "civil_society", "civil society": "civil_society", "ngo": "civil_society",
    "civil society/ngo": "civil_society", "maatschappelijk": "civil_society",
    "maatschappelijke organisatie": "civil_society",
    "knowledge": "knowledge", "knowledge institution": "knowledge",
    "kennisinstelling": "knowledge", "onderwijs": "knowledge",
    "residents": "residents", "resident": "residents", "bewoners": "residents",
    "bewoner": "residents", "inwoners": "residents",
    "other": "other", "overig": "other", "anders": "other",
}

_HEADER_WORDS = {
    "actor", "source", "from", "van", "target", "to", "naar", "time", "timestamp", "tijd",
    "datum", "date", "kind", "type", "soort", "channel", "kanaal", "weight", "gewicht",
    "person", "persoon", "naam", "name", "event", "bijeenkomst", "sector", "organisation",
    "organization", "organisatie",
}
_MAX_FIELD = 10_000


class ParseError(ValueError):
    """A file that cannot be read as the expected format."""

    def __init__(self, file: str, line: int | None, problem: str, expected: str = ""):
        self.file, self.line, self.problem, self.expected = file, line, problem, expected
        where = f"{file}, line {line}" if line else file
        text = f"{where}: {problem}"
        if expected:
            text += f" (expected {expected})"
        super().__init__(text)


@dataclass
class FileData:
    """A network read from files: the engine's input plus each person's label."""

    data: NetworkData
    labels: list[str] = field(default_factory=list)  # person id i+1 -> label
    encoding: str = "utf-8"


def decode(raw: bytes, name: str) -> tuple[str, str]:
    """Text and encoding of ``raw``: a BOM decides, else UTF-8, else Windows-1252."""
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"),
                     (b"\xfe\xff", "utf-16")):
        if raw.startswith(bom):
            try:
                return raw.decode(enc), enc
            except UnicodeDecodeError as exc:
                raise ParseError(name, None, f"not valid {enc} text: {exc.reason}") from exc
    if b"\x00" in raw[:4096]:
        raise ParseError(name, None, "looks binary or UTF-16 without a byte-order mark",
                         "UTF-8, UTF-16 with a BOM, or Windows-1252 text")
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        try:
            return raw.decode("cp1252"), "cp1252"
        except UnicodeDecodeError as exc:
            raise ParseError(name, None, "neither UTF-8 nor Windows-1252 text") from exc


def _rows(text: str, name: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of each data line; comments and blank lines skipped."""
    lines = text.splitlines()
    first = next((ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")), "")
    delimiter = next((d for d in ("\t", ",", ";") if d in first), None)
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if delimiter is None:
            fields = line.split()
        else:
            try:
                fields = next(csv.reader([line], delimiter=delimiter, strict=True))
            except csv.Error as exc:
                raise ParseError(name, number, f"unreadable line: {exc}") from exc
        fields = [f.strip() for f in fields]
        if any(len(f) > _MAX_FIELD for f in fields):
            raise ParseError(name, number, f"a field longer than {_MAX_FIELD:,} characters")
        yield number, fields


def _is_header(fields: Sequence[str]) -> bool:
    return sum(f.strip().lower() in _HEADER_WORDS for f in fields) >= 2


_UNIX = re.compile(r"^-?\d+(\.\d+)?$")


def parse_time(value: str, tz: ZoneInfo) -> datetime:
    """Unix seconds or ISO 8601; a time without a zone is read in ``tz``."""
    value = value.strip()
    if _UNIX.match(value):
        return datetime.fromtimestamp(float(value), UTC)
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed.astimezone(UTC)


class PersonIndex:
    """Numbers people 1, 2, … in the order their labels first appear."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def id(self, label: str) -> int:
        if label not in self.ids:
            self.ids[label] = len(self.ids) + 1
        return self.ids[label]

    @property
    def labels(self) -> list[str]:
        return list(self.ids)


def _read(path: Path | str, name: str | None) -> tuple[str, str, str]:
    path = Path(path)
    name = name or path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ParseError(name, None, f"cannot be read: {exc.strerror}") from exc
    text, encoding = decode(raw, name)
    return name, text, encoding


def _columns(rows: list[tuple[int, list[str]]], names: Sequence[str], required: int,
             name: str) -> tuple[list[tuple[int, list[str]]], dict[str, int]]:
    """Strip a header if there is one; map column names to positions."""
    if rows and _is_header(rows[0][1]):
        header = [h.strip().lower() for h in rows[0][1]]
        aliases = {
            "actor": ("actor", "source", "from", "van"), "target": ("target", "to", "naar"),
            "time": ("time", "timestamp", "tijd", "datum", "date"),
            "kind": ("kind", "type", "soort"), "channel": ("channel", "kanaal"),
            "weight": ("weight", "gewicht"), "person": ("person", "persoon", "naam", "name"),
            "event": ("event", "bijeenkomst"), "sector": ("sector",),
            "organisation": ("organisation", "organization", "organisatie"),
        }
        positions = {}
        for col in names:
            found = next((i for i, h in enumerate(header) if h in aliases[col]), None)
            if found is not None:
                positions[col] = found
        missing = [c for c in names[:required] if c not in positions]
        if missing:
            raise ParseError(name, rows[0][0], f"the header lacks {', '.join(missing)}",
                             f"columns {', '.join(names)}")
        return rows[1:], positions
    return rows, {col: i for i, col in enumerate(names)}


def _field(fields: list[str], positions: dict[str, int], col: str) -> str:
    i = positions.get(col)
    return fields[i] if i is not None and i < len(fields) else ""


def _check_width(number: int, fields: list[str], positions: dict[str, int], required: int,
                 names: Sequence[str], name: str) -> None:
    need = max(positions[c] for c in names[:required]) + 1
    if len(fields) < need:
        raise ParseError(name, number, f"{len(fields)} field(s)",
                         f"at least {need}: {', '.join(names[:required])}")


def read_interactions(path: Path | str, *, name: str | None = None,
                      timezone: str = "Europe/Amsterdam", people: PersonIndex | None = None,
                      network: int = 1) -> tuple[pl.DataFrame, PersonIndex, str]:
    """Parse a generic interaction log into activity rows (see the module docstring)."""
    name, text, encoding = _read(path, name)
    tz = ZoneInfo(timezone)
    names = ("actor", "target", "time", "kind", "channel", "weight")
    rows, pos = _columns(list(_rows(text, name)), names, 3, name)
    people = people or PersonIndex()
    out: dict[str, list] = {c: [] for c in ("actor", "target", "kind", "channel", "at",
                                            "weight")}
    for number, fields in rows:
        _check_width(number, fields, pos, 3, names, name)
        actor = _field(fields, pos, "actor")
        if not actor:
            raise ParseError(name, number, "the actor is empty", "a person's name or id")
        target = _field(fields, pos, "target")
        try:
            at = parse_time(_field(fields, pos, "time"), tz)
        except (ValueError, OverflowError, OSError) as exc:
            raise ParseError(name, number, f"time {_field(fields, pos, 'time')!r} is unreadable",
                             "Unix seconds or ISO 8601, e.g. 1767225600 or 2026-01-01T10:00"
                             ) from exc
        kind = _field(fields, pos, "kind").lower() or act.MESSAGE
        if kind not in act.KINDS:
            raise ParseError(name, number, f"unknown kind {kind!r}", ", ".join(act.KINDS))
        channel = _field(fields, pos, "channel").lower() or act.ONLINE
        if channel not in act.CHANNELS:
            raise ParseError(name, number, f"unknown channel {channel!r}", "online or offline")
        raw_weight = _field(fields, pos, "weight")
        try:
            weight = float(raw_weight) if raw_weight else 1.0
        except ValueError as exc:
            raise ParseError(name, number, f"weight {raw_weight!r} is not a number") from exc
        if weight != weight or weight in (float("inf"), float("-inf")):
            raise ParseError(name, number, f"weight {raw_weight!r} is not a finite number")
        out["actor"].append(people.id(actor))
        out["target"].append(people.id(target) if target else None)
        out["kind"].append(kind)
        out["channel"].append(channel)
        out["at"].append(at)
        out["weight"].append(weight)
    if not out["actor"]:
        raise ParseError(name, None, "holds no interactions",
                         "lines of actor, target, time")
    frame = _log_frame(out, network, source="file:interactions")
    return frame, people, encoding


def read_attendance(path: Path | str, *, name: str | None = None,
                    timezone: str = "Europe/Amsterdam", people: PersonIndex | None = None,
                    network: int = 1) -> tuple[pl.DataFrame, PersonIndex, str]:
    """Parse a person-event attendance list into ``attend`` rows."""
    name, text, encoding = _read(path, name)
    tz = ZoneInfo(timezone)
    names = ("person", "event", "time", "channel")
    rows, pos = _columns(list(_rows(text, name)), names, 2, name)
    people = people or PersonIndex()
    events: dict[str, int] = {}
    event_times: dict[str, datetime] = {}
    out: dict[str, list] = {c: [] for c in ("actor", "target", "kind", "channel", "at",
                                            "weight", "object_id")}
    seen: set[tuple[int, int]] = set()
    for number, fields in rows:
        _check_width(number, fields, pos, 2, names, name)
        person, event = _field(fields, pos, "person"), _field(fields, pos, "event")
        if not person or not event:
            raise ParseError(name, number, "a person or event is empty", "person, event")
        raw_time = _field(fields, pos, "time")
        if raw_time:
            try:
                at = parse_time(raw_time, tz)
            except (ValueError, OverflowError, OSError) as exc:
                raise ParseError(name, number, f"time {raw_time!r} is unreadable",
                                 "Unix seconds or ISO 8601") from exc
        elif event in event_times:
            at = event_times[event]
        else:
            try:  # an event named by its date, as attendance lists often are
                at = parse_time(event, tz)
            except (ValueError, OverflowError, OSError) as exc:
                raise ParseError(name, number, f"no time for event {event!r}",
                                 "a time column, or events named by their date") from exc
        event_times.setdefault(event, at)
        channel = _field(fields, pos, "channel").lower() or act.OFFLINE
        if channel not in act.CHANNELS:
            raise ParseError(name, number, f"unknown channel {channel!r}", "online or offline")
        event_id = events.setdefault(event, len(events) + 1)
        person_id = people.id(person)
        if (person_id, event_id) in seen:  # the same person twice on one list: once there
            continue
        seen.add((person_id, event_id))
        for key, value in (("actor", person_id), ("target", None), ("kind", act.ATTEND),
                           ("channel", channel), ("at", at), ("weight", 1.0),
                           ("object_id", event_id)):
            out[key].append(value)
    if not out["actor"]:
        raise ParseError(name, None, "holds no attendance", "lines of person, event")
    frame = _log_frame(out, network, source="file:attendance", object_type="event")
    return frame, people, encoding


def read_attributes(path: Path | str, people: PersonIndex, *, name: str | None = None
                    ) -> pl.DataFrame:
    """Parse ``person, sector[, organisation]`` lines into the engine's people table."""
    name, text, _ = _read(path, name)
    names = ("person", "sector", "organisation")
    rows, pos = _columns(list(_rows(text, name)), names, 2, name)
    found: dict[int, tuple[str, str | None]] = {}
    for number, fields in rows:
        _check_width(number, fields, pos, 2, names, name)
        label, raw_sector = _field(fields, pos, "person"), _field(fields, pos, "sector")
        sector = SECTORS.get(raw_sector.strip().lower())
        if sector is None:
            raise ParseError(name, number, f"unknown sector {raw_sector!r}",
                             "government, business, civil_society, knowledge, residents or "
                             "other (or the Dutch names)")
        found[people.id(label)] = (sector, _field(fields, pos, "organisation") or None)
    return people_frame(people, found)


def people_frame(people: PersonIndex, attributes: dict[int, tuple[str, str | None]] | None = None
                 ) -> pl.DataFrame:
    attributes = attributes or {}
    ids = list(people.ids.values())
    return pl.DataFrame({
        "person": ids,
        "sector": [attributes.get(i, (None, None))[0] for i in ids],
        "organisation": [attributes.get(i, (None, None))[1] for i in ids],
        "role": ["member"] * len(ids),
        "pseudonymous": [False] * len(ids),
    }, schema=PEOPLE_SCHEMA)


def _log_frame(out: dict[str, list], network: int, *, source: str,
               object_type: str = "") -> pl.DataFrame:
    n = len(out["actor"])
    frame = pl.DataFrame({
        "id": range(1, n + 1), "network": [network] * n, "actor": out["actor"],
        "kind": out["kind"], "target": out["target"], "object_type": [object_type] * n,
        "object_id": out.get("object_id", [None] * n), "channel": out["channel"],
        "at": out["at"], "weight": out["weight"], "source": [source] * n, "corrects": [None] * n,
    }, schema={**LOG_SCHEMA, "kind": pl.String, "object_type": pl.String,
               "channel": pl.String, "source": pl.String})
    return frame.cast(LOG_SCHEMA)


def read_files(*, interactions: Path | str | None = None, attendance: Path | str | None = None,
               attributes: Path | str | None = None, timezone: str = "Europe/Amsterdam"
               ) -> FileData:
    """Read an interaction log and/or an attendance list (and attributes) into engine input."""
    if interactions is None and attendance is None:
        raise ParseError("(no file)", None, "nothing to read",
                         "an interaction log, an attendance list or both")
    people = PersonIndex()
    frames, encoding = [], "utf-8"
    if interactions is not None:
        frame, people, encoding = read_interactions(interactions, timezone=timezone,
                                                    people=people)
        frames.append(frame)
    if attendance is not None:
        frame, people, encoding = read_attendance(attendance, timezone=timezone, people=people)
        frames.append(frame)
    log = pl.concat(frames).sort("at", maintain_order=True)
    log = log.with_columns(pl.int_range(1, log.height + 1, dtype=pl.Int64).alias("id"))
    people_table = (read_attributes(attributes, people) if attributes is not None
                    else people_frame(people))
    return FileData(NetworkData(log=log, people=people_table), people.labels, encoding)

"""Attributes of people, for a report on files: ``person, sector[, organisation]``.

Delimited as an interaction log (:func:`.common.delimited_lines`: comma, tab, semicolon or
runs of spaces; ``#`` comments). A first line with two or more known column names (English
or Dutch) is a header that places the columns; without one they come in this order. Sectors
are named in English or Dutch (:data:`.common.SECTORS`).
"""

from __future__ import annotations

from pathlib import Path

from .common import check_fields, decode, delimited_lines, get, read_bytes, read_sector
from .errors import ParseError
from .limits import Limits

FIELDS = ("person", "sector", "organisation")
ALIASES: dict[str, tuple[str, ...]] = {
    "person": ("person", "persoon", "naam", "name"),
    "sector": ("sector",),
    "organisation": ("organisation", "organization", "organisatie"),
}
_HEADER_WORDS = {w for names in ALIASES.values() for w in names}
_REQUIRED = FIELDS[:2]


def parse(path: Path | str, *, name: str | None = None,
          limits: Limits | None = None) -> dict[str, tuple[str, str | None]]:
    """Each person's sector and organisation (None when not given), by the label the file
    names the person by; :class:`ParseError` naming the file and line on bad input."""
    name, raw = read_bytes(path, name, limits)
    text, _encoding = decode(raw, name)
    rows = list(delimited_lines(text, name))
    positions = {f: i for i, f in enumerate(FIELDS)}
    if rows and sum(f.lower() in _HEADER_WORDS for f in rows[0][1]) >= 2:
        line, header = rows.pop(0)
        lowered = [f.lower() for f in header]
        positions = {f: next(i for i, h in enumerate(lowered) if h in names)
                     for f, names in ALIASES.items() if any(h in names for h in lowered)}
        missing = [f for f in _REQUIRED if f not in positions]
        if missing:
            raise ParseError(name, line, f"the header lacks {', '.join(missing)}",
                             f"columns {', '.join(FIELDS)}")
    need = max(positions[f] for f in _REQUIRED) + 1
    found: dict[str, tuple[str, str | None]] = {}
    for number, fields in rows:
        check_fields(name, number, fields)
        if len(fields) < need:
            raise ParseError(name, number, f"{len(fields)} field(s)",
                             f"at least {need}: {', '.join(_REQUIRED)}")
        found[fields[positions["person"]]] = (
            read_sector(fields[positions["sector"]], name, number),
            get(fields, positions, "organisation") or None)
    return found

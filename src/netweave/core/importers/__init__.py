"""Importers: one parser per source format, each producing a :class:`~.records.Batch`.

Pure Python, no web framework. ``parse(kind, path)`` reads a whole file and returns every
record it holds, or raises :class:`netweave.core.importers.errors.ParseError` naming the file, the
line or record and what was expected; it never returns half a file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from . import attendance, discourse, ical, log, mbox, meetup, slack
from .common import parse_mapping
from .errors import ParseError
from .limits import LimitExceeded, Limits
from .records import Batch

Parser = Callable[..., Batch]

#: Import kinds, their parsers and the upload types the web app accepts for them (names of
#: ``netweave.trust.uploads.TYPES``: a file name ending and matching content).
KINDS: dict[str, tuple[Parser, tuple[str, ...]]] = {
    "attendance": (attendance.parse, ("csv", "xlsx")),
    "log": (log.parse, ("csv", "log")),
    "ical": (ical.parse, ("ics",)),
    "mbox": (mbox.parse, ("mbox",)),
    "slack": (slack.parse, ("zip",)),
    "discourse": (discourse.parse, ("json", "zip")),
    "meetup": (meetup.parse, ("csv", "xlsx")),
}

__all__ = ["KINDS", "OPTIONS", "Batch", "LimitExceeded", "Limits", "ParseError", "parse",
           "parse_mapping"]


#: Options a kind's parser takes besides the column mapping (``--columns`` …).
OPTIONS: dict[str, tuple[str, ...]] = {"log": ("columns", "time_origin", "contacts"),
                                        "attendance": ("events", "date", "not_recorded")}


def parse(kind: str, path: Path | str, *, name: str | None = None,
          mapping: Mapping[str, str] | str | None = None,
          timezone: str = "Europe/Amsterdam", limits: Limits | None = None,
          options: Mapping[str, str] | None = None) -> Batch:
    """Read ``path`` with the importer of ``kind`` within ``limits`` (default
    :class:`Limits`; the clock starts now unless it already runs) and its ``options`` (names
    in :data:`OPTIONS`); :class:`ParseError` (:class:`LimitExceeded` past a limit) on bad
    input."""
    if kind not in KINDS:
        raise ParseError(name or str(path), None, f"unknown import kind {kind!r}",
                         ", ".join(KINDS))
    given = {k: v for k, v in (options or {}).items() if v not in (None, "")}
    unknown = [k for k in given if k not in OPTIONS.get(kind, ())]
    if unknown:
        raise ParseError(name or Path(path).name, None,
                         f"{', '.join(unknown)} cannot be used with a {kind} import",
                         "options of " + (", ".join(OPTIONS.get(kind, ())) or "no kind"))
    parser = KINDS[kind][0]
    limits = (limits or Limits()).started()
    try:
        return parser(path, name=name, mapping=parse_mapping(mapping), timezone=timezone,
                      limits=limits, **given)
    except RecursionError as exc:
        raise ParseError(name or Path(path).name, None, "nests too deeply to be read") from exc
    except MemoryError as exc:
        raise ParseError(name or Path(path).name, None, "is too large to be read") from exc

"""What the importers share: reading bytes and text, times, names, sectors, delimited lines,
and tables (CSV or XLSX) whose columns are found by English or Dutch header names or an
explicit mapping."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path

from netweave.core.text.words import fold_accents

from .errors import ParseError
from .limits import ArchiveReader, Limits

#: Longest field of a table, and longest message body, before the file is refused.
MAX_FIELD = 10_000
MAX_BODY = 1_000_000

_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_EMAIL = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")

#: Sector names in English and Dutch, as people write them, to the sectors of the log.
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


def delimited_lines(text: str, name: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of each data line of delimited text: comma, tab or semicolon
    (the first data line's), else runs of blanks; ``#`` comments and blank lines skipped."""
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


def read_bytes(path: Path | str, name: str | None = None,
               limits: Limits | None = None) -> tuple[str, bytes]:
    """The file's display name and its bytes; a clear error when it cannot be read or is
    larger than ``limits`` allow."""
    path = Path(path)
    name = name or path.name
    limits = limits or Limits()
    try:
        limits.check_bytes(name, path.stat().st_size)
        with open(path, "rb") as f:
            raw = f.read(limits.max_bytes + 1)
    except OSError as exc:
        raise ParseError(name, None, f"cannot be read: {exc.strerror or exc}") from exc
    limits.check_bytes(name, len(raw))  # a file that grew while it was read
    return name, raw


def epoch_seconds(value: float) -> float:
    """Unix time in seconds from seconds, milliseconds or microseconds (told apart by size:
    10^11 seconds is the year 5138)."""
    size = abs(value)
    if size >= 1e17:
        return value / 1e9
    if size >= 1e14:
        return value / 1e6
    if size >= 1e11:
        return value / 1e3
    return value


def parse_time(value: str | datetime | date, tz: tzinfo, *, dayfirst: bool = True,
               origin: datetime | None = None) -> datetime:
    """The one time parser of every importer: an aware UTC datetime from

    - a number: Unix seconds, milliseconds or microseconds (:func:`epoch_seconds`), or
      seconds after ``origin`` when given (a relative clock);
    - ISO 8601, with or without a zone (``Z`` is UTC), or a date alone;
    - ``dd-mm-yyyy[ hh:mm[:ss]]`` (``mm-dd-yyyy`` unless ``dayfirst``; ``-``, ``/`` or ``.``);
    - a datetime, or a date (midnight).

    A time without a zone is read in ``tz``. Raises :class:`ValueError` when the value is
    none of these or out of range.
    """
    if isinstance(value, str):
        text = value.strip()
        if not text:
            raise ValueError("empty time")
        if text.lstrip("-").replace(".", "", 1).isdigit():
            try:
                if origin is not None:
                    return origin + timedelta(seconds=float(text))
                return datetime.fromtimestamp(epoch_seconds(float(text)), UTC)
            except (OverflowError, OSError) as exc:
                raise ValueError(f"time {text!r} is out of range") from exc
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            m = _DMY.match(text)
            if not m:
                raise
            d, mo, y, hh, mm, ss = m.groups()
            if not dayfirst:
                d, mo = mo, d
            parsed = datetime(int(y), int(mo), int(d), int(hh or 0), int(mm or 0), int(ss or 0))
    elif isinstance(value, datetime):
        parsed = value
    else:
        parsed = datetime.combine(value, time())
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed.astimezone(UTC)


def read_sector(text: str, file: str, line: int) -> str:
    """The sector named by ``text`` (:data:`SECTORS`, any case); :class:`ParseError` at
    ``file``'s ``line`` when it names none."""
    found = SECTORS.get(text.lower())
    if found is None:
        raise ParseError(file, line, f"unknown sector {text!r}",
                         "government, business, civil_society, knowledge, residents or other "
                         "(or the Dutch names)")
    return found


def normalise_name(name: str) -> str:
    """A name reduced for matching: no accents, case or punctuation, single spaces."""
    text = fold_accents(name).casefold()
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


def clean_email(value: str) -> str:
    """``value`` as a lower-case e-mail address, or ``""`` when it is not one."""
    value = value.strip().strip("<>").strip()
    return value.lower() if _EMAIL.match(value) else ""


# --- tables ----------------------------------------------------------------------------------

@dataclass
class Table:
    """A table read from CSV or XLSX: the header line and the data rows with their lines."""

    file: str
    header: list[str]
    header_line: int
    rows: list[tuple[int, list[str]]]
    encoding: str


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def check_fields(name: str, line: int, fields: Sequence[str]) -> None:
    for f in fields:
        if len(f) > MAX_FIELD:
            raise ParseError(name, line, f"a field of {len(f):,} characters",
                             f"fields of at most {MAX_FIELD:,} characters")


def read_table(raw: bytes, name: str, limits: Limits | None = None) -> Table:
    """Read CSV (comma, semicolon or tab; UTF-8, UTF-16 or Windows-1252) or XLSX, within
    ``limits`` (rows, columns, time; for XLSX also the workbook's unpacked size)."""
    limits = limits or Limits()
    if raw.startswith(b"PK\x03\x04"):
        return _read_xlsx(raw, name, limits)
    text, encoding = decode(raw, name)
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    if not first:
        raise ParseError(name, None, "is empty", "a header line and rows")
    delimiter = max(("\t", ";", ","), key=first.count)
    if first.count(delimiter) == 0:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    header_line = 0
    try:
        line = 1
        for fields in reader:
            limits.check_columns(name, line, len(fields))
            fields = [f.strip() for f in fields]
            check_fields(name, line, fields)
            if any(fields):
                if header is None:
                    header, header_line = fields, line
                else:
                    rows.append((line, fields))
                    _check_progress(name, len(rows), limits)
            line = reader.line_num + 1
    except csv.Error as exc:
        raise ParseError(name, reader.line_num, f"unreadable line: {exc}",
                         "delimited text with balanced quotes") from exc
    if header is None:
        raise ParseError(name, None, "is empty", "a header line and rows")
    return Table(name, header, header_line, rows, encoding)


def _check_progress(name: str, rows: int, limits: Limits) -> None:
    """The row limit, and every 1,000 rows the deadline."""
    limits.check_rows(name, rows)
    if rows % 1000 == 0:
        limits.check_time(name)


def _read_xlsx(raw: bytes, name: str, limits: Limits) -> Table:
    from openpyxl import load_workbook

    try:
        # The central directory first: a workbook that unpacks too far is not opened.
        ArchiveReader(zipfile.ZipFile(io.BytesIO(raw)), name, limits)
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except ParseError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, EOFError) as exc:
        raise ParseError(name, None, f"is not a readable XLSX workbook ({exc})",
                         "an .xlsx file saved by a spreadsheet program") from exc
    except Exception as exc:  # openpyxl raises many kinds on a broken workbook
        raise ParseError(name, None, f"is not a readable XLSX workbook ({type(exc).__name__})",
                         "an .xlsx file saved by a spreadsheet program") from exc
    try:
        sheet = book.worksheets[0]
        header: list[str] | None = None
        header_line = 0
        rows: list[tuple[int, list[str]]] = []
        width = limits.max_columns
        # Read-only rows are padded to the width the sheet declares (up to 16,384 columns):
        # read one column past the limit, to see whether anything is there.
        for number, values in enumerate(sheet.iter_rows(values_only=True, max_col=width + 1),
                                        start=1):
            if number % 1000 == 0:
                limits.check_time(name)
            if len(values) > width and values[width] not in (None, ""):
                limits.check_columns(name, number, width + 1)
            fields = [_cell(v) for v in values[:width]]
            check_fields(name, number, fields)
            if not any(fields):
                continue
            if header is None:
                header, header_line = fields, number
            else:
                rows.append((number, fields))
                _check_progress(name, len(rows), limits)
    except ParseError:
        raise
    except Exception as exc:
        raise ParseError(name, None, f"is a damaged XLSX workbook ({type(exc).__name__})",
                         "an .xlsx file saved by a spreadsheet program") from exc
    finally:
        book.close()
    if header is None:
        raise ParseError(name, None, "has an empty first sheet", "a header row and rows")
    return Table(name, header, header_line, rows, "xlsx")


def _norm_header(text: str) -> str:
    return " ".join(text.strip().strip("*:").lower().replace("_", " ").split())


def find_columns(table: Table, aliases: Mapping[str, Sequence[str]], required: Sequence[str],
                 mapping: Mapping[str, str] | None = None) -> dict[str, int]:
    """Positions of the fields in ``aliases``, found by header name or by ``mapping``
    (header text -> field). A missing required field is an error naming the header line."""
    header = [_norm_header(h) for h in table.header]
    positions: dict[str, int] = {}
    for column, fieldname in (mapping or {}).items():
        fieldname = fieldname.lower()
        if fieldname not in aliases:
            raise ParseError(table.file, table.header_line,
                             f"the mapping names an unknown field {fieldname!r}",
                             ", ".join(aliases))
        try:
            positions[fieldname] = header.index(_norm_header(column))
        except ValueError as exc:
            raise ParseError(table.file, table.header_line,
                             f"the mapping names a column {column!r} the header lacks",
                             "one of: " + ", ".join(table.header)) from exc
    for fieldname, names in aliases.items():
        if fieldname in positions:
            continue
        found = next((i for i, h in enumerate(header) if h in names
                      and i not in positions.values()), None)
        if found is not None:
            positions[fieldname] = found
    missing = [f for f in required if f not in positions]
    if missing:
        raise ParseError(table.file, table.header_line,
                         f"no column for {', '.join(missing)} among "
                         f"{', '.join(repr(h) for h in table.header)}",
                         "a header such as " + " or ".join(
                             repr(aliases[m][0]) for m in missing)
                         + ", or a mapping like 'Column title=" + missing[0] + "'")
    return positions


def get(fields: Sequence[str], positions: Mapping[str, int], name: str) -> str:
    i = positions.get(name)
    return fields[i] if i is not None and i < len(fields) else ""


def parse_mapping(text: str | Mapping[str, str] | None) -> dict[str, str]:
    """``"Naam deelnemer=person, Datum=time"`` as a dict; a mapping passes through."""
    if text is None:
        return {}
    if isinstance(text, Mapping):
        return {str(k): str(v) for k, v in text.items()}
    out: dict[str, str] = {}
    for part in re.split(r"[,\n]", text):
        if not part.strip():
            continue
        column, sep, fieldname = part.rpartition("=")
        if not sep or not column.strip() or not fieldname.strip():
            raise ParseError("the column mapping", None, f"{part.strip()!r} is not COLUMN=FIELD",
                             "pairs like 'Naam deelnemer=person, Datum=time'")
        out[column.strip()] = fieldname.strip()
    return out

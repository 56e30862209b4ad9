"""Limits of one import: file size, unpacked size of archives, rows, columns and time.

Every importer reads its file under a :class:`Limits`: the file's size before it is read, a
zip archive's (or XLSX workbook's) central directory before anything is unpacked (members,
declared sizes, compression ratio), the bytes actually unpacked while reading, the rows or
records, the columns of a table, and a deadline checked while parsing and writing. Going
past one raises :class:`LimitExceeded` (a :class:`~netweave.core.importers.errors.ParseError`) that
names the file and the limit, before anything is written.
"""

from __future__ import annotations

import time
import zipfile
from dataclasses import dataclass, replace

from .errors import ParseError

MB = 1024 * 1024
#: Only members that unpack to more than this are held to :attr:`Limits.max_ratio`.
RATIO_FLOOR = 1 * MB
#: Bytes read from an archive member at a time.
CHUNK = 256 * 1024


class LimitExceeded(ParseError):
    """An import file beyond one of its :class:`Limits`.

    ``what`` is one of ``bytes``, ``unpacked``, ``members``, ``ratio``, ``document``,
    ``nodes``, ``rows``, ``columns``, ``seconds``; ``limit`` the limit and ``found`` what was found
    (``None`` when reading stopped at the limit)."""

    def __init__(self, file: str, what: str, limit: int | float, found: int | float | None,
                 problem: str, expected: str):
        super().__init__(file, None, problem, expected)
        self.what, self.limit, self.found = what, limit, found


@dataclass(frozen=True)
class Limits:
    """What one import may read. :meth:`started` fixes the deadline."""

    #: The file as uploaded or given (bytes).
    max_bytes: int = 20 * MB
    #: All members of a zip archive or XLSX workbook together, unpacked (bytes).
    max_unpacked: int = 100 * MB
    #: Members of a zip archive or XLSX workbook.
    max_members: int = 10_000
    #: Unpacked size / packed size of one member (members above :data:`RATIO_FLOOR`).
    max_ratio: int = 100
    #: One JSON document (a file, or a member of a zip), unpacked (bytes).
    max_document: int = 20 * MB
    #: Objects and lists in one JSON document (counted by their opening brackets, before
    #: parsing): each costs 50 to 200 bytes of memory however few bytes it takes in the file.
    max_nodes: int = 1_000_000
    #: Rows of a table or lines of a log; messages, posts or events of other sources.
    max_rows: int = 200_000
    #: Columns of a table or fields of a log line.
    max_columns: int = 100
    #: Seconds for the whole import (reading and writing); ``None``: no time limit.
    seconds: float | None = 600
    #: ``time.monotonic()`` past which the import stops; set by :meth:`started`.
    deadline: float | None = None

    def started(self) -> Limits:
        """These limits with the clock started now (when not started yet)."""
        if self.deadline is not None or self.seconds is None:
            return self
        return replace(self, deadline=time.monotonic() + self.seconds)

    # --- checks ------------------------------------------------------------------------------

    def check_time(self, file: str) -> None:
        """Raise when the deadline has passed."""
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise LimitExceeded(file, "seconds", self.seconds or 0, None,
                                f"took longer than {self.seconds:g} seconds to import",
                                f"an import that finishes within {self.seconds:g} seconds")

    def check_bytes(self, file: str, size: int) -> None:
        if size > self.max_bytes:
            raise LimitExceeded(file, "bytes", self.max_bytes, size,
                                f"is {size:,} bytes", f"at most {self.max_bytes:,} bytes")

    def check_rows(self, file: str, rows: int) -> None:
        if rows > self.max_rows:
            raise LimitExceeded(file, "rows", self.max_rows, rows,
                                f"has more than {self.max_rows:,} rows or records",
                                f"at most {self.max_rows:,}")

    def check_columns(self, file: str, line: int | None, columns: int) -> None:
        if columns > self.max_columns:
            where = f"{file}, line {line}" if line else file
            raise LimitExceeded(where, "columns", self.max_columns, columns,
                                f"has more than {self.max_columns:,} columns",
                                f"at most {self.max_columns:,} columns")

    def check_document(self, file: str, data: bytes) -> None:
        """A JSON document's size, and how many objects and lists it can hold at most."""
        if len(data) > self.max_document:
            raise LimitExceeded(file, "document", self.max_document, len(data),
                                f"is a JSON document of {len(data):,} bytes",
                                f"JSON documents of at most {self.max_document:,} bytes")
        nodes = data.count(b"{") + data.count(b"[")
        if nodes > self.max_nodes:
            raise LimitExceeded(file, "nodes", self.max_nodes, nodes,
                                f"holds more than {self.max_nodes:,} JSON objects and lists",
                                f"at most {self.max_nodes:,} in one document")


def check_archive(zf: zipfile.ZipFile, file: str, limits: Limits) -> list[zipfile.ZipInfo]:
    """The members of ``zf`` after checking its central directory: how many members, their
    declared unpacked sizes together, and each large member's compression ratio. Nothing is
    unpacked. The sizes are checked again while reading (:class:`ArchiveReader`)."""
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        raise LimitExceeded(file, "members", limits.max_members, len(infos),
                            f"holds {len(infos):,} files",
                            f"an archive of at most {limits.max_members:,} files")
    total = sum(i.file_size for i in infos)
    if total > limits.max_unpacked:
        raise LimitExceeded(file, "unpacked", limits.max_unpacked, total,
                            f"unpacks to {total:,} bytes",
                            f"at most {limits.max_unpacked:,} bytes unpacked")
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > limits.max_ratio:
            raise LimitExceeded(f"{file}: {info.filename}", "ratio", limits.max_ratio,
                                round(ratio), f"is compressed {ratio:,.0f} to 1",
                                f"at most {limits.max_ratio} to 1 (this looks like a "
                                "zip bomb)")
    return infos


class ArchiveReader:
    """Reads members of a checked zip archive while counting the bytes actually unpacked,
    so that a member that unpacks to more than its directory says, or an archive past
    :attr:`Limits.max_unpacked` altogether, stops at the limit."""

    def __init__(self, zf: zipfile.ZipFile, file: str, limits: Limits) -> None:
        self.zf, self.file, self.limits = zf, file, limits
        self.infos = check_archive(zf, file, limits)
        self.unpacked = 0

    def read(self, member: str | zipfile.ZipInfo, *, max_size: int | None = None) -> bytes:
        """The member's bytes; at most ``max_size`` (default: what is left of the archive's
        limit)."""
        info = member if isinstance(member, zipfile.ZipInfo) else self.zf.getinfo(member)
        where = f"{self.file}: {info.filename}"
        parts: list[bytes] = []
        size = 0
        with self.zf.open(info) as stream:
            while True:
                self.limits.check_time(self.file)
                chunk = stream.read(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                self.unpacked += len(chunk)
                if self.unpacked > self.limits.max_unpacked:
                    raise LimitExceeded(self.file, "unpacked", self.limits.max_unpacked, None,
                                        "unpacks to more than its limit",
                                        f"at most {self.limits.max_unpacked:,} bytes "
                                        "unpacked")
                if max_size is not None and size > max_size:
                    raise LimitExceeded(where, "document", max_size, None,
                                        f"unpacks to more than {max_size:,} bytes",
                                        f"at most {max_size:,} bytes")
                parts.append(chunk)
        return b"".join(parts)

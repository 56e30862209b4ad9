"""Read the activity log out of the database into a Polars table, fast.

The measurement engine works on columns, not on ORM objects, so the log is read once,
straight into Arrow through ADBC drivers (libpq's binary COPY for PostgreSQL, the SQLite C
API for SQLite), and handed over as a :class:`polars.DataFrame`. ADBC's SQLite driver brings
its own copy of SQLite, which must never share a process with Python's ``sqlite3`` (Django's):
SQLite queries run in a query process of their own (:mod:`netweave.core.sqlite_process`).
No web framework is imported here: the reader works on a database URL, from the web app or
from a script.

Example::

    >>> from netweave.core.logreader import read_activity
    >>> log = read_activity("sqlite:///var/netweave.sqlite3", network=1)  # doctest: +SKIP
    >>> log.group_by("kind").len()  # doctest: +SKIP
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import polars as pl
import pyarrow as pa

from netweave.core import activity as act
from netweave.core import sqlite_process

TABLE = "networks_activity"

#: The columns and types of the table the reader returns (METRICS.md section 0).
SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Int64(),
    "network": pl.Int64(),
    "actor": pl.Int64(),
    "kind": pl.Categorical(),
    "target": pl.Int64(),
    "object_type": pl.Categorical(),
    "object_id": pl.Int64(),
    "channel": pl.Categorical(),
    "at": pl.Datetime("us", "UTC"),
    "weight": pl.Float64(),
    "source": pl.Categorical(),
    "corrects": pl.Int64(),
}
assert tuple(SCHEMA) == act.COLUMNS

# SQLite's driver infers each column's type from its first rows, so a nullable integer
# column that starts with NULLs would be typed wrongly: such columns are read with 0 in
# place of NULL (database ids start at 1) and turned back into nulls afterwards.
_NULLABLE_IDS = ("target", "object_id", "corrects")
_SELECT = (
    "SELECT id, network_id AS network, actor_id AS actor, kind, "
    "COALESCE(target_id, 0) AS target, object_type, COALESCE(object_id, 0) AS object_id, "
    "channel, {at} AS at, weight, source, COALESCE(corrects_id, 0) AS corrects "
    f"FROM {TABLE}"
)


_TIME_COLUMN = re.compile(r"\{([a-z_.]+)\}")


class LogReadError(Exception):
    """The database URL is not one the reader understands, or SQLite refused the query."""


def read_activity(
    url: str,
    network: int | Iterable[int] | None = None,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    effective: bool = True,
) -> pl.DataFrame:
    """Return the activity log as a DataFrame with columns :data:`SCHEMA`, ordered by ``id``.

    ``url`` is ``sqlite:///path/to/db`` or ``postgresql://user@host:port/name``.
    ``network`` is one network id, several, or ``None`` for all. ``start``/``end`` bound
    ``at`` to the half-open window ``[start, end)``. With ``effective`` (the default),
    rows corrected by a later row and ``void`` retractions are left out, which is the log
    every metric counts; ``effective=False`` returns every row as stored.
    """
    clauses, params = [], []
    networks = _as_ids(network)
    if networks is not None:
        clauses.append(f"network_id IN ({', '.join('?' * len(networks))})" if networks
                       else "1 = 0")
        params.extend(networks)
    if start is not None:
        clauses.append("at >= ?")
        params.append(_utc(start))
    if end is not None:
        clauses.append("at < ?")
        params.append(_utc(end))
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    frame = to_frame(query(url, f"{_SELECT}{where} ORDER BY id", params), SCHEMA,
                     nullable_ids=_NULLABLE_IDS, times=("at",))
    if effective:
        frame = effective_log(frame)
    return frame


def query(url: str, sql: str, params: Iterable = ()) -> pa.Table:
    """Run ``sql`` (``?`` placeholders) on the database at ``url``; return an Arrow table.

    Aware datetimes among ``params`` are compared as Django stores them: UTC. ``{x}`` in
    ``sql`` stands for a datetime column ``x`` read fast: on SQLite, where Django keeps
    datetimes as text, it becomes microseconds since 1970 computed by SQLite (the driver's
    bundled SQLite, in the query process, has ``unixepoch``), which :func:`to_frame` turns
    back into datetimes; parsing the text in Python would cost more than the whole query.
    """
    params = list(params)
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        sql = _TIME_COLUMN.sub(
            r"(unixepoch(\1) * 1000000 + CAST(substr(\1, 21, 6) AS INTEGER))", sql)
    else:
        sql = _TIME_COLUMN.sub(r"\1", sql)
    if scheme == "sqlite":
        path = unquote(url[len("sqlite:///"):]) if url.startswith("sqlite:///") else ""
        if not path:
            raise LogReadError(f"SQLite URL {url!r} names no database file")
        if not Path(path).is_file():
            raise LogReadError(f"{url}: no SQLite database at {path}")
        params = [_sqlite_time(p) if isinstance(p, datetime) else p for p in params]
        try:
            return sqlite_process.query(path, sql, params)
        except sqlite_process.SQLiteQueryError as exc:
            raise LogReadError(f"{url}: {exc}") from exc
    if scheme in ("postgres", "postgresql"):
        import adbc_driver_postgresql.dbapi as adbc_pg

        parts = sql.split("?")
        sql = "".join(f"{part}${i + 1}" for i, part in enumerate(parts[:-1])) + parts[-1]
        with adbc_pg.connect(url) as conn, conn.cursor() as cur:
            cur.execute(sql, params or None)
            return cur.fetch_arrow_table()
    raise LogReadError(f"unsupported database URL {url!r}: expected sqlite:// or postgresql://")


def effective_log(frame: pl.DataFrame) -> pl.DataFrame:
    """Drop rows corrected by a later row, and ``void`` retractions (METRICS.md 0)."""
    corrected = frame.get_column("corrects").drop_nulls()
    if corrected.is_empty():
        return frame
    return frame.filter(~pl.col("id").is_in(corrected.implode()) & (pl.col("kind") != act.VOID))


def _as_ids(network: int | Iterable[int] | None) -> list[int] | None:
    if network is None:
        return None
    if isinstance(network, int):
        return [network]
    return [int(n) for n in network]


def _sqlite_time(value: datetime) -> str:
    # Django stores aware datetimes in SQLite as naive UTC text, via str(): match it exactly.
    return str(_utc(value).replace(tzinfo=None))


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError(f"{value!r} has no time zone; pass an aware datetime")
    return value.astimezone(UTC)


def to_frame(table: pa.Table, schema: dict[str, pl.DataType], *,
             nullable_ids: Iterable[str] = (), nullable_texts: Iterable[str] = (),
             times: Iterable[str] = ()) -> pl.DataFrame:
    """Turn a query result into a frame of ``schema``.

    SQLite's driver infers each column's type from its first rows, so queries read nullable
    id columns as ``COALESCE(x, 0)`` and nullable texts as ``COALESCE(x, '')``; this turns
    them back into nulls. SQLite's datetimes arrive as text and are parsed as UTC.
    """
    frame = pl.from_arrow(table, rechunk=False)  # rechunking here costs seconds per 1M rows
    assert isinstance(frame, pl.DataFrame)
    if frame.is_empty():
        return pl.DataFrame(schema=schema)
    fixes = []
    for c in times:
        col = pl.col(c)
        if frame.schema[c] == pl.String:
            col = col.str.to_datetime("%Y-%m-%d %H:%M:%S%.f", time_unit="us", time_zone="UTC")
        elif frame.schema[c].is_integer():  # microseconds since 1970, see query()
            col = pl.from_epoch(col, time_unit="us").dt.replace_time_zone("UTC")
        fixes.append(col.dt.cast_time_unit("us").dt.convert_time_zone("UTC"))
    fixes += [pl.when(pl.col(c) == 0).then(None).otherwise(pl.col(c)).alias(c)
              for c in nullable_ids]
    fixes += [pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)).alias(c)
              for c in nullable_texts]
    return frame.with_columns(fixes).cast(schema).select(list(schema))

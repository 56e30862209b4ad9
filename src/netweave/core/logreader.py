"""Read query results out of the database into Polars tables, fast: the log's schema and the
reader's machinery, without any table name.

The measurement engine works on columns, not on ORM objects, so its inputs are read straight
into Arrow through ADBC drivers (libpq's binary COPY for PostgreSQL, the SQLite C API for
SQLite) and handed over as Polars DataFrames. ADBC's SQLite driver brings its own
copy of SQLite, which must never share a process with Python's ``sqlite3`` (Django's):
SQLite queries run in a query process of their own (:mod:`netweave.core.sqlite_process`).

No web framework is imported and no table is named here: the web layer writes the SQL from
its models (:mod:`netweave.networks.activity_log` for the activity log,
:mod:`netweave.dashboard.reading` for everything else the engine reads) and runs it with
:func:`query`, then types the result with :func:`to_frame`.

Example::

    >>> table = query("sqlite:///var/netweave.sqlite3", "SELECT 1 AS one")  # doctest: +SKIP
    >>> to_frame(table, {"one": pl.Int64()})  # doctest: +SKIP
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

#: The columns and types of the table the reader returns (docs/metrics.md, "The activity log").
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

_TIME_COLUMN = re.compile(r"\{([a-z_.]+)\}")


class LogReadError(Exception):
    """The database URL is not one the reader understands, or SQLite refused the query."""


def query(url: str, sql: str, params: Iterable = ()) -> pa.Table:
    """Run ``sql`` (``?`` placeholders) on the database at ``url``; return an Arrow table.

    Datetimes among ``params`` are compared as Django stores them, in UTC (a datetime without
    a time zone is a :class:`ValueError`). ``{x}`` in
    ``sql`` stands for a datetime column ``x`` read fast: on SQLite, where Django keeps
    datetimes as text, it becomes microseconds since 1970 computed by SQLite (the driver's
    bundled SQLite, in the query process, has ``unixepoch``), which :func:`to_frame` turns
    back into datetimes; parsing the text in Python would cost more than the whole query.
    """
    params = [_utc(p) if isinstance(p, datetime) else p for p in params]
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
        # Django keeps datetimes in SQLite as naive UTC text, via str(): match it exactly.
        params = [str(p.replace(tzinfo=None)) if isinstance(p, datetime) else p
                  for p in params]
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
    """Drop rows corrected by a later row, and ``void`` retractions (docs/metrics.md#data)."""
    corrected = frame.get_column("corrects").drop_nulls()
    if corrected.is_empty():
        return frame
    return frame.filter(~pl.col("id").is_in(corrected.implode()) & (pl.col("kind") != act.VOID))


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
    return frame.with_columns(fixes).cast(pl.Schema(schema)).select(list(schema))

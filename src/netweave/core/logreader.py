"""Read the activity log out of the database into a Polars table, fast.

The measurement engine works on columns, not on ORM objects, so the log is read once,
straight into Arrow through ADBC drivers (libpq's binary COPY for PostgreSQL, the SQLite C
API for SQLite), and handed over as a :class:`polars.DataFrame`. No web framework is
imported here: the reader works on a database URL, from the web app or from a script.

Example::

    >>> from netweave.core.logreader import read_activity
    >>> log = read_activity("sqlite:///var/netweave.sqlite3", network=1)  # doctest: +SKIP
    >>> log.group_by("kind").len()  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit

import polars as pl

from netweave.core import activity as act

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
    "channel, at, weight, source, COALESCE(corrects_id, 0) AS corrects "
    f"FROM {TABLE}"
)


class LogReadError(Exception):
    """The database URL is not one the reader understands."""


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
    networks = _as_ids(network)
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        raw = _read_sqlite(url, networks, start, end)
    elif scheme in ("postgres", "postgresql"):
        raw = _read_postgres(url, networks, start, end)
    else:
        raise LogReadError(f"unsupported database URL {url!r}: expected sqlite:// or postgresql://")
    frame = _to_frame(raw)
    if effective:
        frame = effective_log(frame)
    return frame


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


def _where(networks: list[int] | None, start: datetime | None, end: datetime | None,
           placeholder, time_param) -> tuple[str, list]:
    clauses, params = [], []
    if networks is not None:
        if not networks:
            clauses.append("1 = 0")
        else:
            marks = ", ".join(placeholder(len(params) + i) for i in range(len(networks)))
            clauses.append(f"network_id IN ({marks})")
            params.extend(networks)
    if start is not None:
        clauses.append(f"at >= {placeholder(len(params))}")
        params.append(time_param(start))
    if end is not None:
        clauses.append(f"at < {placeholder(len(params))}")
        params.append(time_param(end))
    sql = f"{_SELECT} WHERE {' AND '.join(clauses)}" if clauses else _SELECT
    return f"{sql} ORDER BY id", params


def _sqlite_time(value: datetime) -> str:
    # Django stores aware datetimes in SQLite as naive UTC text, via str(): match it exactly.
    return str(_utc(value).replace(tzinfo=None))


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError(f"{value!r} has no time zone; pass an aware datetime")
    return value.astimezone(UTC)


def _read_sqlite(url: str, networks, start, end):
    import adbc_driver_sqlite.dbapi as adbc_sqlite

    path = unquote(url[len("sqlite:///"):]) if url.startswith("sqlite:///") else ""
    if not path:
        raise LogReadError(f"SQLite URL {url!r} names no database file")
    sql, params = _where(networks, start, end, lambda i: "?", _sqlite_time)
    with adbc_sqlite.connect(f"file:{path}?mode=ro") as conn, conn.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetch_arrow_table()


def _read_postgres(url: str, networks, start, end):
    import adbc_driver_postgresql.dbapi as adbc_pg

    sql, params = _where(networks, start, end, lambda i: f"${i + 1}", _utc)
    with adbc_pg.connect(url) as conn, conn.cursor() as cur:
        cur.execute(sql, params or None)
        return cur.fetch_arrow_table()


def _to_frame(table) -> pl.DataFrame:
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    if frame.is_empty():
        return pl.DataFrame(schema=SCHEMA)
    at = pl.col("at")
    if frame.schema["at"] == pl.String:  # SQLite keeps datetimes as text
        at = at.str.to_datetime("%Y-%m-%d %H:%M:%S%.f", time_unit="us", time_zone="UTC")
    return frame.with_columns(
        at.dt.cast_time_unit("us").dt.convert_time_zone("UTC"),
        *(pl.when(pl.col(c) == 0).then(None).otherwise(pl.col(c)).alias(c)
          for c in _NULLABLE_IDS),
    ).cast(SCHEMA).select(act.COLUMNS)

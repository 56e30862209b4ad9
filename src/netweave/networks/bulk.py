"""Writing many rows at once, as the ORM would store them: new objects of plain models
(:func:`bulk_insert`) and activity rows (:class:`ActivityWriter`, the one bulk writer of the
log, used by the demo loader and the importers).

Which rows an object stands for is defined once in :mod:`.activity_rows`; here they are only
inserted: in batches with ``executemany`` (SQLite) or ``COPY`` (PostgreSQL), because building
a million ``Activity`` rows through the ORM's insert path costs far more than making them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime

from django.db import connection, models

from .models import Activity

#: Parameters per multi-row insert on SQLite (at most its own limit, 32766 by default).
MAX_PARAMS = 30_000
#: Activity rows per insert, by default.
ROW_BATCH = 20_000

Advance = Callable[[int, str], None]


@contextmanager
def sqlite_cache(kib: int = 512 * 1024) -> Iterator[None]:
    """On SQLite, a large page cache while loading many rows: the activity table's indexes
    are updated at random places, and SQLite's default 2 MB cache makes each a disk read.
    Elsewhere nothing."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


_PLAIN_FIELDS = (models.CharField, models.TextField, models.IntegerField, models.FloatField,
                 models.BooleanField, models.ForeignKey)


def _prep_function(field: models.Field) -> Callable[[object], object] | None:
    """How a value of ``field`` becomes a database value; None when it goes in as it is."""
    if isinstance(field, models.DateTimeField):  # the demo's values are aware datetimes
        adapt = connection.ops.adapt_datetimefield_value
        if connection.vendor == "sqlite" and connection.timezone == UTC:
            def sqlite_utc(value: datetime | None) -> object:
                # What ``adapt`` returns for a UTC datetime, without its checks.
                if value is not None and value.tzinfo is UTC:
                    return str(value.replace(tzinfo=None))
                return adapt(value)
            return sqlite_utc
        return adapt
    if isinstance(field, _PLAIN_FIELDS):
        return None
    return functools.partial(field.get_db_prep_save, connection=connection)


def stored_time() -> Callable[[datetime], object]:
    """How an aware datetime goes into this database, as the ORM stores an activity's time."""
    return _prep_function(Activity._meta.get_field("at"))  # type: ignore[return-value]


class ActivityWriter:
    """Buffers activity rows and inserts them in batches, bypassing ``Model.save``.

    The values are prepared with each field's own ``get_db_prep_save`` where the type needs
    it (datetimes), so the stored values equal what the ORM would store. ``advance(n,
    message)`` hears of every batch written.
    """

    def __init__(self, advance: Advance, *, batch: int = ROW_BATCH) -> None:
        self.advance, self.batch = advance, batch
        self.fields = [f for f in Activity._meta.concrete_fields if not f.primary_key]
        self.spec = [(f.attname, _prep_function(f)) for f in self.fields]
        qn = connection.ops.quote_name
        self.table = qn(Activity._meta.db_table)
        self.columns = ", ".join(qn(f.column) for f in self.fields)
        self.buffer: list[tuple] = []
        self.count = 0

    def add(self, activity: Iterable[Activity], message: str = "activity rows") -> None:
        """Queue unsaved rows; a full batch is written at once."""
        spec, buffer = self.spec, self.buffer
        for a in activity:
            values = a.__dict__
            buffer.append(tuple(values[name] if prep is None else prep(values[name])
                                for name, prep in spec))
            if len(buffer) >= self.batch:
                self.flush(message)
                buffer = self.buffer

    def interactions(self, network: int, source: str, rows: list[tuple]) -> None:
        """Insert rows of (actor, kind, target, channel, at, weight) with no object; ``at``
        as :func:`stored_time` gives it."""
        if connection.vendor == "sqlite":  # the constant columns as literals: fewer to bind
            literal = "'" + source.replace("'", "''") + "'"
            sql = (f"INSERT INTO {self.table} ({self.columns}) VALUES ({int(network)}, ?, ?, ?, "
                   f"'', NULL, ?, ?, ?, {literal}, NULL)")
            connection.ensure_connection()
            connection.connection.executemany(sql, rows)
            self.count += len(rows)
            self.advance(len(rows), f"interactions: {self.count:,} written")
            return
        self.flush()
        self.buffer = [(network, a, kind, t, "", None, channel, at, weight, source, None)
                       for a, kind, t, channel, at, weight in rows]
        self.flush("interactions")

    def flush(self, message: str = "activity rows") -> None:
        """Write what is queued."""
        if not self.buffer:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {self.table} ({self.columns}) FROM STDIN") as cp:
                    for row in self.buffer:
                        cp.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.fields))
                cursor.executemany(
                    f"INSERT INTO {self.table} ({self.columns}) VALUES ({marks})", self.buffer)
        n = len(self.buffer)
        self.count += n
        self.buffer = []
        self.advance(n, f"{message}: {self.count:,} written")


def _insert(objects: Sequence[models.Model]) -> None:
    """Insert new objects of one model with multi-row ``INSERT … RETURNING`` and set their keys.

    What ``bulk_create`` does for these plain models (no signals, no ``auto_now``), at a
    quarter of its per-object cost on SQLite; values are prepared as the ORM prepares them.
    """
    if not objects:
        return
    model = type(objects[0])
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    spec = [(f.attname, _prep_function(f)) for f in fields]
    qn = connection.ops.quote_name
    head = (f"INSERT INTO {qn(model._meta.db_table)} "
            f"({', '.join(qn(f.column) for f in fields)}) VALUES ")
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    tail = f" RETURNING {qn(model._meta.pk.column)}"
    per = max(1, _max_params() // len(fields))
    with connection.cursor() as cursor:
        for lo in range(0, len(objects), per):
            part = objects[lo:lo + per]
            params: list = []
            for obj in part:
                values = obj.__dict__
                params.extend(values[name] if prep is None else prep(values[name])
                              for name, prep in spec)
            cursor.execute(head + ", ".join([row] * len(part)) + tail, params)
            for obj, (pk,) in zip(part, cursor.fetchall(), strict=True):
                obj.pk = pk
                obj._state.adding = False
                obj._state.db = connection.alias


@functools.cache
def _sqlite_limits() -> tuple[bool, int]:
    import sqlite3

    if sqlite3.sqlite_version_info < (3, 35):  # no RETURNING
        return False, 0
    try:
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    except AttributeError:  # Python < 3.11
        limit = 32766 if sqlite3.sqlite_version_info >= (3, 32) else 999
    return True, limit


def bulk_insert(objects: list[models.Model], *, batch_size: int = 2000) -> list[models.Model]:
    """Insert new objects of one plain model (no signals, no ``auto_now``) and set their keys:
    the multi-row ``INSERT … RETURNING`` of :func:`_insert` on SQLite, ``bulk_create``
    elsewhere."""
    if objects and _fast_insert():
        _insert(objects)
        return objects
    return type(objects[0]).objects.bulk_create(objects, batch_size=batch_size) if objects else []


def _fast_insert() -> bool:
    """Whether :func:`_insert` should be used: on SQLite 3.35 and later.

    On PostgreSQL ``bulk_create`` is faster (Django inserts from ``UNNEST`` arrays there).
    """
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return _sqlite_limits()[0]
    return False


def _max_params() -> int:
    if connection.vendor == "sqlite":
        return min(MAX_PARAMS, _sqlite_limits()[1])
    return MAX_PARAMS

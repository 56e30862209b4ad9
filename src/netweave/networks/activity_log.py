"""The activity log of the web app's database, as a Polars table of the core's log schema.

The web layer's half of the log reader: the SQL is written here, from the
:class:`~netweave.networks.models.Activity` model's table and column names, and run by
:mod:`netweave.core.logreader`, which knows no table and no Django. The reader works on a
database URL (:func:`read_activity`), so it reads any netweave database, not only the app's
own (:func:`network_log`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from urllib.parse import quote

import polars as pl
from django.db import connections
from django.db.models import Model

from netweave.core.logreader import SCHEMA, effective_log, query, to_frame

from .models import Activity


def database_url(alias: str = "default") -> str:
    """The URL of Django's database ``alias`` (the test database while tests run)."""
    conn = connections[alias]
    conf = conn.settings_dict
    if conn.vendor == "sqlite":
        return f"sqlite:///{conf['NAME']}"
    if conn.vendor == "postgresql":
        user = quote(conf.get("USER") or "", safe="")
        password = quote(conf.get("PASSWORD") or "", safe="")
        auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        host = conf.get("HOST") or "localhost"
        port = f":{conf['PORT']}" if conf.get("PORT") else ""
        return f"postgresql://{auth}{host}{port}/{quote(conf['NAME'], safe='')}"
    raise NotImplementedError(f"no log reader for the {conn.vendor} database")


def table(model: type[Model]) -> str:
    """The database table of ``model``, for SQL that the core's reader runs."""
    return model._meta.db_table


def column(model: type[Model], field: str) -> str:
    """The database column of ``model``'s field ``field`` (``network`` → ``network_id``)."""
    return model._meta.get_field(field).column  # type: ignore[union-attr]


def _select() -> str:
    # SQLite's driver infers each column's type from its first rows, so a nullable integer
    # column that starts with NULLs would be typed wrongly: such columns are read with 0 in
    # place of NULL (database ids start at 1) and turned back into nulls by to_frame().
    c = {name: column(Activity, name) for name in SCHEMA if name != "id"}
    return (
        f"SELECT {column(Activity, 'id')} AS id, {c['network']} AS network, "
        f"{c['actor']} AS actor, {c['kind']} AS kind, COALESCE({c['target']}, 0) AS target, "
        f"{c['object_type']} AS object_type, COALESCE({c['object_id']}, 0) AS object_id, "
        f"{c['channel']} AS channel, {{{c['at']}}} AS at, {c['weight']} AS weight, "
        f"{c['source']} AS source, COALESCE({c['corrects']}, 0) AS corrects "
        f"FROM {table(Activity)}"
    )


_NULLABLE_IDS = ("target", "object_id", "corrects")


def read_activity(url: str, network: int | Iterable[int] | None = None, *,
                  start: datetime | None = None, end: datetime | None = None,
                  effective: bool = True, actor: int | None = None) -> pl.DataFrame:
    """Return the activity log of the database at ``url`` as a DataFrame with the columns of
    :data:`netweave.core.logreader.SCHEMA`, ordered by ``id``.

    ``url`` is ``sqlite:///path/to/db`` or ``postgresql://user@host:port/name``.
    ``network`` is one network id, several, or ``None`` for all. ``start``/``end`` (aware
    datetimes) bound ``at`` to the half-open window ``[start, end)``. With ``effective``
    (the default), rows corrected by a later row and ``void`` retractions are left out,
    which is the log every metric counts; ``effective=False`` returns every row as stored.
    With ``actor`` only that person's rows are returned (corrections of them still apply).
    """
    clauses: list[str] = []
    params: list[int | datetime] = []
    if network is not None:
        networks = [network] if isinstance(network, int) else [int(n) for n in network]
        clauses.append(f"{column(Activity, 'network')} IN ({', '.join('?' * len(networks))})"
                       if networks else "1 = 0")
        params.extend(networks)
    if actor is not None:  # and every correction, which may be anyone's
        clauses.append(f"({column(Activity, 'actor')} = ? OR "
                       f"{column(Activity, 'corrects')} IS NOT NULL)")
        params.append(actor)
    at = column(Activity, "at")
    for bound, test in ((start, f"{at} >= ?"), (end, f"{at} < ?")):
        if bound is not None:
            clauses.append(test)
            params.append(bound)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    frame = to_frame(query(url, f"{_select()}{where} ORDER BY id", params), SCHEMA,
                     nullable_ids=_NULLABLE_IDS, times=("at",))
    frame = effective_log(frame) if effective else frame
    return frame if actor is None else frame.filter(pl.col("actor") == actor)


def network_log(network: int | Iterable[int] | None = None, *, start: datetime | None = None,
                end: datetime | None = None, effective: bool = True,
                actor: int | None = None) -> pl.DataFrame:
    """The activity log of one network (or several, or all), read from the app's database;
    with ``actor`` only that person's rows."""
    return read_activity(database_url(), network, start=start, end=end, effective=effective,
                         actor=actor)

"""The activity log of the web app's database, as a Polars table.

A thin bridge from Django's connection settings to :mod:`netweave.core.logreader`, which
knows nothing of Django.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

import polars as pl
from django.db import connections

from netweave.core.logreader import read_activity


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


def network_log(network: int | None = None, *, start: datetime | None = None,
                end: datetime | None = None, effective: bool = True) -> pl.DataFrame:
    """The activity log of one network (or all), read from the app's database."""
    return read_activity(database_url(), network, start=start, end=end, effective=effective)

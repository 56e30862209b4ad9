"""Backing up and restoring the database: PostgreSQL with pg_dump / pg_restore (custom
format), SQLite with its online backup API. Used by ``netweave backup`` and
``netweave restore``; both keep the whole database, activity log included.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection, connections

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"
#: Tables whose rows mean "this database is in use" (a freshly migrated one has none).
CONTENT_TABLES = {"auth_user": "accounts", "networks_network": "networks",
                  "networks_person": "people", "networks_activity": "activities"}


class BackupError(Exception):
    """A backup or restore that could not be done; nothing was changed."""


def _pg_env() -> dict[str, str]:
    conf = connection.settings_dict
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                      ("PASSWORD", "PGPASSWORD"), ("NAME", "PGDATABASE")):
        if conf.get(key):
            env[name] = str(conf[key])
    return env


def _run(command: list[str]) -> None:
    try:
        done = subprocess.run(command, env=_pg_env(), capture_output=True, text=True)
    except FileNotFoundError as exc:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL's client tools, e.g. "
                          "the postgresql-client package)") from exc
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip() or done.returncode}")


def backup(out: Path) -> Path:
    """Write a backup of the default database to ``out`` (via a temporary file, so that a
    failed backup never leaves a half-written ``out``)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    try:
        if connection.vendor == "postgresql":
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                  f"--file={partial}"])
        elif connection.vendor == "sqlite":
            source = sqlite3.connect(connection.settings_dict["NAME"])
            target = sqlite3.connect(partial)
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
        else:
            raise BackupError(f"no backup for {connection.vendor} databases")
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return out


def kind_of(path: Path) -> str:
    """``"sqlite"`` or ``"postgresql"``: what made the backup file ``path``."""
    try:
        with Path(path).open("rb") as file:
            head = file.read(16)
    except OSError as exc:
        raise BackupError(f"cannot read {path}: {exc.strerror}") from exc
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is not a netweave backup (expected a pg_dump custom-format "
                      "archive or an SQLite database)")


def contents() -> dict[str, int]:
    """How many rows the tables of :data:`CONTENT_TABLES` hold (tables missing: left out)."""
    existing = set(connection.introspection.table_names())
    counts = {}
    with connection.cursor() as cursor:
        for table, label in CONTENT_TABLES.items():
            if table in existing:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
                counts[label] = cursor.fetchone()[0]
    return counts


def restore(path: Path, *, force: bool = False) -> None:
    """Replace the default database with the backup ``path``. Refuses (changing nothing) a
    backup of another database kind, and a database that holds data unless ``force``."""
    path = Path(path)
    kind = kind_of(path)
    if kind != connection.vendor:
        raise BackupError(f"{path} is a {kind} backup, but this netweave uses "
                          f"{connection.vendor}: restore it into a {kind} database")
    held = {label: n for label, n in contents().items() if n}
    if held and not force:
        summary = ", ".join(f"{n} {label}" for label, n in held.items())
        raise BackupError(f"the database is not empty ({summary}); restoring replaces all "
                          "of it: give --force to do so")
    if kind == "postgresql":
        _run(["pg_restore", "--list", str(path)])  # a damaged archive stops here
        connections.close_all()
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
              "--single-transaction", f"--dbname={connection.settings_dict['NAME']}",
              str(path)])
    else:
        _restore_sqlite(path)
    connections.close_all()


def _restore_sqlite(path: Path) -> None:
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError(f"{path} is a damaged SQLite database")
        tables = {row[0] for row in source.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "django_migrations" not in tables:
            raise BackupError(f"{path} is an SQLite database, but not a netweave one")
        connections.close_all()
        target = sqlite3.connect(connection.settings_dict["NAME"])
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()

"""``netweave backup --out FILE``: a backup of the whole database.

PostgreSQL: ``pg_dump`` in its custom format (restore with ``netweave restore`` or
``pg_restore``); SQLite: a consistent copy made with SQLite's online backup API while the
app keeps running.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from netweave.trust.backup import BackupError, backup, contents


class Command(BaseCommand):
    help = ("Back up the whole database to FILE (PostgreSQL: pg_dump custom format; SQLite: "
            "the online backup API). Safe while netweave runs.")
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, required=True, help="the backup file to write")

    def handle(self, *args, out: Path, **options) -> None:
        try:
            path = backup(out)
        except BackupError as exc:
            raise CommandError(f"No backup written: {exc}.") from exc
        held = ", ".join(f"{n} {label}" for label, n in contents().items())
        self.stdout.write(f"Backed up the {connection.vendor} database ({held}) to {path} "
                          f"({path.stat().st_size} bytes).")

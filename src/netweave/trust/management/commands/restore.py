"""``netweave restore FILE [--force]``: replace the database with a backup.

Refuses a backup of the other database kind, a damaged file, and (without ``--force``) a
database that already holds accounts, networks, people or activities. Stop the web and
worker processes first; run ``netweave migrate`` afterwards when this netweave is newer
than the backup.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from netweave.trust.backup import BackupError, contents, restore


class Command(BaseCommand):
    help = ("Replace the database with a backup made by `netweave backup`. Refuses a "
            "database that holds data unless --force is given.")
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="a backup made by `netweave backup`")
        parser.add_argument("--force", action="store_true",
                            help="replace a database that already holds data")

    def handle(self, *args, file: Path, force: bool, **options) -> None:
        try:
            restore(file, force=force)
        except BackupError as exc:
            raise CommandError(f"Nothing restored: {exc}.") from exc
        held = ", ".join(f"{n} {label}" for label, n in contents().items())
        self.stdout.write(f"Restored the {connection.vendor} database from {file} ({held}). "
                          "Run `netweave migrate` if this netweave is newer than the backup.")

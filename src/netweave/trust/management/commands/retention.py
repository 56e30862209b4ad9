"""``netweave retention``: apply each network's retention limits.

    netweave retention [--network SLUG] [--dry-run] [--no-progress]

Each network is handled in its own transaction (all or nothing); a second run changes
nothing; ``--dry-run`` prints what would be forgotten and changes nothing. Prints one line
of counts per network.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from netweave.core.progress import ProgressBar
from netweave.networks.models import Network
from netweave.trust.retention import COUNTS, apply_policy


class Command(BaseCommand):
    help = ("Apply every network's retention limits (or one network's with --network): "
            "erase expired guests' contact details, uploaded import files, old bookkeeping "
            "and audit details. No figure changes. --dry-run changes nothing.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--network", metavar="SLUG", help="only this network")
        parser.add_argument("--dry-run", action="store_true",
                            help="count what would be forgotten; change nothing")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, network: str | None, dry_run: bool, no_progress: bool,
               **options) -> None:
        networks = Network.objects.order_by("slug")
        if network:
            networks = networks.filter(slug=network)
            if not networks.exists():
                raise CommandError(f"no network with the short name {network!r}")
        networks = list(networks)
        totals = dict.fromkeys(COUNTS, 0)
        with ProgressBar(not no_progress, len(networks),
                         done="retention dry run" if dry_run else "retention applied") as bar:
            for item in networks:
                bar.step(item.slug)
                counts = apply_policy(item, dry_run=dry_run)
                for name, value in counts.items():
                    totals[name] += value
                self.stdout.write(f"{item.slug}: " + ", ".join(
                    f"{name} {value}" for name, value in counts.items()))
        verb = "would forget" if dry_run else "forgot"
        self.stdout.write(f"{len(networks)} networks; {verb}: " + ", ".join(
            f"{name} {value}" for name, value in totals.items()))

"""``netweave measure``: refresh the dashboard's figure snapshots now."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from netweave.dashboard import services
from netweave.dashboard.periods import STANDARD_DAYS, PeriodError, parse_period
from netweave.networks.models import Network


class Command(BaseCommand):
    help = ("Compute the dashboard figures (the last 28, 90 and 365 days, or --days) of one "
            "network (--network SLUG) or of every network (--all), without the job queue.")

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--network", metavar="SLUG", help="the network's short name")
        which.add_argument("--all", action="store_true", help="every network")
        parser.add_argument("--days", type=int, action="append",
                            help=f"a period of the last DAYS days, one of {STANDARD_DAYS} "
                                 "(repeatable; default all three)")

    def handle(self, *args, network: str | None, all: bool, days: list[int] | None,
               **options) -> None:
        if all:
            networks = list(Network.objects.order_by("slug"))
        else:
            networks = list(Network.objects.filter(slug=network))
            if not networks:
                raise CommandError(f"no network with the short name {network!r}")
        try:
            keys = tuple(parse_period(days=str(d)).key for d in (days or STANDARD_DAYS))
        except PeriodError as exc:
            raise CommandError(f"--days: {exc}") from exc
        for net in networks:
            for key in keys:
                try:
                    snap = services.compute_snapshot(net, key)
                except services.NoData as exc:
                    raise CommandError(f"{net.slug}: {exc}") from exc
                self.stdout.write(f"{net.slug} {key} days: {snap.seconds:.2f} s")

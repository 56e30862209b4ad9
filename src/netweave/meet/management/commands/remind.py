"""``netweave remind``: send the reminders that are due, and make the next occurrences of
open-ended series. Safe to run as often as you like (e.g. hourly from cron)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandParser

from netweave.networks.models import EventSeries

from ...services import extend_series, send_reminders

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = ("E-mail a reminder to everyone going (or maybe going) to a meeting that starts "
            "within --hours; nobody is reminded twice about one meeting.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hours", type=float, default=24.0,
                            help="remind about meetings starting within this many hours "
                                 "(default 24)")

    def handle(self, *args, hours: float, **options) -> None:
        if hours <= 0:
            self.stderr.write("--hours: expected a positive number of hours")
            raise SystemExit(2)
        made = failed = 0
        for series in EventSeries.objects.order_by("pk"):
            try:  # one series that cannot be extended does not stop the others
                made += len(extend_series(series, source="remind"))
            except Exception:
                failed += 1
                log.exception("extending event series %s failed", series.pk)
        outcome = send_reminders(within=timedelta(hours=hours))
        self.stdout.write(f"reminders sent: {outcome.sent}; failed: {outcome.failed}; "
                          f"new occurrences: {made}; series failed: {failed}")
        if outcome.failed or failed:
            raise SystemExit(1)

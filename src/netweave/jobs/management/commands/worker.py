"""``netweave worker``: run background jobs (imports, measuring networks)."""

from __future__ import annotations

import signal
from datetime import timedelta

from django.core.management.base import BaseCommand

from netweave.jobs import services


class Command(BaseCommand):
    help = "Run queued background jobs until stopped (or, with --once, until none is left)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true",
                            help="run what is queued, then stop")
        parser.add_argument("--stale-minutes", type=int, default=60,
                            help="requeue jobs whose worker started them this long ago and "
                                 "never finished (default 60)")

    def handle(self, *args, once: bool, stale_minutes: int, **options) -> None:
        stopping = False

        def stop(*_args) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        ran = services.work(once=once, stale_after=timedelta(minutes=stale_minutes),
                            stop=lambda: stopping)
        self.stdout.write(f"worker {services.worker_name()}: {ran} job(s) run")

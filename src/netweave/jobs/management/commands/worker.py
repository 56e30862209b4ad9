"""``netweave worker``: run background jobs (imports, measuring networks)."""

from __future__ import annotations

import os
import signal
from datetime import timedelta

from django.core.management.base import BaseCommand

from netweave.jobs import services


class Command(BaseCommand):
    help = ("Run queued background jobs until stopped (or, with --once, until none is left), "
            "each in a child process of its own.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true",
                            help="run what is queued in this process, then stop")
        parser.add_argument("--stale-seconds", type=int, default=services.STALE_SECONDS,
                            help="a worker on another machine without a heartbeat for this "
                                 f"long is gone and its jobs are recovered (default "
                                 f"{services.STALE_SECONDS}); on this machine a worker is "
                                 "gone as soon as its process is")
        parser.add_argument("--in-process", action="store_true",
                            help="run each job in this process instead of a child process")
        parser.add_argument("--parent", type=int, default=0,
                            help="stop when the process with this id ends (used by "
                                 "`netweave serve`)")

    def handle(self, *args, once: bool, stale_seconds: int, in_process: bool, parent: int,
               **options) -> None:
        stopping = False

        def stop(*_args) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        if parent:
            services.die_with_parent(signal.SIGTERM)
        ran = services.work(once=once, stale_after=timedelta(seconds=stale_seconds),
                            isolate=not (once or in_process),
                            stop=lambda: stopping or bool(parent and os.getppid() != parent))
        self.stdout.write(f"worker {services.worker_name()}: {ran} job(s) run")

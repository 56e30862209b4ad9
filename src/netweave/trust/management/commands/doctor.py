"""``netweave doctor``: check that this deployment is ready to serve.

    netweave doctor [--json] [--min-free-mb 1024] [--worker-age 120]

One line per check (database reachable, migrations applied, worker heartbeat, secret key,
debug off, allowed hosts, HTTPS settings, e-mail, static files collected, disk space, and
Django's own ``check --deploy``), each ``ok``, ``warn`` or ``fail`` with what to do. Exits
with status 1 when any check fails. Called ``doctor`` because ``netweave check`` is Django's
own system check command (which this one runs as one of its checks).
"""

from __future__ import annotations

import json
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError, CommandParser

from netweave.trust import doctor


class Command(BaseCommand):
    help = ("Check this deployment: database, migrations, worker, secret key, debug, allowed "
            "hosts, HTTPS, e-mail, static files, disk space and Django's deployment checks. "
            "Exits with status 1 when any check fails.")
    requires_system_checks: list[str] = []  # it runs them itself, and must run when they fail
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print the findings as JSON")
        parser.add_argument("--min-free-mb", type=int, default=1024,
                            help="warn below this much free disk space (default 1024)")
        parser.add_argument("--worker-age", type=int, default=120,
                            help="fail when no worker was seen for this many seconds "
                                 "(default 120)")

    def handle(self, *args, json: bool, min_free_mb: int, worker_age: int, **options) -> None:
        findings = doctor.run_all(min_free_mb=min_free_mb,
                                  worker_age=timedelta(seconds=worker_age))
        if json:
            self.stdout.write(_dumps([f.__dict__ for f in findings]))
        else:
            style = {doctor.OK: self.style.SUCCESS, doctor.WARN: self.style.WARNING,
                     doctor.FAIL: self.style.ERROR}
            for finding in findings:
                label = style[finding.status](f"{finding.status.upper():<4}")
                self.stdout.write(f"{label}  {finding.name:<14} {finding.message}")
        failed = [f.name for f in findings if f.status == doctor.FAIL]
        warned = sum(f.status == doctor.WARN for f in findings)
        if failed:
            raise CommandError(f"{len(failed)} checks failed ({', '.join(failed)}), "
                               f"{warned} warnings.")
        if not json:
            self.stdout.write(f"All {len(findings)} checks passed ({warned} warnings).")


def _dumps(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)

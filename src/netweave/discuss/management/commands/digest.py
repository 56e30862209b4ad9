"""``netweave digest``: send the daily and weekly digest e-mails that are due."""

from __future__ import annotations

import os
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from netweave.discuss.digest import send_digests
from netweave.discuss.models import Frequency


class Command(BaseCommand):
    help = ("Send the digest e-mails due for the last complete day (daily) and week (weekly); "
            "a period already sent is never sent again. Each e-mail is in its recipient's "
            "language: their choice, else their network's.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--frequency", choices=[Frequency.DAILY, Frequency.WEEKLY],
                            help="only this kind of digest (default: both)")
        parser.add_argument("--at", help="ISO 8601 moment to act as now (default: now)")
        parser.add_argument("--base-url", default=os.environ.get("NETWEAVE_BASE_URL",
                                                                 "http://localhost:8000"),
                            help="start of the links in the e-mails (default: "
                                 "$NETWEAVE_BASE_URL or http://localhost:8000)")
        parser.add_argument("--dry-run", action="store_true",
                            help="count what would be sent; send and record nothing")

    def handle(self, *args: object, **opts: object) -> None:
        at = timezone.now()
        if opts["at"]:
            try:
                at = datetime.fromisoformat(str(opts["at"]))
            except ValueError as exc:
                raise CommandError(f"--at: expected an ISO 8601 moment such as "
                                   f"2026-11-30T07:00+01:00, got {opts['at']!r}") from exc
            if timezone.is_naive(at):
                at = timezone.make_aware(at)
        base_url = str(opts["base_url"])
        if not base_url.startswith(("http://", "https://")):
            raise CommandError(f"--base-url: expected an http:// or https:// address, got "
                               f"{base_url!r}")
        frequencies = ((opts["frequency"],) if opts["frequency"]
                       else (Frequency.DAILY, Frequency.WEEKLY))
        run = send_digests(at, base_url=base_url, frequencies=frequencies,
                           dry_run=bool(opts["dry_run"]))
        verb = "would send" if opts["dry_run"] else "sent"
        self.stdout.write(f"digest: {verb} {run.sent}, nothing to tell {run.empty}, "
                          f"already done {run.skipped}, failed {run.failed}")
        if run.failed:
            raise SystemExit(1)

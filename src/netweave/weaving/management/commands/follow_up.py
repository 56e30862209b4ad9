"""``netweave follow_up``: e-mail introduced people who have not yet said whether they met.

    netweave follow_up [--days N] [--link-base URL]

Safe to run as often as you like (e.g. daily from cron): each person is asked once per
introduction, and only about introductions made at least ``--days`` days ago. Each
e-mail is in its recipient's language: their choice, else their network's.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from netweave.weaving.selectors import follow_up_days
from netweave.weaving.services import remind_follow_ups


class Command(BaseCommand):
    help = ("Ask people introduced at least --days days ago, who have not answered, whether "
            "they met and whether it was valuable (one e-mail per person and introduction).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None,
                            help="days after the introduction (default: the setting "
                                 f"NETWEAVE_FOLLOW_UP_DAYS, now {follow_up_days()})")
        parser.add_argument("--link-base", default="",
                            help="site address for the link, e.g. https://netweave.example")

    def handle(self, *args, days: int | None, link_base: str, **options) -> None:
        if days is not None and days < 0:
            raise CommandError("--days: expected a number of days, 0 or more")
        run = remind_follow_ups(after_days=days, link_base=link_base)
        self.stdout.write(f"follow-up e-mails sent: {run.sent}; failed: {run.failed}")
        if run.failed:
            raise SystemExit(1)

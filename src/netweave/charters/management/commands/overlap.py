"""``netweave overlap "<text>"``: existing networks or discussions like a draft, with reasons."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from netweave.charters import finder
from netweave.networks.models import CommunityType


class Command(BaseCommand):
    help = ("Show the existing networks (or discussions) most like a draft purpose or title, "
            "each with the reasons it was found.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("text", help="the draft purpose or discussion title")
        parser.add_argument("--kind", choices=["network", "discussion"], default="network")
        parser.add_argument("--top", type=int, default=5, help="how many hits (default 5)")
        parser.add_argument("--json", action="store_true", help="print JSON instead of text")
        parser.add_argument("--tags", default="", help="focus tags, comma-separated")
        parser.add_argument("--type", default="", help="community types, comma-separated")
        parser.add_argument("--region", default="", help="the draft's region")
        parser.add_argument("--lang", choices=["en", "nl"], default="en")
        parser.add_argument("--user", default="",
                            help="show only what this user name may see (default: everything)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["top"] < 1:
            raise CommandError("--top must be 1 or more")
        types = tuple(t.strip() for t in options["type"].split(",") if t.strip())
        unknown = [t for t in types if t not in CommunityType.values]
        if unknown:
            raise CommandError(f"unknown community type {unknown[0]!r}; use one of "
                               f"{', '.join(CommunityType.values)}")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"no user called {options['user']!r}")
        tags = tuple(t.strip() for t in options["tags"].split(",") if t.strip())
        with translation.override(options["lang"]):
            found = finder.find_overlap(
                user, options["text"], kinds=(options["kind"],), focus_tags=tags,
                community_types=types, region=options["region"], k=options["top"],
                lang=options["lang"], everything=user is None)
        rows = [{"kind": s.entry.kind, "id": s.entry.id, "title": s.entry.title,
                 "network": s.entry.network_slug, "score": round(s.hit.score, 4),
                 "active_participants": s.item.active_participants,
                 "days_since_last_contribution": s.item.days_since_last_contribution,
                 "reasons": s.hit.reasons} for s in found]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        with translation.override(options["lang"]):
            if not rows:
                self.stdout.write(_("No similar networks or discussions found."))
                return
            for i, row in enumerate(rows, 1):
                where = f" [{row['network']}]" if row["kind"] == "discussion" else ""
                score = _("score %(score)s") % {"score": f"{row['score']:.3f}"}
                self.stdout.write(f"{i}. {row['title']}{where} ({score})")
                for reason in row["reasons"]:
                    self.stdout.write(f"   - {reason}")

"""``netweave import <kind> <file> --network SLUG``: bring a network's history in.

Kinds: attendance, log, ical, mbox, slack, discourse (a file, or the forum's URL), meetup.
One import is one transaction: on any error nothing is changed. ``--dry-run`` reports what
would be added and changes nothing. Running the same import twice adds nothing the second
time.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from netweave.core import importers
from netweave.core.importers import discourse
from netweave.core.importers.errors import ParseError
from netweave.core.importers.limits import MB, LimitExceeded
from netweave.core.progress import ProgressBar
from netweave.imports.services import import_file, import_limits, limit_message
from netweave.networks.models import Network


class Command(BaseCommand):
    help = "Import attendance lists, interaction logs, calendars, mail archives, Slack, " \
           "Discourse or Meetup exports into a network."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=list(importers.KINDS))
        parser.add_argument("file", help="the file to import (discourse: a file or the "
                            "forum's https:// address)")
        parser.add_argument("--network", required=True, help="the network's short name")
        parser.add_argument("--dry-run", action="store_true",
                            help="report what would be imported; change nothing")
        parser.add_argument("--mapping", default="",
                            help="columns to fields, e.g. 'Naam deelnemer=person,Datum=time'")
        log = parser.add_argument_group("interaction logs (kind log)")
        log.add_argument("--columns", help="the columns of a file without a header, in "
                         "order, e.g. 'time,actor,target' (- skips a column)")
        log.add_argument("--time-origin", help="numeric times are seconds after this moment, "
                         "e.g. 2026-01-01T09:00; also the date of a log without times")
        log.add_argument("--contacts", type=float, metavar="SECONDS",
                         help="lines are undirected contact windows of this many seconds; "
                         "consecutive windows become one contact with its duration")
        sheets = parser.add_argument_group("attendance lists (kind attendance)")
        sheets.add_argument("--events", help="a table of the events (event, date[, location]) "
                            "the list names")
        sheets.add_argument("--date", help="the date of events without one (one period), e.g. "
                            "2026-03-01; default today")
        sheets.add_argument("--not-recorded", help="values of the attended column that mean "
                            "unknown, e.g. '0'")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")
        parser.add_argument("--json", action="store_true", dest="as_json",
                            help="print the result as JSON")
        limits = parser.add_argument_group(
            "limits", "raise the limits of the settings for this import (docs/import.md)")
        limits.add_argument("--max-mb", type=int, help="largest file (MB)")
        limits.add_argument("--max-unpacked-mb", type=int,
                            help="largest unpacked size of a zip or XLSX (MB)")
        limits.add_argument("--max-rows", type=int, help="most rows or records")
        limits.add_argument("--max-seconds", type=int, help="longest time (seconds)")

    def handle(self, *args, kind: str, file: str, network: str, dry_run: bool, mapping: str,
               no_progress: bool, as_json: bool, verbosity: int, max_mb: int | None,
               max_unpacked_mb: int | None, max_rows: int | None, max_seconds: int | None,
               columns: str | None = None, time_origin: str | None = None,
               contacts: float | None = None, events: str | None = None,
               date: str | None = None, not_recorded: str | None = None, **options) -> None:
        target = Network.objects.filter(slug=network).first()
        if target is None:
            raise CommandError(f"No network with the short name {network!r}.")
        limits = import_limits(
            max_bytes=max_mb * MB if max_mb else None, max_document=max_mb * MB if max_mb
            else None, max_unpacked=max_unpacked_mb * MB if max_unpacked_mb else None,
            max_rows=max_rows, seconds=max_seconds).started()
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(file)
            try:
                if kind == "discourse" and file.startswith(("http://", "https://")):
                    path = Path(tmp) / "discourse.zip"
                    _save_topics(discourse.fetch(file), path)
                elif not path.is_file():
                    raise CommandError(f"{file}: no such file.")
                with ProgressBar(not no_progress, 1, width=28) as bar:
                    result = import_file(target, kind, path, name=Path(file).name,
                                         mapping=mapping or None, dry_run=dry_run,
                                         progress=_reporter(bar, self, verbosity),
                                         limits=limits, options={
                                             "columns": columns, "time_origin": time_origin,
                                             "contacts": contacts, "events": events,
                                             "date": date, "not_recorded": not_recorded})
            except LimitExceeded as exc:
                raise CommandError(f"{limit_message(exc)} Nothing was imported.") from exc
            except ParseError as exc:
                raise CommandError(f"{exc}. Nothing was imported.") from exc
        if as_json:
            self.stdout.write(_dumps(result))
            return
        self.stdout.write(_summary(result))


def _save_topics(topics: list[dict], path: Path) -> None:
    """Fetched topics as a zip of one JSON file per topic, read like a saved export (each
    topic held to the document limit, all of them to the unpacked limit)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for k, topic in enumerate(topics, start=1):
            zf.writestr(f"t/{k:05d}.json", json.dumps(topic, ensure_ascii=False))


def _dumps(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


def _reporter(bar: ProgressBar, command: BaseCommand, verbosity: int):
    def report(done: int, total: int, message: str = "") -> None:
        if bar.bar is not None:
            bar.bar.update(bar.task, total=max(total, 1), completed=done, description=message)
        if verbosity >= 2:
            command.stdout.write(f"progress {done}/{total} {message}")
            command.stdout.flush()
    return report


def _summary(result: dict) -> str:
    lines = []
    head = "Dry run: nothing was changed." if result["dry_run"] else "Imported."
    if result.get("already_imported"):
        head += f" This file was imported before ({result['already_imported']}); " \
                "nothing new was added."
    lines.append(f"{result['file']} ({result['kind']}): {head}")
    found, added = result["found"], result["added"]
    width = max(len(k) for k in (*found, *added))
    added_head = "would add" if result["dry_run"] else "added"
    lines.append(f"{'':<{width}}  {'in file':>10}  {added_head:>10}")
    for key in dict.fromkeys([*found, *added]):
        if not found.get(key) and not added.get(key):
            continue
        f = found.get(key, "")
        lines.append(f"{key:<{width}}  {f!s:>10}  {added.get(key, '')!s:>10}")
    shown = result.get("preview")
    if shown and shown["from"]:
        lines.append(f"From {shown['from'][:16]} to {shown['to'][:16]} (UTC); activity by "
                     "kind: " + ", ".join(f"{k} {n:,}" for k, n in shown["kinds"].items()))
        lines.append("First rows as they will be read:")
        lines.extend("  " + row for row in shown["first_rows"])
    lines.extend(result.get("notes", []))
    if added.get("review"):
        lines.append(f"{added['review']} uncertain merge(s) to review on the network's "
                     "import page.")
    return "\n".join(lines)

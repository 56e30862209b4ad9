"""``netweave report``: a report of one network, from the database or from files.

    netweave report --network <slug or id> [--days 90] [--end ISO] [--lang en|nl] [--out DIR]
    netweave report --interactions FILE [--attendance FILE] [--attributes FILE]
                    [--timezone ZONE] [--days 90] [--end ISO] [--lang en|nl] [--out DIR]

Writes ``DIR/report.html``, ``DIR/report.json``, ``DIR/ties.graphml`` and ``DIR/ties.gexf``
(default ``DIR``: ``./report-<slug or file stem>``), with a progress bar on stderr.

The file branch never touches the database, so it works without ``migrate``. Files are read
completely before anything is written: a bad line stops the command with the file, the line
and what was expected, and no file is written.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.management.base import BaseCommand, CommandError, CommandParser

from netweave.core import importers
from netweave.core.measure.data import NetworkData, Period, default_end
from netweave.core.progress import ProgressBar
from netweave.core.report import BUILD_STEPS, REPORT_FILES, build_report, write_report
from netweave.core.report.layout import PEOPLE_LIMIT


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


_positive.__name__ = "positive integer"


class Command(BaseCommand):
    help = (
        "Write a report of one network and period: report.html (health card, plots, "
        "retention, network map, brokers, value stories, topic drift; one self-contained "
        "file), report.json (the same figures), and ties.graphml / ties.gexf (the tie graph "
        "for Gephi, Kumu or NetworkX). Give --network for a network in the database, or "
        "--interactions and/or --attendance for files (no database needed)."
    )
    # The file branch must work on an empty or unmigrated database: no checks that touch it.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        source = parser.add_argument_group("source (one of)")
        source.add_argument("--network", help="short name (slug) or id of a network")
        source.add_argument("--interactions", type=Path,
                            help="interaction log (actor, target, time[, kind[, channel"
                                 "[, weight]]]) or any file `netweave import` reads: an mbox "
                                 "archive, calendar, Slack, Discourse or Meetup export")
        source.add_argument("--attendance", type=Path,
                            help="attendance list: person, event[, time[, channel]]")
        reading = parser.add_argument_group("reading files (as `netweave import` does)")
        reading.add_argument("--kind", choices=[k for k in importers.KINDS
                                                if k != "attendance"],
                             help="the kind of the --interactions file (default: by its "
                                  "ending, .mbox mbox, .ics ical, .zip slack, else log)")
        reading.add_argument("--mapping", default="",
                             help="columns to fields, e.g. 'Naam deelnemer=person,Datum=time'")
        for option, text in (("--columns", "columns of a log without a header, e.g. "
                                           "time,actor,target"),
                             ("--time-origin", "numeric log times are seconds after this"),
                             ("--contacts", "log lines are contact windows of this many "
                                            "seconds"),
                             ("--events", "a table of the events the attendance list names"),
                             ("--date", "the date of undated events")):
            reading.add_argument(option, help=text)
        parser.add_argument("--attributes", type=Path,
                            help="attributes (with files): person, sector[, organisation]")
        parser.add_argument("--timezone", default="Europe/Amsterdam",
                            help="time zone of times without one in the files, and of --end "
                                 "(default Europe/Amsterdam; the network's own for --network)")
        parser.add_argument("--days", type=_positive, default=90,
                            help="length of the period in days (default 90)")
        parser.add_argument("--end", help="end of the period, ISO 8601 (default: now, or the "
                                          "day after the last activity when nothing "
                                          "happened in the last --days)")
        parser.add_argument("--lang", choices=["en", "nl"],
                            help="language of the report (default: the network's own for "
                                 "--network, else en)")
        parser.add_argument("--out", type=Path, help="output directory "
                                                     "(default ./report-<slug or file stem>)")
        parser.add_argument("--map-limit", type=_positive, default=PEOPLE_LIMIT,
                            help="above this many people the map shows clusters "
                                 f"(default {PEOPLE_LIMIT})")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, network: str | None, interactions: Path | None,
               attendance: Path | None, attributes: Path | None, timezone: str, days: int,
               end: str | None, lang: str | None, out: Path | None, map_limit: int,
               no_progress: bool, kind: str | None = None, mapping: str = "",
               **options) -> None:
        if network is not None and (interactions or attendance or attributes):
            raise CommandError("Give either --network or files (--interactions, "
                               "--attendance, --attributes), not both.")
        if network is None and not (interactions or attendance):
            raise CommandError("Nothing to report on: give --network <slug or id>, or "
                               "--interactions FILE and/or --attendance FILE.")
        started = time.perf_counter()
        with ProgressBar(not no_progress, 1 + len(BUILD_STEPS) + len(REPORT_FILES), width=22,
                         done="done") as bar:
            if network is not None:
                data, labels, title, stem, tz = self._from_database(network, bar)
            else:
                data, labels, title, stem, tz = self._from_files(
                    interactions, attendance, attributes, timezone, bar, kind=kind,
                    mapping=mapping, options=options)
            quiet = False
            if end:
                period_end = _end(end, tz)
            else:
                period_end, quiet = default_end(data.log, datetime.now(UTC), days, tz)
            if quiet:
                last = (period_end - timedelta(microseconds=1)).astimezone(tz)
                self.stderr.write(
                    f"Nothing happened in the {days} days up to today: the period ends at the "
                    f"last activity ({last:%Y-%m-%d}) instead (--end chooses another end).")
            period = Period(period_end - timedelta(days=days), period_end)
            lang = lang or self.network_language
            report = build_report(data, period, lang=lang, labels=labels, title=title,
                                  timezone=tz.key, limit=map_limit, progress=bar.step,
                                  ends_at_last_activity=quiet)
            directory = out or Path(f"report-{stem}")
            paths = write_report(report, directory, progress=bar.step)
        elapsed = time.perf_counter() - started
        people = report.graph.n
        first, last = period.start.astimezone(tz), period.end.astimezone(tz)
        self.stdout.write(
            f"Report of {title or stem} from {first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M} "
            f"({tz.key}; {people} people in the tie graph, map of {report.layout.kind}) "
            f"in {elapsed:.1f} s:")
        for path in paths:
            self.stdout.write(f"  {path}")

    #: The report's language when --lang is not given: the network's own for --network.
    network_language = "en"

    def _from_database(self, network: str, bar: ProgressBar
                       ) -> tuple[NetworkData, list[str], str, str, ZoneInfo]:
        from netweave.dashboard.reading import network_data
        from netweave.networks.models import Network
        from netweave.networks.selectors import by_reference, network_tz

        bar.step("read")
        query = Network.objects.filter(slug=network)
        if network.isdigit():
            query = query | Network.objects.filter(pk=int(network))
        found = query.first()
        if found is None:
            known = list(Network.objects.order_by("slug").values_list("slug", flat=True)[:20])
            hint = (f" Known networks: {', '.join(known)}." if known
                    else " The database holds no networks (try `netweave demo`).")
            raise CommandError(f"No network with the short name or id {network!r}.{hint}")
        # People by their references in the network: no global id leaves in the files.
        data, labels = by_reference(found, network_data(found))
        self.network_language = found.language
        return data, labels, found.name, found.slug, network_tz(found)

    def _from_files(self, interactions: Path | None, attendance: Path | None,
                    attributes: Path | None, timezone: str, bar: ProgressBar, *,
                    kind: str | None = None, mapping: str = "",
                    options: dict | None = None
                    ) -> tuple[NetworkData, list[str], str, str, ZoneInfo]:
        from netweave.core.importers.engine import to_file_data
        from netweave.core.importers.errors import ParseError

        try:
            tz = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise CommandError(f"Unknown time zone {timezone!r} (expected a name such as "
                               "Europe/Amsterdam or UTC).") from exc
        bar.step("read")
        options = options or {}
        try:
            batches = []
            if interactions is not None:
                found = kind or _kind_of(interactions)
                batches.append(importers.parse(
                    found, interactions, mapping=mapping or None, timezone=timezone,
                    options={k: options.get(k) for k in importers.OPTIONS.get(found, ())}))
            if attendance is not None:
                batches.append(importers.parse(
                    "attendance", attendance, mapping=mapping or None, timezone=timezone,
                    options={k: options.get(k)
                             for k in importers.OPTIONS["attendance"]}))
            files = to_file_data(batches, attributes=attributes)
        except OSError as exc:
            raise CommandError(f"{exc}. No report was written.") from exc
        except ParseError as exc:
            raise CommandError(f"{exc}. No report was written.") from exc
        for batch in batches:
            for note in batch.notes:
                self.stderr.write(f"{batch.file}: {note}")
        stem = (interactions or attendance).stem  # type: ignore[union-attr]
        return files.data, files.labels, stem, stem, tz


def _kind_of(path: Path) -> str:
    """The import kind of a file by its ending (a log unless it says otherwise)."""
    return {".mbox": "mbox", ".mbx": "mbox", ".ics": "ical", ".zip": "slack",
            ".json": "discourse"}.get(path.suffix.lower(), "log")


def _end(text: str, tz: ZoneInfo) -> datetime:
    """The period's end from ``--end`` (a time without a zone is in ``tz``)."""
    try:
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise CommandError(f"--end {text!r} is not an ISO 8601 date or time "
                           "(e.g. 2026-07-01 or 2026-07-01T00:00+02:00).") from exc
    if at.tzinfo is None:
        at = at.replace(tzinfo=tz)
    return at.astimezone(UTC)

"""``netweave demo``: generate the two demo networks and load them into the database."""

from __future__ import annotations

import time
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from netweave.core.demo import MAIN_SLUG, PASSWORD, PEER_SLUG, generate_all, start_for_end
from netweave.networks.demo_loader import load_many
from netweave.networks.models import Activity, Event, Membership, Network


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


def _count(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


def _day(value: str) -> date:
    return date.fromisoformat(value)


_positive.__name__ = "positive integer"
_count.__name__ = "non-negative integer"
_day.__name__ = "date (YYYY-MM-DD)"


class Command(BaseCommand):
    help = (
        "Generate and load the two demo networks: 'Energieregio Rivierenland' (a Dutch, hybrid "
        "regional energy-transition network; --people, --months, --events apply to it) and "
        "'Carers' Circle' (an online-only, pseudonymous peer-support circle of 20 people over "
        "the last 12 months). The history ends today, or on --end. Log in as 'facilitator' or "
        "'facilitator2' (facilitators of Energieregio Rivierenland), 'member' (one of its "
        f"members), 'circle-facilitator' or 'circle-member'; every password is '{PASSWORD}'. "
        "Refuses when a demo network exists already."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=_positive, default=150,
                            help="members of the main network, at least 10 (default 150)")
        parser.add_argument("--months", type=_positive, default=24,
                            help="months of history (default 24)")
        parser.add_argument("--events", type=_count, default=None,
                            help="events of the main network (default: about 1.25 a month)")
        parser.add_argument("--seed", type=int, default=42,
                            help="random seed; the same seed gives the same data (default 42)")
        parser.add_argument("--end", type=_day, default=None,
                            help="the day the history ends, YYYY-MM-DD (default: today, UTC); "
                                 "with --seed, the same data on any day")
        parser.add_argument("--if-empty", action="store_true",
                            help="do nothing when the database holds any network")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, people: int, months: int, events: int | None, seed: int,
               end: date | None, if_empty: bool, no_progress: bool, **options) -> None:
        if if_empty and Network.objects.exists():
            self.stdout.write("The database holds networks already; the demo was not loaded.")
            return
        clash = list(Network.objects.filter(slug__in=[MAIN_SLUG, PEER_SLUG])
                     .values_list("slug", flat=True))
        if clash:
            raise CommandError(
                f"A network with the short name {', '.join(sorted(clash))} exists already; "
                "the demo was not loaded. Load it into an empty database, or delete that "
                "network first.")
        started = time.perf_counter()
        try:
            start = None if end is None else start_for_end(end, months)
            demos = generate_all(seed=seed, people=people, months=months, events=events,
                                 start=start)
        except ValueError as exc:
            raise CommandError(f"The demo was not loaded: {exc}.") from exc
        generated = time.perf_counter()
        before = Activity.objects.count()
        try:
            networks = load_many(demos, progress=not no_progress)
        except ValidationError as exc:
            raise CommandError(f"The demo was not loaded: {'; '.join(exc.messages)}") from exc
        done = time.perf_counter()
        rows = Activity.objects.count() - before

        for network in networks:
            members = Membership.objects.filter(network=network).count()
            held = Event.objects.filter(network=network).count()
            self.stdout.write(f"{network.name} ({network.slug}): {members} people, "
                              f"{held} events")
        logins = list(get_user_model().objects
                      .filter(person__memberships__network__in=networks)
                      .values_list("username", flat=True).order_by("username"))
        self.stdout.write(
            f"{len(networks)} networks, {rows} activity rows in {done - started:.1f} s "
            f"(generate {generated - started:.1f} s, load {done - generated:.1f} s).")
        if logins:
            self.stdout.write(f"Log in as {', '.join(logins)} with password '{PASSWORD}'.")

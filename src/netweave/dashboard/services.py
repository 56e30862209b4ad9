"""Writes of the dashboard: compute a network's figure snapshot or report page, or queue
their computation.

:func:`compute_snapshot` runs the Measure engine (it is what the ``dashboard.measure`` job
and ``netweave measure`` call), :func:`compute_report` builds the full report page (the
``dashboard.report`` job); :func:`request_snapshot`, :func:`network_page_card` and
:func:`report_page` are what pages call: they never compute, they queue a job when what
they show is missing or stale and none is queued yet.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from netweave.core import activity as act
from netweave.core.measure import card as card_module
from netweave.core.measure.data import NetworkData, Period, default_end
from netweave.core.measure.engine import STEPS, measure
from netweave.core.present import card_rows
from netweave.core.report import BUILD_STEPS, build_report
from netweave.core.report.export import node_attributes, to_jsonable
from netweave.core.report.layout import PEOPLE_LIMIT, network_layout
from netweave.networks.models import Network
from netweave.networks.permissions import Access, Capability
from netweave.networks.selectors import by_reference, network_tz

from .models import ReportPage, Snapshot
from .periods import DEFAULT_DAYS, PeriodChoice, period_from_key
from .reading import UnknownNetwork, network_data

if TYPE_CHECKING:
    from netweave.core.measure.engine import Measurement
    from netweave.jobs.models import Job

#: The job kind that computes a snapshot (payload ``{"period": key}``).
JOB_KIND = "dashboard.measure"
#: The job kind that builds a report page (payload ``{"lang": "en"}``).
REPORT_JOB_KIND = "dashboard.report"
#: Languages the health card is stored in.
LANGUAGES = ("en", "nl")
#: A standard period's snapshot older than this is refreshed when a page asks for it.
DEFAULT_MAX_AGE = timedelta(hours=1)

Progress = Callable[[int, int, str], None]


class NoData(LookupError):
    """The network's data cannot be read (it is not committed yet)."""


def max_age() -> timedelta:
    """How old a standard period's snapshot may get (setting ``NETWEAVE_DASHBOARD_MAX_AGE``,
    seconds) before a page asks for a fresh one."""
    seconds = getattr(settings, "NETWEAVE_DASHBOARD_MAX_AGE", None)
    return DEFAULT_MAX_AGE if seconds is None else timedelta(seconds=float(seconds))


def _first_months(data: NetworkData, people: np.ndarray, months: list[str]) -> list[int]:
    """Per person (in ``people``' order) the index in ``months`` of their first
    contribution's month (0 when earlier than the first month; the last when none)."""
    log = data.log
    firsts = (log.filter(pl.col("kind").is_in(sorted(act.CONTRIBUTION_KINDS)))
              .group_by("actor").agg(pl.col("at").min().alias("first")))
    first = {int(a): f.strftime("%Y-%m") for a, f in
             zip(firsts.get_column("actor").to_list(), firsts.get_column("first").to_list(),
                 strict=True) if a is not None}
    where = {m: i for i, m in enumerate(months)}
    last = max(len(months) - 1, 0)
    out = []
    for p in people.tolist():
        month = first.get(int(p))
        if month is None:
            out.append(last)
        elif month < (months[0] if months else month):
            out.append(0)
        else:
            out.append(where.get(month, last))
    return out


def _graph(data: NetworkData, figures: dict[str, Any],
           measured: Measurement) -> dict[str, Any]:
    graph = measured.graph
    attributes = node_attributes(graph, figures, people=data.people)
    limit = int(getattr(settings, "NETWEAVE_MAP_PEOPLE_LIMIT", PEOPLE_LIMIT))
    layout = network_layout(graph, clusters=attributes.get("cluster"), attributes=attributes,
                            limit=limit)
    out = to_jsonable(layout.to_dict(decimals=2))
    months = [row["month"] for row in figures["series"]["activity"]]
    out["months"] = months
    if layout.kind == "people":
        out["attributes"]["since"] = _first_months(data, layout.ids, months)
        out["isolates"] = int(sum(1 for d in attributes.get("degree", []) if not d))
    return out


def _cards(figures: dict[str, Any]) -> dict[str, Any]:
    """The engine's language-neutral health card and lifecycle stage put in words, in every
    language of :data:`LANGUAGES`."""
    out = {}
    for lang in LANGUAGES:
        out[lang] = {"rows": card_rows(figures["card"], lang),
                     "lifecycle": card_module.lifecycle_sentence(figures["lifecycle"], lang)}
    return out


def compute_snapshot(network: Network, period_key: str, *,
                     progress: Progress | None = None) -> Snapshot:
    """Measure ``network`` over the period ``period_key`` and store (replace) its snapshot.

    Raises :class:`NoData` when the network's data cannot be read and
    :class:`~.periods.PeriodError` for a malformed key.
    """
    report = progress or (lambda done, total, message="": None)
    choice = period_from_key(period_key)
    started = time.perf_counter()
    moment = timezone.now()
    start, end = choice.bounds(network_tz(network), moment)
    total = len(STEPS) + 2
    report(0, total, "read")
    try:
        data = network_data(network)
    except UnknownNetwork as exc:
        raise NoData(str(exc)) from exc
    done = [1]

    def step(name: str) -> None:
        report(done[0], total, name)
        done[0] += 1

    measured = measure(data, Period(start, end), progress=step)
    figures = to_jsonable(measured.figures)
    report(total - 1, total, "layout")
    graph = _graph(data, figures, measured)
    figures["structure"].pop("per_person", None)
    figures["reciprocity"].pop("per_person", None)
    cards = _cards(figures)
    with transaction.atomic():
        snapshot, _created = Snapshot.objects.update_or_create(
            network=network, period=choice.key,
            defaults={"start": start, "end": end, "computed_at": timezone.now(),
                      "seconds": time.perf_counter() - started, "figures": figures,
                      "cards": cards, "graph": graph},
        )
    report(total, total, "done")
    return snapshot


def is_stale(snapshot: Snapshot, choice: PeriodChoice) -> bool:
    """Whether a page should ask for a fresh ``snapshot``: a standard period older than
    :func:`max_age`; a custom period that was computed before its last day was over."""
    if choice.days is not None:
        return timezone.now() - snapshot.computed_at > max_age()
    return snapshot.computed_at < snapshot.end <= timezone.now()


def pending_job(network: Network, period_key: str) -> Job | None:
    """The queued or running snapshot job of ``network`` and ``period_key``, if any."""
    return _pending(JOB_KIND, network, period=period_key)


def _pending(kind: str, network: Network, **payload: str) -> Job | None:
    from netweave.jobs.models import Job, JobStatus

    return (Job.objects.filter(kind=kind, network=network, status__in=[JobStatus.QUEUED,
                                                                       JobStatus.RUNNING],
                               **{f"payload__{k}": v for k, v in payload.items()})
            .order_by("-created_at").first())


class JobRefused(Exception):
    """A measuring job this client may not queue now; the message says why, ``wait`` how
    many seconds until it may."""

    def __init__(self, message: str, wait: int) -> None:
        super().__init__(message)
        self.wait = wait


def may_choose_period(grant: Access) -> bool:
    """Whether the viewer may ask for a custom period (each one is a new job): members and
    facilitators of the network, and staff."""
    return grant.can(Capability.TAKE_PART) or grant.can(Capability.FACILITATE)


def custom_period_refused() -> str:
    """Why a custom period is refused to someone who does not take part in the network."""
    return _("Only the network's members can choose their own period; the last 28, 90 or "
             "365 days are open to everyone.")


def request_snapshot(network: Network, choice: PeriodChoice,
                     user: AbstractBaseUser | AnonymousUser | None = None, *,
                     client: str | None = None) -> Job:
    """Queue a ``dashboard.measure`` job for ``network`` and ``choice`` unless one is
    already queued or running; returns that job.

    With ``client`` (:func:`netweave.kit.net.client_key` of the request) a new job for a
    custom period counts against that client's limit (``NETWEAVE_MEASURE_JOBS_PER_CLIENT``
    within ``NETWEAVE_MEASURE_JOBS_WINDOW`` seconds); beyond it :class:`JobRefused` is
    raised. The standard periods are a few per network, so they are not counted. A job
    already queued for the same period is returned and counts nothing."""
    from netweave.jobs.services import enqueue
    from netweave.kit import counters

    job = pending_job(network, choice.key)
    if job is not None:
        return job
    if client is not None and choice.is_custom:
        window = int(getattr(settings, "NETWEAVE_MEASURE_JOBS_WINDOW", 3600))
        count = counters.hit(counters.key("measure-jobs", client), window)
        if count.count > int(getattr(settings, "NETWEAVE_MEASURE_JOBS_PER_CLIENT", 10)):
            minutes = max(1, -(-count.wait() // 60))
            raise JobRefused(ngettext(
                "You have asked for too many new figures. Please wait %(minutes)d minute "
                "and try again.",
                "You have asked for too many new figures. Please wait %(minutes)d minutes "
                "and try again.", minutes) % {"minutes": minutes}, count.wait())
    return enqueue(JOB_KIND, {"period": choice.key}, network=network,
                   user=user if user is not None and user.is_authenticated else None)


def network_page_card(network: Network, lang: str,
                      user: AbstractBaseUser | AnonymousUser | None = None) -> dict | None:
    """The 90-day health card for the network page from the stored snapshot, or None while
    it is being computed (a job is queued when it is missing or stale; nothing is measured
    here). ``{"start", "end", "computed_at", "rows", "lifecycle"}``, texts in ``lang``."""
    from .periods import parse_period

    choice = parse_period()
    snapshot = (Snapshot.objects.filter(network=network, period=choice.key)
                .only("pk", "start", "end", "computed_at", "cards").first())
    if snapshot is None or is_stale(snapshot, choice):
        request_snapshot(network, choice, user)
        if snapshot is None:
            snapshot = (Snapshot.objects.filter(network=network, period=choice.key)
                        .only("pk", "start", "end", "computed_at", "cards").first())
    if snapshot is None:
        return None
    card = snapshot.cards.get(lang) or snapshot.cards.get("en") or {}
    return {"start": snapshot.start, "end": snapshot.end, "computed_at": snapshot.computed_at,
            "rows": card.get("rows", []), "lifecycle": card.get("lifecycle") or {}}


def compute_report(network: Network, lang: str, *,
                   progress: Progress | None = None) -> ReportPage:
    """Build the full report page of ``network`` (:mod:`netweave.core.report`) over the
    dashboard's default number of days up to the report's default end
    (:func:`~netweave.core.measure.data.default_end`), in ``lang``, and store (replace) it.

    People appear in it by their references in the network
    (:func:`~netweave.networks.selectors.by_reference`), never by name or global id.
    Raises :class:`NoData` when the network's data cannot be read.
    """
    report = progress or (lambda done, total, message="": None)
    started = time.perf_counter()
    total = len(BUILD_STEPS) + 2
    report(0, total, "read")
    try:
        data, labels = by_reference(network, network_data(network))
    except UnknownNetwork as exc:
        raise NoData(str(exc)) from exc
    tz = network_tz(network)
    end, quiet = default_end(data.log, timezone.now(), DEFAULT_DAYS, tz)
    period = Period.ending(end, days=DEFAULT_DAYS)
    done = [1]

    def step(name: str) -> None:
        report(done[0], total, name)
        done[0] += 1

    built = build_report(data, period, lang=lang, labels=labels, timezone=str(tz),
                         ends_at_last_activity=quiet, progress=step)
    html = built.html()
    with transaction.atomic():
        page, _created = ReportPage.objects.update_or_create(
            network=network, lang=lang,
            defaults={"start": period.start, "end": period.end, "computed_at": timezone.now(),
                      "seconds": time.perf_counter() - started, "html": html},
        )
    report(total, total, "done")
    return page


def report_page(network: Network, lang: str,
                user: AbstractBaseUser | AnonymousUser | None = None
                ) -> tuple[ReportPage | None, Job | None]:
    """The stored report page of ``network`` in ``lang`` (None while it is being built)
    and the job building a fresh one, if any: a ``dashboard.report`` job is queued when the
    page is missing or older than :func:`max_age` and none is queued yet. Nothing is
    measured here."""
    from netweave.jobs.services import enqueue

    page = ReportPage.objects.filter(network=network, lang=lang).defer("html").first()
    job = None
    if page is None or timezone.now() - page.computed_at > max_age():
        job = _pending(REPORT_JOB_KIND, network, lang=lang) or enqueue(
            REPORT_JOB_KIND, {"lang": lang}, network=network,
            user=user if user is not None and user.is_authenticated else None)
        if job.is_finished:  # run at once (NETWEAVE_JOBS_EAGER)
            page = ReportPage.objects.filter(network=network, lang=lang).defer("html").first()
            job = job if page is None else None
    return page, job

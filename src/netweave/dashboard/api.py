"""Dashboard API: a network's map and the freshness of its figures (under ``/api/dashboard``).

Who may read: whoever sees the network's contents (a secret network is a 404 to outsiders,
a closed one a 403): anonymous visitors (public networks), a session, or a personal API
token, which reaches its owner's closed and secret networks as the session does.
Nothing is computed here: without a snapshot the answer says so and a job is queued.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from ninja import Field, Router, Schema, Status

from netweave.kit.net import client_key
from netweave.networks.apikit import ErrorOut
from netweave.networks.permissions import Capability, network_for
from netweave.trust.auth import PUBLIC_READ_AUTH

from . import selectors, services
from .periods import PeriodError, parse_period

PREFIX = "/dashboard"
router = Router(tags=["dashboard"], auth=PUBLIC_READ_AUTH)


class JobOut(Schema):
    id: int
    status: str
    done: int
    total: int
    message: str


class StatusOut(Schema):
    period: str
    ready: bool
    computed_at: str | None = None
    stale: bool = False
    job: JobOut | None = None




class MapAttributes(Schema):
    sector: list[str] | None = None
    cluster: list[int | None] | None = None
    coreness: list[int | None] | None = None
    betweenness: list[float | None] | None = None
    degree: list[int | None] | None = None
    articulation: list[bool] | None = None
    active: list[int | bool] | None = None
    since: list[int] | None = None
    sector_share: list[float] | None = None
    internal_ties: list[int] | None = None


class PeriodOut(Schema):
    start: str
    end: str


class MapOut(Schema):
    kind: str
    people: int
    limit: int
    seed: int
    ids: list[str] | list[int] = Field(description=(
        "per point: the person's reference in this network (kind \"people\"), or the "
        "cluster's number (kind \"clusters\"); never a global person id"))
    x: list[float]
    y: list[float]
    size: list[int]
    u: list[int]
    v: list[int]
    w: list[float]
    names: list[str] | None = None
    attributes: MapAttributes
    months: list[str]
    isolates: int | None = None
    sector_labels: dict[str, str]
    computed_at: str
    period: PeriodOut


def _choice(days: str | None, start: str | None, end: str | None):
    try:
        return parse_period(days, start, end)
    except PeriodError as exc:
        raise _BadPeriod(str(exc)) from exc


class _BadPeriod(Exception):
    pass


def _job_out(job) -> JobOut | None:
    if job is None:
        return None
    info = job.progress_info()
    return JobOut(id=job.pk, status=job.status, done=info.get("done", 0),
                  total=info.get("total", 0), message=info.get("message", ""))


@router.get("/networks/{slug}/status", response={200: StatusOut, 400: ErrorOut},
            summary="Freshness of a network's figures", url_name="dashboard_status")
def status(request: HttpRequest, slug: str, days: str | None = None, start: str | None = None,
           end: str | None = None):
    """Whether the figures of the period are ready, when they were computed, and the job
    computing them (if any)."""
    grant = network_for(request.user, slug, Capability.SEE_CONTENTS)
    try:
        choice = _choice(days, start, end)
    except _BadPeriod as exc:
        return Status(400, ErrorOut(detail=str(exc)))
    fresh = selectors.freshness(grant.network, choice)
    return Status(200, StatusOut(
        period=choice.key, ready=fresh.snapshot is not None,
        computed_at=fresh.computed_at.isoformat() if fresh.computed_at else None,
        stale=fresh.stale, job=_job_out(fresh.job)))


@router.get("/networks/{slug}/map", response={200: MapOut, 202: StatusOut, 400: ErrorOut,
                                              403: ErrorOut, 429: ErrorOut},
            summary="A network's map", url_name="dashboard_map")
def network_map(request: HttpRequest, slug: str, days: str | None = None,
                start: str | None = None, end: str | None = None):
    """Points (people up to 5,000, else clusters), ties, per-point attributes and shown
    names (pseudonyms kept) of the period's tie graph, laid out on the server. 202 with the
    job when the figures are still being computed; 403 for a custom period asked by someone
    who does not take part in the network; 429 when this client has queued too many jobs."""
    grant = network_for(request.user, slug, Capability.SEE_CONTENTS)
    network = grant.network
    try:
        choice = _choice(days, start, end)
    except _BadPeriod as exc:
        return Status(400, ErrorOut(detail=str(exc)))
    if choice.is_custom and not services.may_choose_period(grant):
        return Status(403, ErrorOut(detail=services.custom_period_refused()))
    meta = (selectors.Snapshot.objects.filter(network=network, period=choice.key)
            .only("pk", "computed_at").first())
    if meta is None:
        try:
            job = services.request_snapshot(network, choice, request.user,
                                            client=client_key(request))
        except services.JobRefused as exc:
            response = HttpResponse(json.dumps({"detail": str(exc)}), status=429,
                                    content_type="application/json")
            response["Retry-After"] = str(exc.wait)
            return response
        meta = (selectors.Snapshot.objects.filter(network=network, period=choice.key)
                .only("pk", "computed_at").first())
        if meta is None:
            return Status(202, StatusOut(period=choice.key, ready=False,
                                         job=_job_out(job)))
    lang = (get_language() or "en").split("-")[0]
    key = f"netweave:dashboard:map:{meta.pk}:{meta.computed_at.timestamp()}:{lang}"

    def build() -> bytes:
        snapshot = selectors.Snapshot.objects.get(pk=meta.pk)
        return json.dumps(selectors.map_payload(network, snapshot),
                          separators=(",", ":")).encode()

    body = selectors.reuse(key, build)
    response = HttpResponse(body, content_type="application/json")
    response["Cache-Control"] = "private, max-age=60"
    return response

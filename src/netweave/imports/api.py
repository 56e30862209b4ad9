"""REST API of imports (facilitators only): upload a file to import as a background job,
follow the run, list runs, and review uncertain merges. A secret network is a 404."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import File, Form, Router, Schema, UploadedFile
from ninja.errors import HttpError

from netweave.networks.models import Network
from netweave.networks.permissions import Capability, network_for

from . import selectors, services
from .models import ImportRun, ReviewItem

PREFIX = "/import"
router = Router(tags=["import"])

Kind = Literal["attendance", "log", "ical", "mbox", "slack", "discourse", "meetup"]


class ProgressOut(Schema):
    done: int
    total: int
    message: str


class RunOut(Schema):
    id: int
    kind: str
    file: str
    dry_run: bool
    status: Literal["queued", "running", "done", "failed"]
    error: str
    found: dict[str, int]
    added: dict[str, int]
    #: How the file was read besides the mapping (columns, time_origin, contacts, date,
    #: not_recorded; an events file as "events": true).
    options: dict[str, str | bool]
    #: Date range ("from", "to"), activity rows per kind and the first rows as read (null
    #: in a pseudonymous network), with the importer's notes.
    preview: dict[str, object]
    progress: ProgressOut
    created_at: datetime
    finished_at: datetime | None


class ReviewOut(Schema):
    id: int
    person: str
    other: str
    incoming: str
    reason: Literal["name_only", "email_differs"]
    status: Literal["open", "confirmed", "dismissed"]
    source: str


class DecisionIn(Schema):
    decision: Literal["confirmed", "dismissed", "open"]


def _network(request: HttpRequest, slug: str) -> Network:
    try:
        return network_for(request.user, slug, Capability.FACILITATE).network
    except PermissionDenied as exc:
        raise HttpError(403, "Only the network's facilitators may import.") from exc


def _run_out(run: ImportRun) -> RunOut:
    info = selectors.progress(run)
    return RunOut(id=run.pk, kind=run.kind, file=run.file_name, dry_run=run.dry_run,
                  status=run.status, error=run.error, found=run.found or {},
                  added=run.added or {},
                  options={k: (True if k == "events" else v)
                           for k, v in (run.options or {}).items()},
                  preview=run.preview or {},
                  progress=ProgressOut(done=info["done"], total=info["total"],
                                       message=info.get("message", "")),
                  created_at=run.created_at, finished_at=run.finished_at)


@router.post("/{slug}/runs", response=RunOut)
def start(request: HttpRequest, slug: str, kind: Form[Kind], file: File[UploadedFile],
          mapping: Form[str] = "", dry_run: Form[bool] = False, columns: Form[str] = "",
          time_origin: Form[str] = "", contacts: Form[str] = "", date: Form[str] = "",
          not_recorded: Form[str] = "",
          events: File[UploadedFile | None] = None) -> RunOut:
    """Upload a file and import it as a background job (at once when jobs run eagerly).

    Reading options as on the command line: ``columns``, ``time_origin`` and ``contacts``
    (seconds) for a log; ``events`` (a table of the events), ``date`` and ``not_recorded``
    for an attendance list."""
    network = _network(request, slug)
    options = {"columns": columns, "time_origin": time_origin, "contacts": contacts,
               "date": date, "not_recorded": not_recorded}
    try:
        run = services.start_upload(network, kind, file, mapping=mapping, dry_run=dry_run,
                                    user=request.user, options=options, events=events)
    except ValidationError as exc:
        raise HttpError(400, " ".join(exc.messages)) from exc
    run.refresh_from_db()
    return _run_out(run)


@router.get("/{slug}/runs", response=list[RunOut])
def runs(request: HttpRequest, slug: str) -> list[RunOut]:
    return [_run_out(r) for r in selectors.runs(_network(request, slug))]


@router.get("/{slug}/runs/{run_id}", response=RunOut)
def run(request: HttpRequest, slug: str, run_id: int) -> RunOut:
    found = selectors.run_in(_network(request, slug), run_id)
    if found is None:
        raise HttpError(404, "No such import in this network.")
    return _run_out(found)


def _review_out(row: selectors.ReviewRow) -> ReviewOut:
    item = row.item
    return ReviewOut(id=item.pk, person=row.person, other=row.other, incoming=row.incoming,
                     reason=item.reason, status=item.status, source=item.source)


@router.get("/{slug}/review", response=list[ReviewOut])
def review(request: HttpRequest, slug: str) -> list[ReviewOut]:
    return [_review_out(r) for r in selectors.review_rows(_network(request, slug))]


@router.post("/{slug}/review/{item_id}", response=ReviewOut)
def decide(request: HttpRequest, slug: str, item_id: int, body: DecisionIn) -> ReviewOut:
    network = _network(request, slug)
    item = ReviewItem.objects.filter(network=network, pk=item_id).first()
    if item is None:
        raise HttpError(404, "No such merge to review in this network.")
    services.decide_review(item, body.decision, request.user)
    return next(_review_out(r) for r in selectors.review_rows(network) if r.item.pk == item.pk)

"""Read queries of the import pages and API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from netweave.networks.models import Identity, Membership, Network
from netweave.networks.selectors import member_name

from .models import ImportRun, ReviewItem, ReviewStatus


def runs(network: Network, *, limit: int = 50) -> QuerySet[ImportRun]:
    return ImportRun.objects.filter(network=network).select_related("job")[:limit]


def run_in(network: Network, run_id: int) -> ImportRun | None:
    return ImportRun.objects.filter(network=network, pk=run_id).select_related("job").first()


def progress(run: ImportRun) -> dict[str, Any]:
    """done, total and message of a run: its job's progress, or complete when it ended."""
    if run.job is not None:
        return run.job.progress_info()
    done = run.status in ("done", "failed")
    return {"done": int(done), "total": 1, "message": ""}


@dataclass
class ReviewRow:
    item: ReviewItem
    person: str
    other: str
    incoming: str  # empty when it could tell who a pseudonymous member is


def review_rows(network: Network, *, open_only: bool = False) -> list[ReviewRow]:
    """Uncertain merges with the names the network shows (pseudonyms where used)."""
    items = ReviewItem.objects.filter(network=network)
    if open_only:
        items = items.filter(status=ReviewStatus.OPEN)
    items = list(items[:500])
    ids = {i.person_id for i in items} | {i.other_id for i in items if i.other_id}
    members = list(Membership.objects.filter(network=network, person_id__in=ids)
                   .select_related("person"))
    names = {m.person_id: member_name(m) for m in members}
    hidden = {m.person_id for m in members if m.identity == Identity.PSEUDONYM}
    return [ReviewRow(i, names.get(i.person_id, "?"),
                      names.get(i.other_id, "") if i.other_id else "",
                      "" if {i.person_id, i.other_id} & hidden else i.incoming)
            for i in items]

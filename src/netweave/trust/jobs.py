"""Trust's background jobs: ``trust.retention`` applies retention limits."""

from __future__ import annotations

from django.utils.translation import gettext as _

from netweave.jobs.models import Job
from netweave.jobs.registry import Progress, job
from netweave.networks.models import Network

from .retention import apply_policy


@job("trust.retention")
def run_retention(job: Job, progress: Progress) -> dict:
    """Apply the limits of the job's network (or of every network when it has none);
    payload ``{"dry_run": bool}``. Returns the counts per network slug."""
    dry_run = bool(job.payload.get("dry_run", False))
    if job.network_id is not None:
        networks = [job.network]
    else:
        networks = list(Network.objects.order_by("slug"))
    result: dict[str, dict[str, int]] = {}
    for index, network in enumerate(networks):
        progress(index, len(networks), network.slug)
        result[network.slug] = apply_policy(network, dry_run=dry_run, user=job.created_by)
    progress(len(networks), len(networks), _("Done"))
    return {"dry_run": dry_run, "networks": result}

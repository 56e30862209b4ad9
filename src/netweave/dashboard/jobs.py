"""Background job ``dashboard.measure``: compute one network's figure snapshot."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from netweave.jobs import JobError
from netweave.jobs.models import Job
from netweave.jobs.registry import Progress, job

from . import services
from .periods import PeriodError


@job(services.JOB_KIND)
def run(job: Job, progress: Progress) -> dict[str, Any]:
    """Measure ``job.network`` over ``job.payload["period"]`` and store the snapshot."""
    if job.network is None:
        raise JobError(_("This job names no network."))
    key = str((job.payload or {}).get("period", ""))
    try:
        snapshot = services.compute_snapshot(job.network, key, progress=progress)
    except PeriodError as exc:
        raise JobError(str(exc)) from exc
    except services.NoData as exc:
        raise JobError(_("The network's data cannot be read yet.")) from exc
    return {"snapshot": snapshot.pk, "period": snapshot.period,
            "computed_at": snapshot.computed_at.isoformat(),
            "seconds": round(snapshot.seconds, 3)}

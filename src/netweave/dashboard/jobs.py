"""Background jobs ``dashboard.measure`` (compute one network's figure snapshot) and
``dashboard.report`` (build its full report page in one language)."""

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


@job(services.REPORT_JOB_KIND)
def report(job: Job, progress: Progress) -> dict[str, Any]:
    """Build ``job.network``'s report page in ``job.payload["lang"]`` and store it."""
    if job.network is None:
        raise JobError(_("This job names no network."))
    lang = str((job.payload or {}).get("lang", ""))
    if lang not in services.LANGUAGES:
        raise JobError(_("This job names no language of the report."))
    try:
        page = services.compute_report(job.network, lang, progress=progress)
    except services.NoData as exc:
        raise JobError(_("The network's data cannot be read yet.")) from exc
    return {"report": page.pk, "lang": page.lang, "computed_at": page.computed_at.isoformat(),
            "seconds": round(page.seconds, 3)}

"""Background job ``weaving.follow_up``: ask introduced people for the follow-up by e-mail."""

from __future__ import annotations

from typing import Any

from netweave.jobs.registry import Progress, job

from . import services

JOB_KIND = "weaving.follow_up"


@job(JOB_KIND)
def run(job, progress: Progress) -> dict[str, Any]:
    """Payload: ``days`` (default :func:`~.selectors.follow_up_days`) and ``link_base``;
    each e-mail is in its recipient's language. Result: ``{"sent": n, "failed": n}``."""
    payload = job.payload or {}
    progress(0, 1, "")
    run = services.remind_follow_ups(
        after_days=int(payload["days"]) if "days" in payload else None,
        link_base=str(payload.get("link_base", "")))
    progress(1, 1, "")
    return {"sent": run.sent, "failed": run.failed}

"""Queue, claim and run jobs.

``enqueue`` stores a job (and, with ``NETWEAVE_JOBS_EAGER``, runs it at once: tests and
single-process set-ups). A worker loops over :func:`run_next`. Each job runs in the worker's
own transaction scope: a handler that must be atomic opens its own ``transaction.atomic()``.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import JobError
from .models import Job, JobStatus, WorkerHeartbeat, progress_key
from .registry import handler

log = logging.getLogger(__name__)

#: Progress is written to the cache at most this often (seconds), and always at the end.
PROGRESS_INTERVAL = 0.5
#: How long the cache keeps a job's progress (seconds).
PROGRESS_TTL = 7 * 24 * 3600


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def enqueue(kind: str, payload: dict[str, Any] | None = None, *, network=None,
            user: AbstractBaseUser | None = None) -> Job:
    """Queue a job of ``kind`` (which must be registered) and return it."""
    handler(kind)  # fail early on an unknown kind
    created_by = user if user is not None and user.is_authenticated else None
    job = Job.objects.create(kind=kind, payload=payload or {}, network=network,
                             created_by=created_by)
    if getattr(settings, "NETWEAVE_JOBS_EAGER", False):
        run_job(job)
        job.refresh_from_db()
    return job


def claim_next(worker: str) -> Job | None:
    """Mark the oldest queued job as running for ``worker`` and return it, or ``None``."""
    with transaction.atomic():
        job = (Job.objects.select_for_update(skip_locked=True)
               .filter(status=JobStatus.QUEUED).order_by("created_at", "pk").first())
        if job is None:
            return None
        claimed = Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING, started_at=timezone.now(), worker=worker
        )
    if not claimed:
        return None
    job.refresh_from_db()
    return job


class _Reporter:
    def __init__(self, job: Job) -> None:
        self.key = progress_key(job.pk)
        self.last = 0.0

    def __call__(self, done: int, total: int, message: str = "") -> None:
        moment = time.monotonic()
        if done < total and moment - self.last < PROGRESS_INTERVAL:
            return
        self.last = moment
        cache.set(self.key, {"done": int(done), "total": int(total), "message": str(message)},
                  PROGRESS_TTL)


def run_job(job: Job, worker: str | None = None) -> Job:
    """Run ``job`` now and store its outcome (done with a result, or failed with an error)."""
    if job.status == JobStatus.QUEUED:
        Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING,
                                             started_at=timezone.now(),
                                             worker=worker or worker_name())
        job.refresh_from_db()
    try:
        result = handler(job.kind)(job, _Reporter(job))
    except JobError as exc:
        _finish(job, JobStatus.FAILED, error=str(exc))
    except Exception:
        log.exception("job %s (%s) failed", job.pk, job.kind)
        _finish(job, JobStatus.FAILED,
                error=_("The job failed unexpectedly; the server log has the details."))
    else:
        _finish(job, JobStatus.DONE, result=result or {})
    return job


def _finish(job: Job, status: str, *, result: dict | None = None, error: str = "") -> None:
    Job.objects.filter(pk=job.pk).update(status=status, result=result, error=error,
                                         finished_at=timezone.now())
    job.refresh_from_db()


def run_next(worker: str | None = None) -> Job | None:
    """Claim and run one queued job; ``None`` when the queue is empty."""
    name = worker or worker_name()
    job = claim_next(name)
    return run_job(job, name) if job is not None else None


def heartbeat(worker: str | None = None) -> None:
    WorkerHeartbeat.objects.update_or_create(name=worker or worker_name(),
                                             defaults={"seen_at": timezone.now()})


def requeue_stale(older_than: timedelta) -> int:
    """Put jobs back in the queue whose worker started them longer ago than ``older_than``
    and never finished (the worker died). Returns how many."""
    cutoff = timezone.now() - older_than
    return Job.objects.filter(status=JobStatus.RUNNING, started_at__lt=cutoff).update(
        status=JobStatus.QUEUED, started_at=None, worker=""
    )


def work(*, once: bool = False, idle_sleep: float = 1.0, stale_after: timedelta | None = None,
         stop=None) -> int:
    """The worker loop: run jobs until the queue is empty (``once``) or ``stop()`` is true.

    Returns how many jobs ran.
    """
    name = worker_name()
    ran = 0
    last_beat = 0.0
    while stop is None or not stop():
        if time.monotonic() - last_beat > 10:
            heartbeat(name)
            if stale_after is not None:
                requeue_stale(stale_after)
            last_beat = time.monotonic()
        job = run_next(name)
        if job is not None:
            ran += 1
            continue
        if once:
            break
        time.sleep(idle_sleep)
    return ran

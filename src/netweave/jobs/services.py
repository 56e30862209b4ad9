"""Queue, claim and run jobs.

``enqueue`` stores a job (and, with ``NETWEAVE_JOBS_EAGER``, runs it at once: tests and
single-process set-ups). A worker loops over :func:`claim_next` and runs each job (in a child
process of its own with ``isolate``). Each job runs in the worker's own transaction scope: a
handler that must be atomic opens its own ``transaction.atomic()``. A job carries its
worker's name; a job whose worker is gone is queued again or, after :data:`MAX_ATTEMPTS`
starts, failed with the reason (:func:`recover_stale`).
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import socket
import threading
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache
from django.db import connections, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import JobError
from .models import Job, JobStatus, WorkerHeartbeat, progress_key
from .registry import abandoned_hook, handler

log = logging.getLogger(__name__)

#: Progress is written to the cache at most this often (seconds), and always at the end.
PROGRESS_INTERVAL = 0.5
#: How long the cache keeps a job's progress (seconds).
PROGRESS_TTL = 7 * 24 * 3600
#: A worker beats this often (seconds), also while it runs a job.
BEAT_SECONDS = 5
#: A worker on another machine without a beat for this long (seconds) is gone.
STALE_SECONDS = 60
#: A job started this often, its worker dying each time, fails instead of looping.
MAX_ATTEMPTS = 3
#: Held while forking, and by the heartbeat thread while it uses the database, so that a
#: job's child process never starts with a database library lock held by another thread.
FORK_LOCK = threading.Lock()


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def enqueue(kind: str, payload: dict[str, Any] | None = None, *, network=None,
            user: AbstractBaseUser | None = None) -> Job:
    """Queue a job of ``kind`` (which must be registered) and return it. The job runs in
    the language active now (kept in the payload as ``language``), so what it writes for the
    person who started it (an import's error, say) is in their language."""
    handler(kind)  # fail early on an unknown kind
    created_by = user if user is not None and user.is_authenticated else None
    payload = {"language": translation.get_language() or settings.LANGUAGE_CODE,
               **(payload or {})}
    job = Job.objects.create(kind=kind, payload=payload, network=network,
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
            status=JobStatus.RUNNING, started_at=timezone.now(), worker=worker,
            attempts=F("attempts") + 1)
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
                                             worker=worker or worker_name(),
                                             attempts=F("attempts") + 1)
        job.refresh_from_db()
    with translation.override(job.payload.get("language") or settings.LANGUAGE_CODE):
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


def _alive(worker: str, fresh: set[str]) -> bool:
    """Whether ``worker`` (``host:pid``) still runs: on this host, whether its process
    exists; elsewhere, whether it beat within the stale time."""
    host, _, pid = worker.rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    return worker in fresh


def recover_stale(stale_after: timedelta = timedelta(seconds=STALE_SECONDS)) -> tuple[int, int]:
    """Jobs marked running whose worker is gone (its process ended on this host, or no
    heartbeat for ``stale_after``) go back to the queue, or, once started
    :data:`MAX_ATTEMPTS` times, fail with the reason. Returns (requeued, failed)."""
    fresh = set(WorkerHeartbeat.objects.filter(seen_at__gte=timezone.now() - stale_after)
                .values_list("name", flat=True))
    requeued = failed = 0
    for job in Job.objects.filter(status=JobStatus.RUNNING).order_by("pk"):
        if not _alive(job.worker, fresh):
            with translation.override(job.payload.get("language") or settings.LANGUAGE_CODE):
                why = _("its worker %(worker)s stopped") % {"worker": job.worker}
            again = abandon(job, why)
            requeued += again
            failed += not again
    return requeued, failed


def abandon(job: Job, why: str) -> bool:
    """Recover ``job`` (marked running) whose worker died (``why`` says how): queue it
    again, or, once started :data:`MAX_ATTEMPTS` times, fail it with the reason. Returns
    whether it was queued again."""
    again = job.attempts < MAX_ATTEMPTS
    with translation.override(job.payload.get("language") or settings.LANGUAGE_CODE):
        return _abandon(job, why, again)


def _abandon(job: Job, why: str, again: bool) -> bool:
    reason = "" if again else _(
        "Stopped: %(why)s before the job finished, %(count)d times in all, so it is not "
        "tried again. Start it anew once the cause (such as too little memory) is fixed.") % {
        "why": why, "count": job.attempts}
    running = Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, worker=job.worker)
    with transaction.atomic():  # the job and what its kind tidies up change together
        if again:
            changed = running.update(status=JobStatus.QUEUED, started_at=None, worker="")
        else:
            changed = running.update(status=JobStatus.FAILED, error=reason,
                                     finished_at=timezone.now())
        hook = abandoned_hook(job.kind) if changed else None
        if hook is not None:
            hook(job, again, reason)
    if not changed:
        return again
    if again:
        cache.delete(progress_key(job.pk))
        log.warning("job %s (%s): %s; queued again (started %d of %d times)", job.pk,
                    job.kind, why, job.attempts, MAX_ATTEMPTS)
    else:
        log.error("job %s (%s): %s; failed after %d starts", job.pk, job.kind, why,
                  job.attempts)
    return again


class _Beat:
    """Beats for ``name`` every :data:`BEAT_SECONDS` in a thread of its own, also while a
    job runs, so that other machines do not take the worker for dead."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, name="netweave-heartbeat",
                                       daemon=True)

    def __enter__(self) -> _Beat:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.done.set()
        self.thread.join(timeout=BEAT_SECONDS * 2)

    def _run(self) -> None:
        try:
            while not self.done.wait(BEAT_SECONDS):
                try:
                    with FORK_LOCK:
                        heartbeat(self.name)
                except Exception:  # the database is busy or away: try again next beat
                    log.warning("worker %s: heartbeat failed", self.name, exc_info=True)
        finally:
            connections.close_all()


def die_with_parent(sig: int) -> None:
    """Ask Linux to send this process ``sig`` when its parent process ends (no orphans)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(sig))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the parent check in the loop remains
        pass


def _run_forked(job: Job, name: str) -> None:
    """Run ``job`` in a child process of its own: its memory goes back to the system when it
    ends, and a child that dies (out of memory, killed) leaves the job recovered here."""
    with FORK_LOCK:
        connections.close_all()  # the child opens its own connections
        pid = os.fork()
    if pid == 0:  # the child: run the job, never return into the worker loop
        code = 1
        try:
            die_with_parent(signal.SIGKILL)
            run_job(job, name)
            code = 0
        finally:
            try:
                connections.close_all()
            finally:
                os._exit(code)
    _, status = os.waitpid(pid, 0)
    job.refresh_from_db()
    if job.status == JobStatus.RUNNING and job.worker == name:
        with translation.override(job.payload.get("language") or settings.LANGUAGE_CODE):
            how = (_("the process running it was killed (signal %(signal)d)")
                   % {"signal": os.WTERMSIG(status)} if os.WIFSIGNALED(status)
                   else _("the process running it ended with status %(status)d")
                   % {"status": os.waitstatus_to_exitcode(status)})
        abandon(job, how)


def work(*, once: bool = False, idle_sleep: float = 1.0,
         stale_after: timedelta = timedelta(seconds=STALE_SECONDS), stop=None,
         isolate: bool = False) -> int:
    """The worker loop: run jobs until the queue is empty (``once``) or ``stop()`` is true.

    Stale jobs (see :func:`recover_stale`) are recovered at the start and every beat. With
    ``isolate`` (where the system can fork) each job runs in a child process of its own and
    a thread keeps the heartbeat. Returns how many jobs ran.
    """
    name = worker_name()
    isolate = isolate and hasattr(os, "fork")
    ran = 0
    last_beat = 0.0
    with _Beat(name) if not once else contextlib.nullcontext():
        while stop is None or not stop():
            if time.monotonic() - last_beat > BEAT_SECONDS:
                heartbeat(name)
                recover_stale(stale_after)
                last_beat = time.monotonic()
            job = claim_next(name)
            if job is not None:
                if isolate:
                    _run_forked(job, name)
                else:
                    run_job(job, name)
                ran += 1
                continue
            if once:
                break
            time.sleep(idle_sleep)
    return ran

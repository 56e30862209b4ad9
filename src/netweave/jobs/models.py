"""The job queue: one row per job, claimed by one worker at a time."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


def progress_key(job_id: int) -> str:
    return f"netweave:job:{job_id}:progress"


class Job(models.Model):
    kind = models.CharField(_("kind"), max_length=80)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    network = models.ForeignKey(
        "networks.Network", on_delete=models.CASCADE, null=True, blank=True,
        related_name="jobs", verbose_name=_("network"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    #: The worker running it (``host:pid``): a job whose worker is gone is recovered.
    worker = models.CharField(_("worker"), max_length=120, blank=True)
    #: How often a worker started it; a job whose workers died this often is failed.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        indexes = [models.Index(fields=["status", "created_at"], name="job_queue")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    def progress_info(self) -> dict[str, Any]:
        """``{"done", "total", "message"}``: the latest progress the job reported."""
        if self.status == JobStatus.DONE:
            stored = cache.get(progress_key(self.pk)) or {}
            total = stored.get("total") or 1
            return {"done": total, "total": total, "message": stored.get("message", "")}
        return cache.get(progress_key(self.pk)) or {"done": 0, "total": 0, "message": ""}


class WorkerHeartbeat(models.Model):
    """When each worker last looked for work; `netweave doctor` reads it."""

    name = models.CharField(_("worker"), max_length=120, unique=True)
    seen_at = models.DateTimeField(_("last seen"), default=now)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return self.name

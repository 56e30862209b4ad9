"""The background job of a web import: ``imports.run`` imports one uploaded file."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _

from netweave.core.importers.errors import ParseError
from netweave.core.importers.limits import LimitExceeded
from netweave.jobs import JobError
from netweave.jobs.registry import Progress, abandoned, job

from .models import ImportRun, RunStatus
from .services import fail_run, import_file, limit_message


@job("imports.run")
def run(job, progress: Progress) -> dict:
    """Import the run's uploaded file; the upload is removed afterwards, whatever happened."""
    import_run = ImportRun.objects.select_related("network").get(pk=job.payload["run"])
    ImportRun.objects.filter(pk=import_run.pk).update(status=RunStatus.RUNNING)
    upload = Path(import_run.upload)
    try:
        return import_file(import_run.network, import_run.kind, upload,
                           name=import_run.file_name, mapping=import_run.mapping,
                           dry_run=import_run.dry_run, run=import_run, progress=progress,
                           options=import_run.options)
    except LimitExceeded as exc:
        message = _("%(error)s Nothing was imported.") % {"error": limit_message(exc)}
        fail_run(import_run, message)
        raise JobError(message) from exc
    except ParseError as exc:
        message = _("%(error)s. Nothing was imported.") % {"error": exc}
        fail_run(import_run, message)
        raise JobError(message) from exc
    except Exception:
        fail_run(import_run, _("The import failed unexpectedly; nothing was imported."))
        raise
    finally:
        upload.unlink(missing_ok=True)
        if import_run.options.get("events"):
            Path(import_run.options["events"]).unlink(missing_ok=True)
        ImportRun.objects.filter(pk=import_run.pk).update(upload="")


@abandoned("imports.run")
def recovered(job, requeued: bool, reason: str) -> None:
    """The worker died mid-import (nothing was written: an import is one transaction).
    Queued again: the run waits again. Failed: the run says why; its upload is removed."""
    import_run = ImportRun.objects.filter(pk=job.payload.get("run")).first()
    if import_run is None:
        return
    if requeued:
        ImportRun.objects.filter(pk=import_run.pk).update(status=RunStatus.QUEUED)
        return
    fail_run(import_run, _("%(error)s Nothing was imported.") % {"error": reason})
    if import_run.upload:
        Path(import_run.upload).unlink(missing_ok=True)
        ImportRun.objects.filter(pk=import_run.pk).update(upload="")

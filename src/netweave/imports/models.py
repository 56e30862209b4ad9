"""What the importers remember: each run (file hash, counts), which source record became
which object, who is who across sources, merges to review, and each network's
pseudonymisation key."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from netweave.networks.models import Network, Person


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportRun(models.Model):
    """One import of one file into one network (a dry run included)."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="import_runs",
                                verbose_name=_("network"))
    kind = models.CharField(_("kind"), max_length=20)
    file_name = models.CharField(_("file"), max_length=255)
    #: SHA-256 of the file's bytes, its kind and its column mapping: the same file twice is
    #: recognised and adds nothing.
    digest = models.CharField(_("file hash"), max_length=64, db_index=True)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    #: How the file is read besides the mapping (``--columns``, ``--time-origin``,
    #: ``--contacts``, ``--events`` … as in :data:`netweave.core.importers.OPTIONS`).
    options = models.JSONField(_("reading options"), default=dict, blank=True)
    #: What the file held as it was read: date range, rows per kind, the first rows (left out
    #: in a pseudonymous network) and the importer's notes.
    preview = models.JSONField(_("what the file held"), default=dict, blank=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices,
                              default=RunStatus.QUEUED)
    found = models.JSONField(_("found in the file"), default=dict, blank=True)
    added = models.JSONField(_("added"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+", verbose_name=_("job"))
    #: Where an uploaded file waits for its job; emptied (and the file removed) afterwards.
    upload = models.CharField(_("uploaded file"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("started by"))
    created_at = models.DateTimeField(_("started"), default=now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")

    def __str__(self) -> str:
        return f"{self.kind}: {self.file_name}"


class SourceKey(models.Model):
    """A source record (event UID, Message-ID, Slack ts, Discourse post id) already imported
    into ``network`` as the object ``object_type``/``object_id``."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("network"))
    key = models.CharField(_("source key"), max_length=255)
    object_type = models.CharField(_("object type"), max_length=16)
    object_id = models.BigIntegerField(_("object id"))

    class Meta:
        verbose_name = _("source key")
        verbose_name_plural = _("source keys")
        constraints = [models.UniqueConstraint(fields=["network", "key"],
                                               name="one_object_per_source_key")]

    def __str__(self) -> str:
        return f"{self.key} -> {self.object_type} {self.object_id}"


class PersonKey(models.Model):
    """A keyed hash (HMAC-SHA-256 with the network's key) of an e-mail address, a normalised
    name or a source id, naming the person it was resolved to. Holds no readable name."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("network"))
    digest = models.CharField(_("hash"), max_length=64)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("person"))

    class Meta:
        verbose_name = _("person key")
        verbose_name_plural = _("person keys")
        constraints = [models.UniqueConstraint(fields=["network", "digest"],
                                               name="one_person_per_digest")]

    def __str__(self) -> str:
        return self.digest[:12]


class PseudonymKey(models.Model):
    """The secret a network's person hashes and pseudonyms are keyed with. It is never
    shown, exported or listed in the admin."""

    network = models.OneToOneField(Network, on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("network"))
    secret = models.CharField(_("secret"), max_length=64)
    created_at = models.DateTimeField(_("created"), default=now)

    class Meta:
        verbose_name = _("pseudonymisation key")
        verbose_name_plural = _("pseudonymisation keys")

    def __str__(self) -> str:  # never the secret itself
        return f"key of network {self.network_id}"


class ReviewReason(models.TextChoices):
    NAME_ONLY = "name_only", _("Merged on the name alone")
    EMAIL_DIFFERS = "email_differs", _("Same name, other e-mail: kept apart")


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("To review")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Marked wrong")


class ReviewItem(models.Model):
    """An uncertain decision of person resolution for a facilitator to look at."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("network"))
    run = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="review_items", verbose_name=_("import run"))
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("person"))
    other = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE,
                              related_name="+", verbose_name=_("other person"))
    reason = models.CharField(_("reason"), max_length=16, choices=ReviewReason.choices)
    #: What the source called the person: its label, or a hash in a pseudonymous network.
    incoming = models.CharField(_("name in the source"), max_length=200)
    source = models.CharField(_("source"), max_length=20)
    status = models.CharField(_("status"), max_length=10, choices=ReviewStatus.choices,
                              default=ReviewStatus.OPEN)
    created_at = models.DateTimeField(_("created"), default=now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("decided by"))

    class Meta:
        ordering = ["status", "-created_at"]
        verbose_name = _("merge to review")
        verbose_name_plural = _("merges to review")
        constraints = [models.UniqueConstraint(fields=["network", "person", "incoming",
                                                       "reason"], name="one_review_per_match")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.incoming}"

"""Trust's records: API tokens, the audit log and recorded consent.

Tokens are stored as SHA-256 hashes only: the token itself is shown once, when it is made.
Audit entries keep a copy of who and what (``actor_label``, ``target_label``) so that they
still read correctly after the user or the object is gone.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    """What an API token may do. ``write`` includes ``read``; ``facilitate`` allows the
    facilitator's actions (in networks the owner facilitates) and includes both."""

    READ = "read", _("Read")
    WRITE = "write", _("Read and write")
    FACILITATE = "facilitate", _("Facilitate")


#: The scopes each scope grants.
SCOPE_GRANTS: dict[str, frozenset[str]] = {
    Scope.READ: frozenset({Scope.READ}),
    Scope.WRITE: frozenset({Scope.READ, Scope.WRITE}),
    Scope.FACILITATE: frozenset({Scope.READ, Scope.WRITE, Scope.FACILITATE}),
}


class ApiToken(models.Model):
    """A personal API token: ``Authorization: Bearer <token>`` acts as ``owner``."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens",
        verbose_name=_("owner"),
    )
    name = models.CharField(_("name"), max_length=100)
    #: The first characters of the token, shown so that its owner can tell tokens apart.
    prefix = models.CharField(_("starts with"), max_length=16)
    token_hash = models.CharField(_("hash"), max_length=64, unique=True)
    scope = models.CharField(_("scope"), max_length=12, choices=Scope.choices,
                             default=Scope.READ)
    created_at = models.DateTimeField(_("created"), default=now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def scopes(self) -> frozenset[str]:
        """Every scope this token grants."""
        return SCOPE_GRANTS.get(self.scope, frozenset())


class AuditEntry(models.Model):
    """One action of a facilitator or staff member (append-only in use: nothing edits it)."""

    at = models.DateTimeField(_("when"), default=now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("who"),
    )
    actor_label = models.CharField(_("who (as recorded)"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    network = models.ForeignKey(
        "networks.Network", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("network"),
    )
    network_label = models.CharField(_("network (as recorded)"), max_length=200, blank=True)
    target_type = models.CharField(_("object type"), max_length=100, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_label = models.CharField(_("object"), max_length=200, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label}: {self.action}"


class ConsentKind(models.TextChoices):
    EMAIL = "email", _("E-mail from netweave and my networks")
    MAP = "map", _("Appearing on network maps")


class Consent(models.Model):
    """A person's answer to one consent question; the latest row per kind counts, earlier
    rows stay as the record of when consent was given or withdrawn."""

    person = models.ForeignKey(
        "networks.Person", on_delete=models.CASCADE, related_name="consents",
        verbose_name=_("person"),
    )
    kind = models.CharField(_("consent for"), max_length=10, choices=ConsentKind.choices)
    given = models.BooleanField(_("given"))
    at = models.DateTimeField(_("when"), default=now)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind}={self.given}"


class Erasure(models.Model):
    """Marks a person whose account was deleted: the row stays (with name and e-mail blank)
    so that the network's history still counts; everything that named them is gone."""

    person = models.OneToOneField(
        "networks.Person", on_delete=models.CASCADE, related_name="erasure",
        verbose_name=_("person"),
    )
    at = models.DateTimeField(_("when"), default=now)

    class Meta:
        verbose_name = _("erased person")
        verbose_name_plural = _("erased people")

    def __str__(self) -> str:
        return f"person {self.person_id} erased {self.at:%Y-%m-%d}"


class RetentionPolicy(models.Model):
    """How long a network keeps personal data it no longer needs; each limit in days, empty
    for "keep forever". A network without a row keeps the defaults of
    :data:`netweave.trust.retention.DEFAULTS`. Nothing here ever changes a figure."""

    network = models.OneToOneField(
        "networks.Network", on_delete=models.CASCADE, related_name="retention_policy",
        verbose_name=_("network"),
    )
    guest_days = models.PositiveIntegerField(
        _("guests' contact details (days after their last event)"), null=True, blank=True)
    import_days = models.PositiveIntegerField(
        _("uploaded import files and their error texts (days)"), null=True, blank=True)
    bookkeeping_days = models.PositiveIntegerField(
        _("visits, digests and e-mail notices sent (days)"), null=True, blank=True)
    audit_days = models.PositiveIntegerField(
        _("details of audit entries (days)"), null=True, blank=True)
    updated_at = models.DateTimeField(_("changed"), default=now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("changed by"),
    )
    applied_at = models.DateTimeField(_("last applied"), null=True, blank=True)

    class Meta:
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policies")

    def __str__(self) -> str:
        return f"retention of network {self.network_id}"

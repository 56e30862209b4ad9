"""Charter versions: a snapshot of a network's charter each time it is saved."""

from __future__ import annotations

from django.db import models
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from netweave.networks.models import Network, Person


class CharterVersion(models.Model):
    """One saved state of a network's charter (``data``: field name -> value), numbered
    from 1 per network. ``author`` is None for the state found before history was kept."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE,
                                related_name="charter_versions", verbose_name=_("network"))
    number = models.PositiveIntegerField(_("version"))
    author = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="charter_versions", verbose_name=_("author"))
    created_at = models.DateTimeField(_("saved"), default=now)
    data = models.JSONField(_("charter"), default=dict)
    note = models.CharField(_("why it changed"), max_length=300, blank=True)

    class Meta:
        ordering = ["network", "-number"]
        verbose_name = _("charter version")
        verbose_name_plural = _("charter versions")
        constraints = [
            models.UniqueConstraint(fields=["network", "number"],
                                    name="one_charter_version_number_per_network"),
        ]

    def __str__(self) -> str:
        return f"{self.network} v{self.number}"

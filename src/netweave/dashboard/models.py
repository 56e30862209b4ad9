"""Cached figures of a network's dashboard: one snapshot per network and period.

The Measure engine is too slow to run on a page request for a large network, so a
background job (``dashboard.measure``, see :mod:`.jobs`) computes a snapshot and the pages
read it. A snapshot holds no names: people appear by id and pages resolve names through
:func:`netweave.networks.selectors.member_name` when they show them.
"""

from __future__ import annotations

from django.db import models
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _


class Computed(models.Model):
    """What a background job computed for a network: the period ``[start, end)`` it covers,
    when it was computed and how long that took."""

    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    computed_at = models.DateTimeField(_("computed"), default=now)
    seconds = models.FloatField(_("computing time (seconds)"), default=0.0)

    class Meta:
        abstract = True


class Snapshot(Computed):
    """The figures of one network over one period, as the engine computed them.

    ``period`` is ``"28"``, ``"90"`` or ``"365"`` (the last so many days up to
    ``computed_at``) or ``"YYYY-MM-DD..YYYY-MM-DD"`` (a custom period, both days included).
    ``figures`` is the engine's output without its per-person lists; ``cards`` the health
    card and lifecycle sentence per language; ``graph`` the server-side network map.
    """

    network = models.ForeignKey(
        "networks.Network", on_delete=models.CASCADE, related_name="snapshots",
        verbose_name=_("network"),
    )
    period = models.CharField(_("period"), max_length=24)
    figures = models.JSONField(_("figures"), default=dict)
    cards = models.JSONField(_("health cards"), default=dict)
    graph = models.JSONField(_("network map"), default=dict)

    class Meta:
        verbose_name = _("figure snapshot")
        verbose_name_plural = _("figure snapshots")
        constraints = [
            models.UniqueConstraint(fields=["network", "period"],
                                    name="dashboard_snapshot_network_period"),
        ]

    def __str__(self) -> str:
        return f"{self.network_id} {self.period} @ {self.computed_at:%Y-%m-%d %H:%M}"


class ReportPage(Computed):
    """A network's full report page (the dashboard's default period) in one language, as
    the ``dashboard.report`` job built it: the report page serves it and never measures.
    People appear in it by their references in the network, never by name or global id."""

    network = models.ForeignKey(
        "networks.Network", on_delete=models.CASCADE, related_name="report_pages",
        verbose_name=_("network"),
    )
    lang = models.CharField(_("language"), max_length=8)
    html = models.TextField(_("page"))

    class Meta:
        verbose_name = _("report page")
        verbose_name_plural = _("report pages")
        constraints = [
            models.UniqueConstraint(fields=["network", "lang"],
                                    name="dashboard_reportpage_network_lang"),
        ]

    def __str__(self) -> str:
        return f"{self.network_id} {self.lang} @ {self.computed_at:%Y-%m-%d %H:%M}"

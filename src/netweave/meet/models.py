"""Meet's own bookkeeping: calendar feed secrets and the e-mails already sent.

The meetings themselves (events, series, RSVPs, attendance) are domain models in
:mod:`netweave.networks.models`.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from netweave.networks.models import Event, Network, Person


def new_feed_token() -> str:
    """A secret for a calendar feed address (URL-safe, 32 characters)."""
    return secrets.token_urlsafe(24)


class CalendarToken(models.Model):
    """The secret in a person's calendar feed addresses; a new one revokes the old."""

    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, related_name="calendar_token", verbose_name=_("person")
    )
    token = models.CharField(_("secret"), max_length=64, unique=True, default=new_feed_token)
    #: Deleted when the person is erased (:func:`netweave.trust.gdpr.make_tombstone`).
    erased_with_person = True
    created_at = models.DateTimeField(_("created"), default=now)

    class Meta:
        verbose_name = _("calendar secret")
        verbose_name_plural = _("calendar secrets")

    def __str__(self) -> str:
        return _("calendar secret")


class NoticeKind(models.TextChoices):
    INVITATION = "invitation", _("Invitation")
    REMINDER = "reminder", _("Reminder")
    MOVED_UP = "moved_up", _("Moved up from the waiting list")
    REGISTERED = "registered", _("Registration confirmed")


class Notice(models.Model):
    """An e-mail sent about an event to a person; at most one of each kind, so sending
    again (the ``remind`` command run twice) sends nothing twice."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="notices", verbose_name=_("event")
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="notices", verbose_name=_("person")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=NoticeKind.choices)
    sent_at = models.DateTimeField(_("sent"), default=now)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [
            models.UniqueConstraint(fields=["event", "person", "kind"], name="one_notice_each"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.sent_at:%Y-%m-%d}"


class CheckInWindow(models.Model):
    """A network's own check-in window, set by its facilitators; without one the site's
    defaults (``NETWEAVE_CHECKIN_OPENS_BEFORE`` / ``_CLOSES_AFTER``) apply."""

    network = models.OneToOneField(
        Network, on_delete=models.CASCADE, related_name="checkin_window",
        verbose_name=_("network"))
    opens_minutes_before = models.PositiveIntegerField(
        _("check-in opens (minutes before the start)"))
    closes_minutes_after = models.PositiveIntegerField(
        _("check-in closes (minutes after the end)"))

    class Meta:
        verbose_name = _("check-in window")
        verbose_name_plural = _("check-in windows")

    def __str__(self) -> str:
        return f"-{self.opens_minutes_before} min / +{self.closes_minutes_after} min"

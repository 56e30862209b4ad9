"""Weaving's own records: each side's answers to an introduction's follow-up, and what led
to a value story."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from netweave.networks.models import (
    Event,
    Exchange,
    Introduction,
    Offer,
    Person,
    ValueStory,
)


class IntroductionAnswer(models.Model):
    """One introduced person's answers: "did you meet?" and "was it valuable?".

    A meeting found valuable is recorded as a confirmed :class:`Exchange` from the other
    person to the one answering (a ``give`` row, docs/metrics.md#reciprocity), kept in ``exchange``.
    """

    introduction = models.ForeignKey(
        Introduction, on_delete=models.CASCADE, related_name="answers",
        verbose_name=_("introduction"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="introduction_answers",
        verbose_name=_("person"),
    )
    met = models.BooleanField(_("met"))
    valuable = models.BooleanField(_("valuable"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), default=now)
    exchange = models.ForeignKey(
        Exchange, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("exchange"),
    )

    class Meta:
        ordering = ["-answered_at"]
        verbose_name = _("introduction answer")
        verbose_name_plural = _("introduction answers")
        constraints = [
            models.UniqueConstraint(fields=["introduction", "person"],
                                    name="one_answer_per_introduced_person"),
        ]

    def __str__(self) -> str:
        return f"{self.introduction_id}: met={self.met} valuable={self.valuable}"


class FollowUpReminder(models.Model):
    """One reminder e-mail asking an introduced person for the follow-up (sent once)."""

    introduction = models.ForeignKey(
        Introduction, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("introduction"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("person"),
    )
    sent_at = models.DateTimeField(_("sent"), default=now)

    class Meta:
        verbose_name = _("follow-up reminder")
        verbose_name_plural = _("follow-up reminders")
        constraints = [
            models.UniqueConstraint(fields=["introduction", "person"],
                                    name="one_follow_up_reminder_each"),
        ]

    def __str__(self) -> str:
        return f"{self.introduction_id} → {self.person_id}"


class StoryLink(models.Model):
    """One thing that led to a value story: a meeting, an introduction or an offer.

    Exactly one of ``event``, ``introduction`` and ``offer`` is set. The story itself, and its
    ``story`` row in the activity log, is a :class:`~netweave.networks.models.ValueStory`.
    """

    story = models.ForeignKey(
        ValueStory, on_delete=models.CASCADE, related_name="links", verbose_name=_("story"),
    )
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("meeting"),
    )
    introduction = models.ForeignKey(
        Introduction, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("introduction"),
    )
    offer = models.ForeignKey(
        Offer, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("offer"),
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("what led to a story")
        verbose_name_plural = _("what led to stories")
        constraints = [
            models.CheckConstraint(
                condition=(Q(event__isnull=False, introduction__isnull=True, offer__isnull=True)
                           | Q(event__isnull=True, introduction__isnull=False,
                               offer__isnull=True)
                           | Q(event__isnull=True, introduction__isnull=True,
                               offer__isnull=False)),
                name="story_link_names_one_thing"),
        ]

    def __str__(self) -> str:
        return f"{self.story_id}: {self.event_id or self.introduction_id or self.offer_id}"

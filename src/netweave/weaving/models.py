"""Weaving's own records: each side's answers to an introduction's follow-up."""

from __future__ import annotations

from django.db import models
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from netweave.networks.models import Exchange, Introduction, Person


class IntroductionAnswer(models.Model):
    """One introduced person's answers: "did you meet?" and "was it valuable?".

    A meeting found valuable is recorded as a confirmed :class:`Exchange` from the other
    person to the one answering (a ``give`` row, METRICS.md 3), kept in ``exchange``.
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

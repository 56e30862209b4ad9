"""What the discussions add to the domain: follows, mentions, digest choice and last visits.

The private conversations of two people introduced to each other live here too.
Discussions, posts and reactions themselves live in :mod:`netweave.networks.models`; these
models only point at them.
"""

from __future__ import annotations

from django.db import models
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from netweave.networks.models import Discussion, Introduction, Network, Person, Post


class Follow(models.Model):
    """``person`` hears about new replies in ``discussion`` (in the digest)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="follows",
                               verbose_name=_("person"))
    discussion = models.ForeignKey(Discussion, on_delete=models.CASCADE,
                                   related_name="follows", verbose_name=_("discussion"))
    created_at = models.DateTimeField(_("created"), default=now)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [models.UniqueConstraint(fields=["person", "discussion"],
                                               name="discuss_one_follow")]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.discussion_id}"


class Mention(models.Model):
    """``post`` mentions ``person`` by the name others see in the network."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="mentions",
                             verbose_name=_("post"))
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="mentions",
                               verbose_name=_("person"))
    created_at = models.DateTimeField(_("created"), default=now)

    class Meta:
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        constraints = [models.UniqueConstraint(fields=["post", "person"],
                                               name="discuss_one_mention")]

    def __str__(self) -> str:
        return f"{self.post_id} @ {self.person_id}"


class Frequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    OFF = "off", _("Off")


#: The digest frequency of a person who never chose one.
DEFAULT_FREQUENCY = Frequency.WEEKLY


class DigestPreference(models.Model):
    person = models.OneToOneField(Person, on_delete=models.CASCADE,
                                  related_name="digest_preference", verbose_name=_("person"))
    frequency = models.CharField(_("digest"), max_length=10, choices=Frequency.choices,
                                 default=DEFAULT_FREQUENCY)

    class Meta:
        verbose_name = _("digest preference")
        verbose_name_plural = _("digest preferences")

    def __str__(self) -> str:
        return f"{self.person_id}: {self.frequency}"


class Visit(models.Model):
    """When ``person`` last came to ``network``'s discussions (pages or API)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="visits",
                               verbose_name=_("person"))
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="visits",
                                verbose_name=_("network"))
    last_seen_at = models.DateTimeField(_("last seen"), default=now)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [models.UniqueConstraint(fields=["person", "network"],
                                               name="discuss_one_visit")]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.network_id}: {self.last_seen_at}"


class DigestSent(models.Model):
    """A digest period handled for a person; the unique key makes sending idempotent."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="digests",
                               verbose_name=_("person"))
    frequency = models.CharField(_("digest"), max_length=10, choices=Frequency.choices)
    period_start = models.DateTimeField(_("from"))
    period_end = models.DateTimeField(_("until"))
    items = models.PositiveIntegerField(_("items"), default=0)
    sent_at = models.DateTimeField(_("sent"), default=now)

    class Meta:
        verbose_name = _("digest sent")
        verbose_name_plural = _("digests sent")
        constraints = [models.UniqueConstraint(fields=["person", "frequency", "period_start"],
                                               name="discuss_one_digest_per_period")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.frequency} {self.period_start:%Y-%m-%d}"


class Conversation(models.Model):
    """The private conversation of two people introduced to each other.

    Only the two people of ``introduction`` read and write it: not the introducer, not the
    network's facilitators, not staff pages (docs/discussions.md, "Private conversations").
    It is opened by the first message; messages write no activity row.
    """

    introduction = models.OneToOneField(
        Introduction, on_delete=models.CASCADE, related_name="conversation",
        verbose_name=_("introduction"),
    )
    created_at = models.DateTimeField(_("created"), default=now)

    class Meta:
        verbose_name = _("private conversation")
        verbose_name_plural = _("private conversations")

    def __str__(self) -> str:
        return f"conversation {self.pk}"


class PrivateMessage(models.Model):
    """One message in a :class:`Conversation`; deleting an account deletes its messages."""

    erased_with_person = "author"

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages",
        verbose_name=_("conversation"),
    )
    author = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("author"),
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent"), default=now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("private message")
        verbose_name_plural = _("private messages")

    def __str__(self) -> str:
        return f"message {self.pk}"

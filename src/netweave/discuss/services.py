"""Writes of the discussions: topics, replies, reactions, answers, follows, mentions, digests.

Topics, replies and reactions go through :mod:`netweave.networks.services`, which write
their activity rows (METRICS.md 0); this module adds what the discuss app keeps beside them.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from netweave.networks import activity_rows as rows
from netweave.networks import services as domain
from netweave.networks.models import Activity, Discussion, Network, Person, Post, Reaction

from . import selectors
from .models import DigestPreference, Follow, Frequency, Mention, Visit
from .text import find_mentions

#: The reactions offered on posts.
REACTIONS = ("👍", "❤️", "🎉", "💡", "🙏")

TITLE_MAX = 200
BODY_MAX = 20_000


def _clean_text(value: str, *, field: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: _("This field cannot be empty.")})
    if len(value) > limit:
        raise ValidationError({field: _("At most %(limit)d characters, please.")
                               % {"limit": limit}})
    return value


def _record_mentions(post: Post, network: Network, source: str = "web") -> list[Mention]:
    """Store who ``post`` names, each with its ``mention`` activity row (METRICS.md 0)."""
    names = selectors.mention_names(network)
    found = find_mentions(post.body, names)
    found.pop(post.author_id, None)
    Activity.objects.bulk_create(
        [rows.mention(post, network.pk, pid, source=source) for pid in found])
    return Mention.objects.bulk_create(
        [Mention(post=post, person_id=pid, created_at=post.created_at) for pid in found])


def follow(discussion: Discussion, person: Person) -> Follow:
    """``person`` follows ``discussion`` (again: nothing changes)."""
    found, _created = Follow.objects.get_or_create(person=person, discussion=discussion)
    return found


def unfollow(discussion: Discussion, person: Person) -> None:
    Follow.objects.filter(person=person, discussion=discussion).delete()


@transaction.atomic
def start_topic(network: Network, author: Person, *, title: str, body: str,
                is_question: bool = False, at: datetime | None = None,
                source: str = "web") -> Discussion:
    """Open a topic (or question); the author follows it and the people mentioned are noted."""
    title = _clean_text(title, field="title", limit=TITLE_MAX)
    body = _clean_text(body, field="body", limit=BODY_MAX)
    discussion = domain.start_discussion(network, author, title=title, body=body,
                                         is_question=is_question, at=at, source=source)
    _record_mentions(discussion.posts.get(parent__isnull=True), network, source)
    follow(discussion, author)
    return discussion


@transaction.atomic
def reply(discussion: Discussion, author: Person, body: str, *, parent: Post | None = None,
          at: datetime | None = None, source: str = "web") -> Post:
    """Reply to ``parent`` (the opening post when empty); the author follows the topic."""
    body = _clean_text(body, field="body", limit=BODY_MAX)
    if parent is None:
        parent = selectors.opening_post(discussion)
    elif parent.discussion_id != discussion.pk:
        raise ValidationError({"parent": _("That post is not part of this discussion.")})
    post = domain.reply(parent, author, body, at=at, source=source)
    _record_mentions(post, discussion.network, source)
    follow(discussion, author)
    return post


def react(post: Post, person: Person, emoji: str, *, source: str = "web") -> Reaction:
    """React to ``post`` with one of :data:`REACTIONS`."""
    if emoji not in REACTIONS:
        raise ValidationError({"emoji": _("Choose one of the offered reactions.")})
    return domain.react(post, person, emoji, source=source)


def accept_answer(discussion: Discussion, post: Post, *, by: Person | None,
                  facilitator: bool) -> Discussion:
    """Mark ``post`` as the accepted answer; only the asker or a facilitator may."""
    if not facilitator and (by is None or by.pk != discussion.author_id):
        raise ValidationError(_("Only the person who asked, or a facilitator, can accept an "
                                "answer."))
    return domain.accept_answer(discussion, post)


def set_digest(person: Person, frequency: str) -> DigestPreference:
    """Choose how often ``person`` gets the digest: daily, weekly or off."""
    if frequency not in Frequency.values:
        raise ValidationError({"frequency": _("Choose daily, weekly or off.")})
    pref, _created = DigestPreference.objects.update_or_create(
        person=person, defaults={"frequency": frequency})
    return pref


def seen(person: Person | None, network: Network, at: datetime | None = None) -> None:
    """Note that ``person`` came to ``network``'s discussions now (for the digest)."""
    if person is None:
        return
    Visit.objects.update_or_create(person=person, network=network,
                                   defaults={"last_seen_at": at or timezone.now()})

"""Writes of the discussions: topics, replies, reactions, answers, follows, mentions, digests,
and the private conversation of two people introduced to each other.

The only public writer of discussions, posts and reactions. Topics, replies, mentions and
reactions write their activity rows (docs/metrics.md#data, built by
:mod:`netweave.networks.activity_rows`) in the same transaction.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from netweave.core.text import one_line
from netweave.networks import activity_rows as rows
from netweave.networks.models import (
    Discussion,
    Introduction,
    Membership,
    Network,
    Person,
    Post,
    Reaction,
)
from netweave.networks.selectors import member_name
from netweave.networks.services import record_activity

from . import selectors
from .models import (
    Conversation,
    DigestPreference,
    Follow,
    Frequency,
    Mention,
    PrivateMessage,
    Visit,
)
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
    """Store who ``post`` names, each with its ``mention`` activity row (docs/metrics.md#data)."""
    names = selectors.mention_names(network)
    found = find_mentions(post.body, names)
    found.pop(post.author_id, None)
    record_activity(*(rows.mention(post, network.pk, pid, source=source) for pid in found))
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
    at = at or timezone.now()
    discussion = Discussion.objects.create(network=network, author=author, title=title,
                                           is_question=is_question, created_at=at)
    opening = Post.objects.create(discussion=discussion, author=author, body=body, created_at=at)
    record_activity(rows.opening_post(discussion, opening, source=source))
    _record_mentions(opening, network, source)
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
    post = Post.objects.create(discussion=discussion, author=author, body=body, parent=parent,
                               created_at=at or timezone.now())
    record_activity(rows.reply(discussion, post, parent, source=source))
    _record_mentions(post, discussion.network, source)
    follow(discussion, author)
    return post


@transaction.atomic
def react(post: Post, person: Person, emoji: str = REACTIONS[0], *, at: datetime | None = None,
          source: str = "web") -> Reaction:
    """React to ``post`` with one of :data:`REACTIONS`; the same reaction again changes
    nothing."""
    if emoji not in REACTIONS:
        raise ValidationError({"emoji": _("Choose one of the offered reactions.")})
    existing = Reaction.objects.filter(post=post, person=person, emoji=emoji).first()
    if existing is not None:
        return existing
    reaction = Reaction.objects.create(post=post, person=person, emoji=emoji,
                                       created_at=at or timezone.now())
    record_activity(rows.react(reaction, post, post.discussion.network_id, source=source))
    return reaction


@transaction.atomic
def accept_answer(discussion: Discussion, post: Post, *, by: Person | None,
                  facilitator: bool) -> Discussion:
    """Mark ``post`` as the accepted answer; only the asker or a facilitator may. State
    only: the ``answer`` row was written with the reply."""
    if not facilitator and (by is None or by.pk != discussion.author_id):
        raise ValidationError(_("Only the person who asked, or a facilitator, can accept an "
                                "answer."))
    if not discussion.is_question:
        raise ValidationError(_("Only a question has an accepted answer."))
    if post.discussion_id != discussion.pk or post.parent_id is None:
        raise ValidationError(_("The accepted answer must be a reply in this question."))
    discussion.accepted_answer = post
    discussion.save(update_fields=["accepted_answer"])
    return discussion


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


# --- private conversations after an introduction --------------------------------------------

MESSAGE_MAX = 5000


def _notify(membership: Membership, sender: str, network: Network, link: str) -> None:
    """Tell ``membership``'s person that ``sender`` wrote: no text, no address of anyone."""
    if not membership.person.email:
        return
    args = {"name": sender, "network": network.name}
    body = "\n\n".join([
        _("Hello %(name)s,") % {"name": member_name(membership)},
        _("%(name)s sent you a private message in the network “%(network)s”. Only the two "
          "of you can read it.") % args,
        _("Read it and answer here: %(link)s") % {"link": link},
    ])
    send_mail(one_line(_("A message from %(name)s") % args), body,
              settings.DEFAULT_FROM_EMAIL, [membership.person.email])


@transaction.atomic
def send_private_message(introduction: Introduction, author: Person, body: str, *,
                         link: str = "") -> PrivateMessage:
    """Add ``author``'s message to the conversation of ``introduction`` (opening it).

    Only the two people introduced write, while both are members of the network; the other
    gets an e-mail (after the commit, in the language active now) that names the author as
    the network shows them and holds neither the text nor an address; ``link`` points to
    the conversation. Messages write no activity row: who talks privately to whom stays
    between them.
    """
    if author.pk not in (introduction.person_a_id, introduction.person_b_id):
        raise PermissionDenied
    body = _clean_text(body, field="body", limit=MESSAGE_MAX)
    if "\x00" in body:
        raise ValidationError({"body": _("The text contains a NUL character; remove it.")})
    members = {m.person_id: m for m in Membership.objects.filter(
        network=introduction.network, left_at__isnull=True,
        person_id__in=(introduction.person_a_id, introduction.person_b_id),
    ).select_related("person")}
    if len(members) < 2:
        raise ValidationError(_("One of you has left the network; the conversation is "
                                "closed."))
    conversation, _created = Conversation.objects.get_or_create(introduction=introduction)
    message = PrivateMessage.objects.create(conversation=conversation, author=author,
                                            body=body, created_at=timezone.now())
    other = next(m for pid, m in members.items() if pid != author.pk)
    sender, lang = member_name(members[author.pk]), translation.get_language()

    def notify() -> None:
        with translation.override(lang):
            _notify(other, sender, introduction.network, link)

    transaction.on_commit(notify, robust=True)  # a failed mail is logged, not a 500
    return message

"""Which activity rows each domain object stands for (docs/metrics.md#data).

One function per kind of object, returning unsaved :class:`Activity` rows. The services
save them in the same transaction as the object; the demo loader and the importers save
them in bulk. Keeping the mapping here means every path into the log writes the same rows.
"""

from __future__ import annotations

from netweave.core import activity as act

from .models import (
    Activity,
    Attendance,
    Discussion,
    Event,
    EventMode,
    Exchange,
    Introduction,
    Membership,
    Need,
    Offer,
    Post,
    Reaction,
    Registration,
    RsvpStatus,
    ValueStory,
)

#: Weight of an ``rsvp`` row by answer: an intention, not a contribution.
RSVP_WEIGHT = {RsvpStatus.GOING: 1.0, RsvpStatus.MAYBE: 0.5, RsvpStatus.NOT_GOING: 0.0}


def _row(network_id: int, actor_id: int, kind: str, obj_type: str, obj_id: int | None, *,
         at, channel: str = act.ONLINE, target_id: int | None = None, weight: float = 1.0,
         source: str = "web") -> Activity:
    return Activity(
        network_id=network_id, actor_id=actor_id, kind=kind, target_id=target_id,
        object_type=obj_type, object_id=obj_id, channel=channel, at=at, weight=weight,
        source=source,
    )


def event_channel(event: Event) -> str:
    """Channel of acts around an event itself (hosting): offline unless the event is online."""
    return act.ONLINE if event.mode == EventMode.ONLINE else act.OFFLINE


def join(m: Membership, *, source: str = "web") -> Activity:
    return _row(m.network_id, m.person_id, act.JOIN, "membership", m.pk, at=m.joined_at,
                source=source)


def leave(m: Membership, *, source: str = "web") -> Activity:
    return _row(m.network_id, m.person_id, act.LEAVE, "membership", m.pk, at=m.left_at,
                source=source)


def rsvp(r: Registration, event: Event, *, source: str = "web") -> Activity:
    return _row(event.network_id, r.person_id, act.RSVP, "event", event.pk, at=r.updated_at,
                weight=RSVP_WEIGHT[RsvpStatus(r.status)], source=source)


def attend(a: Attendance, event: Event, *, source: str = "web") -> Activity:
    """Attending an event; the tie to co-attendees is derived by the engine
    (docs/metrics.md#data)."""
    return _row(event.network_id, a.person_id, act.ATTEND, "event", event.pk,
                at=a.checked_in_at, channel=a.channel, source=source)


def host(event: Event, person_id: int, *, source: str = "web") -> Activity:
    return _row(event.network_id, person_id, act.HOST, "event", event.pk, at=event.starts_at,
                channel=event_channel(event), source=source)


def opening_post(d: Discussion, post: Post, *, source: str = "web") -> Activity:
    """Opening a discussion: ``ask`` for a question, ``post`` otherwise."""
    kind = act.ASK if d.is_question else act.POST
    return _row(d.network_id, d.author_id, kind, "discussion", d.pk, at=post.created_at,
                source=source)


def reply(d: Discussion, post: Post, parent: Post, *, source: str = "web") -> Activity:
    """A reply targets the author of the post it answers.

    A direct reply to a question's opening post is an ``answer``; anything else a ``reply``.
    """
    kind = act.ANSWER if d.is_question and parent.parent_id is None else act.REPLY
    return _row(d.network_id, post.author_id, kind, "post", post.pk, at=post.created_at,
                target_id=parent.author_id, source=source)


def mention(post: Post, network_id: int, person_id: int, *, source: str = "web") -> Activity:
    """Naming someone in a post (``@name``) is an interaction with them."""
    return _row(network_id, post.author_id, act.MENTION, "post", post.pk, at=post.created_at,
                target_id=person_id, source=source)


def react(r: Reaction, post: Post, network_id: int, *, source: str = "web") -> Activity:
    return _row(network_id, r.person_id, act.REACT, "post", post.pk, at=r.created_at,
                target_id=post.author_id, source=source)


def offer(o: Offer, network_id: int, *, source: str = "web") -> Activity:
    return _row(network_id, o.person_id, act.OFFER, "offer", o.pk, at=o.created_at,
                source=source)


def need(n: Need, network_id: int, *, source: str = "web") -> Activity:
    return _row(network_id, n.person_id, act.NEED, "need", n.pk, at=n.created_at,
                source=source)


def give(e: Exchange, *, source: str = "web") -> Activity:
    """A confirmed exchange: the giver gives to the receiver."""
    return _row(e.network_id, e.giver_id, act.GIVE, "exchange", e.pk, at=e.confirmed_at,
                target_id=e.receiver_id, weight=e.weight, source=source)


def introduce(i: Introduction, *, source: str = "web") -> list[Activity]:
    """An introduction ties the introducer to both people introduced (docs/metrics.md#data)."""
    return [
        _row(i.network_id, i.introducer_id, act.INTRODUCE, "introduction", i.pk,
             at=i.created_at, target_id=person_id, source=source)
        for person_id in (i.person_a_id, i.person_b_id)
    ]


def story(s: ValueStory, *, source: str = "web") -> Activity:
    return _row(s.network_id, s.author_id, act.STORY, "story", s.pk, at=s.created_at,
                source=source)

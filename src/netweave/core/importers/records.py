"""The typed records every importer produces: people, events, threads, posts, interactions.

Pure Python, no web framework. People are named by a *key* (the label, e-mail or id the
source uses); events, threads and posts by their *source id* (a UID, Message-ID, Slack
timestamp, Discourse post id …) so that re-importing the same source adds nothing.
Interactions (a generic log can hold millions) are kept in columns, not objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class PersonRec:
    key: str
    name: str
    email: str = ""
    organisation: str = ""
    sector: str = ""


@dataclass
class EventRec:
    source_id: str
    title: str
    starts_at: datetime
    ends_at: datetime
    location: str = ""
    online: bool = False
    description: str = ""
    hosts: list[str] = field(default_factory=list)  # person keys


@dataclass
class AttendRec:
    person: str
    event: str  # EventRec.source_id
    at: datetime
    online: bool = False


@dataclass
class RsvpRec:
    person: str
    event: str
    status: str  # going, maybe, not_going
    at: datetime


@dataclass
class ThreadRec:
    source_id: str
    title: str
    author: str
    at: datetime
    is_question: bool = False


@dataclass
class PostRec:
    source_id: str
    thread: str  # ThreadRec.source_id
    author: str
    at: datetime
    body: str
    parent: str | None = None  # PostRec.source_id; None for a thread's opening post


@dataclass
class ReactionRec:
    post: str
    person: str
    emoji: str
    at: datetime


@dataclass
class Interactions:
    """A log of person-to-person acts in columns (one list per column, equal lengths)."""

    actor: list[str] = field(default_factory=list)
    target: list[str | None] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    channel: list[str] = field(default_factory=list)
    at: list[datetime] = field(default_factory=list)
    weight: list[float] = field(default_factory=list)

    def add(self, actor: str, target: str | None, kind: str, channel: str, at: datetime,
            weight: float = 1.0) -> None:
        self.actor.append(actor)
        self.target.append(target)
        self.kind.append(kind)
        self.channel.append(channel)
        self.at.append(at)
        self.weight.append(weight)

    def __len__(self) -> int:
        return len(self.actor)


@dataclass
class Batch:
    """Everything one file holds, ready to be written by the web app's import service."""

    source: str  # the importer's kind: attendance, log, ical, mbox, slack, discourse, meetup
    file: str
    encoding: str = ""
    people: dict[str, PersonRec] = field(default_factory=dict)
    events: list[EventRec] = field(default_factory=list)
    attendance: list[AttendRec] = field(default_factory=list)
    rsvps: list[RsvpRec] = field(default_factory=list)
    threads: list[ThreadRec] = field(default_factory=list)
    posts: list[PostRec] = field(default_factory=list)
    reactions: list[ReactionRec] = field(default_factory=list)
    interactions: Interactions = field(default_factory=Interactions)
    #: Person key -> when they joined the group (a Meetup member list): their membership
    #: (and its ``join`` row) is dated then, not at their first activity.
    joined: dict[str, datetime] = field(default_factory=dict)
    duplicates: int = 0  # records the file held twice, counted once
    notes: list[str] = field(default_factory=list)

    def person(self, key: str, name: str = "", email: str = "", **extra: str) -> str:
        """Register a person (first sighting wins, later ones fill gaps) and return the key."""
        rec = self.people.get(key)
        if rec is None:
            self.people[key] = PersonRec(key, name or key, email, **extra)
        else:
            if not rec.email and email:
                rec.email = email
            if rec.name == rec.key and name:
                rec.name = name
            for attr, value in extra.items():
                if value and not getattr(rec, attr):
                    setattr(rec, attr, value)
        return key

    def counts(self) -> dict[str, int]:
        return {"people": len(self.people), "events": len(self.events),
                "attendance": len(self.attendance), "rsvps": len(self.rsvps),
                "discussions": len(self.threads), "posts": len(self.posts),
                "reactions": len(self.reactions), "interactions": len(self.interactions),
                "duplicates": self.duplicates}

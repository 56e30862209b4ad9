"""The vocabulary of the activity log (docs/metrics.md#data).

Plain Python, no web framework: the web layer, the importers and the measurement
engine all take their kinds, channels and column names from here.
"""

from __future__ import annotations

from typing import Final

# Kinds of activity (docs/metrics.md#data). The list is extendable: new kinds are appended.
JOIN: Final = "join"
LEAVE: Final = "leave"
RSVP: Final = "rsvp"
ATTEND: Final = "attend"
HOST: Final = "host"
POST: Final = "post"
REPLY: Final = "reply"
REACT: Final = "react"
ASK: Final = "ask"
ANSWER: Final = "answer"
OFFER: Final = "offer"
NEED: Final = "need"
GIVE: Final = "give"
INTRODUCE: Final = "introduce"
STORY: Final = "story"
MESSAGE: Final = "message"
#: The author of a post names someone in it (``@name``): an interaction with that person.
MENTION: Final = "mention"

KINDS: Final[tuple[str, ...]] = (
    JOIN, LEAVE, RSVP, ATTEND, HOST, POST, REPLY, REACT,
    ASK, ANSWER, OFFER, NEED, GIVE, INTRODUCE, STORY, MESSAGE, MENTION,
)

#: Bookkeeping kind: a row of this kind that ``corrects`` another retracts it, leaving nothing
#: in its place (an attendance ticked by mistake). It is never part of the effective log.
VOID: Final = "void"

#: Kinds that are not contributions: an RSVP is an intention, joining and leaving are not
#: taking part (docs/metrics.md#data, "Contribution").
NON_CONTRIBUTION_KINDS: Final = frozenset({JOIN, LEAVE, RSVP})
CONTRIBUTION_KINDS: Final = frozenset(KINDS) - NON_CONTRIBUTION_KINDS

OFFLINE: Final = "offline"
ONLINE: Final = "online"
CHANNELS: Final[tuple[str, ...]] = (OFFLINE, ONLINE)

# Object types an activity row can point at (``object_type`` + ``object_id``).
OBJECT_TYPES: Final[tuple[str, ...]] = (
    "membership", "event", "registration", "attendance", "discussion", "post",
    "reaction", "offer", "need", "exchange", "introduction", "story",
)

#: Stakeholder sectors (docs/metrics.md#composition), in display order.
SECTORS: Final[tuple[str, ...]] = (
    "government", "business", "civil_society", "knowledge", "residents", "other",
)

#: Column order of the activity table as the log reader returns it.
COLUMNS: Final[tuple[str, ...]] = (
    "id", "network", "actor", "kind", "target", "object_type", "object_id",
    "channel", "at", "weight", "source", "corrects",
)


def is_contribution(kind: str) -> bool:
    """True when ``kind`` counts as a contribution (docs/metrics.md#data)."""
    return kind not in NON_CONTRIBUTION_KINDS

"""The demo's records and their shape: constants, the plain records a :class:`DemoNetwork`
holds, and the :class:`Topic` and :class:`Profile` a kind of demo network is described by."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

#: Short names (slugs) of the two demo networks.
MAIN_SLUG = "energieregio-rivierenland"
PEER_SLUG = "carers-circle"
#: Password of every demo account (see :attr:`DemoNetwork.accounts`).
PASSWORD = "netweave-demo"

# Choice values, as the web app's models spell them.
GOV, BUS, CIV, KNOW, RES, OTH = range(6)
RSVP_STATUSES = ("going", "maybe", "not_going")
CYCLES = ("immediate", "potential", "applied", "realised", "reframing")

DAY = 86_400.0
HOUR = 3_600.0
MONTH = 30.44 * DAY


# --- records ---------------------------------------------------------------------------------

@dataclass(slots=True)
class NetworkRecord:
    """A network's charter; field names and values as in the web app's ``Network``."""

    name: str
    slug: str
    purpose: str
    goals: str
    expectations_bring: str
    expectations_get: str
    planned_activities: str
    cadence: str
    focus_tags: list[str]
    region: str
    primary_type: str
    secondary_types: list[str]
    mode: str
    visibility: str
    identity_mode: str
    target_mix: dict[str, float]
    timezone: str
    language: str
    created_at: datetime


@dataclass(slots=True)
class OrganisationRecord:
    name: str
    sector: str
    municipality: str
    website: str


@dataclass(slots=True)
class PersonRecord:
    """``organisation`` is an index into :attr:`DemoNetwork.organisations` or None."""

    name: str
    email: str
    organisation: int | None
    sector: str
    interests: list[str]
    created_at: datetime


@dataclass(slots=True)
class MembershipRecord:
    person: int
    role: str
    identity: str
    pseudonym: str
    joined_at: datetime
    left_at: datetime | None


@dataclass(slots=True)
class EventRecord:
    """``hosts`` are person indexes. An event may lie after :attr:`DemoNetwork.end` (planned)."""

    title: str
    description: str
    mode: str
    location: str
    online_url: str
    starts_at: datetime
    ends_at: datetime
    capacity: int | None
    hosts: tuple[int, ...]
    created_at: datetime


@dataclass(slots=True)
class RegistrationRecord:
    """An RSVP; ``status`` is going, maybe or not_going; ``updated_at`` is its last change."""

    event: int
    person: int
    status: str
    created_at: datetime
    updated_at: datetime


@dataclass(slots=True)
class AttendanceRecord:
    """``mode`` in_person or remote; ``method`` code, list or walk_in."""

    event: int
    person: int
    mode: str
    method: str
    checked_in_at: datetime


@dataclass(slots=True)
class DiscussionRecord:
    """``accepted_answer`` is an index into :attr:`DemoNetwork.posts` or None."""

    title: str
    author: int
    is_question: bool
    created_at: datetime
    accepted_answer: int | None


@dataclass(slots=True)
class PostRecord:
    """``parent`` is None for a discussion's opening post; a parent precedes its replies."""

    discussion: int
    author: int
    parent: int | None
    body: str
    created_at: datetime


@dataclass(slots=True)
class ReactionRecord:
    post: int
    person: int
    emoji: str
    created_at: datetime


@dataclass(slots=True)
class GiveTakeRecord:
    """An offer or a need of a person in this network; ``status`` open or fulfilled."""

    person: int
    text: str
    tags: list[str]
    status: str
    created_at: datetime
    fulfilled_at: datetime | None


@dataclass(slots=True)
class ExchangeRecord:
    """``offer``/``need`` index the network's offers/needs; unconfirmed when ``confirmed_at``
    is None."""

    giver: int
    receiver: int
    offer: int | None
    need: int | None
    description: str
    weight: float
    created_at: datetime
    confirmed_at: datetime | None


@dataclass(slots=True)
class IntroductionRecord:
    introducer: int
    person_a: int
    person_b: int
    reasons: str
    created_at: datetime
    met: bool | None
    valuable: bool | None


@dataclass(slots=True)
class StoryRecord:
    """A value-creation story; ``cycle`` as in docs/metrics.md#stories."""

    author: int
    title: str
    text: str
    cycle: str
    created_at: datetime


@dataclass(slots=True)
class Account:
    """A login for the demo: ``username`` with password :data:`PASSWORD`, as ``person``."""

    username: str
    person: int


@dataclass
class DemoNetwork:
    """One generated network. All cross-references are list indexes."""

    network: NetworkRecord
    seed: int
    start: datetime
    end: datetime
    organisations: list[OrganisationRecord] = field(default_factory=list)
    people: list[PersonRecord] = field(default_factory=list)
    memberships: list[MembershipRecord] = field(default_factory=list)
    events: list[EventRecord] = field(default_factory=list)
    registrations: list[RegistrationRecord] = field(default_factory=list)
    attendances: list[AttendanceRecord] = field(default_factory=list)
    discussions: list[DiscussionRecord] = field(default_factory=list)
    posts: list[PostRecord] = field(default_factory=list)
    reactions: list[ReactionRecord] = field(default_factory=list)
    offers: list[GiveTakeRecord] = field(default_factory=list)
    needs: list[GiveTakeRecord] = field(default_factory=list)
    exchanges: list[ExchangeRecord] = field(default_factory=list)
    introductions: list[IntroductionRecord] = field(default_factory=list)
    stories: list[StoryRecord] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)

    def object_count(self) -> int:
        """Number of records of every kind (for progress reporting)."""
        return sum(len(getattr(self, name)) for name in (
            "organisations", "people", "memberships", "events", "registrations",
            "attendances", "discussions", "posts", "reactions", "offers", "needs",
            "exchanges", "introductions", "stories"))

    def activity_row_estimate(self) -> int:
        """Activity rows a load writes (docs/metrics.md#data); the loader's own count is
        authoritative."""
        return (len(self.memberships)
                + sum(m.left_at is not None for m in self.memberships)
                + sum(len(e.hosts) for e in self.events)
                + len(self.registrations) + len(self.attendances) + len(self.posts)
                + len(self.reactions) + len(self.offers) + len(self.needs)
                + sum(x.confirmed_at is not None for x in self.exchanges)
                + 2 * len(self.introductions) + len(self.stories))


# --- the shape of a profile: the text and parameters of one kind of demo network ---------

@dataclass(frozen=True)
class Topic:
    tag: str
    theme: str
    titles: tuple[str, ...]
    questions: tuple[str, ...]
    sentences: tuple[str, ...]
    replies: tuple[str, ...]
    answers: tuple[str, ...]


@dataclass(frozen=True)
class Profile:
    charter: dict
    early: tuple[Topic, ...]
    late: tuple[Topic, ...]
    places: tuple[str, ...]
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    other_first_names: tuple[str, ...]
    other_last_names: tuple[str, ...]
    openers: tuple[str, ...]
    closers: tuple[str, ...]
    generic_replies: tuple[str, ...]
    month_names: tuple[str, ...]
    meeting_title: str
    meeting_description: str
    conference_title: str
    conference_description: str
    online_title: str
    online_description: str
    recap_title: str
    recap_body: str
    venues: tuple[str, ...]
    offers: dict[int, tuple[tuple[str, tuple[str, ...]], ...]]
    needs: dict[int, tuple[tuple[str, tuple[str, ...]], ...]]
    exchange_texts: tuple[str, ...]
    intro_reasons: tuple[str, ...]
    newcomer_reason: str
    sector_names: tuple[str, ...]
    stories: dict[str, tuple[tuple[str, str], ...]]
    pseudonym_words: tuple[tuple[str, ...], tuple[str, ...]]
    emojis: tuple[str, ...]
    emoji_p: tuple[float, ...]
    accounts: tuple[str, ...]  # facilitator, second facilitator, member
    sector_mix: tuple[float, ...]
    facilitator_sectors: tuple[int, int]
    organisations: bool
    online_only: bool
    facilitators: int
    founder_share: float
    sigma: float
    lapse_p: float
    lapse_months: float
    leave_p: float
    pseudonym_share: float
    drift: bool
    events_per_month: float
    attend_scale: float
    discussion_rate: float
    replies_mean: float
    question_share: float
    reactions_mean: float
    offer_rate: float
    need_rate: float
    exchange_rate: float
    intro_rate: float
    story_rate: float
    meeting_time: tuple[int, int, float]
    online_time: tuple[int, int, float]

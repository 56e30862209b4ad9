"""Synthetic demo networks: the data of the demo, the tests and the benchmarks.

Pure Python and numpy, no web framework. :func:`generate` builds a Dutch regional
energy-transition network; :func:`generate_peer_support` a small online, pseudonymous
peer-support circle in English. Both return a :class:`DemoNetwork` of plain records that
refer to each other by list index; every time is a timezone-aware UTC datetime. The same
arguments (including ``start``) give the same records.

What makes the data realistic: participation is heavy-tailed (a lognormal propensity per
person), founders join in month 0 and newcomers arrive over time (many at a meeting),
some people lapse and some of those leave, offline meetings are roughly monthly with a
conference and a few online sessions, RSVPs differ from attendance (no-shows and walk-ins),
online threads run between meetings, and discussion topics drift away from the charter's
focus tags over time. Large sizes are generated with vectorised numpy; people=20000,
months=36 gives about a million activity rows.
"""

from netweave.core.demo.builder import generate, generate_all, generate_peer_support, start_for_end
from netweave.core.demo.records import (
    MAIN_SLUG,
    PASSWORD,
    PEER_SLUG,
    Account,
    AttendanceRecord,
    DemoNetwork,
    DiscussionRecord,
    EventRecord,
    ExchangeRecord,
    GiveTakeRecord,
    IntroductionRecord,
    MembershipRecord,
    NetworkRecord,
    OrganisationRecord,
    PersonRecord,
    PostRecord,
    ReactionRecord,
    RegistrationRecord,
    StoryRecord,
)

__all__ = [
    "MAIN_SLUG",
    "PASSWORD",
    "PEER_SLUG",
    "Account",
    "AttendanceRecord",
    "DemoNetwork",
    "DiscussionRecord",
    "EventRecord",
    "ExchangeRecord",
    "GiveTakeRecord",
    "IntroductionRecord",
    "MembershipRecord",
    "NetworkRecord",
    "OrganisationRecord",
    "PersonRecord",
    "PostRecord",
    "ReactionRecord",
    "RegistrationRecord",
    "StoryRecord",
    "generate",
    "generate_all",
    "generate_peer_support",
    "start_for_end",
]

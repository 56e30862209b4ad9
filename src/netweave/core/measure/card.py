"""The health card (docs/metrics.md#health-card), and the lifecycle sentence (section 7).

No single magic score: per indicator its value, its trend against ``P-1``, a traffic light
with documented thresholds and one plain sentence, with the indicators that matter most for
the charter's primary type first.

Pure core, no web framework. Translation goes through Python's stdlib :mod:`gettext` with
this package's Django catalogue (domain ``django``, ``src/netweave/locale``), so Django's
``makemessages`` extracts the strings below (they are marked with ``gettext_noop`` /
``ngettext``, which only mark) and the web app and the CLI translate alike; pass
``localedir`` to point at another compiled catalogue.

Input: ``{indicator key: (value now, value in P-1)}``; a bare number means "no previous
value", None or a missing key means "no data". Keys, units and what the engine must put in
them are in :data:`INDICATORS` (``source`` names the docs/metrics.md figure).

Trend (our design): ``"flat"`` when ``|now - previous| <= max(abs_tol, rel_tol * |previous|)``,
else ``"up"`` / ``"down"``; None when either value is missing. Default tolerances by unit:
counts 5% relative; shares and indices 0.02 absolute (2 percentage points); hours and days
10% relative with at least 1; flags none (any change counts).

Traffic light (our design): thresholds are on the value (``basis="value"``) or on the relative
change against ``P-1`` (``basis="change"``, for counts whose level depends on the network's
size). Higher-is-better: green when ``x >= green``, amber when ``x >= amber``, else red;
lower-is-better mirrors it (``x <= green`` ...). Boundaries belong to the better colour.
Change-based lights are grey without a previous value, red when the count is 0, green when
it rose from 0. No value at all gives grey, and so does an indicator whose data the source
does not record (:data:`NEEDS`). Every threshold can be overridden per call.
The count thresholds assume the default 90-day period.
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

__all__ = [
    "INDICATORS",
    "LEADING",
    "LOCALEDIR",
    "NEEDS",
    "Indicator",
    "describe",
    "format_number",
    "health_card",
    "lifecycle_sentence",
    "messages",
    "translator",
]

#: The package's gettext catalogues (``src/netweave/locale``).
LOCALEDIR = Path(__file__).resolve().parents[2] / "locale"


def gettext_noop(message: str) -> str:
    """Mark a message for extraction; it is translated when the card is rendered."""
    return message


_ = gettext_noop


class Plural(NamedTuple):
    singular: str
    plural: str


def ngettext(singular: str, plural: str) -> Plural:
    """Mark a plural pair for extraction (xgettext's ``ngettext:1,2``); translated later."""
    return Plural(singular, plural)


# --- the indicator table ------------------------------------------------------------------

#: Sentence template keys: ``up``, ``down``, ``flat`` (with a previous value; ``%(value)s``
#: and ``%(delta)s``), ``now`` (no previous value; ``%(value)s``). Flags use ``up``
#: (switched on), ``down`` (switched off), ``true`` and ``false`` (unchanged or no previous).
Templates = Mapping[str, str]

_UNIT_TOLERANCE = {  # unit -> (rel_tol, abs_tol), see the module docstring
    "count": (0.05, 0.0),
    "share": (0.0, 0.02),
    "index": (0.0, 0.02),
    "hours": (0.10, 1.0),
    "days": (0.10, 1.0),
    "flag": (0.0, 0.0),
}


@dataclass(frozen=True)
class Indicator:
    """One row of the health card's table."""

    key: str
    label: str
    #: count, share (0..1, shown as %), index (0..1, shown as a decimal), hours, days, flag.
    unit: str
    #: "higher" or "lower" is better.
    direction: str
    #: Thresholds apply to the "value" or to the relative "change" against P-1.
    basis: str
    green: float
    amber: float
    #: Why these thresholds (documentation, English).
    reason: str
    #: The docs/metrics.md figure the engine puts under ``key``.
    source: str
    templates: Templates
    #: Plural pair naming a count's unit, with ``%(n)s``.
    noun: Plural | None = None
    rel_tol: float | None = None
    abs_tol: float | None = None

    def tolerance(self) -> tuple[float, float]:
        rel, abs_ = _UNIT_TOLERANCE[self.unit]
        return (rel if self.rel_tol is None else self.rel_tol,
                abs_ if self.abs_tol is None else self.abs_tol)


PEOPLE = ngettext("%(n)s person", "%(n)s people")
EVENTS = ngettext("%(n)s event", "%(n)s events")
ACTIVITIES = ngettext("%(n)s activity", "%(n)s activities")
VISITS = ngettext("%(n)s visit", "%(n)s visits")
STORIES = ngettext("%(n)s story", "%(n)s stories")
HOURS = ngettext("%(n)s hour", "%(n)s hours")
DAYS = ngettext("%(n)s day", "%(n)s days")
MONTHS = ngettext("%(n)s month", "%(n)s months")
POINTS = ngettext("%(n)s percentage point", "%(n)s percentage points")

NO_DATA = _("%(label)s: no data for this period.")
NOT_RECORDED = _("%(label)s: not recorded in this data.")

#: What the data must record for an indicator to mean anything (docs/metrics.md#health-card, "Not
#: recorded"): indicator key -> a key of the engine's ``recorded`` figures. Where the whole
#: history holds none of it (a message log has no events, no sectors, no give and take) the
#: indicator is "not recorded" (grey, said in words), never a measured zero.
NEEDS: dict[str, str] = {
    "events_held": "events",
    "event_return_rate": "attendance",
    "offline_attendances": "meetings",
    "gap_coverage": "meetings",
    "online_activities": "online",
    "time_to_first_response_hours": "discussions",
    "answer_share": "discussions",
    "reciprocal_members": "give_take",
    "cross_sector_tie_share": "sectors",
    "blau_sector": "sectors",
    "realised_stories": "stories",
    "applied_share": "stories",
}

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        key="events_held", label=_("Events held"), unit="count", direction="higher",
        basis="value", green=1, amber=1, noun=EVENTS,
        reason="A network that meets monthly or quarterly holds at least one event in 90 "
               "days; none is red (no amber band).",
        source="1 Events held (events with >= 1 attendance in P)",
        templates={
            "up": _("Events held rose to %(value)s (%(delta)s since the previous period)."),
            "down": _("Events held fell to %(value)s (%(delta)s since the previous period)."),
            "flat": _("Events held stayed at %(value)s (%(delta)s since the previous "
                      "period)."),
            "now": _("Events held this period: %(value)s."),
        },
    ),
    Indicator(
        key="activities", label=_("Activities"), unit="count", direction="higher",
        basis="change", green=-0.10, amber=-0.30, noun=ACTIVITIES,
        reason="Activity is lumpy around meetings: a dip of a tenth is noise, losing a "
               "third is a signal.",
        source="1 Activities (contributions in P)",
        templates={
            "up": _("Activities rose to %(value)s (%(delta)s since the previous period)."),
            "down": _("Activities fell to %(value)s (%(delta)s since the previous period)."),
            "flat": _("Activities held steady at %(value)s (%(delta)s since the previous "
                      "period)."),
            "now": _("Activities this period: %(value)s."),
        },
    ),
    Indicator(
        key="reach", label=_("Reach"), unit="count", direction="higher",
        basis="change", green=-0.05, amber=-0.20, noun=PEOPLE,
        reason="Networks breathe: a twentieth fewer people is noise, a fifth fewer is a "
               "signal.",
        source="1 Reach (distinct people as actor or target in P)",
        templates={
            "up": _("Reach grew to %(value)s (%(delta)s since the previous period)."),
            "down": _("Reach fell to %(value)s (%(delta)s since the previous period)."),
            "flat": _("Reach held steady at %(value)s (%(delta)s since the previous "
                      "period)."),
            "now": _("Reach this period: %(value)s."),
        },
    ),
    Indicator(
        key="active", label=_("Active participants"), unit="count", direction="higher",
        basis="change", green=-0.05, amber=-0.20, noun=PEOPLE,
        reason="As reach: a twentieth fewer is noise, a fifth fewer is a signal.",
        source="1 Active participants (distinct actors with a contribution in P)",
        templates={
            "up": _("Active participants rose to %(value)s (%(delta)s since the previous "
                    "period)."),
            "down": _("Active participants fell to %(value)s (%(delta)s since the previous "
                      "period)."),
            "flat": _("Active participants held steady at %(value)s (%(delta)s since the "
                      "previous period)."),
            "now": _("Active participants this period: %(value)s."),
        },
    ),
    Indicator(
        key="new", label=_("New participants"), unit="count", direction="higher",
        basis="value", green=3, amber=1, noun=PEOPLE,
        reason="A network nobody new joins in 90 days slowly closes; a few newcomers a "
               "period keep it open.",
        source="1 New (active in P, first contribution ever in P)",
        templates={
            "up": _("New participants rose to %(value)s (%(delta)s since the previous "
                    "period)."),
            "down": _("New participants fell to %(value)s (%(delta)s since the previous "
                      "period)."),
            "flat": _("New participants held steady at %(value)s (%(delta)s since the "
                      "previous period)."),
            "now": _("New participants this period: %(value)s."),
        },
    ),
    Indicator(
        key="returning_share", label=_("Returning participants"), unit="share",
        direction="higher", basis="value", green=0.5, amber=0.3,
        reason="Half returning is the maturity mark of docs/metrics.md#dynamics; below three "
               "in ten the network mostly churns.",
        source="1 Returning / Active participants in P",
        templates={
            "up": _("Returning participants rose to %(value)s of those active (%(delta)s "
                    "since the previous period)."),
            "down": _("Returning participants fell to %(value)s of those active (%(delta)s "
                      "since the previous period)."),
            "flat": _("Returning participants held steady at %(value)s of those active "
                      "(%(delta)s since the previous period)."),
            "now": _("Returning participants this period: %(value)s of those active."),
        },
    ),
    Indicator(
        key="retention_3m", label=_("Retention after three months"), unit="share",
        direction="higher", basis="value", green=0.25, amber=0.10,
        reason="Our rule of thumb for voluntary networks: a quarter of newcomers still "
               "contributing three months on is healthy, under a tenth is a leak.",
        source="1 Retention cohorts: retention(c, 3) of the cohorts whose month c+3 lies in "
               "P, pooled (retained people / cohort people)",
        templates={
            "up": _("Retention after three months rose to %(value)s of newcomers (%(delta)s "
                    "since the previous period)."),
            "down": _("Retention after three months fell to %(value)s of newcomers "
                      "(%(delta)s since the previous period)."),
            "flat": _("Retention after three months held steady at %(value)s of newcomers "
                      "(%(delta)s since the previous period)."),
            "now": _("Retention after three months this period: %(value)s of newcomers."),
        },
    ),
    Indicator(
        key="event_return_rate", label=_("Event return rate"), unit="share",
        direction="higher", basis="value", green=0.4, amber=0.2,
        reason="When two in five attendees have been before, meetings build on each other; "
               "under one in five every meeting starts over.",
        source="1 Event return rate, mean over the events of P",
        templates={
            "up": _("Attendees who had been to an earlier event rose to %(value)s (%(delta)s "
                    "since the previous period)."),
            "down": _("Attendees who had been to an earlier event fell to %(value)s "
                      "(%(delta)s since the previous period)."),
            "flat": _("Attendees who had been to an earlier event held steady at %(value)s "
                      "(%(delta)s since the previous period)."),
            "now": _("Attendees who had been to an earlier event this period: %(value)s."),
        },
    ),
    Indicator(
        key="offline_attendances", label=_("Offline attendance"), unit="count",
        direction="higher", basis="change", green=-0.10, amber=-0.30, noun=VISITS,
        reason="Attendance depends on how many meetings fell in the period: a tenth less is "
               "noise, a third less is a signal.",
        source="1 Activities of kind attend, channel offline, in P",
        templates={
            "up": _("Offline attendance rose to %(value)s (%(delta)s since the previous "
                    "period)."),
            "down": _("Offline attendance fell to %(value)s (%(delta)s since the previous "
                      "period)."),
            "flat": _("Offline attendance held steady at %(value)s (%(delta)s since the "
                      "previous period)."),
            "now": _("Offline attendance this period: %(value)s."),
        },
    ),
    Indicator(
        key="online_activities", label=_("Online activity"), unit="count",
        direction="higher", basis="change", green=-0.10, amber=-0.30, noun=ACTIVITIES,
        reason="Online activity is bursty: a tenth less is noise, a third less is a signal.",
        source="1 Activities (contributions) with channel online in P",
        templates={
            "up": _("Online activity rose to %(value)s (%(delta)s since the previous "
                    "period)."),
            "down": _("Online activity fell to %(value)s (%(delta)s since the previous "
                      "period)."),
            "flat": _("Online activity held steady at %(value)s (%(delta)s since the "
                      "previous period)."),
            "now": _("Online activity this period: %(value)s."),
        },
    ),
    Indicator(
        key="gap_coverage", label=_("Warmth between meetings"), unit="share",
        direction="higher", basis="value", green=0.75, amber=0.5,
        reason="Online activity in three weeks out of four between meetings keeps a network "
               "warm; in fewer than half it goes cold.",
        source="2 Gap coverage, mean over the gaps of P",
        templates={
            "up": _("Weeks with online activity between meetings rose to %(value)s "
                    "(%(delta)s since the previous period)."),
            "down": _("Weeks with online activity between meetings fell to %(value)s "
                      "(%(delta)s since the previous period)."),
            "flat": _("Weeks with online activity between meetings held steady at %(value)s "
                      "(%(delta)s since the previous period)."),
            "now": _("Weeks with online activity between meetings this period: %(value)s."),
        },
    ),
    Indicator(
        key="time_to_first_response_hours", label=_("Time to first response"),
        unit="hours", direction="lower", basis="value", green=48, amber=168,
        reason="An answer within two days keeps a question alive; after a week (docs/metrics.md "
               "2's window) the asker has moved on.",
        source="2 Time to first response, median over discussions opened in P, in hours",
        templates={
            "up": _("The median time to a first response rose to %(value)s (%(delta)s since "
                    "the previous period)."),
            "down": _("The median time to a first response fell to %(value)s (%(delta)s "
                      "since the previous period)."),
            "flat": _("The median time to a first response held steady at %(value)s "
                      "(%(delta)s since the previous period)."),
            "now": _("The median time to a first response this period: %(value)s."),
        },
    ),
    Indicator(
        key="answer_share", label=_("Answered within a week"), unit="share",
        direction="higher", basis="value", green=0.8, amber=0.5,
        reason="Four in five questions answered within a week is a working practice; "
               "under half and people stop asking.",
        source="2 Time to first response: share of discussions and questions opened in P "
               "answered within 7 days",
        templates={
            "up": _("Questions and discussions answered within a week rose to %(value)s "
                    "(%(delta)s since the previous period)."),
            "down": _("Questions and discussions answered within a week fell to %(value)s "
                      "(%(delta)s since the previous period)."),
            "flat": _("Questions and discussions answered within a week held steady at "
                      "%(value)s (%(delta)s since the previous period)."),
            "now": _("Questions and discussions answered within a week this period: "
                     "%(value)s."),
        },
    ),
    Indicator(
        key="days_since_last_contribution", label=_("Days since the last contribution"),
        unit="days", direction="lower", basis="value", green=14, amber=30,
        reason="Two weeks of silence is normal between meetings; a month without any "
               "contribution is a network going quiet.",
        source="2 Days since last contribution, for the network, at the end of P",
        templates={
            "up": _("The time since the last contribution grew to %(value)s (%(delta)s since "
                    "the previous period)."),
            "down": _("The time since the last contribution shrank to %(value)s (%(delta)s "
                      "since the previous period)."),
            "flat": _("The time since the last contribution stayed at %(value)s (%(delta)s "
                      "since the previous period)."),
            "now": _("The last contribution was %(value)s ago."),
        },
    ),
    Indicator(
        key="reciprocity", label=_("Reciprocity"), unit="share", direction="higher",
        basis="value", green=0.3, amber=0.15,
        reason="Our reading of reply networks: when three in ten ties go both ways people "
               "exchange; under one in seven the network mostly broadcasts.",
        source="3 Edge reciprocity r of the directed tie graph of P",
        templates={
            "up": _("Reciprocity rose: %(value)s of ties went both ways (%(delta)s since the "
                    "previous period)."),
            "down": _("Reciprocity fell: %(value)s of ties went both ways (%(delta)s since "
                      "the previous period)."),
            "flat": _("Reciprocity held steady: %(value)s of ties went both ways (%(delta)s "
                      "since the previous period)."),
            "now": _("Reciprocity this period: %(value)s of ties went both ways."),
        },
    ),
    Indicator(
        key="reciprocal_members", label=_("Give and take"), unit="share",
        direction="higher", basis="value", green=0.3, amber=0.1,
        reason="People stay when they both give and get: three in ten doing both is a "
               "healthy core, under one in ten the network runs on a few givers.",
        source="3 Share of reciprocal members (give > 0 and take > 0) among active "
               "participants",
        templates={
            "up": _("Members who both give and take rose to %(value)s of those active "
                    "(%(delta)s since the previous period)."),
            "down": _("Members who both give and take fell to %(value)s of those active "
                      "(%(delta)s since the previous period)."),
            "flat": _("Members who both give and take held steady at %(value)s of those "
                      "active (%(delta)s since the previous period)."),
            "now": _("Members who both give and take this period: %(value)s of those "
                     "active."),
        },
    ),
    Indicator(
        key="cross_sector_tie_share", label=_("Cross-sector ties"), unit="share",
        direction="higher", basis="value", green=0.3, amber=0.15,
        reason="Acting together across sectors is the point of an action network: three "
               "in ten ties across sectors is real mixing, under one in seven are silos.",
        source="4 Cross-sector tie share E / (E + I), weighted, sector attribute",
        templates={
            "up": _("Ties across sectors rose to %(value)s of all ties (%(delta)s since the "
                    "previous period)."),
            "down": _("Ties across sectors fell to %(value)s of all ties (%(delta)s since "
                      "the previous period)."),
            "flat": _("Ties across sectors held steady at %(value)s of all ties (%(delta)s "
                      "since the previous period)."),
            "now": _("Ties across sectors this period: %(value)s of all ties."),
        },
    ),
    Indicator(
        key="blau_sector", label=_("Stakeholder diversity"), unit="index",
        direction="higher", basis="value", green=0.5, amber=0.25,
        reason="Normalised Blau of 0.5 means several sectors take real part; under 0.25 one "
               "sector dominates.",
        source="4 Blau index of sector among active participants, normalised by 1 - 1/K",
        templates={
            "up": _("Stakeholder diversity rose to %(value)s on a scale of 0 to 1 (%(delta)s "
                    "since the previous period)."),
            "down": _("Stakeholder diversity fell to %(value)s on a scale of 0 to 1 "
                      "(%(delta)s since the previous period)."),
            "flat": _("Stakeholder diversity held steady at %(value)s on a scale of 0 to 1 "
                      "(%(delta)s since the previous period)."),
            "now": _("Stakeholder diversity this period: %(value)s on a scale of 0 to 1."),
        },
    ),
    Indicator(
        key="largest_component_share", label=_("Connectedness"), unit="share",
        direction="higher", basis="value", green=0.5, amber=0.3,
        reason="Below half in the largest connected group is docs/metrics.md#structure's "
               "'fragments' stage; under three in ten the network is mostly loose pieces.",
        source="5 Largest component's share of active participants",
        templates={
            "up": _("The largest connected group grew to %(value)s of those active "
                    "(%(delta)s since the previous period)."),
            "down": _("The largest connected group shrank to %(value)s of those active "
                      "(%(delta)s since the previous period)."),
            "flat": _("The largest connected group held steady at %(value)s of those active "
                      "(%(delta)s since the previous period)."),
            "now": _("The largest connected group this period: %(value)s of those active."),
        },
    ),
    Indicator(
        key="realised_stories", label=_("Realised-value stories"), unit="count",
        direction="higher", basis="value", green=1, amber=0, noun=STORIES,
        reason="One story of realised value a period shows results; none is amber, never "
               "red: a prompt to collect stories, not a failure.",
        source="8 Stories with cycle realised recorded in P",
        templates={
            "up": _("Stories of realised value rose to %(value)s (%(delta)s since the "
                    "previous period)."),
            "down": _("Stories of realised value fell to %(value)s (%(delta)s since the "
                      "previous period)."),
            "flat": _("Stories of realised value held steady at %(value)s (%(delta)s since "
                      "the previous period)."),
            "now": _("Stories of realised value this period: %(value)s."),
        },
    ),
    Indicator(
        key="applied_share", label=_("Value applied in practice"), unit="share",
        direction="higher", basis="value", green=0.5, amber=0.25,
        reason="When half the stories reach applied value or beyond the network changes "
               "practice; under a quarter it mostly informs.",
        source="8 Share of the stories of P reaching applied or beyond",
        templates={
            "up": _("Stories that reached applied value or beyond rose to %(value)s "
                    "(%(delta)s since the previous period)."),
            "down": _("Stories that reached applied value or beyond fell to %(value)s "
                      "(%(delta)s since the previous period)."),
            "flat": _("Stories that reached applied value or beyond held steady at %(value)s "
                      "(%(delta)s since the previous period)."),
            "now": _("Stories that reached applied value or beyond this period: %(value)s."),
        },
    ),
    Indicator(
        key="pseudonymity_available", label=_("Pseudonymity available"), unit="flag",
        direction="higher", basis="value", green=1, amber=0,
        reason="People in a situation they did not choose may need not to be named "
               "(PRODUCT.md guidance); not offering it is amber, a choice to review.",
        source="Charter identity mode: 1 when pseudonyms are allowed or required, else 0",
        templates={
            "up": _("Members can now take part under a pseudonym."),
            "down": _("Members can no longer take part under a pseudonym."),
            "true": _("Members can take part under a pseudonym."),
            "false": _("Members cannot take part under a pseudonym."),
        },
    ),
    Indicator(
        key="pseudonymity_used", label=_("Pseudonymity used"), unit="share",
        direction="higher", basis="value", green=0.05, amber=0.0,
        reason="If one in twenty uses a pseudonym the offer meets a need; none is amber, a "
               "question to ask. Pass None when pseudonyms are not allowed.",
        source="Share of active participants in P who contributed under a pseudonym",
        templates={
            "up": _("Participants using a pseudonym rose to %(value)s of those active "
                    "(%(delta)s since the previous period)."),
            "down": _("Participants using a pseudonym fell to %(value)s of those active "
                      "(%(delta)s since the previous period)."),
            "flat": _("Participants using a pseudonym held steady at %(value)s of those "
                      "active (%(delta)s since the previous period)."),
            "now": _("Participants using a pseudonym this period: %(value)s of those "
                     "active."),
        },
    ),
)

_BY_KEY = {row.key: row for row in INDICATORS}
assert len(_BY_KEY) == len(INDICATORS), "indicator keys must be unique"

#: Which indicators lead per primary type, in order (docs/metrics.md#health-card).
LEADING: dict[str, tuple[str, ...]] = {
    # activities held, reach, cross-sector mix, realised-value stories
    "action": ("events_held", "reach", "cross_sector_tie_share", "realised_stories"),
    # returning participants, answer share and time to first response, reciprocity
    "practice": ("returning_share", "answer_share", "time_to_first_response_hours",
                 "reciprocity"),
    # reach, stakeholder diversity, offline attendance
    "place": ("reach", "blau_sector", "offline_attendances"),
    # online activity, new and returning participants, retention
    "interest": ("online_activities", "new", "returning_share", "retention_3m"),
    # returning participants, time to first response, reciprocity, pseudonymity
    # available and used
    "circumstance": ("returning_share", "time_to_first_response_hours", "reciprocity",
                     "pseudonymity_available", "pseudonymity_used"),
}
assert all(k in _BY_KEY for keys in LEADING.values() for k in keys)


# --- lifecycle (docs/metrics.md#dynamics) ---

STAGE_LABELS = {
    "inception": _("Inception"),
    "establishment": _("Establishment"),
    "maturity": _("Maturity"),
    "mitosis": _("Mitosis"),
}

LIFECYCLE_SENTENCES = {
    "too_young": _("Inception: the network has been active for %(months)s; it is "
                   "established from %(min_months)s on."),
    "too_few_active": _("Inception: %(active)s active this period; a network is "
                        "established from %(min_active)s on."),
    "cluster_holds_together": _("Mitosis: a cluster of %(size)s keeps %(share)s of its ties "
                                "inside, for %(quarters)s quarters running: a group growing "
                                "its own rhythm."),
    "returning_sustained": _("Maturity: for %(months)s in a row at least %(share)s of those "
                             "active were returning participants."),
    "returning_not_yet_sustained": _("Establishment: the longest run with at least %(share)s "
                                     "returning participants is %(months)s; maturity comes "
                                     "after %(required)s."),
}


# --- rendering ------------------------------------------------------------------------------

@lru_cache(maxsize=32)
def translator(lang: str, localedir: str | None = None) -> _gettext.NullTranslations:
    """The catalogue for ``lang`` ("en", "nl", ...); English (the msgids) when none exists."""
    return _gettext.translation("django", str(localedir or LOCALEDIR),
                                languages=[lang], fallback=True)


def _lang(lang: str) -> str:
    return (lang or "en").replace("-", "_").split("_")[0].lower()


def format_number(x: float, lang: str, decimals: int = 0) -> str:
    """``1,234.5`` in English, ``1.234,5`` in Dutch (decimal comma, dot for thousands)."""
    text = f"{x:,.{decimals}f}"
    if _lang(lang) == "nl":
        text = text.translate(str.maketrans(",.", ".,"))
    return text


def _signed(text: str, x: float) -> str:
    if x > 0:
        return "+" + text
    if x < 0:
        return "-" + text.lstrip("-")
    return "±" + text.lstrip("-")


def _plural_n(x: float) -> int:
    x = abs(x)
    return int(x) if float(x).is_integer() else 2  # fractions take the plural


def _hours_decimals(x: float) -> int:
    return 1 if abs(x) < 10 and not float(round(x, 1)).is_integer() else 0


class _Renderer:
    def __init__(self, lang: str, localedir: str | Path | None) -> None:
        self.lang = _lang(lang)
        self.t = translator(self.lang, str(localedir) if localedir else None)

    def gettext(self, message: str) -> str:
        return self.t.gettext(message)

    def noun(self, pair: Plural, x: float, text: str) -> str:
        return self.t.ngettext(pair.singular, pair.plural, _plural_n(x)) % {"n": text}

    def number(self, x: float, decimals: int = 0) -> str:
        return format_number(x, self.lang, decimals)

    def value(self, row: Indicator, x: float) -> str:
        if row.unit == "count":
            text = self.number(x)
            return self.noun(row.noun, round(x), text) if row.noun else text
        if row.unit == "share":
            return self.number(x * 100) + "%"
        if row.unit == "index":
            return self.number(x, 2)
        if row.unit == "hours":
            d = _hours_decimals(x)
            return self.noun(HOURS, round(x, d), self.number(x, d))
        if row.unit == "days":
            return self.noun(DAYS, round(x), self.number(x))
        return self.number(x)

    def delta(self, row: Indicator, now: float, prev: float) -> str:
        if row.unit == "share":  # in whole percentage points, as the values are shown
            d = round(now * 100) - round(prev * 100)
            return self.noun(POINTS, d, _signed(self.number(abs(d)), d))
        if row.unit == "index":
            change = round(now, 2) - round(prev, 2)
            return _signed(self.number(abs(change), 2), round(change, 2))
        if row.unit == "hours":
            change = now - prev
            dec = _hours_decimals(change)
            return self.noun(HOURS, round(change, dec), _signed(self.number(abs(change), dec),
                                                                round(change, dec)))
        if row.unit == "days":
            d = round(now) - round(prev)
            return self.noun(DAYS, d, _signed(self.number(abs(d)), d))
        d = round(now) - round(prev)
        return _signed(self.number(abs(d)), d)


#: Slack for binary rounding at tolerances and thresholds (0.52 - 0.50 > 0.02 in floats).
_EPS = 1e-9


def trend(now: float | None, prev: float | None, rel_tol: float, abs_tol: float) -> str | None:
    """"up", "down" or "flat" (within tolerance, see the module docstring); None if unknown."""
    if now is None or prev is None:
        return None
    diff = now - prev
    if abs(diff) <= max(abs_tol, rel_tol * abs(prev)) + _EPS:
        return "flat"
    return "up" if diff > 0 else "down"


def light(row: Indicator, now: float | None, prev: float | None,
          thresholds: tuple[float, float] | None = None) -> str:
    """The traffic light of one indicator: "green", "amber", "red" or "grey" (no data)."""
    green, amber = thresholds or (row.green, row.amber)
    if now is None:
        return "grey"
    if row.basis == "change":
        if now == 0:
            return "red"
        if prev is None:
            return "grey"
        if prev == 0:
            return "green"
        x = (now - prev) / abs(prev)
    else:
        x = now
    if row.direction == "lower":
        return "green" if x <= green + _EPS else "amber" if x <= amber + _EPS else "red"
    return "green" if x >= green - _EPS else "amber" if x >= amber - _EPS else "red"


def _pair(raw: object) -> tuple[float | None, float | None]:
    if raw is None:
        return None, None
    if isinstance(raw, tuple | list):
        if len(raw) != 2:
            raise ValueError(f"expected (value now, value in P-1), got {raw!r}")
        now, prev = raw
    else:
        now, prev = raw, None
    return (None if now is None else float(now)), (None if prev is None else float(prev))


def health_card(
    values: Mapping[str, object],
    primary_type: str,
    lang: str | None = "en",
    *,
    localedir: str | Path | None = None,
    thresholds: Mapping[str, tuple[float, float]] | None = None,
    table: tuple[Indicator, ...] = INDICATORS,
    recorded: Mapping[str, bool] | None = None,
) -> list[dict]:
    """The health card of one network for one period (docs/metrics.md#health-card).

    ``values``: ``{key: (now, previous)}`` (see :data:`INDICATORS`); a bare number is a value
    without a previous one; None or ``(None, None)`` is no data. The type's leading
    indicators always appear (grey when absent), in :data:`LEADING`'s order; the other
    indicators appear, in table order, when their key is in ``values``. Unknown keys are
    an error (a typo would silently drop a figure). ``thresholds`` overrides
    ``{key: (green, amber)}``. ``recorded`` (the engine's ``recorded`` figures) names what
    the data records; an indicator that :data:`NEEDS` something it does not record is
    ``"not_recorded"``: no value, grey, and a sentence that says so.

    Returns a list of ``{"key", "value", "previous", "unit", "direction", "trend", "light",
    "status", "thresholds": {"basis", "green", "amber"}, "leading"}``; ``status`` is
    ``"measured"``, ``"no_data"`` (no value in this period) or ``"not_recorded"``. These are
    language-neutral (what the engine stores); with ``lang`` each entry also has its
    ``label`` and ``sentence`` in that language (:func:`describe`).
    """
    if primary_type not in LEADING:
        raise ValueError(f"unknown community type {primary_type!r}; "
                         f"expected one of {', '.join(LEADING)}")
    by_key = {row.key: row for row in table}
    unknown = sorted(set(values) - set(by_key))
    if unknown:
        raise ValueError(f"unknown indicators {unknown}; known: {', '.join(by_key)}")
    overrides = dict(thresholds or {})
    unknown = sorted(set(overrides) - set(by_key))
    if unknown:
        raise ValueError(f"thresholds for unknown indicators {unknown}")
    leading = [k for k in LEADING[primary_type] if k in by_key]
    others = [row.key for row in table if row.key in values and row.key not in leading]
    card = []
    for key in [*leading, *others]:
        row = by_key[key]
        now, prev = _pair(values.get(key))
        missing = (recorded or {}).get(NEEDS.get(key, ""), True) is False
        if now is None or missing:
            now = prev = None
        green, amber = overrides.get(key, (row.green, row.amber))
        t = trend(now, prev, *row.tolerance())
        entry = {
            "key": key,
            "value": now,
            "previous": prev,
            "unit": row.unit,
            "direction": row.direction,
            "trend": t,
            "light": light(row, now, prev, (green, amber)),
            "status": ("not_recorded" if missing else "no_data" if now is None
                       else "measured"),
            "thresholds": {"basis": row.basis, "green": green, "amber": amber},
            "leading": key in leading,
        }
        if lang is not None:
            entry.update(describe(entry, lang, localedir=localedir, table=table))
        card.append(entry)
    return card


def describe(entry: Mapping[str, object], lang: str, *, localedir: str | Path | None = None,
             table: tuple[Indicator, ...] = INDICATORS) -> dict[str, str]:
    """The ``label`` and ``sentence`` of one language-neutral card entry (as
    :func:`health_card` makes them and the engine stores them), in ``lang``."""
    row = next(r for r in table if r.key == entry["key"])
    r = _Renderer(lang, localedir)
    label = r.gettext(row.label)
    if entry.get("status") == "not_recorded":
        return {"label": label, "sentence": r.gettext(NOT_RECORDED) % {"label": label}}
    now, prev = _pair((entry.get("value"), entry.get("previous")))
    trend_name = entry.get("trend")
    return {"label": label, "sentence": _sentence(
        r, row, now, prev, trend_name if isinstance(trend_name, str) else None)}


def _sentence(r: _Renderer, row: Indicator, now: float | None, prev: float | None,
              t: str | None) -> str:
    if now is None:
        return r.gettext(NO_DATA) % {"label": r.gettext(row.label)}
    if row.unit == "flag":
        name = t if t in ("up", "down") else ("true" if now else "false")
        return r.gettext(row.templates[name])
    value = r.value(row, now)
    if t is None or prev is None:
        return r.gettext(row.templates["now"]) % {"value": value}
    return r.gettext(row.templates[t]) % {"value": value, "delta": r.delta(row, now, prev)}


def lifecycle_sentence(result: Mapping, lang: str = "en", *,
                       localedir: str | Path | None = None) -> dict:
    """Label and sentence of a ``drift.lifecycle_stage`` result, in ``lang``.

    Returns ``{"stage", "label", "sentence"}``.
    """
    r = _Renderer(lang, localedir)
    data = result["data"]
    reason = result["reason"]
    share = r.number(data["maturity_returning_share"] * 100) + "%"
    months = data["months_active"]
    if reason == "too_young":
        args = {"months": r.noun(MONTHS, months, r.number(months)),
                "min_months": r.noun(MONTHS, data["min_months"], r.number(data["min_months"]))}
    elif reason == "too_few_active":
        args = {"active": r.noun(PEOPLE, data["active_now"], r.number(data["active_now"])),
                "min_active": r.noun(PEOPLE, data["min_active"],
                                     r.number(data["min_active"]))}
    elif reason == "cluster_holds_together":
        args = {"size": r.noun(PEOPLE, data["cluster_size"], r.number(data["cluster_size"])),
                "share": r.number(data["cluster_internal_share"] * 100) + "%",
                "quarters": r.number(data["mitosis_quarters"])}
    else:
        run = data["longest_returning_run"]
        need = data["maturity_months"]
        args = {"months": r.noun(MONTHS, run, r.number(run)), "share": share,
                "required": r.noun(MONTHS, need, r.number(need))}
    return {"stage": result["stage"],
            "label": r.gettext(STAGE_LABELS[result["stage"]]),
            "sentence": r.gettext(LIFECYCLE_SENTENCES[reason]) % args}


def messages(table: tuple[Indicator, ...] = INDICATORS) -> Iterator[str | Plural]:
    """Every message this module translates (for tests and catalogue checks)."""
    for row in table:
        yield row.label
        yield from row.templates.values()
        if row.noun:
            yield row.noun
    yield from (NO_DATA, NOT_RECORDED, HOURS, DAYS, MONTHS, POINTS, PEOPLE)
    yield from STAGE_LABELS.values()
    yield from LIFECYCLE_SENTENCES.values()

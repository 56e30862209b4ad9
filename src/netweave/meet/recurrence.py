"""Recurring meetings: RFC 5545 rules expanded in local time (pure Python, no Django).

A rule is expanded from a *naive local* start in the event's time zone, and each local
occurrence is then placed in that zone. So "first Thursday of the month at 19:30" stays at
19:30 on the wall clock when daylight-saving time begins or ends, while its UTC time moves.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrule, rrulestr

#: At most this many occurrences are made at once for an open-ended rule.
MAX_OCCURRENCES = 60
#: How far ahead occurrences of an open-ended rule are made.
HORIZON = timedelta(days=366)

#: Ready-made rules offered on the event form: key -> RRULE.
PRESETS: dict[str, str] = {
    "weekly": "FREQ=WEEKLY",
    "fortnightly": "FREQ=WEEKLY;INTERVAL=2",
    "monthly_weekday": "FREQ=MONTHLY;BYDAY={nth}{day}",
    "monthly_last": "FREQ=MONTHLY;BYDAY=-1{day}",
}
_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class RuleError(ValueError):
    """A recurrence rule or time zone that cannot be used; the message says why."""


def zone(name: str) -> ZoneInfo:
    """The time zone called ``name`` (IANA), or :class:`RuleError`."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise RuleError(f"unknown time zone {name!r}: expected an IANA name such as "
                        "Europe/Amsterdam") from exc


def preset_rule(key: str, local_start: datetime) -> str:
    """The RRULE of preset ``key`` for a series starting at ``local_start``.

    ``monthly_weekday`` repeats the start's place in its month: a start on the second
    Saturday gives every second Saturday; a fifth weekday means the last one."""
    if key not in PRESETS:
        raise RuleError(f"unknown repetition {key!r}: expected one of {', '.join(PRESETS)}")
    nth = (local_start.day - 1) // 7 + 1
    return PRESETS[key].format(day=_DAYS[local_start.weekday()],
                               nth=f"+{nth}" if nth < 5 else "-1")


def normalise(rule: str) -> str:
    """``rule`` without an ``RRULE:`` prefix or spaces, upper case."""
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    return text.replace(" ", "").upper()


def parse(rule: str, local_start: datetime) -> rrule:
    """The dateutil rule for ``rule`` anchored at the naive ``local_start``."""
    text = normalise(rule)
    if not text.startswith("FREQ=") and ";FREQ=" not in text:
        raise RuleError(f"recurrence rule {rule!r}: expected RFC 5545 RRULE parts such as "
                        "FREQ=MONTHLY;BYDAY=1TH")
    if "DTSTART" in text:
        raise RuleError(f"recurrence rule {rule!r}: give the start in the form, not DTSTART")
    try:
        parsed = rrulestr(text, dtstart=local_start.replace(tzinfo=None), ignoretz=True)
    except (ValueError, TypeError) as exc:
        raise RuleError(f"recurrence rule {rule!r}: {exc}") from exc
    if not isinstance(parsed, rrule):
        raise RuleError(f"recurrence rule {rule!r}: expected one RRULE")
    return parsed


def expand(rule: str, local_start: datetime, tz: str, *, after: datetime | None = None,
           until: datetime | None = None, limit: int = MAX_OCCURRENCES) -> list[datetime]:
    """Starts (aware, in ``tz``) of the rule's occurrences, at most ``limit``.

    ``local_start`` is the first occurrence's wall-clock time (naive, or aware in any zone:
    its wall-clock reading in ``tz`` is used). ``after``/``until`` bound the result (aware);
    an open rule stops at ``HORIZON`` past ``after`` (or the start).
    """
    tzinfo = zone(tz)
    if local_start.tzinfo is not None:
        local_start = local_start.astimezone(tzinfo).replace(tzinfo=None)
    parsed = parse(rule, local_start)
    first = local_start.replace(tzinfo=tzinfo)
    end = until if until is not None else max(after or first, first) + HORIZON
    starts = []
    for naive in parsed:
        start = naive.replace(tzinfo=tzinfo)
        if start > end or len(starts) >= limit:
            break
        if after is not None and start < after:
            continue
        starts.append(start)
    return starts


def to_utc(moment: datetime) -> datetime:
    """``moment`` in UTC."""
    return moment.astimezone(UTC)

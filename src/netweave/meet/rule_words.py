"""A recurrence rule in plain words, in the reader's language: "Every 2 weeks on Tuesday,
until 1 March 2027" / "Om de 2 weken op dinsdag, tot 1 maart 2027", never
``FREQ=WEEKLY;INTERVAL=2``. A rule with parts these words do not cover is called a custom
repetition; its RRULE is shown only under "advanced"."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import formats
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import npgettext, pgettext

from . import recurrence

_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
#: Rule parts the plain words describe; a rule with any other part is "custom".
_KNOWN = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "COUNT", "UNTIL", "WKST"}


def _parts(rule: str) -> dict[str, str]:
    parts = {}
    for piece in recurrence.normalise(rule).split(";"):
        key, _sep, value = piece.partition("=")
        if key:
            parts[key] = value
    return parts


def _ordinal(n: int) -> str:
    return {1: pgettext("recurrence", "first"), 2: pgettext("recurrence", "second"),
            3: pgettext("recurrence", "third"), 4: pgettext("recurrence", "fourth"),
            5: pgettext("recurrence", "fifth"), -1: pgettext("recurrence", "last"),
            -2: pgettext("recurrence", "second-to-last")}.get(n, "")


def _and(items: list[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return _("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def _until(value: str) -> date | None:
    digits = value.rstrip("Z")
    try:
        return datetime.strptime(digits[:8], "%Y%m%d").date()
    except ValueError:
        return None


def _every(freq: str, n: int) -> str | None:
    if freq == "DAILY":
        return npgettext("recurrence", "Every day", "Every %(n)d days", n) % {"n": n}
    if freq == "WEEKLY":
        return npgettext("recurrence", "Every week", "Every %(n)d weeks", n) % {"n": n}
    if freq == "MONTHLY":
        return npgettext("recurrence", "Every month", "Every %(n)d months", n) % {"n": n}
    if freq == "YEARLY":
        return npgettext("recurrence", "Every year", "Every %(n)d years", n) % {"n": n}
    return None


def _on(freq: str, parts: dict[str, str], first: datetime) -> str | None:
    """The "on …" part: weekdays, the nth weekday of the month, or a day of the month."""
    days = [d for d in parts.get("BYDAY", "").split(",") if d]
    if freq == "WEEKLY":
        codes = days or [_DAYS[first.weekday()]]
        if any(code not in _DAYS for code in codes):
            return None
        return _and([str(WEEKDAYS[_DAYS.index(code)]) for code in codes])
    if freq == "MONTHLY" and len(days) == 1 and days[0][-2:] in _DAYS and len(days[0]) > 2:
        try:
            nth = int(days[0][:-2])
        except ValueError:
            return None
        ordinal, day = _ordinal(nth), WEEKDAYS[_DAYS.index(days[0][-2:])]
        if not ordinal:
            return None
        return _("the %(nth)s %(day)s") % {"nth": ordinal, "day": day}
    if freq == "MONTHLY" and not days:
        monthday = parts.get("BYMONTHDAY", str(first.day))
        if not monthday.isdigit():
            return None
        return _("day %(day)s of the month") % {"day": monthday}
    if freq in ("DAILY", "YEARLY") and not days and "BYMONTHDAY" not in parts:
        return ""
    return None


def describe(rule: str, first: datetime) -> str:
    """``rule`` (an RRULE anchored at the local start ``first``) in the active language."""
    parts = _parts(rule)
    freq = parts.get("FREQ", "")
    try:
        interval = int(parts.get("INTERVAL", "1"))
    except ValueError:
        interval = 0
    every = _every(freq, interval) if interval > 0 else None
    on = _on(freq, parts, first) if every is not None else None
    if every is None or on is None or set(parts) - _KNOWN:
        return _("Repeats by a custom rule")
    text = _("%(every)s on %(on)s") % {"every": every, "on": on} if on else every
    if "COUNT" in parts and parts["COUNT"].isdigit():
        count = int(parts["COUNT"])
        text = npgettext("recurrence", "%(text)s, once", "%(text)s, %(count)d times",
                          count) % {
            "text": text, "count": count}
    elif "UNTIL" in parts and (last := _until(parts["UNTIL"])) is not None:
        text = _("%(text)s, until %(date)s") % {
            "text": text, "date": formats.date_format(last, "j F Y")}
    return text

"""The periods a dashboard offers: the last 28, 90 or 365 days, or two chosen days."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

#: The standard periods, in days; the first one the card's default is :data:`DEFAULT_DAYS`.
STANDARD_DAYS = (28, 90, 365)
DEFAULT_DAYS = 90
#: The longest custom period, in days.
MAX_CUSTOM_DAYS = 3660


class PeriodError(ValueError):
    """A period that cannot be shown; the message says what was expected."""


@dataclass(frozen=True)
class PeriodChoice:
    """A period as a key (``"90"`` or ``"2026-01-01..2026-03-31"``) and its days."""

    key: str
    days: int | None = None
    first: dt.date | None = None
    last: dt.date | None = None

    @property
    def is_custom(self) -> bool:
        return self.days is None

    def bounds(self, tz: dt.tzinfo, moment: dt.datetime | None = None) -> tuple[dt.datetime,
                                                                                dt.datetime]:
        """``[start, end)`` as aware UTC datetimes: the last days up to ``moment`` (now), or
        from the first day's midnight to the midnight after the last day in ``tz``."""
        if self.days is not None:
            end = moment or timezone.now()
            return end - dt.timedelta(days=self.days), end
        assert self.first is not None and self.last is not None
        start = dt.datetime.combine(self.first, dt.time(), tzinfo=tz)
        end = dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time(), tzinfo=tz)
        return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def parse_period(days: str | None = None, start: str | None = None,
                 end: str | None = None) -> PeriodChoice:
    """The period asked for by a page's ``days`` or ``start``/``end`` parameters
    (``days="custom"`` or no ``days`` with a day given: the custom period).

    Raises :class:`PeriodError` with a message naming the parameter and what was expected.
    """
    if days == "custom" or (not days and (start or end)):
        try:
            first = dt.date.fromisoformat(start or "")
        except ValueError as exc:
            raise PeriodError(_("First day: expected a date like 2026-01-31, got “%(value)s”.")
                              % {"value": start or ""}) from exc
        try:
            last = dt.date.fromisoformat(end or "")
        except ValueError as exc:
            raise PeriodError(_("Last day: expected a date like 2026-03-31, got “%(value)s”.")
                              % {"value": end or ""}) from exc
        if last < first:
            raise PeriodError(_("The last day comes before the first day."))
        if (last - first).days + 1 > MAX_CUSTOM_DAYS:
            raise PeriodError(_("A period can be at most %(days)d days long.")
                              % {"days": MAX_CUSTOM_DAYS})
        if first > timezone.now().date():
            raise PeriodError(_("The first day lies in the future."))
        return PeriodChoice(key=f"{first.isoformat()}..{last.isoformat()}", first=first,
                            last=last)
    if not days:
        return PeriodChoice(key=str(DEFAULT_DAYS), days=DEFAULT_DAYS)
    try:
        value = int(days)
    except ValueError as exc:
        raise PeriodError(_("Days: expected one of %(choices)s, got “%(value)s”.")
                          % {"choices": ", ".join(map(str, STANDARD_DAYS)), "value": days}
                          ) from exc
    if value not in STANDARD_DAYS:
        raise PeriodError(_("Days: expected one of %(choices)s, got “%(value)s”.")
                          % {"choices": ", ".join(map(str, STANDARD_DAYS)), "value": days})
    return PeriodChoice(key=str(value), days=value)


def period_from_key(key: str) -> PeriodChoice:
    """The period stored under ``key`` (inverse of :attr:`PeriodChoice.key`)."""
    if ".." in key:
        first, last = key.split("..", 1)
        return parse_period(start=first, end=last)
    return parse_period(days=key)

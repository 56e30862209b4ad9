"""The digest e-mail: per member, daily or weekly, what happened since they last came.

A period is a whole local day (daily) or a whole week from Monday (weekly) in the site's
time zone; :func:`send_digests` handles the last complete period before a moment. Each
(person, frequency, period) is recorded in :class:`~.models.DigestSent` in the same
transaction as the sending, so running the command twice never sends a period twice.
"""

from __future__ import annotations

import logging
import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import ngettext

from netweave.networks.models import Membership, Person
from netweave.networks.selectors import mail_language

from . import selectors
from .models import DEFAULT_FREQUENCY, DigestPreference, DigestSent, Frequency

log = logging.getLogger(__name__)


def _local_midnight(day: date, tz: zoneinfo.ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz)


def period_for(frequency: str, at: datetime,
               tz: zoneinfo.ZoneInfo | None = None) -> tuple[datetime, datetime]:
    """The last complete period ``[start, end)`` of ``frequency`` ending at or before ``at``:
    the previous local day, or the previous Monday-to-Monday week, in ``tz`` (the site's)."""
    tz = tz or zoneinfo.ZoneInfo(settings.TIME_ZONE)
    today = at.astimezone(tz).date()
    if frequency == Frequency.DAILY:
        return _local_midnight(today - timedelta(days=1), tz), _local_midnight(today, tz)
    if frequency == Frequency.WEEKLY:
        monday = today - timedelta(days=today.weekday())
        return _local_midnight(monday - timedelta(days=7), tz), _local_midnight(monday, tz)
    raise ValueError(f"no digest period for frequency {frequency!r}")


@dataclass(frozen=True)
class DigestRun:
    """What one run did: digests sent, periods with nothing to tell, periods done before,
    and digests that failed (each logged; tried again next run)."""

    sent: int
    empty: int
    skipped: int
    failed: int = 0


def recipients(frequency: str) -> list[Person]:
    """People with an account and an e-mail, an active membership, who chose ``frequency``
    (for all their networks, or for one of them in its profile)."""
    chosen = DigestPreference.objects.filter(frequency=frequency).values("person_id")
    people = Person.objects.filter(user__isnull=False, user__is_active=True) \
        .exclude(email="").filter(pk__in=Membership.objects.filter(left_at__isnull=True)
                                  .values("person_id")).order_by("pk")
    per_network = Membership.objects.filter(left_at__isnull=True,
                                            digest_frequency=frequency).values("person_id")
    if frequency == DEFAULT_FREQUENCY:
        others = DigestPreference.objects.exclude(frequency=frequency).values("person_id")
        return list(people.filter(~Q(pk__in=others) | Q(pk__in=per_network)))
    return list(people.filter(Q(pk__in=chosen) | Q(pk__in=per_network)))


def render_digest(digest: selectors.Digest, frequency: str, base_url: str) -> tuple[str, str,
                                                                                     str]:
    """(subject, text, HTML) of ``digest``; links are made absolute with ``base_url``."""
    context = {"digest": digest, "base_url": base_url.rstrip("/"),
               "daily": frequency == Frequency.DAILY}
    subject = ngettext("netweave: %(count)d new thing in your networks",
                       "netweave: %(count)d new things in your networks",
                       digest.count) % {"count": digest.count}
    return (subject, render_to_string("discuss/digest_email.txt", context),
            render_to_string("discuss/digest_email.html", context))


def send_digests(at: datetime, *, base_url: str, frequencies: tuple[str, ...] = (
        Frequency.DAILY, Frequency.WEEKLY), dry_run: bool = False) -> DigestRun:
    """Send each due digest for the last complete period before ``at`` (see
    :func:`period_for`), each in its recipient's language (:func:`mail_language`); a period
    already handled for a person is skipped. Periods with nothing to tell are recorded
    without sending. ``dry_run`` records and sends nothing."""
    sent = empty = skipped = failed = 0
    connection = get_connection()
    for frequency in frequencies:
        start, end = period_for(frequency, at)
        horizon = selectors.EVENT_HORIZON[Frequency(frequency)]
        done = set(DigestSent.objects.filter(frequency=frequency, period_start=start)
                   .values_list("person_id", flat=True))
        for person in recipients(frequency):
            if person.pk in done:
                skipped += 1
                continue
            try:  # one person's digest that fails does not stop anyone else's
                with translation.override(mail_language(person)):
                    digest = selectors.digest_for(person, start, end, horizon, frequency)
                    if dry_run:
                        sent += bool(digest.count)
                        empty += not digest.count
                        continue
                    with transaction.atomic():
                        DigestSent.objects.create(person=person, frequency=frequency,
                                                  period_start=start, period_end=end,
                                                  items=digest.count)
                        if digest.count:
                            subject, text, html = render_digest(digest, frequency, base_url)
                            mail = EmailMultiAlternatives(subject, text, to=[person.email],
                                                          connection=connection)
                            mail.attach_alternative(html, "text/html")
                            mail.send()
            except IntegrityError:  # another run handled this period meanwhile
                skipped += 1
                continue
            except Exception:
                failed += 1
                log.exception("%s digest for person %s failed", frequency, person.pk)
                continue
            sent += bool(digest.count)
            empty += not digest.count
    return DigestRun(sent=sent, empty=empty, skipped=skipped, failed=failed)

"""What the meetings keep that retention uses and forgets (:mod:`netweave.trust.retention`)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from django.db.models import Max, QuerySet

from netweave.networks.models import Attendance, Network, Person, Registration
from netweave.trust.retention import forgets, latest, sightings

from .models import Notice


@sightings
def last_events(people: QuerySet[Person]) -> dict[tuple[int, int], datetime]:
    """``(person, network) -> end of the person's last event there`` (RSVPs and check-ins)."""
    return latest(
        ((row["person_id"], row["event__network_id"]), row["end"])
        for model in (Registration, Attendance)
        for row in (model.objects.filter(person__in=people)
                    .values("person_id", "event__network_id")
                    .annotate(end=Max("event__ends_at"))))


@forgets("bookkeeping_days")
def forget_notices(network: Network, cutoff: datetime, files: list[Path]) -> dict[str, int]:
    """E-mail notices about ``network``'s events that ended before ``cutoff``."""
    notices, _kinds = Notice.objects.filter(
        event__network=network, event__ends_at__lt=cutoff, sent_at__lt=cutoff).delete()
    return {"notices": notices}

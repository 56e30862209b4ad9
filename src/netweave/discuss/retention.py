"""What the discussions keep that retention forgets (:mod:`netweave.trust.retention`)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from netweave.networks.models import Network
from netweave.trust.retention import forgets

from .models import DigestSent, Visit


@forgets("bookkeeping_days")
def forget_bookkeeping(network: Network, cutoff: datetime,
                       files: list[Path]) -> dict[str, int]:
    """Visits (last seen) of ``network`` and digests sent to its members, from before
    ``cutoff``."""
    visits, _kinds = Visit.objects.filter(network=network, last_seen_at__lt=cutoff).delete()
    digests, _kinds = DigestSent.objects.filter(
        person__memberships__network=network, period_end__lt=cutoff).delete()
    return {"visits": visits, "digests": digests}

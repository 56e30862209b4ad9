"""Retention: each network forgets personal data it no longer needs, and no figure changes.

A network's :class:`~.models.RetentionPolicy` (or :data:`DEFAULTS` when it has none) sets,
in days or "keep forever" (``None``), how long it keeps:

* ``guest_days``: the contact details of guests and walk-ins (people without an account and
  without a membership anywhere) after their last event. Such a guest becomes a tombstone
  with :func:`netweave.trust.gdpr.make_tombstone`, the same path as a deleted account: name,
  e-mail and interests blank, an ``Erasure`` row; their registrations, attendance, activity
  rows and organisation (counted in the organisation mix) stay, so every figure stays the
  same. A guest seen by several networks is erased only when every one of them is done
  with them.
* ``import_days``: an import's uploaded file (should it still be on disk) and the run's
  error text, which may quote the file's lines.
* ``bookkeeping_days``: per-person bookkeeping: visits (last seen), digests sent to the
  network's members, and e-mail notices about the network's events that ended.
* ``audit_days``: the details and IP address of the network's audit entries (the entry
  itself, who did what to what and when, stays).

:func:`apply_policy` applies one network's policy in one transaction; applying it twice
changes nothing the second time; a dry run counts what would change and changes nothing.

Each app says what it keeps, in ``<app>/retention.py`` (found the way ``jobs.py`` modules
are): :func:`sightings` registers when people were last seen in a network (a guest's
events), :func:`forgets` what the app forgets of a network's past under a limit. This
module names no other app's models.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django import forms
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from netweave.kit.apps import app_modules
from netweave.networks.models import Network, Person

from .audit import record
from .gdpr import make_tombstone
from .models import AuditEntry, RetentionPolicy

#: The limits (days; ``None`` keeps forever) of a network whose facilitators set none.
DEFAULTS: dict[str, int | None] = {
    "guest_days": 365,
    "import_days": 30,
    "bookkeeping_days": 365,
    "audit_days": 730,
}

#: The longest limit a facilitator may give (about a hundred years).
MAX_DAYS = 36500

#: What :func:`apply_policy` counts, in this order.
COUNTS = ("guests", "import_files", "import_errors", "visits", "digests", "notices",
          "audit_details")

Progress = Callable[[int, int, str], None]
#: ``(people) -> {(person, network): when the person was last seen there}``.
Sightings = Callable[["QuerySet[Person]"], dict[tuple[int, int], datetime]]
#: ``(network, cutoff, files) -> counts``: forget what the app keeps of ``network`` from
#: before ``cutoff``; the counts use the names of :data:`COUNTS`; paths of files to delete
#: once the transaction commits go into ``files``.
Forget = Callable[[Network, datetime, list[Path]], dict[str, int]]
_SIGHTINGS: list[Sightings] = []
_FORGET: dict[str, list[Forget]] = {"import_days": [], "bookkeeping_days": []}
_discovered = False


def sightings(func: Sightings) -> Sightings:
    """Register ``func`` as telling when people were last seen in a network: a guest's
    contact details are kept until every network that saw them is done with them."""
    _SIGHTINGS.append(func)
    return func


def forgets(limit: str) -> Callable[[Forget], Forget]:
    """Register the decorated function to forget what its app keeps of a network's past
    under the limit ``limit`` (``"import_days"`` or ``"bookkeeping_days"``)."""

    def register(func: Forget) -> Forget:
        _FORGET[limit].append(func)
        return func

    return register


def _discover() -> None:
    global _discovered
    if not _discovered:
        app_modules("retention")
        _discovered = True


@dataclass(frozen=True)
class Limits:
    """A network's limits in days (``None``: keep forever)."""

    guest_days: int | None
    import_days: int | None
    bookkeeping_days: int | None
    audit_days: int | None

    def as_dict(self) -> dict[str, int | None]:
        return {name: getattr(self, name) for name in DEFAULTS}


def limits_of(network: Network) -> Limits:
    """The limits ``network`` keeps: its policy, or :data:`DEFAULTS` when it has none."""
    policy = RetentionPolicy.objects.filter(network=network).first()
    if policy is None:
        return Limits(**DEFAULTS)
    return Limits(**{name: getattr(policy, name) for name in DEFAULTS})


def set_policy(network: Network, values: dict[str, int | None], user: Any = None,
               request: Any = None) -> RetentionPolicy:
    """Save ``network``'s limits (every key of :data:`DEFAULTS`) and record it in the audit
    log with the old and the new limits."""
    with transaction.atomic():
        before = limits_of(network).as_dict()
        policy, _created = RetentionPolicy.objects.select_for_update().get_or_create(
            network=network)
        for name in DEFAULTS:
            setattr(policy, name, values[name])
        policy.updated_at = timezone.now()
        policy.updated_by = user if getattr(user, "is_authenticated", False) else None
        policy.save()
        record(user, "trust.retention.set", network=network, target=network,
               details={"before": before, "after": {n: values[n] for n in DEFAULTS}},
               request=request)
    return policy


def _cutoff(days: int | None, now: datetime) -> datetime | None:
    return None if days is None else now - timedelta(days=days)


def last_seen(people: QuerySet[Person]) -> dict[tuple[int, int], datetime]:
    """``(person, network) -> when the person was last seen there`` for ``people``, by
    every app's :func:`sightings`."""
    _discover()
    return latest(found for func in _SIGHTINGS for found in func(people).items())


def latest(pairs: Iterable[tuple[tuple[int, int], datetime]]
           ) -> dict[tuple[int, int], datetime]:
    """The latest time of each ``(person, network)`` key among ``pairs``."""
    last: dict[tuple[int, int], datetime] = {}
    for key, at in pairs:
        if key not in last or at > last[key]:
            last[key] = at
    return last


def expired_guests(network: Network, now: datetime) -> list[Person]:
    """Guests of ``network`` whose contact details no network that saw them still keeps."""
    if limits_of(network).guest_days is None:
        return []
    every_guest = Person.objects.filter(user__isnull=True, memberships__isnull=True,
                                        erasure__isnull=True)
    seen: dict[int, list[tuple[int, datetime]]] = {}
    for (person_id, network_id), end in last_seen(every_guest).items():
        seen.setdefault(person_id, []).append((network_id, end))
    here = sorted(p for p, where in seen.items() if any(n == network.pk for n, _end in where))
    guests = list(Person.objects.filter(pk__in=here).order_by("pk"))
    cutoffs: dict[int, datetime | None] = {}
    expired = []
    for guest in guests:
        for network_id, _end in seen.get(guest.pk, []):
            if network_id not in cutoffs:
                days = limits_of(Network(pk=network_id)).guest_days
                cutoffs[network_id] = _cutoff(days, now)
        if all(cutoffs[network_id] is not None and end < cutoffs[network_id]
               for network_id, end in seen.get(guest.pk, [])):
            expired.append(guest)
    return expired


def _forget(limit: str, network: Network, cutoff: datetime,
            files: list[Path]) -> dict[str, int]:
    """What the apps' :func:`forgets` functions for ``limit`` forgot, counted."""
    _discover()
    counts: dict[str, int] = {}
    for func in _FORGET[limit]:
        counts.update(func(network, cutoff, files))
    return counts


def _forget_audit_details(network: Network, cutoff: datetime) -> int:
    old = AuditEntry.objects.filter(network=network, at__lt=cutoff)
    return old.filter(~Q(details={}) | Q(ip__isnull=False)).update(details={}, ip=None)


def apply_policy(network: Network, *, dry_run: bool = False, now: datetime | None = None,
                 progress: Progress | None = None, user: Any = None) -> dict[str, int]:
    """Apply ``network``'s limits at ``now`` (default: now), all or nothing, and record it
    in the audit log. Returns how many of each of :data:`COUNTS` were (or, with ``dry_run``,
    would be) forgotten; a dry run changes nothing."""
    now = now or timezone.now()
    limits = limits_of(network)
    report = progress or (lambda done, total, message="": None)
    counts = dict.fromkeys(COUNTS, 0)
    files: list[Path] = []
    with transaction.atomic():
        report(0, 4, str(_("Guests")))
        if limits.guest_days is not None:
            for guest in expired_guests(network, now):
                make_tombstone(Person.objects.select_for_update().get(pk=guest.pk))
                counts["guests"] += 1
        report(1, 4, str(_("Imports")))
        cutoff = _cutoff(limits.import_days, now)
        if cutoff is not None:
            counts.update(_forget("import_days", network, cutoff, files))
        report(2, 4, str(_("Visits, digests and notices")))
        cutoff = _cutoff(limits.bookkeeping_days, now)
        if cutoff is not None:
            counts.update(_forget("bookkeeping_days", network, cutoff, files))
        report(3, 4, str(_("Audit details")))
        cutoff = _cutoff(limits.audit_days, now)
        if cutoff is not None:
            counts["audit_details"] = _forget_audit_details(network, cutoff)
        if dry_run:
            transaction.set_rollback(True)
        else:
            RetentionPolicy.objects.filter(network=network).update(applied_at=now)
            record(user, "trust.retention.apply", network=network, target=network,
                   details={"limits": limits.as_dict(), "counts": counts})
            transaction.on_commit(lambda: [path.unlink(missing_ok=True) for path in files])
        report(4, 4, str(_("Done")))
    return counts


class RetentionForm(forms.Form):
    """A network's four limits: a whole number of days, or empty to keep forever."""

    guest_days = forms.IntegerField(
        label=_("Guests' and walk-ins' contact details"), required=False,
        help_text=_("Days after their last event; then name and e-mail are erased (they "
                    "still count in every figure)."))
    import_days = forms.IntegerField(
        label=_("Uploaded import files and their error texts"), required=False,
        help_text=_("Days after the import."))
    bookkeeping_days = forms.IntegerField(
        label=_("Visits, digests sent and e-mail notices sent"), required=False,
        help_text=_("Days; notices only after their event ended."))
    audit_days = forms.IntegerField(
        label=_("Details of audit entries"), required=False,
        help_text=_("Days; the entry itself (who did what, when) stays."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        message = _("Give a whole number of days from 1 to %(max)d, or leave it empty to "
                    "keep forever.") % {"max": MAX_DAYS}
        forever = _("Empty: keep forever.")
        for field in self.fields.values():
            field.error_messages["invalid"] = message
            field.widget.attrs.update({"min": 1, "max": MAX_DAYS})
            field.help_text = f"{field.help_text} {forever}"
        self._message = message

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name in DEFAULTS:
            value = cleaned.get(name)
            if value is not None and not 1 <= value <= MAX_DAYS:
                self.add_error(name, self._message)
        return cleaned

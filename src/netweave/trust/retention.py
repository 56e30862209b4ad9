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
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django import forms
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from netweave.networks.models import Attendance, Network, Person, Registration

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


def _last_events(person_ids: list[int]) -> dict[tuple[int, int], datetime]:
    """``(person, network) -> end of the person's last event there`` (RSVPs and check-ins)."""
    last: dict[tuple[int, int], datetime] = {}
    for model in (Registration, Attendance):
        rows = (model.objects.filter(person_id__in=person_ids)
                .values("person_id", "event__network_id").annotate(end=Max("event__ends_at")))
        for row in rows:
            key = (row["person_id"], row["event__network_id"])
            if key not in last or row["end"] > last[key]:
                last[key] = row["end"]
    return last


def expired_guests(network: Network, now: datetime) -> list[Person]:
    """Guests of ``network`` whose contact details no network that saw them still keeps."""
    if limits_of(network).guest_days is None:
        return []
    seen_here = Q(registrations__event__network=network) | Q(attendances__event__network=network)
    guests = list(Person.objects.filter(user__isnull=True, memberships__isnull=True,
                                        erasure__isnull=True)
                  .filter(seen_here).distinct().order_by("pk"))
    seen: dict[int, list[tuple[int, datetime]]] = {}
    for (person_id, network_id), end in _last_events([guest.pk for guest in guests]).items():
        seen.setdefault(person_id, []).append((network_id, end))
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


def _forget_imports(network: Network, cutoff: datetime, files: list[Path]) -> dict[str, int]:
    from netweave.imports.models import ImportRun

    runs = ImportRun.objects.filter(network=network, created_at__lt=cutoff)
    with_file = runs.exclude(upload="")
    files.extend(Path(path) for path in with_file.values_list("upload", flat=True))
    found = {"import_files": with_file.update(upload=""),
             "import_errors": runs.exclude(error="").update(error="")}
    return found


def _forget_bookkeeping(network: Network, cutoff: datetime) -> dict[str, int]:
    from netweave.discuss.models import DigestSent, Visit
    from netweave.meet.models import Notice

    visits, _kinds = Visit.objects.filter(network=network, last_seen_at__lt=cutoff).delete()
    digests, _kinds = DigestSent.objects.filter(
        person__memberships__network=network, period_end__lt=cutoff).delete()
    notices, _kinds = Notice.objects.filter(
        event__network=network, event__ends_at__lt=cutoff, sent_at__lt=cutoff).delete()
    return {"visits": visits, "digests": digests, "notices": notices}


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
            counts.update(_forget_imports(network, cutoff, files))
        report(2, 4, str(_("Visits, digests and notices")))
        cutoff = _cutoff(limits.bookkeeping_days, now)
        if cutoff is not None:
            counts.update(_forget_bookkeeping(network, cutoff))
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

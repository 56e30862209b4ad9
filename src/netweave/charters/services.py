"""Writes of the Design area: starting a network from a charter and revising a charter.

Every save writes a :class:`~.models.CharterVersion` in the same transaction, so the history
shows how a network's purpose shifted. Creating the network itself goes through
:func:`netweave.networks.services.create_network`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from netweave.networks import services as network_services
from netweave.networks.models import Identity, IdentityMode, Membership, Network, Person

from .models import CharterVersion

#: The charter's fields on :class:`~netweave.networks.models.Network`, in wizard order.
CHARTER_FIELDS: tuple[str, ...] = (
    "name", "purpose", "goals", "expectations_bring", "expectations_get",
    "planned_activities", "cadence", "focus_tags", "region", "primary_type",
    "secondary_types", "mode", "visibility", "identity_mode", "target_mix", "language",
)
#: Wizard answers kept in the version snapshot only (read by the guidance rules).
EXTRA_FIELDS: tuple[str, ...] = ("goal_date",)


def snapshot(network: Network, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The charter of ``network`` as a JSON-able dict (plus the wizard-only ``extra``)."""
    data = {name: getattr(network, name) for name in CHARTER_FIELDS}
    for name in EXTRA_FIELDS:
        data[name] = (extra or {}).get(name, "") or ""
    return data


def _write_version(network: Network, author: Person | None, data: dict[str, Any], *,
                   note: str = "", at: datetime | None = None) -> CharterVersion:
    last = CharterVersion.objects.filter(network=network).aggregate(n=Max("number"))["n"] or 0
    return CharterVersion.objects.create(network=network, number=last + 1, author=author,
                                         data=data, note=note.strip()[:300],
                                         created_at=at or timezone.now())


def latest_extra(network: Network) -> dict[str, Any]:
    """The wizard-only answers of the latest version (empty when none was recorded)."""
    version = CharterVersion.objects.filter(network=network).order_by("-number").first()
    data = version.data if version is not None else {}
    return {name: data.get(name, "") for name in EXTRA_FIELDS}


@transaction.atomic
def start_network(*, facilitator: Person, slug: str, charter: dict[str, Any],
                  facilitator_pseudonym: str = "", at: datetime | None = None) -> Network:
    """Create a network from the wizard's ``charter`` and record its first version."""
    fields = {k: v for k, v in charter.items() if k in CHARTER_FIELDS}
    network = network_services.create_network(
        facilitator=facilitator, slug=slug, facilitator_pseudonym=facilitator_pseudonym,
        at=at, **fields)
    _write_version(network, facilitator, snapshot(network, charter), at=network.created_at)
    return network


def _check_identity_change(network: Network, identity_mode: str) -> None:
    active = Membership.objects.filter(network=network, left_at__isnull=True)
    if (identity_mode == IdentityMode.NAMED
            and active.filter(identity=Identity.PSEUDONYM).exists()):
        raise ValidationError({"identity_mode": _(
            "Some members take part under a pseudonym: this network cannot switch to real "
            "names only.")})
    if (identity_mode == IdentityMode.PSEUDONYMOUS_ONLY
            and active.filter(identity=Identity.REAL).exists()):
        raise ValidationError({"identity_mode": _(
            "Some members take part under their real name: this network cannot switch to "
            "pseudonyms only.")})


@transaction.atomic
def revise_charter(network: Network, *, author: Person, charter: dict[str, Any],
                   note: str = "", at: datetime | None = None) -> CharterVersion:
    """Save the changed ``charter`` answers of ``network`` and record a new version.

    The network's state before its first recorded version is kept as version 1 (without
    author), so the history always starts from what was there. Raises ValidationError (and
    changes nothing) when the answers are invalid.
    """
    network = Network.objects.select_for_update().get(pk=network.pk)
    if not CharterVersion.objects.filter(network=network).exists():
        _write_version(network, None, snapshot(network), at=network.created_at)
    unknown = sorted(set(charter) - set(CHARTER_FIELDS) - set(EXTRA_FIELDS))
    if unknown:
        raise ValidationError(_("Unknown charter fields: %(names)s") %
                              {"names": ", ".join(unknown)})
    if "identity_mode" in charter and charter["identity_mode"] != network.identity_mode:
        _check_identity_change(network, charter["identity_mode"])
    for name in CHARTER_FIELDS:
        if name in charter:
            setattr(network, name, charter[name])
    network.full_clean()
    network.save()
    extra = {**latest_extra(network), **{k: v for k, v in charter.items() if k in EXTRA_FIELDS}}
    return _write_version(network, author, snapshot(network, extra), note=note, at=at)

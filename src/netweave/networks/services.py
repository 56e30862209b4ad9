"""The networks app's writes: networks, memberships and the activity log.

Each service runs in one transaction and writes its activity rows (see
:mod:`netweave.networks.activity_rows`) in that same transaction, so an object never
exists without its activity or the other way round. Each feature app's own services
module is the only public writer of its objects (:mod:`netweave.meet.services`,
:mod:`netweave.discuss.services`, :mod:`netweave.weaving.services`); they append their
rows through :func:`record_activity`.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import activity_rows as rows
from .models import (
    Activity,
    Identity,
    IdentityMode,
    Membership,
    Network,
    Person,
    Role,
)
from .validators import check_single_line


def _now(at: datetime | None) -> datetime:
    return at if at is not None else timezone.now()


# --- the activity log ----------------------------------------------------------------------

def record_activity(*activity: Activity) -> None:
    """Append ``activity`` rows to the log (in the caller's transaction)."""
    Activity.objects.bulk_create(activity)


def latest_activity(kind: str, obj_type: str, obj_id: int, actor_id: int) -> Activity | None:
    """The newest row of ``kind`` by ``actor_id`` about one object (the row a correction
    names), or None."""
    return (
        Activity.objects.filter(kind=kind, object_type=obj_type, object_id=obj_id,
                                actor_id=actor_id)
        .order_by("-id").first()
    )


# --- networks and membership ---------------------------------------------------------------

def _active_language() -> str:
    try:
        return translation.get_supported_language_variant(
            translation.get_language() or settings.LANGUAGE_CODE)
    except LookupError:
        return settings.LANGUAGE_CODE


@transaction.atomic
def create_network(*, facilitator: Person, name: str, slug: str, purpose: str,
                   primary_type: str, facilitator_pseudonym: str = "",
                   at: datetime | None = None, **charter) -> Network:
    """Create a network with its charter; ``facilitator`` joins it as its first facilitator.

    With ``facilitator_pseudonym`` the facilitator takes part under that pseudonym (required
    when the network is pseudonymous only). The network's ``language`` is, unless given, the
    language active now (the facilitator's).
    """
    check_single_line(Network, name=name)
    charter.setdefault("language", _active_language())
    network = Network(name=name, slug=slug, purpose=purpose, primary_type=primary_type,
                      created_at=_now(at), **charter)
    network.full_clean()
    network.save()
    identity = Identity.PSEUDONYM if facilitator_pseudonym else Identity.REAL
    join_network(network, facilitator, role=Role.FACILITATOR, identity=identity,
                 pseudonym=facilitator_pseudonym, at=network.created_at)
    return network


def _check_identity(network: Network, identity: str, pseudonym: str) -> None:
    if network.identity_mode == IdentityMode.PSEUDONYMOUS_ONLY and identity != Identity.PSEUDONYM:
        raise ValidationError(_("In this network every member takes part under a pseudonym."))
    if network.identity_mode == IdentityMode.NAMED and identity != Identity.REAL:
        raise ValidationError(_("This network does not allow pseudonyms."))
    if identity == Identity.PSEUDONYM and not pseudonym.strip():
        raise ValidationError(_("Choose a pseudonym."))
    check_single_line(Membership, pseudonym=pseudonym)


@transaction.atomic
def join_network(network: Network, person: Person, *, role: str = Role.MEMBER,
                 identity: str | None = None, pseudonym: str = "",
                 at: datetime | None = None, source: str = "web") -> Membership:
    """Make ``person`` a member; a former member re-joins (a new ``join`` row)."""
    if identity is None:
        identity = (Identity.PSEUDONYM if network.identity_mode == IdentityMode.PSEUDONYMOUS_ONLY
                    else Identity.REAL)
    _check_identity(network, identity, pseudonym)
    pseudonym = pseudonym.strip() if identity == Identity.PSEUDONYM else ""
    if pseudonym and Membership.objects.filter(network=network, pseudonym=pseudonym).exclude(
            person=person).exists():
        raise ValidationError(_("That pseudonym is taken in this network."))
    membership = Membership.objects.filter(network=network, person=person).first()
    if membership is not None and membership.is_active:
        raise ValidationError(
            _("%(name)s is already a member.") % {"name": membership.display_name})
    if membership is None:
        membership = Membership(network=network, person=person)
    membership.role, membership.identity, membership.pseudonym = role, identity, pseudonym
    membership.joined_at, membership.left_at = _now(at), None
    membership.save()
    record_activity(rows.join(membership, source=source))
    return membership


@transaction.atomic
def leave_network(membership: Membership, *, at: datetime | None = None,
                  source: str = "web") -> Membership:
    if not membership.is_active:
        raise ValidationError(_("This membership has already ended."))
    membership.left_at = _now(at)
    membership.save(update_fields=["left_at"])
    record_activity(rows.leave(membership, source=source))
    return membership

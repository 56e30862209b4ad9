"""Read queries of the membership pages and API: who is in, who asks, which links are out.

Names come from :func:`.selectors.member_name` (the pseudonym where one is used); a
member's real name is shown only to that member.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from .models import (
    Identity,
    Invitation,
    JoinRequest,
    Membership,
    Network,
    Person,
    RequestStatus,
    Role,
    Visibility,
)
from .selectors import member_name


@dataclass(frozen=True)
class JoinState:
    """What the viewer can do about joining a network."""

    membership: Membership | None
    pending: JoinRequest | None
    can_join: bool  # a public network: one step
    can_request: bool  # a closed network: ask the facilitators
    is_last_facilitator: bool
    requests_waiting: int = 0  # for a facilitator: requests to join to answer


def join_state(network: Network, person: Person | None) -> JoinState:
    """The viewer's membership or pending request in ``network``, and what they may do."""
    if person is None:
        return JoinState(None, None, False, False, False)
    membership = Membership.objects.filter(network=network, person=person,
                                           left_at__isnull=True).first()
    pending = None if membership else JoinRequest.objects.filter(
        network=network, person=person, status=RequestStatus.PENDING).first()
    last = bool(membership and membership.role == Role.FACILITATOR and not Membership.objects
                .filter(network=network, role=Role.FACILITATOR, left_at__isnull=True)
                .exclude(pk=membership.pk).exists())
    free = membership is None and pending is None
    waiting = (pending_requests(network).count()
               if membership and membership.role == Role.FACILITATOR else 0)
    return JoinState(membership, pending, free and network.visibility == Visibility.PUBLIC,
                     free and network.visibility == Visibility.CLOSED, last, waiting)


@dataclass(frozen=True)
class MemberRow:
    id: int
    name: str
    role: str
    role_label: str
    joined_at: datetime
    is_you: bool
    has_account: bool


def member_rows(network: Network, viewer: Person | None) -> list[MemberRow]:
    """Active members of ``network`` for its facilitators, facilitators first."""
    memberships = (Membership.objects.filter(network=network, left_at__isnull=True)
                   .select_related("person").order_by("joined_at", "pk"))
    rank = {value: i for i, value in enumerate(Role.values)}
    rows = [MemberRow(m.pk, member_name(m), m.role, str(Role(m.role).label), m.joined_at,
                      viewer is not None and m.person_id == viewer.pk,
                      m.person.user_id is not None)
            for m in memberships]
    return sorted(rows, key=lambda r: rank.get(r.role, len(rank)))


def request_name(request: JoinRequest) -> str:
    """The name a request shows: the pseudonym the person chose for this network, if any."""
    if request.identity == Identity.PSEUDONYM:
        return request.pseudonym
    return request.person.name


def pending_requests(network: Network) -> QuerySet[JoinRequest]:
    """Requests of ``network`` waiting for an answer, oldest first."""
    return (JoinRequest.objects.filter(network=network, status=RequestStatus.PENDING)
            .select_related("person").order_by("created_at", "pk"))


def invitations(network: Network) -> QuerySet[Invitation]:
    """The invitations of ``network``, newest first."""
    return Invitation.objects.filter(network=network).order_by("-created_at", "-pk")


def invitation_state(invitation: Invitation) -> str:
    """``open``, ``revoked``, ``expired`` or ``used``."""
    if invitation.revoked_at is not None:
        return "revoked"
    if timezone.now() >= invitation.expires_at:
        return "expired"
    if invitation.uses >= invitation.max_uses:
        return "used"
    return "open"


def claim_offers(person: Person | None) -> list[Network]:
    """Networks where an import knew ``person``'s e-mail address under a person without an
    account: each is offered on its own, never all at once."""
    if person is None or person.user_id is None or not person.email:
        return []
    ids = (Membership.objects.filter(person__user__isnull=True,
                                     person__email__iexact=person.email)
           .values_list("network_id", flat=True))
    return list(Network.objects.filter(pk__in=ids).order_by("name"))


@dataclass(frozen=True)
class ImportedRow:
    id: int
    name: str


def imported_people(network: Network) -> list[ImportedRow]:
    """People of ``network`` without an account (from imports), by the name the network
    shows, for a facilitator who links history by hand."""
    memberships = (Membership.objects.filter(network=network, person__user__isnull=True)
                   .select_related("person").order_by("pk"))
    return [ImportedRow(m.pk, member_name(m)) for m in memberships]

"""Who may do what in a network: decided here, once, for pages, API, exports and feeds.

A viewer's standing in a network is one of :class:`Standing` (instance staff, facilitator,
member, observer, outsider with an account, anonymous visitor). Views and API endpoints ask
:func:`network_for` for the network (a secret network is a 404 for outsiders, never a 403)
and then :func:`require` the capability they need. Names of members are decided in
:mod:`.selectors` (:func:`~.selectors.member_name`), never here.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Membership, Network, Person, Role, Visibility
from .selectors import AnyUser, person_of, visible_network


class Standing(enum.StrEnum):
    STAFF = "staff"
    FACILITATOR = "facilitator"
    MEMBER = "member"
    OBSERVER = "observer"
    OUTSIDER = "outsider"
    ANONYMOUS = "anonymous"


class Capability(enum.StrEnum):
    SEE_CHARTER = "see_charter"  # name, purpose and charter
    SEE_CONTENTS = "see_contents"  # members, events, discussions, figures
    TAKE_PART = "take_part"  # RSVP, post, react, offers and needs, introductions
    FACILITATE = "facilitate"  # edit charter and events, check people in, import, weave


_ALLOWED: dict[Capability, set[Standing]] = {
    Capability.SEE_CHARTER: set(Standing),
    Capability.SEE_CONTENTS: {
        Standing.STAFF, Standing.FACILITATOR, Standing.MEMBER, Standing.OBSERVER,
    },
    Capability.TAKE_PART: {Standing.FACILITATOR, Standing.MEMBER},
    Capability.FACILITATE: {Standing.STAFF, Standing.FACILITATOR},
}
_PUBLIC_EXTRA: dict[Capability, set[Standing]] = {
    Capability.SEE_CONTENTS: {Standing.OUTSIDER, Standing.ANONYMOUS},
}


@dataclass(frozen=True)
class Access:
    """A viewer's standing in one network, with the membership that gives it (if any)."""

    network: Network
    standing: Standing
    person: Person | None
    membership: Membership | None
    staff: bool = False
    #: False when the request came with an API token that lacks the ``facilitate`` scope.
    may_facilitate: bool = True

    def can(self, capability: Capability) -> bool:
        if capability == Capability.FACILITATE and not self.may_facilitate:
            return False
        if self.standing in _ALLOWED[capability]:
            return True
        if self.staff and Standing.STAFF in _ALLOWED[capability]:
            return True
        if self.network.visibility == Visibility.PUBLIC:
            return self.standing in _PUBLIC_EXTRA.get(capability, set())
        return False

    @property
    def is_facilitator(self) -> bool:
        return self.can(Capability.FACILITATE)


def access(network: Network, user: AnyUser | None) -> Access:
    """The standing of ``user`` in ``network``."""
    person = person_of(user)
    membership = None
    if person is not None:
        membership = Membership.objects.filter(
            network=network, person=person, left_at__isnull=True
        ).first()
    staff = bool(user is not None and user.is_authenticated and user.is_staff)
    if membership is not None:
        standing = {Role.FACILITATOR: Standing.FACILITATOR,
                    Role.OBSERVER: Standing.OBSERVER}.get(membership.role, Standing.MEMBER)
    elif staff:
        standing = Standing.STAFF
    elif user is not None and user.is_authenticated:
        standing = Standing.OUTSIDER
    else:
        standing = Standing.ANONYMOUS
    return Access(network, standing, person, membership, staff,
                  may_facilitate=token_allows(user, "facilitate"))


def token_allows(user: Any, scope: str) -> bool:
    """Whether ``user`` may act with ``scope``: always for a session, and for a user
    authenticated by an API token (:class:`netweave.trust.auth.TokenAuth`, which gives the
    user the token's ``api_token_scopes``) only when the token has ``scope``."""
    scopes = getattr(user, "api_token_scopes", None)
    return scopes is None or scope in scopes


def network_for(user: AnyUser | None, slug: str,
                capability: Capability = Capability.SEE_CHARTER) -> Access:
    """The network called ``slug`` as ``user`` may reach it.

    Raises :class:`~django.http.Http404` when the network does not exist or is invisible to
    ``user`` (secret networks), and :class:`~django.core.exceptions.PermissionDenied` when it
    is visible but ``user`` lacks ``capability``.
    """
    network = visible_network(user, slug)
    if network is None:
        raise Http404
    return require(access(network, user), capability)


def require(grant: Access, capability: Capability) -> Access:
    """``grant`` itself, or :class:`~django.core.exceptions.PermissionDenied`."""
    if not grant.can(capability):
        raise PermissionDenied
    return grant

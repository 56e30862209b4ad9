"""Template filters for a network's sub-navigation on any app's page."""

from __future__ import annotations

from django import template

from ..models import Membership, Network, Role
from ..selectors import can_see_contents

register = template.Library()


def _membership(network: Network, user) -> Membership | None:
    if user is None or not user.is_authenticated or not isinstance(network, Network):
        return None
    return Membership.objects.filter(network=network, person__user=user,
                                     left_at__isnull=True).first()


@register.filter
def member_of(user, network) -> bool:
    """Whether ``user`` is an active member of ``network`` (their profile exists)."""
    return _membership(network, user) is not None


@register.filter
def facilitator_of(user, network) -> bool:
    """Whether ``user`` facilitates ``network`` (or is staff)."""
    if user is not None and user.is_authenticated and user.is_staff:
        return True
    membership = _membership(network, user)
    return membership is not None and membership.role == Role.FACILITATOR


@register.filter
def sees_contents_of(user, network) -> bool:
    """Whether ``user`` sees ``network``'s members, events and discussions: links to pages
    that would refuse them are not shown."""
    return isinstance(network, Network) and can_see_contents(network, user)

"""What the discussions add to other apps' pages (their ``app_parts`` slots)."""

from __future__ import annotations

from django import template

from netweave.networks.models import Network, Person

from ..selectors import ConversationRow, my_conversations

register = template.Library()


@register.simple_tag
def conversations_of(network: Network, person: Person | None) -> list[ConversationRow]:
    """``person``'s introductions in ``network`` with their private conversations."""
    return [] if person is None else my_conversations(network, person)

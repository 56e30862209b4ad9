"""Template filters of trust's network pages."""

from __future__ import annotations

from typing import Any

from django import template

from netweave.networks.permissions import access

register = template.Library()


@register.filter
def facilitates(user: Any, network: Any) -> bool:
    """Whether ``user`` may facilitate ``network`` (``{% if user|facilitates:network %}``)."""
    return access(network, user).is_facilitator

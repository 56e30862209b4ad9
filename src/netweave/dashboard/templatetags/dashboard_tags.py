"""Template helpers of the dashboard pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag(takes_context=True)
def network_card(context: template.Context, network: Any) -> dict | None:
    """The network page's health card from the stored snapshot, or None while it is being
    computed (:func:`~netweave.dashboard.services.network_page_card`: a missing card
    queues its job, nothing is measured here)."""
    from netweave.dashboard.services import network_page_card

    request = context.get("request")
    user = getattr(request, "user", None)
    return network_page_card(network, get_language() or "en", user)


@register.simple_tag
def plotly_url() -> str:
    """The URL of plotly.min.js, served from the installed ``plotly`` package."""
    import plotly

    return reverse("dashboard-plotly", args=[plotly.__version__])


@register.filter
def percent(value: float | None) -> str:
    """``0.423`` as ``42%``; a dash for no value."""
    return "\u2013" if value is None else f"{round(float(value) * 100)}%"


@register.filter
def takes_part_in(user, network) -> bool:
    """Whether ``user`` is an active member of ``network`` (their own view exists)."""
    from netweave.networks.models import Membership

    if user is None or not user.is_authenticated:
        return False
    return Membership.objects.filter(network=network, person__user=user,
                                     left_at__isnull=True).exists()


@register.filter
def contents_visible_to(network, user) -> bool:
    """Whether ``user`` sees ``network``'s contents, and so its dashboard."""
    from netweave.networks.selectors import can_see_contents

    return can_see_contents(network, user)

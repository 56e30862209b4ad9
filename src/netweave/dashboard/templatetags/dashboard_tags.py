"""Template helpers of the dashboard pages."""

from __future__ import annotations

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag
def plotly_url() -> str:
    """The URL of plotly.min.js, served from the installed ``plotly`` package."""
    import plotly

    return reverse("dashboard-plotly", args=[plotly.__version__])


@register.filter
def percent(value: float | None) -> str:
    """``0.423`` as ``42%``; a dash for no value."""
    return "\u2013" if value is None else f"{round(float(value) * 100)}%"

"""Let each netweave app add its part to a shared page without editing that page.

``{% app_parts "network_section.html" %}`` renders ``<app label>/network_section.html`` of
every installed netweave app that has one, in ``INSTALLED_APPS`` order, with the current
context. Shared pages use it for the network page's sections (``network_card.html`` near
the top, ``network_section.html`` further down),
the main navigation (``nav.html``) and a network's sub-navigation (``network_nav.html``).
"""

from __future__ import annotations

from functools import cache

from django import template
from django.apps import apps
from django.template.backends.django import Template
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@cache
def _parts(name: str) -> tuple[Template, ...]:
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("netweave."):
            continue
        try:
            found.append(get_template(f"{config.label}/{name}"))
        except template.TemplateDoesNotExist:
            continue
    return tuple(found)


@register.simple_tag(takes_context=True)
def app_parts(context: template.Context, name: str) -> SafeString:
    """The apps' templates called ``name``, rendered with the current context."""
    flat = context.flatten()
    request = context.get("request")
    return mark_safe("".join(part.render(flat, request) for part in _parts(name)))

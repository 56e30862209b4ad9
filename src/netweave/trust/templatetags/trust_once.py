"""``{% once_field %}``: the hidden one-time token of a create form (:mod:`..once`)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from netweave.trust.once import FIELD, new_token

register = template.Library()


@register.simple_tag
def once_field() -> SafeString:
    """A hidden input with a fresh one-time token."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_token())

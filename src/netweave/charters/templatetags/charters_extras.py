"""Template helpers of the Design pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def lookup(mapping: dict[str, Any] | None, key: str) -> Any:
    """``mapping[key]``, or an empty string when absent."""
    return (mapping or {}).get(key, "")

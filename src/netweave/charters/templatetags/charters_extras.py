"""Template helpers of the Design pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def lookup(mapping: dict[str, Any] | None, key: str) -> Any:
    """``mapping[key]``, or an empty string when absent."""
    return (mapping or {}).get(key, "")


@register.simple_tag
def charter_access(network: Any, user: Any) -> dict[str, bool]:
    """What ``user`` may do with ``network``'s charter: ``revise`` (facilitate) and
    ``history`` (see its contents), decided by :mod:`netweave.networks.permissions`."""
    from netweave.networks.permissions import Capability, access

    if network is None:
        return {"revise": False, "history": False}
    grant = access(network, user)
    return {"revise": grant.can(Capability.FACILITATE),
            "history": grant.can(Capability.SEE_CONTENTS)}

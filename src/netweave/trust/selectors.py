"""Trust's reads for pages and the API."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import ApiToken, AuditEntry


def tokens_of(user: Any) -> QuerySet[ApiToken]:
    """``user``'s tokens, newest first, revoked ones included."""
    return ApiToken.objects.filter(owner=user).order_by("-created_at")


def audit_entries(*, network: Any = None, action: str = "", actor: str = ""
                  ) -> QuerySet[AuditEntry]:
    """Audit entries, newest first, filtered by network, action prefix and actor name."""
    entries = AuditEntry.objects.select_related("network")
    if network is not None:
        entries = entries.filter(network=network)
    if action:
        entries = entries.filter(action__startswith=action)
    if actor:
        entries = entries.filter(actor_label__iexact=actor)
    return entries.order_by("-at", "-pk")


def consent_of(person: Any, kind: str) -> bool | None:
    """``person``'s latest answer for consent ``kind`` (``None``: never asked)."""
    from .models import Consent

    return (Consent.objects.filter(person=person, kind=kind).order_by("-at", "-pk")
            .values_list("given", flat=True).first())

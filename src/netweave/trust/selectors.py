"""Trust's reads for pages and the API."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from netweave.networks.models import Network, Person
from netweave.networks.selectors import shown_names

from .models import ApiToken, AuditEntry


def tokens_of(user: Any) -> QuerySet[ApiToken]:
    """``user``'s tokens, newest first, revoked ones included."""
    return ApiToken.objects.filter(owner=user).order_by("-created_at")


def actor_names(network: Network, entries: list[AuditEntry]) -> dict[int, str]:
    """Entry id -> who did it, as ``network`` shows them (a pseudonym where used, never a
    user name): "staff" for staff outside the network, "system" for no one, and "?" for an
    account the network does not know or that is gone."""
    users = {e.actor_id for e in entries if e.actor_id is not None}
    people = dict(Person.objects.filter(user_id__in=users).values_list("user_id", "pk"))
    names = shown_names(network, people.values())
    staff = set(get_user_model().objects.filter(pk__in=users, is_staff=True)
                .values_list("pk", flat=True))
    out = {}
    for e in entries:
        name = names.get(people.get(e.actor_id)) if e.actor_id is not None else None
        if name is None:
            name = (_("system") if e.actor_id is None
                    else _("staff") if e.actor_id in staff else "?")
        out[e.pk] = str(name)
    return out


def actor_labels(entries: list[AuditEntry]) -> dict[int, str]:
    """Entry id -> who did it for the staff's audit page: in a network, as that network
    shows them (:func:`actor_names`, so no page puts an account beside a pseudonymous
    membership); outside networks, the account's user name."""
    out = {e.pk: e.actor_label or str(_("system")) for e in entries if e.network_id is None}
    by_network: dict[int, list[AuditEntry]] = {}
    for e in entries:
        if e.network_id is not None:
            by_network.setdefault(e.network_id, []).append(e)
    for network in Network.objects.filter(pk__in=by_network):
        out.update(actor_names(network, by_network[network.pk]))
    return out


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

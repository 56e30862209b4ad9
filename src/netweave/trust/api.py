"""Trust's API: who am I (with which token scope), my tokens, a network's audit log.

These endpoints accept a personal API token (:class:`.auth.TokenAuth`) as well as the
session, whatever the site-wide API authentication is.
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from netweave.networks.permissions import Capability, network_for

from . import selectors, services
from .auth import require_scope
from .models import ApiToken, Scope

PREFIX = "/trust"
router = Router(tags=["trust"])


class WhoAmIOut(Schema):
    username: str
    token: bool
    scopes: list[str]


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    scope: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class AuditEntryOut(Schema):
    at: datetime
    actor: str
    action: str
    target_type: str
    target_id: str
    target: str
    details: dict


def _token_out(token: ApiToken) -> dict:
    return {"id": token.pk, "name": token.name, "prefix": token.prefix, "scope": token.scope,
            "created_at": token.created_at, "last_used_at": token.last_used_at,
            "revoked_at": token.revoked_at}


@router.get("/whoami", response=WhoAmIOut, summary="The authenticated user and scopes")
def whoami(request: HttpRequest) -> dict:
    row = getattr(request, "api_token", None)
    scopes = sorted(row.scopes) if row is not None else sorted(Scope.values)
    return {"username": request.user.get_username(), "token": row is not None,
            "scopes": scopes}


@router.get("/tokens", response=list[TokenOut], summary="My API tokens")
def my_tokens(request: HttpRequest) -> list:
    return [_token_out(t) for t in selectors.tokens_of(request.user)]


@router.post("/tokens/{token_id}/revoke", response=TokenOut, summary="Revoke one of my tokens")
def revoke(request: HttpRequest, token_id: int) -> dict:
    token = get_object_or_404(selectors.tokens_of(request.user), pk=token_id)
    services.revoke_token(token, request.user, request)
    return _token_out(token)


@router.get("/networks/{slug}/audit", response=list[AuditEntryOut],
            summary="A network's audit log (facilitators)")
def network_audit(request: HttpRequest, slug: str, limit: int = 100) -> list:
    require_scope(request, Scope.FACILITATE)
    access = network_for(request.user, slug, Capability.FACILITATE)
    entries = list(selectors.audit_entries(network=access.network)[:max(1, min(limit, 1000))])
    actors = selectors.actor_names(access.network, entries)
    return [
        {"at": e.at, "actor": actors[e.pk], "action": e.action, "target_type": e.target_type,
         "target_id": e.target_id, "target": e.target_label, "details": e.details}
        for e in entries
    ]

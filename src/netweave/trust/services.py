"""Trust's writes: API tokens, consent, and a member's data export and account deletion."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from .audit import record
from .models import ApiToken, Consent, Scope

#: Every token starts with this, so that a leaked one is easy to recognise in logs and code.
TOKEN_PREFIX = "nwt_"


def hash_token(token: str) -> str:
    """The stored form of ``token`` (tokens are long and random: one SHA-256 suffices)."""
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def create_token(owner: Any, name: str, scope: str = Scope.READ,
                 request: HttpRequest | None = None) -> tuple[ApiToken, str]:
    """Make a token for ``owner``; returns the row and the token, which is never stored and
    cannot be shown again."""
    if scope not in Scope.values:
        raise ValueError(f"unknown scope {scope!r} (expected one of {', '.join(Scope.values)})")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(owner=owner, name=name.strip()[:100] or "token",
                                  prefix=token[:12], token_hash=hash_token(token), scope=scope)
    record(owner, "trust.token.create", target=row, details={"scope": scope}, request=request)
    return row, token


@transaction.atomic
def revoke_token(token: ApiToken, by: Any, request: HttpRequest | None = None) -> None:
    """Revoke ``token`` (at once; a revoked token never works again)."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(by, "trust.token.revoke", target=token, request=request)


def token_owner(token: str) -> ApiToken | None:
    """The active token row for ``token``, or ``None``; notes when it was last used."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = (ApiToken.objects.select_related("owner")
           .filter(token_hash=hash_token(token), revoked_at__isnull=True,
                   owner__is_active=True).first())
    if row is None:
        return None
    now = timezone.now()
    # At most one write a minute per token, so that busy clients do not write on every call.
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        row.last_used_at = now
    return row


def set_consent(person: Any, kind: str, given: bool) -> Consent:
    """Record ``person``'s answer for ``kind`` (a new row; the history stays)."""
    return Consent.objects.create(person=person, kind=kind, given=given)

"""API authentication with personal tokens: ``Authorization: Bearer <token>``.

:class:`TokenAuth` is a django-ninja auth class. It authenticates the token's owner (as
``request.user``, so that :func:`netweave.networks.permissions.network_for` works as for a
session) and checks the token's scope: reading (GET, HEAD, OPTIONS) needs ``read``, anything
else ``write``. Endpoints for facilitators' actions also call :func:`require_scope` with
``"facilitate"``; for a logged-in session it always passes (sessions are not scoped).

Every API router authenticates alike (:data:`AUTH`): a personal API token, or the session.
A router whose reads are open to anonymous visitors of public networks uses
:data:`PUBLIC_READ_AUTH`, which still takes a token or a session first, so that a token
reaches its owner's closed and secret networks there too.

A request without a bearer token falls through to the session; a bearer token that is
unknown or revoked is a 401, one without the needed scope a 403 with the reason.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer, django_auth

from .models import Scope
from .services import token_owner

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenAuth(HttpBearer):
    """Personal API tokens with scopes (see the module's documentation)."""

    openapi_description = "A personal API token (made on the page 'API tokens')."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        row = token_owner(token)
        if row is None:
            raise HttpError(401, _("Unknown or revoked API token."))
        needed = Scope.READ if request.method in SAFE_METHODS else Scope.WRITE
        if needed not in row.scopes:
            raise HttpError(403, _("This API token does not have the '%(scope)s' scope.")
                            % {"scope": needed})
        owner = row.owner
        # The scopes travel with the user, so that checks given only the user (such as
        # network_for) can ask netweave.networks.permissions.token_allows(user, scope).
        owner.api_token_scopes = row.scopes
        request.user = owner
        request.api_token = row  # type: ignore[attr-defined]
        return owner


def require_scope(request: HttpRequest, scope: str) -> None:
    """Raise a 403 when the request came with an API token that lacks ``scope``."""
    row = getattr(request, "api_token", None)
    if row is not None and scope not in row.scopes:
        raise HttpError(403, _("This API token does not have the '%(scope)s' scope.")
                        % {"scope": scope})


def anonymous_reader(request: HttpRequest) -> Any:
    """Without credentials: the anonymous visitor, for reads only."""
    return request.user if request.method in SAFE_METHODS else None


#: A personal API token, or the session (with its CSRF check on unsafe methods).
AUTH = [TokenAuth(), django_auth]
#: As :data:`AUTH`, and anonymous visitors may read (what public networks show them).
PUBLIC_READ_AUTH = [*AUTH, anonymous_reader]

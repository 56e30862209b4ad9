"""What every app's API module shares: authentication, the error body, and reaching a
network with a capability (a secret network stays a 404 to outsiders, a missing capability
is a 403).

Every router authenticates alike: a personal API token (``Authorization: Bearer …``) or the
session (the API's default, :data:`AUTH`). A router whose reads are open to anonymous
visitors of public networks uses :data:`PUBLIC_READ_AUTH`, which still takes a token or a
session first, so that a token reaches its owner's closed and secret networks there too.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from netweave.networks.permissions import Access, Capability, network_for
from netweave.trust.auth import SAFE_METHODS, TokenAuth


def anonymous_reader(request: HttpRequest) -> Any:
    """Without credentials: the anonymous visitor, for reads only."""
    return request.user if request.method in SAFE_METHODS else None


#: A personal API token, or the session (with its CSRF check on unsafe methods).
AUTH = [TokenAuth(), django_auth]
#: As :data:`AUTH`, and anonymous visitors may read (what public networks show them).
PUBLIC_READ_AUTH = [*AUTH, anonymous_reader]


class ErrorOut(Schema):
    """Why a request was refused, in the request's language."""

    detail: str


def refused() -> HttpError:
    return HttpError(403, _("You may not do this in this network."))


def network_access(request: HttpRequest, slug: str, capability: Capability) -> Access:
    """The network ``slug`` for ``request``'s user with ``capability``, or an HTTP error:
    404 where the network is not visible, 403 where the capability is missing."""
    try:
        return network_for(request.user, slug, capability)
    except PermissionDenied as exc:
        raise refused() from exc


def bad_request(exc: ValidationError) -> HttpError:
    """A 400 whose detail is the validation error's messages."""
    return HttpError(400, " ".join(exc.messages))

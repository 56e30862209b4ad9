"""What every app's API module shares: the error body, and reaching a network with a
capability (a secret network stays a 404 to outsiders, a missing capability is a 403).

How requests authenticate (a personal API token or the session) is
:data:`netweave.trust.auth.AUTH` and :data:`~netweave.trust.auth.PUBLIC_READ_AUTH`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import HttpError

from .permissions import Access, Capability, network_for


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

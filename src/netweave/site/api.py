"""The REST API: one django-ninja instance, its routers found in the installed apps.

Every netweave app that offers API endpoints has a module ``<app>.api`` with a ``router``
(a :class:`ninja.Router`) and a ``PREFIX`` (e.g. ``"/meet"``). They are mounted under
``/api/``; the OpenAPI schema is at ``/api/openapi.json`` and its browsable page at
``/api/docs``. Authentication is a personal API token (``Authorization: Bearer …``, with
scopes: see :mod:`netweave.trust.auth`) or Django's session (with its CSRF check on unsafe
methods).
"""

from __future__ import annotations

from django.db import DataError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI

from netweave.kit.apps import app_modules
from netweave.trust.auth import AUTH

api = NinjaAPI(
    title="netweave API",
    version="1",
    description="Design, meet, weave and measure purpose-driven networks.",
    auth=AUTH,
    urls_namespace="api",
)


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def _out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A number too large for the database (an id, a capacity) is the client's error."""
    return api.create_response(
        request, {"detail": _("A number in the request is out of range.")}, status=400
    )


def _mount_app_routers() -> None:
    for module in app_modules("api"):
        label = module.__name__.split(".")[-2]
        api.add_router(getattr(module, "PREFIX", f"/{label}"), module.router)


_mount_app_routers()

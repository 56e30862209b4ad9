"""Create forms that act once, however often they are sent (a double click, a reload).

Each create form carries a one-time token (``{% load trust_once %}{% once_field %}`` in the
form). :func:`once_per_form` wraps the view that receives it: the first request with a
token runs the view; a later one with the same token (also one that arrives while the first
is still running) runs nothing and is sent where the first went (or back to the page it
came from). Tokens are claimed atomically in :mod:`.counters`, so parallel requests create
one object. A request whose form had errors gives its token back, so that the corrected
form can be sent. Requests without a token (API clients, old pages) run as before.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from netweave.kit import counters

#: The form field that carries the token.
FIELD = "once"
#: How long a token is remembered (seconds).
WINDOW = 24 * 3600


def new_token() -> str:
    """A fresh one-time token."""
    return secrets.token_urlsafe(18)


def _back(request: HttpRequest) -> str:
    referer = urlsplit(request.META.get("HTTP_REFERER", ""))
    if referer.path and referer.netloc in ("", request.get_host()):
        return referer.path + (f"?{referer.query}" if referer.query else "")
    return "/"


def once_per_form(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Run ``view`` once per one-time token (see the module's documentation)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        token = request.POST.get(FIELD, "") if request.method == "POST" else ""
        if not token:
            return view(request, *args, **kwargs)
        name = counters.key("once", f"{request.user.pk or '-'}:{token}")
        if counters.hit(name, WINDOW).count > 1:
            messages.info(request, _("This form had already been sent: it was saved once."))
            return redirect(cache.get(f"{name}:to") or _back(request))
        response = view(request, *args, **kwargs)
        if response.status_code in (301, 302, 303) and response.has_header("Location"):
            cache.set(f"{name}:to", response["Location"], WINDOW)
        else:
            counters.forget(name)
        return response

    return wrapped

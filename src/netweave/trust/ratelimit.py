"""Login rate limiting, per user name and per IP address, counted in Django's cache.

Every login attempt takes one place in the user name's count and in the client address's
count over ``NETWEAVE_LOGIN_WINDOW`` seconds, atomically and *before* the password is
checked; an attempt beyond either limit (``NETWEAVE_LOGIN_LIMIT_USERNAME``,
``NETWEAVE_LOGIN_LIMIT_IP``) is refused unchecked, with a clear message and status 429,
until the window has passed. So parallel attempts can never check more passwords than the
limit. A successful login clears the user name's count and gives its place in the
address's count back. The user name is counted as Django compares it: NFKC-normalised, and
case-folded on top, so a fullwidth "victim" and "Victim" count as "victim". Counters live
in :mod:`.counters` (the default file cache on one machine; Redis for several machines,
see ``NETWEAVE_CACHE_URL``).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import ngettext

from netweave.kit import counters
from netweave.kit.net import client_ip


def _window() -> int:
    return int(getattr(settings, "NETWEAVE_LOGIN_WINDOW", 15 * 60))


def normalise(username: str) -> str:
    """The user name as it is counted: NFKC (as Django's ``UsernameField``), stripped and
    case-folded."""
    return unicodedata.normalize("NFKC", username).strip().casefold()


def _keys(username: str | None, ip: str | None) -> list[tuple[str, int]]:
    keys = []
    if username and normalise(username):
        keys.append((counters.key("login-user", normalise(username)),
                     int(getattr(settings, "NETWEAVE_LOGIN_LIMIT_USERNAME", 5))))
    if ip:
        keys.append((counters.key("login-ip", ip),
                     int(getattr(settings, "NETWEAVE_LOGIN_LIMIT_IP", 30))))
    return keys


def attempt(username: str | None, ip: str | None) -> int:
    """Take one place for a login attempt of ``username`` from ``ip``.

    Returns 0 when the password may be checked, otherwise the seconds to wait (the attempt
    is refused without checking it)."""
    wait = 0
    for key, limit in _keys(username, ip):
        count = counters.hit(key, _window())
        if count.count > limit:
            wait = max(wait, count.wait())
    return wait


def succeeded(username: str | None, ip: str | None) -> None:
    """After a successful login: clear the user name's count, give the address's place back."""
    if username and normalise(username):
        counters.forget(counters.key("login-user", normalise(username)))
    if ip:
        counters.hit(counters.key("login-ip", ip), _window(), -1)


def on_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """``user_logged_in`` receiver: only logins through a rate-limited login form count."""
    if request is not None and getattr(request, "_netweave_login_attempt", None):
        succeeded(request._netweave_login_attempt, client_ip(request))


def locked_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Too many failed logins for this account or from your address. Please wait "
        "%(minutes)d minute and try again, or reset your password.",
        "Too many failed logins for this account or from your address. Please wait "
        "%(minutes)d minutes and try again, or reset your password.",
        minutes,
    ) % {"minutes": minutes}


class LoginRateLimitMiddleware:
    """Counts every login POST before the password is checked; refuses one beyond a limit
    (status 429, the login page with a message)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._paths: set[str] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path in self._login_paths():
            username = request.POST.get("username", "")
            wait = attempt(username, client_ip(request))
            if wait:
                return self._refuse(request, wait)
            request._netweave_login_attempt = username
        return self.get_response(request)

    def _login_paths(self) -> set[str]:
        if self._paths is None:
            self._paths = {reverse(settings.LOGIN_URL), reverse("admin:login")}
        return self._paths

    def _refuse(self, request: HttpRequest, wait: int) -> HttpResponse:
        form = AuthenticationForm(request, initial={"username": request.POST.get("username")})
        # Unbound (validating would try the password): the message is set directly.
        form._errors = ErrorDict({NON_FIELD_ERRORS: form.error_class(
            [locked_message(wait)], error_class="nonfield")})
        response = render(request, "accounts/login.html",
                          {"form": form, "next": request.POST.get("next", "")}, status=429)
        response["Retry-After"] = str(wait)
        return response

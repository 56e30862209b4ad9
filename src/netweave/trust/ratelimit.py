"""Login rate limiting, per user name and per IP address, counted in Django's cache.

Failed logins are counted (the ``user_login_failed`` signal) for the user name and for the
client's address over ``NETWEAVE_LOGIN_WINDOW`` seconds. Once either count reaches its
limit (``NETWEAVE_LOGIN_LIMIT_USERNAME``, ``NETWEAVE_LOGIN_LIMIT_IP``), further login
attempts are refused before the password is checked, with a clear message and status 429,
until the window has passed. A successful login clears the user name's count. Counters are
kept per database (test runs and deployments sharing one cache do not mix). The cache
must be shared by every web process (the default file cache on one machine; Redis for
several machines, see ``NETWEAVE_CACHE_URL``).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import connection
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from .net import client_ip


def _window() -> int:
    return int(getattr(settings, "NETWEAVE_LOGIN_WINDOW", 15 * 60))


def _key(kind: str, value: str) -> str:
    # Counters belong to one database: deployments (and test runs) sharing a cache do not
    # count each other's failures.
    database = str(connection.settings_dict["NAME"])
    digest = hashlib.sha256(f"{database}\0{value.strip().lower()}".encode()).hexdigest()[:32]
    return f"trust:login:{kind}:{digest}"


def _keys(username: str | None, ip: str | None) -> list[tuple[str, int]]:
    keys = []
    if username:
        keys.append((_key("user", username),
                     int(getattr(settings, "NETWEAVE_LOGIN_LIMIT_USERNAME", 5))))
    if ip:
        keys.append((_key("ip", ip), int(getattr(settings, "NETWEAVE_LOGIN_LIMIT_IP", 30))))
    return keys


def register_failure(username: str | None, ip: str | None) -> None:
    """Count one failed login for ``username`` and ``ip``."""
    now = timezone.now().timestamp()
    for key, _limit in _keys(username, ip):
        state = cache.get(key) or {"count": 0, "since": now}
        state["count"] += 1
        cache.set(key, state, _window())


def clear(username: str | None) -> None:
    """Forget the failed logins of ``username`` (after a successful login)."""
    if username:
        cache.delete(_key("user", username))


def locked_for(username: str | None, ip: str | None) -> int:
    """Seconds until ``username`` or ``ip`` may try again; 0 when not locked."""
    now = timezone.now().timestamp()
    wait = 0
    for key, limit in _keys(username, ip):
        state = cache.get(key)
        if state and state["count"] >= limit:
            wait = max(wait, int(state["since"] + _window() - now) + 1)
    return wait


def on_login_failed(sender: Any, credentials: dict, request: HttpRequest | None = None,
                    **kwargs: Any) -> None:
    """``user_login_failed`` receiver."""
    register_failure(credentials.get("username"), client_ip(request) if request else None)


def on_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """``user_logged_in`` receiver."""
    clear(user.get_username())


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
    """Refuses a login POST (status 429, the login page with a message) while locked."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._paths: set[str] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path in self._login_paths():
            username = request.POST.get("username", "")
            wait = locked_for(username, client_ip(request))
            if wait:
                return self._refuse(request, wait)
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

"""The client's address, also behind a reverse proxy."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address. With ``NETWEAVE_PROXY_COUNT = n`` (n trusted reverse proxies
    in front of the app), the n-th address from the right of ``X-Forwarded-For``; otherwise
    ``REMOTE_ADDR`` (a client can forge the header, so it is only read behind a proxy)."""
    proxies = getattr(settings, "NETWEAVE_PROXY_COUNT", 0)
    if proxies > 0:
        forwarded = [part.strip() for part in
                     request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def client_key(request: HttpRequest) -> str:
    """Who is asking, for per-client limits: the user's id when logged in (or through an
    API token), else the client's address."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_ip(request) or '-'}"

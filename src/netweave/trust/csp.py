"""A content security policy on every response.

The default policy (``NETWEAVE_CSP``) allows scripts, styles, fonts and images from the
site itself only: no inline scripts, no ``eval``, nothing from other hosts, no framing.
Pages whose URL name is in ``NETWEAVE_CSP_RELAXED`` get that policy instead (the
self-contained report page carries its plotly script and styles inline). A view that sets
its own ``Content-Security-Policy`` header keeps it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"

#: The site's policy: directive -> sources.
DEFAULT_POLICY: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

#: The report page's policy: one self-contained file with inline plotly and styles.
REPORT_POLICY: dict[str, list[str]] = {
    **DEFAULT_POLICY,
    "script-src": ["'self'", "'unsafe-inline'", "'unsafe-eval'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "worker-src": ["'self'", "blob:"],
}


def render(policy: dict[str, list[str]]) -> str:
    """The header value of ``policy``."""
    return "; ".join(f"{name} {' '.join(sources)}".strip() for name, sources in policy.items())


def policy_for(request: HttpRequest) -> dict[str, list[str]]:
    """The policy for the page ``request`` resolved to."""
    match = getattr(request, "resolver_match", None)
    relaxed = getattr(settings, "NETWEAVE_CSP_RELAXED", {"network-report": REPORT_POLICY})
    if match is not None and match.view_name in relaxed:
        return relaxed[match.view_name]
    policy = dict(getattr(settings, "NETWEAVE_CSP", DEFAULT_POLICY))
    if getattr(settings, "NETWEAVE_CSP_STYLE_ATTRIBUTES", False):
        # style="..." attributes only (never <style> elements or scripts).
        policy["style-src-attr"] = ["'unsafe-inline'"]
    return policy


class ContentSecurityPolicyMiddleware:
    """Adds ``Content-Security-Policy`` (see the module's documentation)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if HEADER not in response:
            response[HEADER] = render(policy_for(request))
        return response

"""A database that stays busy past the wait is a 503 with Retry-After, never a 500.

On SQLite one writer at a time holds the write lock (a large import holds it for its whole
write phase); other writers queue for up to ``NETWEAVE_SQLITE_BUSY_SECONDS``. Should that
run out, the visitor is told to try again in a moment, and nothing was saved.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 10


def is_busy(exc: BaseException) -> bool:
    """Whether ``exc`` is the database saying another writer holds its lock."""
    text = str(exc).lower()
    return isinstance(exc, OperationalError) and ("locked" in text or "busy" in text)


class DatabaseBusyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not is_busy(exc):
            return None
        log.warning("database busy for %s %s: %s", request.method, request.path, exc)
        response = HttpResponse(
            _("The site is busy saving a large change (such as an import). Nothing was "
              "saved; please try again in a moment."),
            status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

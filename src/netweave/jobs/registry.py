"""Job kinds: ``@job("imports.run")`` registers the function that runs a kind.

Each netweave app keeps its kinds in ``<app>/jobs.py``; :func:`handler` imports those
modules once before looking a kind up, so the web process and the worker know the same kinds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from netweave.kit.apps import app_modules

if TYPE_CHECKING:
    from .models import Job


class Progress(Protocol):
    def __call__(self, done: int, total: int, message: str = "") -> None: ...


Handler = Callable[["Job", Progress], dict[str, Any] | None]
#: Told that a job's worker died mid-job: ``(job, requeued, reason)``; ``reason`` is the
#: job's error when it was failed, empty when it was queued again.
Abandoned = Callable[["Job", bool, str], None]
_HANDLERS: dict[str, Handler] = {}
_ABANDONED: dict[str, Abandoned] = {}
_discovered = False


def job(kind: str) -> Callable[[Handler], Handler]:
    """Register the decorated function as the runner of jobs of ``kind``."""

    def register(func: Handler) -> Handler:
        if _HANDLERS.get(kind, func) is not func:
            raise ValueError(f"job kind {kind!r} is registered twice")
        _HANDLERS[kind] = func
        return func

    return register


def abandoned(kind: str) -> Callable[[Abandoned], Abandoned]:
    """Register the decorated function to tidy up after a job of ``kind`` whose worker died
    (e.g. mark the import run it served as queued again, or failed)."""

    def register(func: Abandoned) -> Abandoned:
        _ABANDONED[kind] = func
        return func

    return register


def abandoned_hook(kind: str) -> Abandoned | None:
    """The function registered with :func:`abandoned` for ``kind``, if any."""
    _discover()
    return _ABANDONED.get(kind)


def _discover() -> None:
    global _discovered
    if not _discovered:
        app_modules("jobs")
        _discovered = True


def handler(kind: str) -> Handler:
    """The function registered for ``kind``; :class:`KeyError` when there is none."""
    _discover()
    return _HANDLERS[kind]


def kinds() -> list[str]:
    _discover()
    return sorted(_HANDLERS)

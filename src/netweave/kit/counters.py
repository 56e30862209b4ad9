"""Counters in Django's cache that many processes may bump at once, without lost updates.

A counter counts hits within a fixed window that starts with its first hit. Redis,
memcached and the in-process cache count atomically themselves (``add`` then ``incr``);
for any other cache (the default file cache) every change is made under an exclusive file
lock, which every process on the machine shares. Keys are kept per database, so test runs
and deployments that share one cache do not count each other's hits.
"""

from __future__ import annotations

import fcntl
import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.memcached import BaseMemcachedCache
from django.core.cache.backends.redis import RedisCache
from django.db import connection

_ATOMIC = (RedisCache, LocMemCache, BaseMemcachedCache)


@dataclass(frozen=True)
class Count:
    """A counter's value after a change, and when its window ends (a Unix time)."""

    count: int
    ends: float

    def wait(self, now: float | None = None) -> int:
        """Whole seconds until the window ends (at least 1)."""
        return max(1, int(self.ends - (time.time() if now is None else now)) + 1)


def key(kind: str, value: str) -> str:
    """The cache key of counter ``kind`` for ``value`` (hashed: no personal data in keys)."""
    database = str(connection.settings_dict["NAME"])
    digest = hashlib.sha256(f"{database}\0{value}".encode()).hexdigest()[:32]
    return f"netweave:count:{kind}:{digest}"


def _cache() -> tuple[BaseCache, bool]:
    """The default cache, and whether it counts atomically itself."""
    backend = caches["default"]
    return backend, isinstance(backend, _ATOMIC)


@contextmanager
def _file_lock() -> Iterator[None]:
    folder = Path(getattr(caches["default"], "_dir", None) or settings.DATA_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "netweave-counters.lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def hit(name: str, window: int, amount: int = 1) -> Count:
    """Add ``amount`` to counter ``name`` (a :func:`key`) and return its new value.

    A counter that does not exist (or whose window is over) starts at 0, with a window of
    ``window`` seconds from now."""
    now = time.time()
    cache, atomic = _cache()
    if atomic:
        cache.add(f"{name}:ends", now + window, window)
        cache.add(name, 0, window)
        try:
            count = cache.incr(name, amount)
        except ValueError:  # expired between add and incr: a new window
            cache.add(name, 0, window)
            count = cache.incr(name, amount)
        return Count(count, float(cache.get(f"{name}:ends") or now + window))
    with _file_lock():
        state = cache.get(name)
        if not state or state["ends"] <= now:
            state = {"count": 0, "ends": now + window}
        state["count"] += amount
        cache.set(name, state, max(1, int(state["ends"] - now) + 1))
        return Count(state["count"], state["ends"])


def forget(name: str) -> None:
    """Delete counter ``name``."""
    cache, atomic = _cache()
    if atomic:
        cache.delete_many([name, f"{name}:ends"])
        return
    with _file_lock():
        cache.delete(name)

"""Fetching from public web addresses only, within bounds (the Discourse URL import).

:class:`Fetcher` resolves each host itself and refuses any host with an address that is not
public (private, loopback, link-local, shared, reserved, multicast), on every hop: the first
request and each redirect. It then connects to the very address it checked (so a second DNS
answer cannot point elsewhere), with TLS checked against the host name. Each answer is read
in chunks up to :attr:`FetchLimits.max_response`, all answers together up to
:attr:`~FetchLimits.max_total`, at most :attr:`~FetchLimits.max_requests` requests, within
:attr:`~FetchLimits.seconds`. Errors name the address asked for and what went wrong in
general terms: never the resolved address, nor whether a port was closed or filtered.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from .errors import ParseError

MB = 1024 * 1024
_REDIRECTS = {301, 302, 303, 307, 308}
_CHUNK = 64 * 1024


class FetchError(ParseError):
    """An address that may not or could not be fetched, or an answer beyond the limits."""


@dataclass(frozen=True)
class FetchLimits:
    """Bounds of one fetch (all its requests together)."""

    max_requests: int = 5_000
    max_response: int = 10 * MB
    max_total: int = 100 * MB
    #: Seconds to connect, and between two chunks of an answer.
    timeout: float = 15
    #: Seconds for the whole fetch.
    seconds: float = 900
    max_redirects: int = 5


def is_public(address: str) -> bool:
    """Whether ``address`` (an IP address) is on the public internet."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to ``address`` for the host ``host`` (its ``Host`` header)."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """An HTTPS connection to ``address``, its certificate checked against ``host``."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        self.context = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.context)
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self.context.wrap_socket(sock, server_hostname=self.host)


Resolver = Callable[[str, int], list[str]]


def _resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class Fetcher:
    """GET requests to public addresses within :class:`FetchLimits`.

    ``allow_addresses`` lets these exact IP addresses through although they are not public:
    for tests against a server on 127.0.0.1 only; the command line never passes it."""

    def __init__(self, limits: FetchLimits | None = None, *,
                 allow_addresses: Collection[str] = (), resolve: Resolver = _resolve) -> None:
        self.limits = limits or FetchLimits()
        self.allowed = frozenset(allow_addresses)
        self.resolve = resolve
        self.requests = 0
        self.total = 0
        self.deadline = time.monotonic() + self.limits.seconds

    def get(self, url: str) -> bytes:
        """The body of a 200 answer to ``url``, following redirects to public addresses."""
        asked = url
        for _hop in range(self.limits.max_redirects + 1):
            status, location, body = self._request(asked, url)
            if status in _REDIRECTS and location:
                url = urljoin(url, location)
                continue
            if status != 200:
                raise FetchError(asked, None, f"answered HTTP {status}",
                                 "a Discourse forum's JSON (HTTP 200)")
            return body
        raise FetchError(asked, None, f"redirects more than {self.limits.max_redirects} times",
                         "a forum address that answers itself")

    # --- one hop ---------------------------------------------------------------------------

    def _remaining(self, asked: str) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise FetchError(asked, None, f"took longer than {self.limits.seconds:g} seconds "
                             "to fetch", f"a forum that answers within "
                             f"{self.limits.seconds:g} seconds")
        return left

    def _address(self, asked: str, url: str) -> tuple[str, int, str]:
        parts = urlsplit(url)
        hop = "" if url == asked else "redirects to an address that "
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(asked, None, f"{hop}is not a web address",
                             "https://forum.example.org")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
            addresses = self.resolve(parts.hostname, port)
        except (OSError, UnicodeError, ValueError) as exc:
            raise FetchError(asked, None, f"{hop}has a host name that does not resolve",
                             "a public forum address") from exc
        if not addresses or not all(is_public(a) or a in self.allowed for a in addresses):
            raise FetchError(asked, None, f"{hop}is not a public internet address",
                             "a forum on the public internet")
        return parts.hostname, port, addresses[0]

    def _request(self, asked: str, url: str) -> tuple[int, str, bytes]:
        host, port, address = self._address(asked, url)
        self.requests += 1
        if self.requests > self.limits.max_requests:
            raise FetchError(asked, None, f"needs more than {self.limits.max_requests:,} "
                             "requests", f"at most {self.limits.max_requests:,}")
        parts = urlsplit(url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        timeout = min(self.limits.timeout, self._remaining(asked))
        cls = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
        connection = cls(host, port, address, timeout)
        try:
            connection.request("GET", path, headers={"Accept": "application/json",
                                                     "User-Agent": "netweave-import"})
            response = connection.getresponse()
            if response.status in _REDIRECTS:
                return response.status, response.getheader("Location") or "", b""
            declared = response.getheader("Content-Length")
            if declared and declared.isdigit() and int(declared) > self.limits.max_response:
                self._too_large(asked)
            return response.status, "", self._read(asked, response)
        except FetchError:
            raise
        except (OSError, http.client.HTTPException) as exc:
            # The same words for a refused, filtered, reset or timed-out connection.
            raise FetchError(asked, None, "could not be fetched",
                             "a Discourse forum reachable from this machine") from exc
        finally:
            connection.close()

    def _read(self, asked: str, response: http.client.HTTPResponse) -> bytes:
        parts: list[bytes] = []
        size = 0
        while True:
            self._remaining(asked)
            chunk = response.read1(_CHUNK)
            if not chunk:
                return b"".join(parts)
            size += len(chunk)
            self.total += len(chunk)
            if size > self.limits.max_response:
                self._too_large(asked)
            if self.total > self.limits.max_total:
                raise FetchError(asked, None, f"adds up to more than {self.limits.max_total:,} "
                                 "bytes fetched", f"at most {self.limits.max_total:,} bytes")
            parts.append(chunk)

    def _too_large(self, asked: str) -> None:
        raise FetchError(asked, None, f"answers with more than {self.limits.max_response:,} "
                         "bytes", f"answers of at most {self.limits.max_response:,} bytes")

"""The Discourse URL import fetches public addresses only, on every hop, within bounds of
pages, bytes and time, and its errors reveal nothing of the inside (issue 15).

A real HTTP server on 127.0.0.1 plays the forum. The fetcher refuses it by default; the
bounds are tested by letting that one address through (``allow_addresses``, a parameter the
command line never passes)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from netweave.core.importers import discourse, samples
from netweave.core.importers.fetch import Fetcher, FetchError, FetchLimits, is_public

LOCAL = ("127.0.0.1",)


class Forum:
    """A local server answering each path with ``routes(path, handler)``; counts hits."""

    def __init__(self, routes: Callable[[str, BaseHTTPRequestHandler], None]) -> None:
        forum = self
        self.hits: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                forum.hits.append(self.path)
                try:
                    routes(self.path, self)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Forum:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def send(handler: BaseHTTPRequestHandler, body: object, status: int = 200,
         headers: dict[str, str] | None = None) -> None:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    handler.send_response(status)
    for key, value in (headers or {}).items():
        handler.send_header(key, value)
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


def one_topic_forum(path: str, handler: BaseHTTPRequestHandler) -> None:
    if path == "/latest.json":
        send(handler, {"topic_list": {"topics": [{"id": 7}]}})
    elif path == "/t/7.json":
        send(handler, samples.discourse_topic(7, 2))
    else:
        send(handler, {}, 404)


@pytest.fixture
def forum() -> Iterator[Callable[..., Forum]]:
    started: list[Forum] = []

    def start(routes=one_topic_forum) -> Forum:
        f = Forum(routes).__enter__()
        started.append(f)
        return f

    yield start
    for f in started:
        f.__exit__()


def test_a_local_forum_is_refused_by_default_and_never_asked(forum):
    f = forum()
    with pytest.raises(FetchError, match="is not a public internet address"):
        discourse.fetch(f.url)
    assert f.hits == []
    # With the test allowance the same forum is read: the refusal was the address.
    topics = discourse.fetch(f.url, fetcher=Fetcher(allow_addresses=LOCAL))
    assert [t["id"] for t in topics] == [7]


@pytest.mark.parametrize("url", [
    "http://localhost/", "http://127.0.0.2:8000/", "http://[::1]/", "http://10.1.2.3/",
    "http://192.168.0.1/", "http://172.16.5.5/", "http://169.254.169.254/latest/meta-data/",
    "http://100.64.0.1/", "http://0.0.0.0/", "http://[::ffff:127.0.0.1]/",
    "http://[fe80::1]/", "http://224.0.0.1/",
])
def test_private_loopback_and_link_local_addresses_are_refused(url):
    with pytest.raises(FetchError, match="not a public internet address"):
        Fetcher().get(url)


def test_public_addresses_are_public():
    assert is_public("93.184.216.34") and is_public("2606:2800:220:1:248:1893:25c8:1946")
    assert not is_public("::ffff:10.0.0.1")


def test_a_host_resolving_to_any_private_address_is_refused():
    fetcher = Fetcher(resolve=lambda host, port: ["93.184.216.34", "10.0.0.5"])
    with pytest.raises(FetchError, match="not a public internet address"):
        fetcher.get("https://forum.example.org/latest.json")


def test_a_redirect_to_a_private_address_is_refused(forum):
    def routes(path, handler):
        targets = {"/latest.json": "http://169.254.169.254/latest/meta-data/",
                   "/hop": "http://10.0.0.1/admin", "/up": "/latest.json"}
        send(handler, b"", 302, {"Location": targets.get(path, "/hop")})

    f = forum(routes)
    fetcher = Fetcher(allow_addresses=LOCAL)
    with pytest.raises(FetchError, match="redirects to an address that is not a public"):
        fetcher.get(f.url + "/latest.json")
    with pytest.raises(FetchError, match="redirects to an address that is not a public"):
        fetcher.get(f.url + "/up")  # a local hop first, then a private one
    assert f.hits == ["/latest.json", "/up", "/latest.json"]


def test_errors_do_not_tell_a_closed_port_from_a_silent_one(forum):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]  # nothing listens once the socket closes

    def garbage(path, handler):
        handler.wfile.write(b"SSH-2.0-OpenSSH_9.6\r\n")

    f = forum(garbage)
    messages = []
    for url in (f"http://127.0.0.1:{closed}/latest.json", f.url + "/latest.json"):
        with pytest.raises(FetchError) as caught:
            Fetcher(allow_addresses=LOCAL).get(url)
        messages.append(caught.value.problem)
        assert "refused" not in str(caught.value).lower()
        assert "errno" not in str(caught.value).lower() and "SSH" not in str(caught.value)
    assert messages == ["could not be fetched", "could not be fetched"]


def test_an_endless_listing_stops(forum):
    """Every page names a next page: empty pages stop at once, pages of new topics at the
    page limit, and a fetcher's request limit bounds everything."""
    def empty(path, handler):
        n = int(path.rsplit("=", 1)[1]) if "=" in path else 0
        send(handler, {"topic_list": {"topics": [], "more_topics_url": f"/latest?page={n + 1}"}})

    f = forum(empty)
    assert discourse.fetch(f.url, fetcher=Fetcher(allow_addresses=LOCAL)) == []
    assert f.hits == ["/latest.json"]

    def endless(path, handler):
        if path.startswith("/t/"):
            topic_id = int(path[3:].split(".")[0])
            send(handler, samples.discourse_topic(topic_id, 0))
            return
        n = int(path.rsplit("=", 1)[1]) if "=" in path else 0
        send(handler, {"topic_list": {"topics": [{"id": n + 1}],
                                      "more_topics_url": f"/latest?page={n + 1}"}})

    g = forum(endless)
    topics = discourse.fetch(g.url, max_pages=5, fetcher=Fetcher(allow_addresses=LOCAL))
    assert len(topics) == 5 and len(g.hits) == 10
    h = forum(endless)
    with pytest.raises(FetchError, match="needs more than 7 requests"):
        discourse.fetch(h.url, fetcher=Fetcher(FetchLimits(max_requests=7),
                                               allow_addresses=LOCAL))
    assert len(h.hits) == 7


def test_a_next_page_elsewhere_is_not_followed(forum):
    def routes(path, handler):
        if path == "/latest.json":
            send(handler, {"topic_list": {"topics": [{"id": 7}],
                                          "more_topics_url": "//10.0.0.1/latest?page=1"}})
        else:
            one_topic_forum(path, handler)

    f = forum(routes)
    assert len(discourse.fetch(f.url, fetcher=Fetcher(allow_addresses=LOCAL))) == 1
    assert f.hits == ["/latest.json", "/t/7.json"]


def test_answers_are_read_only_up_to_the_byte_limit(forum):
    sent = []

    def huge(path, handler):
        handler.send_response(200)
        if path == "/declared":
            handler.send_header("Content-Length", str(400 * 1024 * 1024))
        handler.end_headers()
        block = b" " * 65536
        for _ in range(400 * 16):  # 400 MB, unless the client stops reading
            handler.wfile.write(block)
            sent.append(len(block))

    f = forum(huge)
    limits = FetchLimits(max_response=1024 * 1024)
    with pytest.raises(FetchError, match="answers with more than 1,048,576 bytes"):
        Fetcher(limits, allow_addresses=LOCAL).get(f.url + "/declared")
    with pytest.raises(FetchError, match="answers with more than 1,048,576 bytes"):
        Fetcher(limits, allow_addresses=LOCAL).get(f.url + "/streamed")
    with pytest.raises(FetchError, match="adds up to more than"):
        Fetcher(FetchLimits(max_total=512 * 1024), allow_addresses=LOCAL).get(f.url + "/s")
    assert sum(sent) < 400 * 1024 * 1024  # the server was cut off


def test_a_slow_answer_is_stopped_at_the_time_limit(forum):
    def trickle(path, handler):
        handler.send_response(200)
        handler.end_headers()
        for _ in range(600):
            handler.wfile.write(b" ")
            handler.wfile.flush()
            time.sleep(0.05)

    f = forum(trickle)
    with pytest.raises(FetchError, match=r"took longer than 0\.5 seconds"):
        Fetcher(FetchLimits(seconds=0.5, timeout=5), allow_addresses=LOCAL).get(f.url + "/")

"""Discourse forums: topics and posts from its JSON API, from a URL or saved files.

A saved file is one topic as ``/t/<id>.json`` returns it, a JSON list of such topics, or a
zip of such files; :func:`fetch` reads a forum's latest topics from its URL into that list.
A topic is a discussion; a post answering another (``reply_to_post_number``) replies to it,
any other post replies to the opening post. Likes carry no names in the API and are not
imported. Errors name the file (or zip member), the topic and the post.
"""

from __future__ import annotations

import io
import json
import re
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from netweave.core.parsers import ParseError

from .common import MAX_BODY, parse_time, read_bytes
from .records import Batch, PostRec, ThreadRec

_TAG = re.compile(r"<[^>]+>")
#: Topics read from a URL at most, and seconds per request.
MAX_TOPICS = 2000
TIMEOUT = 30


def _json(data: bytes, where: str) -> object:
    try:
        return json.loads(data)  # UTF-8, -16 or -32, found by json
    except UnicodeDecodeError as exc:
        raise ParseError(where, None, "is not UTF-8, UTF-16 or UTF-32 text",
                         "JSON from Discourse's API") from exc
    except json.JSONDecodeError as exc:
        raise ParseError(where, exc.lineno, f"is not valid JSON: {exc.msg}",
                         "JSON from Discourse's API, e.g. /t/123.json") from exc
    except RecursionError as exc:
        raise ParseError(where, None, "nests too deeply") from exc


def parse(path: Path | str, *, name: str | None = None, mapping: Mapping[str, str] | None = None,
          timezone: str = "Europe/Amsterdam") -> Batch:
    """Read saved Discourse topic JSON (one, a list, or a zip of files) into discussions."""
    name, raw = read_bytes(path, name)
    tz = ZoneInfo(timezone)
    documents: list[tuple[str, object]] = []
    if raw.startswith(b"PK\x03\x04"):
        try:
            zf = zipfile.ZipFile(io.BytesIO(raw))
            members = sorted(i.filename for i in zf.infolist() if i.filename.endswith(".json"))
            for member in members:
                documents.append((f"{name}: {member}", _json(zf.read(member),
                                                            f"{name}: {member}")))
        except ParseError:
            raise
        except Exception as exc:  # zipfile and zlib raise many kinds on a damaged zip
            raise ParseError(name, None, f"is not a readable zip file ({exc})",
                             "a zip of Discourse topic JSON files") from exc
    else:
        documents.append((name, _json(raw, name)))
    batch = Batch("discourse", name, "utf-8")
    for where, doc in documents:
        topics = doc if isinstance(doc, list) else [doc]
        for k, topic in enumerate(topics, start=1):
            _topic(batch, topic, f"{where}, topic {k}", tz)
    if not batch.posts:
        raise ParseError(name, None, "holds no posts", "topics with a post_stream")
    return batch


def _time(value: object, where: str, tz: ZoneInfo) -> datetime:
    try:
        return parse_time(str(value), tz)
    except (ValueError, OverflowError, OSError) as exc:
        raise ParseError(where, None, f"created_at {str(value)[:40]!r} is unreadable",
                         "an ISO 8601 time as Discourse writes it") from exc


def _topic(batch: Batch, topic: object, where: str, tz: ZoneInfo) -> None:
    stream = topic.get("post_stream") if isinstance(topic, dict) else None
    posts = stream.get("posts") if isinstance(stream, dict) else None
    if not isinstance(topic, dict) or "id" not in topic or not isinstance(posts, list):
        raise ParseError(where, None, "is not a Discourse topic",
                         "an object with id, title and post_stream.posts (as /t/<id>.json)")
    topic_id = f"topic:{topic['id']}"
    if any(t.source_id == topic_id for t in batch.threads):
        batch.duplicates += 1
        return
    by_number: dict[int, str] = {}
    opening: str | None = None
    for k, post in enumerate(posts, start=1):
        here = f"{where}, post {k}"
        if not isinstance(post, dict) or "id" not in post or not post.get("username"):
            raise ParseError(here, None, "lacks id or username", "posts as Discourse writes them")
        username = str(post["username"])[:150]
        author = batch.person(f"discourse:{username.lower()}",
                              str(post.get("name") or username)[:200])
        at = _time(post.get("created_at"), here, tz)
        body = str(post.get("raw") or _TAG.sub("", str(post.get("cooked") or ""))).strip()
        if len(body) > MAX_BODY:
            raise ParseError(here, None, f"a post of {len(body):,} characters",
                             f"at most {MAX_BODY:,}")
        post_id = f"post:{post['id']}"
        number = post.get("post_number", k)
        number = number if isinstance(number, int) else k
        if opening is None:
            opening = post_id
            batch.threads.append(ThreadRec(topic_id, str(topic.get("title") or "")[:200]
                                           or "(untitled)", author, at))
            parent = None
        else:
            answered = post.get("reply_to_post_number")
            parent = by_number.get(answered, opening) if isinstance(answered, int) else opening
        by_number[number] = post_id
        batch.posts.append(PostRec(post_id, topic_id, author, at, body or "(empty)", parent))


def fetch(url: str, *, max_topics: int = MAX_TOPICS,
          opener: Callable[[str], bytes] | None = None) -> list[dict]:
    """The latest topics of the forum at ``url`` with all their posts, as saved-file JSON."""
    base = url.rstrip("/")
    if urllib.parse.urlsplit(base).scheme not in ("http", "https"):
        raise ParseError(url, None, "is not a web address", "https://forum.example.org")
    get = opener or _get
    topics: list[dict] = []
    page_url: str | None = f"{base}/latest.json"
    while page_url and len(topics) < max_topics:
        page = _json(get(page_url), page_url)
        listing = page.get("topic_list", {}) if isinstance(page, dict) else {}
        for item in listing.get("topics", []):
            if len(topics) >= max_topics:
                break
            topic_url = f"{base}/t/{int(item['id'])}.json"
            topic = _json(get(topic_url), topic_url)
            if not isinstance(topic, dict):
                raise ParseError(topic_url, None, "is not a topic", "a JSON object")
            _complete(base, topic, get)
            topics.append(topic)
        more = listing.get("more_topics_url")
        page_url = f"{base}{more.replace('latest', 'latest.json', 1)}" if more else None
    return topics


def _complete(base: str, topic: dict, get: Callable[[str], bytes]) -> None:
    """Fetch the posts a topic's first page leaves out (its ``stream`` lists them all)."""
    stream = topic.get("post_stream") or {}
    have = {p.get("id") for p in stream.get("posts", [])}
    missing = [i for i in stream.get("stream", []) if i not in have]
    for lo in range(0, len(missing), 20):
        query = "&".join(f"post_ids[]={int(i)}" for i in missing[lo:lo + 20])
        extra_url = f"{base}/t/{int(topic['id'])}/posts.json?{query}"
        extra = _json(get(extra_url), extra_url)
        stream.setdefault("posts", []).extend(
            extra.get("post_stream", {}).get("posts", []) if isinstance(extra, dict) else [])


def _get(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.read()
    except OSError as exc:
        raise ParseError(url, None, f"cannot be fetched ({exc})",
                         "a Discourse forum reachable from this machine") from exc

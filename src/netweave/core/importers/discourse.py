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
import zipfile
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from .common import MAX_BODY, parse_time, read_bytes
from .errors import ParseError
from .fetch import Fetcher
from .limits import ArchiveReader, Limits
from .records import Batch, PostRec, ThreadRec

_TAG = re.compile(r"<[^>]+>")
#: Topics and listing pages read from a URL at most.
MAX_TOPICS = 2000
MAX_PAGES = 200


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
          timezone: str = "Europe/Amsterdam", limits: Limits | None = None) -> Batch:
    """Read saved Discourse topic JSON (one, a list, or a zip of files) into discussions."""
    limits = limits or Limits()
    name, raw = read_bytes(path, name, limits)
    tz = ZoneInfo(timezone)
    documents: list[tuple[str, object]] = []
    if raw.startswith(b"PK\x03\x04"):
        try:
            reader = ArchiveReader(zipfile.ZipFile(io.BytesIO(raw)), name, limits)
            members = sorted(i.filename for i in reader.infos if i.filename.endswith(".json"))
            for member in members:
                data = reader.read(member, max_size=limits.max_document)
                limits.check_document(f"{name}: {member}", data)
                documents.append((f"{name}: {member}", _json(data, f"{name}: {member}")))
        except ParseError:
            raise
        except Exception as exc:  # zipfile and zlib raise many kinds on a damaged zip
            raise ParseError(name, None, f"is not a readable zip file ({exc})",
                             "a zip of Discourse topic JSON files") from exc
    else:
        limits.check_document(name, raw)
        documents.append((name, _json(raw, name)))
    del raw
    batch = Batch("discourse", name, "utf-8")
    for where, doc in documents:
        topics = doc if isinstance(doc, list) else [doc]
        for k, topic in enumerate(topics, start=1):
            _topic(batch, topic, f"{where}, topic {k}", tz)
            limits.check_rows(name, len(batch.posts))
            limits.check_time(name)
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


def fetch(url: str, *, max_topics: int = MAX_TOPICS, max_pages: int = MAX_PAGES,
          fetcher: Fetcher | None = None,
          opener: Callable[[str], bytes] | None = None) -> list[dict]:
    """The latest topics of the forum at ``url`` with all their posts, as saved-file JSON.

    Requests go through ``fetcher`` (default: a :class:`~.fetch.Fetcher` with its default
    limits: public addresses only, bounded requests, bytes and time) or ``opener``. At most
    ``max_topics`` topics from at most ``max_pages`` listing pages; the listing stops at a
    page without new topics or a next page already read, and a next page must be on the
    forum itself."""
    base = url.rstrip("/")
    if urllib.parse.urlsplit(base).scheme not in ("http", "https"):
        raise ParseError(url, None, "is not a web address", "https://forum.example.org")
    get = opener or (fetcher or Fetcher()).get
    topics: list[dict] = []
    seen_topics: set[int] = set()
    page_url: str | None = f"{base}/latest.json"
    read_pages: set[str] = set()
    while page_url and len(topics) < max_topics and len(read_pages) < max_pages:
        read_pages.add(page_url)
        page = _json(get(page_url), page_url)
        listing = page.get("topic_list", {}) if isinstance(page, dict) else {}
        listing = listing if isinstance(listing, dict) else {}
        new = 0
        for item in listing.get("topics", []) or []:
            if len(topics) >= max_topics:
                break
            topic_id = _id(item.get("id") if isinstance(item, dict) else None, page_url)
            if topic_id in seen_topics:
                continue
            seen_topics.add(topic_id)
            new += 1
            topic_url = f"{base}/t/{topic_id}.json"
            topic = _json(get(topic_url), topic_url)
            if not isinstance(topic, dict):
                raise ParseError(topic_url, None, "is not a topic", "a JSON object")
            _complete(base, topic, get)
            topics.append(topic)
        more = listing.get("more_topics_url")
        page_url = None
        if new and isinstance(more, str) and more.startswith("/") and not more.startswith("//"):
            page_url = f"{base}{more.replace('latest', 'latest.json', 1)}"
            if page_url in read_pages:
                page_url = None
    return topics


def _id(value: object, where: str) -> int:
    try:
        return int(str(value))
    except ValueError as exc:
        raise ParseError(where, None, f"lists a topic id {str(value)[:20]!r}",
                         "whole numbers") from exc


def _complete(base: str, topic: dict, get: Callable[[str], bytes]) -> None:
    """Fetch the posts a topic's first page leaves out (its ``stream`` lists them all)."""
    stream = topic.get("post_stream") or {}
    have = {p.get("id") for p in stream.get("posts", []) if isinstance(p, dict)}
    missing = [i for i in stream.get("stream", []) if i not in have]
    for lo in range(0, len(missing), 20):
        query = "&".join(f"post_ids[]={_id(i, base)}" for i in missing[lo:lo + 20])
        extra_url = f"{base}/t/{_id(topic.get('id'), base)}/posts.json?{query}"
        extra = _json(get(extra_url), extra_url)
        stream.setdefault("posts", []).extend(
            extra.get("post_stream", {}).get("posts", []) if isinstance(extra, dict) else [])

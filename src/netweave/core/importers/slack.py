"""Slack export zip files: channels, threads, reactions and mentions.

The zip holds ``users.json``, ``channels.json`` and one folder per channel with a JSON file
per day (a list of messages). A top-level message opens a discussion in its channel; thread
replies (``thread_ts``) answer the opening message; each reaction is a reaction by each user
who gave it; each ``<@U…>`` mention is a ``message`` interaction from the author to the
person mentioned. Join/leave notices and bot messages are skipped. Errors name the member
file of the zip and the message.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo

from netweave.core import activity as act

from .common import MAX_BODY, clean_email, parse_time, read_bytes
from .errors import ParseError
from .limits import ArchiveReader, Limits
from .records import Batch, PostRec, ReactionRec, ThreadRec

_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")
_SKIP_SUBTYPES = {"channel_join", "channel_leave", "channel_topic", "channel_purpose",
                  "channel_name", "bot_message", "pinned_item", "channel_archive"}


def _load(reader: ArchiveReader, member: str, name: str) -> object:
    try:
        data = reader.read(member, max_size=reader.limits.max_document)
        reader.limits.check_document(f"{name}: {member}", data)
    except ParseError:
        raise
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, RuntimeError) as exc:
        raise ParseError(f"{name}: {member}", None, f"cannot be unpacked ({exc})",
                         "a complete Slack export zip") from exc
    except Exception as exc:  # zlib and zipfile raise more kinds on a damaged entry
        raise ParseError(f"{name}: {member}", None, f"cannot be unpacked ({exc})",
                         "a complete Slack export zip") from exc
    try:
        return json.loads(data)  # UTF-8, -16 or -32, found by json
    except UnicodeDecodeError as exc:
        raise ParseError(f"{name}: {member}", None, "is not UTF-8, UTF-16 or UTF-32 text",
                         "JSON as Slack exports it (UTF-8)") from exc
    except json.JSONDecodeError as exc:
        raise ParseError(f"{name}: {member}", exc.lineno, f"is not valid JSON: {exc.msg}",
                         "JSON as Slack exports it") from exc
    except RecursionError as exc:
        raise ParseError(f"{name}: {member}", None, "nests too deeply") from exc


def _ts(value: object, where: str, name: str) -> datetime:
    try:
        return parse_time(str(value), UTC)
    except ValueError as exc:
        raise ParseError(name, None, f"{where}: timestamp {str(value)[:40]!r} is unreadable",
                         "Slack's ts, seconds since 1970 like '1767225600.000100'") from exc


def parse(path: Path | str, *, name: str | None = None, mapping: Mapping[str, str] | None = None,
          timezone: str = "Europe/Amsterdam", limits: Limits | None = None) -> Batch:
    """Read a Slack export zip into people, discussions, posts, reactions and mentions."""
    limits = limits or Limits()
    name, raw = read_bytes(path, name, limits)
    ZoneInfo(timezone)
    try:
        reader = ArchiveReader(zipfile.ZipFile(io.BytesIO(raw)), name, limits)
    except ParseError:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise ParseError(name, None, f"is not a readable zip file ({exc})",
                         "a Slack export (.zip) as downloaded from the workspace") from exc
    del raw
    names = {i.filename for i in reader.infos}
    for required in ("users.json", "channels.json"):
        if required not in names:
            raise ParseError(name, None, f"has no {required}",
                             "a Slack export with users.json, channels.json and channel folders")
    batch = Batch("slack", name, "utf-8")
    users = _load(reader, "users.json", name)
    channels = _load(reader, "channels.json", name)
    if not isinstance(users, list) or not isinstance(channels, list):
        raise ParseError(f"{name}: users.json", None, "is not a list",
                         "lists of users and of channels")
    people: dict[str, str] = {}
    for k, user in enumerate(users, start=1):
        if not isinstance(user, dict) or not isinstance(user.get("id"), str):
            raise ParseError(f"{name}: users.json", None, f"user {k} has no id",
                             "objects with an id")
        if user.get("is_bot") or user.get("id") == "USLACKBOT":
            continue
        raw_profile = user.get("profile")
        profile = raw_profile if isinstance(raw_profile, dict) else {}
        label = str(profile.get("real_name") or user.get("real_name") or user.get("name")
                    or user["id"])[:200]
        email = clean_email(str(profile.get("email") or ""))
        people[user["id"]] = batch.person(email or f"slack:{user['id']}", label, email)
    for k, channel in enumerate(channels, start=1):
        if not isinstance(channel, dict) or not isinstance(channel.get("name"), str):
            raise ParseError(f"{name}: channels.json", None, f"channel {k} has no name",
                             "objects with a name")
        folder = channel["name"] + "/"
        for member in sorted(n for n in names if n.startswith(folder) and n.endswith(".json")):
            _day(batch, reader, member, channel["name"], people, name)
    if not batch.posts:
        raise ParseError(name, None, "holds no messages", "channel folders with day files")
    _orphans(batch)
    return batch


def _day(batch: Batch, reader: ArchiveReader, member: str, channel: str,
         people: dict[str, str], name: str) -> None:
    messages = _load(reader, member, name)
    where_file = f"{name}: {member}"
    if not isinstance(messages, list):
        raise ParseError(where_file, None, "is not a list of messages", "a JSON list")
    reader.limits.check_rows(name, len(batch.posts) + len(messages))
    known_posts = {p.source_id for p in batch.posts}
    day = PurePosixPath(member).stem
    for k, msg in enumerate(messages, start=1):
        where = f"message {k}"
        if not isinstance(msg, dict):
            raise ParseError(where_file, None, f"{where} is not an object", "message objects")
        if msg.get("subtype") in _SKIP_SUBTYPES or msg.get("type", "message") != "message":
            continue
        user = msg.get("user")
        if not isinstance(user, str) or user not in people:
            continue  # a bot, an app or a deleted user: no person to credit
        ts = msg.get("ts")
        at = _ts(ts, f"{where_file}, {where}", name)
        raw_text = msg.get("text")
        text = raw_text if isinstance(raw_text, str) else ""
        if len(text) > MAX_BODY:
            raise ParseError(where_file, None, f"{where} has {len(text):,} characters",
                             f"at most {MAX_BODY:,}")
        post_id = f"{channel}/{ts}"
        if post_id in known_posts:
            batch.duplicates += 1
            continue
        known_posts.add(post_id)
        author = people[user]
        thread_ts = msg.get("thread_ts")
        if thread_ts is not None and str(thread_ts) != str(ts):
            thread = f"{channel}/{thread_ts}"
            parent = thread
        else:
            thread, parent = post_id, None
            title = f"#{channel} {day}: " + " ".join(_MENTION.sub("@", text).split())[:80]
            batch.threads.append(ThreadRec(post_id, title[:200], author, at))
        batch.posts.append(PostRec(post_id, thread, author, at, text or "(empty)", parent))
        for reaction in msg.get("reactions") or []:
            if not isinstance(reaction, dict):
                continue
            emoji = str(reaction.get("name") or "+1")[:16]
            for reactor in reaction.get("users") or []:
                if isinstance(reactor, str) and reactor in people:
                    batch.reactions.append(ReactionRec(post_id, people[reactor], emoji, at))
        for mentioned in dict.fromkeys(_MENTION.findall(text)):
            if mentioned in people and mentioned != user:
                batch.interactions.add(author, people[mentioned], act.MESSAGE, act.ONLINE, at,
                                       1.0)


def _orphans(batch: Batch) -> None:
    """Replies whose opening message is not in the export open their own discussion."""
    threads = {t.source_id for t in batch.threads}
    for post in batch.posts:
        if post.thread not in threads and post.source_id not in threads:
            batch.threads.append(ThreadRec(post.source_id, "(reply without its thread)",
                                           post.author, post.at))
            threads.add(post.source_id)
            post.thread, post.parent = post.source_id, None

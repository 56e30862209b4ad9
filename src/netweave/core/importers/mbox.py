"""Mailing-list archives (mbox): messages become discussions and posts.

Threads come from ``Message-ID``, ``In-Reply-To`` and ``References``: a message's parent is
the message it answers when that is in the archive (else the last one of its references
that is); a message without a parent opens a discussion titled by its subject. A reply is an
interaction with the author replied to. Errors name the message by the line it starts on.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from email import policy
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from netweave.core.parsers import ParseError

from .common import MAX_BODY, clean_email, normalise_name, parse_time, read_bytes
from .limits import Limits
from .records import Batch, PostRec, ThreadRec

_ID = re.compile(r"<([^<>\s]+)>")
_SUBJECT_PREFIX = re.compile(r"^\s*((re|aw|sv|fw|fwd|antw|doorst)\s*(\[\d+\])?\s*:\s*)+",
                             re.IGNORECASE)


def split_mbox(raw: bytes, name: str) -> list[tuple[int, bytes]]:
    """(first line, bytes) of each message: a line beginning ``From `` starts one."""
    if not raw.strip():
        raise ParseError(name, None, "is empty", "an mbox archive")
    if not raw.startswith(b"From "):
        raise ParseError(name, 1, "does not start with a 'From ' line",
                         "an mbox archive (each message begins with a line 'From …')")
    messages: list[tuple[int, bytes]] = []
    start_line, start, line = 1, 0, 1
    pos = 0
    while True:
        nl = raw.find(b"\n", pos)
        if nl < 0:
            break
        line += 1
        if raw.startswith(b"From ", nl + 1):
            messages.append((start_line, raw[start:nl + 1]))
            start_line, start = line, nl + 1
        pos = nl + 1
    messages.append((start_line, raw[start:]))
    return messages


def _ids(value: object) -> list[str]:
    return _ID.findall(str(value or ""))


def parse(path: Path | str, *, name: str | None = None, mapping: Mapping[str, str] | None = None,
          timezone: str = "Europe/Amsterdam", limits: Limits | None = None) -> Batch:
    """Read an mbox archive into people, discussions and posts."""
    limits = limits or Limits()
    name, raw = read_bytes(path, name, limits)
    tz = ZoneInfo(timezone)
    batch = Batch("mbox", name, "mbox")
    parser = BytesParser(policy=policy.default)
    found: dict[str, tuple[str, list[str], str, object, str, str]] = {}
    order: list[str] = []
    messages = split_mbox(raw, name)
    limits.check_rows(name, len(messages))
    for number, (line, chunk) in enumerate(messages, start=1):
        if number % 1000 == 0:
            limits.check_time(name)
        body_start = chunk.find(b"\n") + 1
        where = f"the message starting at line {line}"
        try:
            msg = parser.parsebytes(chunk[body_start:])
            sender = getaddresses([str(msg.get("From", ""))])
            date_text = str(msg.get("Date", "")).strip()
            message_id = (_ids(msg.get("Message-ID")) or [""])[0]
            parents = _ids(msg.get("In-Reply-To")) + list(reversed(_ids(msg.get("References"))))
            subject = " ".join(str(msg.get("Subject", "")).split())
        except Exception as exc:  # the e-mail package raises many kinds on broken headers
            raise ParseError(name, line, f"{where} has unreadable headers ({exc})",
                             "an RFC 5322 message") from exc
        label, address = sender[0] if sender else ("", "")
        email = clean_email(address)
        if not email and not label.strip():
            raise ParseError(name, line, f"{where} has no From address", "a From: header")
        if not date_text:
            raise ParseError(name, line, f"{where} has no Date", "a Date: header")
        try:
            at = parsedate_to_datetime(date_text)
            at = parse_time(at, tz)
        except (ValueError, TypeError, IndexError, OverflowError) as exc:
            raise ParseError(name, line, f"{where}: Date {date_text[:60]!r} is unreadable",
                             "a date like 'Thu, 05 Mar 2026 19:30:00 +0100'") from exc
        body = _body(msg)
        if len(body) > MAX_BODY:
            raise ParseError(name, line, f"{where} has a body of {len(body):,} characters",
                             f"at most {MAX_BODY:,}")
        if not message_id:  # archives sometimes lack it: a stable id from what is there
            message_id = "sha1:" + hashlib.sha1(chunk).hexdigest()
        if message_id in found:
            batch.duplicates += 1
            continue
        key = email or "name:" + normalise_name(label)
        batch.person(key, label.strip() or email.split("@")[0], email)
        found[message_id] = (key, parents, subject, at, body, str(line))
        order.append(message_id)
    if not order:
        raise ParseError(name, None, "holds no messages", "an mbox archive")
    parent_of = {mid: next((p for p in found[mid][1] if p in found and p != mid), None)
                 for mid in order}
    for mid in order:
        root, steps = mid, 0
        while parent_of[root] is not None and steps <= len(order):
            root, steps = parent_of[root], steps + 1
        if steps > len(order):  # a loop of replies: break it at this message
            parent_of[mid], root = None, mid
        author, _, subject, at, body, _ = found[mid]
        if root == mid:
            title = _SUBJECT_PREFIX.sub("", subject).strip() or "(no subject)"
            batch.threads.append(ThreadRec(mid, title[:200], author, at))
        batch.posts.append(PostRec(mid, root, author, at, body or subject or "(empty)",
                                   parent_of[mid]))
    return batch


def _body(msg) -> str:
    try:
        part = msg.get_body(preferencelist=("plain", "html"))
        return "" if part is None else str(part.get_content()).strip()
    except Exception:  # a body that cannot be decoded still leaves a message
        return ""

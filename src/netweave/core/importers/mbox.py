"""Mailing-list archives (mbox): messages become discussions and posts.

Threads come from ``Message-ID``, ``In-Reply-To`` and ``References``, read from the raw
header text (with or without ``<>``; the e-mail package rewrites some odd ids): a message's
parent is the message it answers when that is in the archive (else the last one of its
references that is); a message without a parent opens a discussion titled by its subject,
without list tags (``[list]``) and reply prefixes. A reply is an interaction with the author
replied to.

Senders are read in every shape archives write: ``Name <addr>``, ``addr (Name)``, pipermail's
``user at host (Name)``, ``"Name" addr`` without brackets, LISTSERV's ``[log in to unmask]``
and a name alone. A person is named by the display name they use most, not by the address.
A message that cannot be read (no sender, no date, empty) is skipped and listed in the
batch's notes by number and line; only a file with no readable message is refused.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Mapping
from datetime import datetime
from email import policy
from email.header import decode_header, make_header
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from .common import MAX_BODY, clean_email, normalise_name, parse_time, read_bytes
from .errors import ParseError
from .limits import Limits
from .records import Batch, PostRec, ThreadRec

_ID = re.compile(r"<([^<>\s]+)>")
_SUBJECT_PREFIX = re.compile(
    r"^\s*((\[[^\]]{0,80}\]|(re|aw|sv|fw|fwd|antw|doorst|wg)\s*(\[\d+\])?\s*:)\s*)+",
    re.IGNORECASE)
_PIPERMAIL = re.compile(r"^\s*([^\s@()<>\"]+)\s+at\s+([^\s@()<>\"]+\.[^\s@()<>\"]+)\s*"
                        r"(?:\((.*)\))?\s*$")
_QUOTED_BARE = re.compile(r"^\s*\"([^\"]*)\"\s*<?\s*([^\s<>\"]+@[^\s<>\"]+?)\s*>?\s*$")
_MASKED = re.compile(r"<?\s*\[log in to unmask\]\s*>?", re.IGNORECASE)
#: Most skipped messages listed one by one in the notes; the rest are counted.
MAX_LISTED = 20


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


def raw_headers(head: bytes) -> dict[str, str]:
    """The header block's fields as written (first occurrence, continuation lines joined),
    by lower-case name."""
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:  # 8-bit headers of older mailers
        text = head.decode("cp1252", errors="replace")
    fields: dict[str, str] = {}
    current: str | None = None
    for line in text.splitlines():
        if line[:1] in (" ", "\t") and current is not None:
            if current not in fields:
                continue
            fields[current] += " " + line.strip()
            continue
        label, sep, value = line.partition(":")
        if not sep or not label.strip() or " " in label.strip():
            current = None
            continue
        current = label.strip().lower()
        if current in fields:
            current = current + "\0"  # a repeated field: the first one counts
            continue
        fields[current] = value.strip()
    return {k: v for k, v in fields.items() if "\0" not in k}


def message_ids(value: str) -> list[str]:
    """The ids in a raw ``Message-ID``/``In-Reply-To``/``References`` value: those in ``<>``,
    or else each word that looks like an id (holds ``@`` or is long)."""
    found = _ID.findall(value)
    if found:
        return found
    return [w.strip("<>,;\"'") for w in value.split()
            if "@" in w or len(w.strip("<>,;\"'")) >= 16]


def _decoded(value: str) -> str:
    """``value`` with RFC 2047 encoded words decoded (as it is when they are broken)."""
    try:
        return str(make_header(decode_header(value)))
    except (ValueError, LookupError, UnicodeError, AssertionError):
        return value


def _clean_name(name: str) -> str:
    name = " ".join(name.strip().strip("\"'").split())
    return "" if "@" in name or clean_email(name) else name


def sender(value: str) -> tuple[str, str]:
    """(display name, lower-case address) of a raw ``From`` value; either may be ``""``."""
    text = " ".join(_decoded(value).split())
    if not text:
        return "", ""
    m = _PIPERMAIL.match(text)
    if m:
        return _clean_name(m.group(3) or ""), clean_email(f"{m.group(1)}@{m.group(2)}")
    m = _QUOTED_BARE.match(text)
    if m and clean_email(m.group(2)):
        return _clean_name(m.group(1)), clean_email(m.group(2))
    if _MASKED.search(text):
        return _clean_name(_MASKED.sub(" ", text).strip(" ()")), ""
    if "@" not in text:
        return _clean_name(text.strip("()<>")), ""
    pairs = getaddresses([text])
    label, address = pairs[0] if pairs else ("", "")
    email = clean_email(address)
    if not email:  # an address we cannot read: the name is what is left
        return _clean_name(re.sub(r"<[^>]*>|\S+@\S+", " ", text).strip(" ()")), ""
    return _clean_name(label), email


def title_of(subject: str) -> str:
    """A discussion title: the subject without list tags and reply prefixes."""
    return _SUBJECT_PREFIX.sub("", subject).strip() or "(no subject)"


class _Skipped:
    def __init__(self) -> None:
        self.items: list[tuple[int, int, str]] = []

    def add(self, number: int, line: int, why: str) -> None:
        self.items.append((number, line, why))

    def notes(self) -> list[str]:
        out = [f"skipped message {n} (line {line}): {why}"
               for n, line, why in self.items[:MAX_LISTED]]
        if len(self.items) > MAX_LISTED:
            out.append(f"skipped {len(self.items) - MAX_LISTED:,} more unreadable messages")
        return out


def parse(path: Path | str, *, name: str | None = None, mapping: Mapping[str, str] | None = None,
          timezone: str = "Europe/Amsterdam", limits: Limits | None = None) -> Batch:
    """Read an mbox archive into people, discussions and posts; unreadable messages are
    skipped and listed in the notes."""
    limits = limits or Limits()
    name, raw = read_bytes(path, name, limits)
    tz = ZoneInfo(timezone)
    batch = Batch("mbox", name, "mbox")
    parser = BytesParser(policy=policy.default)
    found: dict[str, tuple[str, list[str], str, datetime, str]] = {}
    order: list[str] = []
    names: dict[str, Counter[str]] = {}
    emails: dict[str, str] = {}
    skipped = _Skipped()
    messages = split_mbox(raw, name)
    limits.check_rows(name, len(messages))
    for number, (line, chunk) in enumerate(messages, start=1):
        if number % 1000 == 0:
            limits.check_time(name)
        body_start = chunk.find(b"\n") + 1 if b"\n" in chunk else len(chunk)
        content = chunk[body_start:]
        end = re.search(rb"\r?\n\r?\n", content)
        head = content[:end.start()] if end else content
        fields = raw_headers(head)
        if not content.strip() or not fields:
            skipped.add(number, line, "empty message")
            continue
        label, email = sender(fields.get("from", ""))
        if not email and not label:
            skipped.add(number, line, "no sender in its From header")
            continue
        date_text = fields.get("date", "")
        if not date_text:
            skipped.add(number, line, "no Date header")
            continue
        try:
            at = parse_time(parsedate_to_datetime(date_text), tz)
        except (ValueError, TypeError, IndexError, OverflowError):
            skipped.add(number, line, f"unreadable Date {date_text[:60]!r}")
            continue
        subject = fields.get("subject", "")
        try:
            msg = parser.parsebytes(content)
            body = _body(msg)
            subject = str(msg.get("Subject", subject))
        except Exception:  # the e-mail package raises many kinds on broken messages
            body = ""
        if len(body) > MAX_BODY:
            skipped.add(number, line, f"a body of {len(body):,} characters "
                        f"(at most {MAX_BODY:,})")
            continue
        message_id = (message_ids(fields.get("message-id", "")) or [""])[0]
        if not message_id:  # archives sometimes lack it: a stable id from what is there
            message_id = "sha1:" + hashlib.sha1(chunk).hexdigest()
        if message_id in found:
            batch.duplicates += 1
            continue
        parents = (message_ids(fields.get("in-reply-to", ""))
                   + list(reversed(message_ids(fields.get("references", "")))))
        subject = " ".join(_decoded(subject).split())
        key = email or "name:" + normalise_name(label)
        if label:
            names.setdefault(key, Counter())[label] += 1
        emails.setdefault(key, email)
        found[message_id] = (key, parents, subject, at, body)
        order.append(message_id)
    batch.notes.extend(skipped.notes())
    if not order:
        if skipped.items:
            number, line, why = skipped.items[0]
            raise ParseError(name, line, f"holds no readable message (message {number}: {why})",
                             "an mbox archive of e-mail messages with a From and a Date")
        raise ParseError(name, None, "holds no messages", "an mbox archive")
    for key, email in emails.items():
        counted = names.get(key)
        batch.person(key, counted.most_common(1)[0][0] if counted else email.split("@")[0],
                     email)
    parent_of = {mid: next((p for p in found[mid][1] if p in found and p != mid), None)
                 for mid in order}
    for mid in order:
        root, steps = mid, 0
        while (up := parent_of[root]) is not None and steps <= len(order):
            root, steps = up, steps + 1
        if steps > len(order):  # a loop of replies: break it at this message
            parent_of[mid], root = None, mid
        author, _, subject, at, body = found[mid]
        if root == mid:
            batch.threads.append(ThreadRec(mid, title_of(subject)[:200], author, at))
        batch.posts.append(PostRec(mid, root, author, at, body or subject or "(empty)",
                                   parent_of[mid]))
    return batch


def _body(msg) -> str:
    try:
        part = msg.get_body(preferencelist=("plain", "html"))
        return "" if part is None else str(part.get_content()).strip()
    except Exception:  # a body that cannot be decoded still leaves a message
        return ""

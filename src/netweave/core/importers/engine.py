"""Parsed files straight into the measurement engine (``netweave report`` on files): the
activity rows an import would write (see ``netweave.networks.activity_rows``), without a
database, so a report on a file and on the same file imported agree figure for figure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import polars as pl

from netweave.core import activity as act
from netweave.core.logreader import SCHEMA as LOG_SCHEMA
from netweave.core.measure.data import (
    EVENTS_SCHEMA,
    PEOPLE_SCHEMA,
    POSTS_SCHEMA,
    TEXTS_SCHEMA,
    NetworkData,
)

from . import attributes as attribute_file
from .common import clean_email, normalise_name
from .records import Batch

#: Weight of an RSVP row by answer, as the import writes it.
RSVP_WEIGHT = {"going": 1.0, "maybe": 0.5, "not_going": 0.0}


def _first_seen(batch: Batch) -> dict[str, datetime]:
    """Each person's first act in the batch: the import's join time."""
    seen: dict[str, datetime] = {}
    stamps = [(a.person, a.at) for a in batch.attendance]
    stamps += [(r.person, r.at) for r in batch.rsvps]
    stamps += [(t.author, t.at) for t in batch.threads]
    stamps += [(p.author, p.at) for p in batch.posts]
    stamps += [(r.person, r.at) for r in batch.reactions]
    stamps += [(h, e.starts_at) for e in batch.events for h in e.hosts]
    ix = batch.interactions
    stamps += list(zip(ix.actor, ix.at, strict=True))
    stamps += [(t, at) for t, at in zip(ix.target, ix.at, strict=True) if t is not None]
    for key, at in stamps:
        if key not in seen or at < seen[key]:
            seen[key] = at
    return seen


@dataclass
class FileData:
    """A network read from files: the engine's input plus each person's label."""

    data: NetworkData
    labels: list[str] = field(default_factory=list)  # person id i+1 -> label
    encoding: str = "utf-8"


class _Known:
    """People numbered 1, 2, … once across files: a key, address or name seen before is the
    same person (as an import merges them); ``id`` also finds a label of an attributes
    file."""

    def __init__(self, labels: dict[int, str]) -> None:
        self.ids: dict[str, int] = {}
        self.names = labels
        self.aliases: dict[str, int] = {}
        self.emails: dict[str, int] = {}
        self.by_name: dict[str, int] = {}

    def find(self, key: str, name: str, email: str) -> int:
        """The person of a batch's ``key`` (named ``name``, with ``email``)."""
        found = self.ids.get(key) or self.aliases.get(key) or (
            self.emails.get(email) if email else None) or self.by_name.get(normalise_name(name))
        if found is None:
            found = self.ids[key] = len(self.ids) + 1
            self.names[found] = name or key
        else:
            self.aliases[key] = found
        if email:
            self.emails.setdefault(email, found)
        self.by_name.setdefault(normalise_name(name or key), found)
        return found

    def id(self, label: str) -> int:
        email = clean_email(label)
        return self.find(label, label, email)


def to_file_data(batches: Sequence[Batch], network: int = 1,
                 attributes: Path | str | None = None) -> FileData:
    """The engine's input from parsed batches: people by key across the batches, and the
    join, attend, host, rsvp, post/ask, reply/answer, react and interaction rows; with
    ``attributes`` (``person, sector[, organisation]``, a person named by label, address or
    name) the people's sectors."""
    labels: dict[int, str] = {}
    people = _Known(labels)
    frames, posts, texts, events = [], [], [], []
    for n, batch in enumerate(batches):
        events += [{"event": 10_000_000 * n + i + 1, "at": e.starts_at,
                    "mode": "online" if e.online else "offline"}
                   for i, e in enumerate(batch.events)]
        out = _batch_rows(batch, 10_000_000 * n, people)
        frame = _log_frame(out, network, source=f"file:{batch.source}")
        frames.append(frame.with_columns(pl.Series("object_type", out["object_type"],
                                                   dtype=frame.schema["object_type"])))
        batch_posts, batch_texts = _discussions(batch, 10_000_000 * n, people)
        posts.append(batch_posts)
        texts.append(batch_texts)
    log = pl.concat(frames).sort("at", maintain_order=True)
    log = log.with_columns(pl.int_range(1, log.height + 1, dtype=pl.Int64).alias("id"))
    table = _people_frame(people, {} if attributes is None else {
        people.id(label): found for label, found in attribute_file.parse(attributes).items()})
    names = [labels.get(i, label) for label, i in people.ids.items()]
    data = NetworkData(log=log, people=table,
                       posts=pl.concat(posts) if posts else pl.DataFrame(schema=POSTS_SCHEMA),
                       texts=(pl.concat(texts) if texts else pl.DataFrame(schema=TEXTS_SCHEMA)
                              ).sort("at", maintain_order=True),
                       events=pl.DataFrame(events, schema=EVENTS_SCHEMA))
    return FileData(data, names, batches[0].encoding if batches else "utf-8")


def _people_frame(people: _Known, attributes: dict[int, tuple[str, str | None]]
                  ) -> pl.DataFrame:
    ids = list(people.ids.values())
    return pl.DataFrame({
        "person": ids,
        "sector": [attributes.get(i, (None, None))[0] for i in ids],
        "organisation": [attributes.get(i, (None, None))[1] for i in ids],
        "role": ["member"] * len(ids),
        "pseudonymous": [False] * len(ids),
    }, schema=PEOPLE_SCHEMA)


def _log_frame(out: dict[str, list], network: int, *, source: str,
               object_type: str = "") -> pl.DataFrame:
    n = len(out["actor"])
    frame = pl.DataFrame({
        "id": range(1, n + 1), "network": [network] * n, "actor": out["actor"],
        "kind": out["kind"], "target": out["target"], "object_type": [object_type] * n,
        "object_id": out.get("object_id", [None] * n), "channel": out["channel"],
        "at": out["at"], "weight": out["weight"], "source": [source] * n, "corrects": [None] * n,
    }, schema={**LOG_SCHEMA, "kind": pl.String, "object_type": pl.String,
               "channel": pl.String, "source": pl.String})
    return frame.cast(pl.Schema(LOG_SCHEMA))


def _discussions(batch: Batch, offset: int, people: _Known
                 ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The posts and texts (titles and bodies) of ``batch`` as an import stores them: a
    post whose parent is not in the batch opens its discussion."""
    threads = {t.source_id: (offset + i + 1, t) for i, t in enumerate(batch.threads)}
    ids = {p.source_id: offset + i + 1 for i, p in enumerate(batch.posts)}

    def person(key: str) -> int:
        rec = batch.people.get(key)
        return people.find(key, rec.name if rec else key, rec.email if rec else "")

    posts = [{"post": ids[p.source_id],
              "discussion": threads[p.thread][0] if p.thread in threads else None,
              "author": person(p.author),
              "parent": ids.get(p.parent) if p.parent else None,
              "at": p.at,
              "question": p.thread in threads and threads[p.thread][1].is_question,
              "accepted": False} for p in batch.posts]
    texts = [{"at": t.at, "text": t.title} for _, t in threads.values()]
    texts += [{"at": p.at, "text": p.body} for p in batch.posts]
    return (pl.DataFrame(posts, schema=POSTS_SCHEMA) if posts
            else pl.DataFrame(schema=POSTS_SCHEMA),
            pl.DataFrame(texts, schema=TEXTS_SCHEMA) if texts
            else pl.DataFrame(schema=TEXTS_SCHEMA))


def _batch_rows(batch: Batch, offset: int, people: _Known) -> dict[str, list]:
    out: dict[str, list] = {c: [] for c in ("actor", "target", "kind", "channel", "at",
                                            "weight", "object_id", "object_type")}

    def person(key: str) -> int:
        rec = batch.people.get(key)
        return people.find(key, rec.name if rec else key, rec.email if rec else "")

    def row(actor: str, kind: str, at: datetime, *, target: str | None = None,
            channel: str = act.ONLINE, weight: float = 1.0, obj: int | None = None,
            obj_type: str = "") -> None:
        values = (("actor", person(actor)), ("target", None if target is None else
                                             person(target)),
                  ("kind", kind), ("channel", channel), ("at", at), ("weight", weight),
                  ("object_id", obj), ("object_type", obj_type))
        for key, value in values:
            out[key].append(value)

    for key, at in _first_seen(batch).items():
        row(key, act.JOIN, at, obj_type="membership")
    events = {e.source_id: (offset + i + 1, e) for i, e in enumerate(batch.events)}
    for event_id, e in events.values():
        for h in e.hosts:
            row(h, act.HOST, e.starts_at, channel=act.ONLINE if e.online else act.OFFLINE,
                obj=event_id, obj_type="event")
    for r in batch.rsvps:
        row(r.person, act.RSVP, r.at, weight=RSVP_WEIGHT.get(r.status, 1.0),
            obj=events[r.event][0], obj_type="event")
    for a in batch.attendance:
        row(a.person, act.ATTEND, a.at, channel=act.ONLINE if a.online else act.OFFLINE,
            obj=events[a.event][0], obj_type="event")
    threads = {t.source_id: t for t in batch.threads}
    posts = {p.source_id: p for p in batch.posts}
    for p in batch.posts:
        thread = threads.get(p.thread)
        parent = posts.get(p.parent) if p.parent else None
        if parent is None:
            question = thread is not None and thread.is_question
            row(thread.author if thread else p.author, act.ASK if question else act.POST,
                p.at, obj_type="discussion")
        else:
            answer = thread is not None and thread.is_question and parent.parent is None
            row(p.author, act.ANSWER if answer else act.REPLY, p.at, target=parent.author,
                obj_type="post")
    for reaction in batch.reactions:
        if reaction.post in posts:
            row(reaction.person, act.REACT, reaction.at, target=posts[reaction.post].author,
                obj_type="post")
    ix = batch.interactions
    for a, t, kind, channel, at, weight in zip(ix.actor, ix.target, ix.kind, ix.channel,
                                               ix.at, ix.weight, strict=True):
        row(a, kind, at, target=t, channel=channel, weight=weight)
    return out


def preview(batch: Batch, rows: int = 5) -> dict[str, object]:
    """What a file holds as it will be read: its date range, activity rows per kind (joins
    left out) and the first ``rows`` of them in time order, as text."""
    people = _Known({})
    out = _batch_rows(batch, 0, people)
    acts = sorted((at, kind, actor, target) for actor, target, kind, at in zip(
        out["actor"], out["target"], out["kind"], out["at"], strict=True) if kind != act.JOIN)
    kinds: dict[str, int] = {}
    for _, kind, _, _ in acts:
        kinds[kind] = kinds.get(kind, 0) + 1
    shown = [f"{at:%Y-%m-%d %H:%M} UTC  {kind:<8} {people.names[a]}"
             + (f" -> {people.names[t]}" if t is not None else "")
             for at, kind, a, t in acts[:rows]]
    return {"from": acts[0][0].isoformat() if acts else None,
            "to": acts[-1][0].isoformat() if acts else None,
            "kinds": dict(sorted(kinds.items())), "first_rows": shown}

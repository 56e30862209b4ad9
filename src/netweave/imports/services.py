"""Writing an import: a parsed :class:`~netweave.core.importers.records.Batch` becomes
people, memberships, events, registrations, attendance, discussions, posts, reactions and
activity rows, in ONE transaction.

* Idempotent: a file already imported (same hash) adds nothing; every record is also found
  again by its natural key (event UID, Message-ID, Slack ts …, kept in :class:`SourceKey`;
  an attendance or reaction by its unique pair; an interaction by all its values), so an
  overlapping or re-exported file adds only what is new.
* Person resolution: a source id seen before, then the e-mail address, then the normalised
  name. A name alone (no address, no source id) matching one person is that person; a merge
  on the name that brings an address or source id, or whose name also comes with an address
  in the same file, and a same name with another address, are listed for review.
* Pseudonymisation: in a network that is pseudonymous only, people are stored under a stable
  pseudonym keyed with the network's secret (HMAC-SHA-256); real names and addresses are
  never written. Person hashes are keyed in every network, so no readable name is kept.
* Dry run: the whole import runs and is rolled back; the counts say what it would add.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone as dj_timezone

from netweave.core import activity as act
from netweave.core import importers
from netweave.core.importers.common import normalise_name
from netweave.core.importers.engine import preview
from netweave.core.importers.limits import LimitExceeded, Limits, check_archive
from netweave.core.importers.records import Batch
from netweave.networks import activity_rows as rows
from netweave.networks.bulk import ActivityWriter, bulk_insert, sqlite_cache, stored_time
from netweave.networks.models import (
    Activity,
    Attendance,
    AttendanceMode,
    CheckInMethod,
    Discussion,
    Event,
    EventMode,
    Identity,
    IdentityMode,
    Membership,
    Network,
    Organisation,
    Person,
    Post,
    Reaction,
    Registration,
)

from .models import (
    ImportRun,
    PersonKey,
    PseudonymKey,
    ReviewItem,
    ReviewReason,
    ReviewStatus,
    RunStatus,
    SourceKey,
)

Progress = Callable[[int, int, str], None]
#: Activity rows per INSERT batch (SQLite ``executemany``) or COPY (PostgreSQL).
ROW_BATCH = 50_000
BATCH = 2000


def _nothing(done: int, total: int, message: str = "") -> None:
    return None


def file_digest(path: Path | str, kind: str, mapping: Mapping[str, str] | None) -> str:
    """SHA-256 of the file's bytes, the import kind and the column mapping."""
    h = hashlib.sha256()
    h.update(kind.encode() + b"\0" + json.dumps(dict(mapping or {}), sort_keys=True).encode()
             + b"\0")
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def is_pseudonymous(network: Network) -> bool:
    return network.identity_mode == IdentityMode.PSEUDONYMOUS_ONLY


def network_secret(network: Network) -> bytes:
    """The network's pseudonymisation key, made on first use."""
    key, _ = PseudonymKey.objects.get_or_create(
        network=network, defaults={"secret": secrets.token_hex(32)})
    return bytes.fromhex(key.secret)


def keyed(secret: bytes, text: str) -> str:
    return hmac.new(secret, text.encode("utf-8"), hashlib.sha256).hexdigest()


def pseudonym_for(secret: bytes, identity: str) -> str:
    """The stable pseudonym of a person known to the source as ``identity``."""
    return "member-" + keyed(secret, "pseudonym:" + identity)[:10]


def import_limits(**changes: Any) -> Limits:
    """The limits of an import from the settings (docs/import.md), with ``changes`` (names
    of :class:`~netweave.core.importers.limits.Limits` fields; ``None`` keeps a setting)."""
    from django.conf import settings

    values = {
        "max_bytes": settings.NETWEAVE_UPLOAD_MAX_BYTES,
        "max_unpacked": settings.NETWEAVE_IMPORT_MAX_UNPACKED_BYTES,
        "max_members": settings.NETWEAVE_IMPORT_MAX_MEMBERS,
        "max_ratio": settings.NETWEAVE_IMPORT_MAX_RATIO,
        "max_rows": settings.NETWEAVE_IMPORT_MAX_ROWS,
        "max_columns": settings.NETWEAVE_IMPORT_MAX_COLUMNS,
        "seconds": settings.NETWEAVE_IMPORT_MAX_SECONDS or None,
    }
    values.update({k: v for k, v in changes.items() if v is not None})
    return Limits(**values)


def import_file(network: Network, kind: str, path: Path | str, *, name: str | None = None,
                mapping: Mapping[str, str] | str | None = None, dry_run: bool = False,
                user=None, run: ImportRun | None = None,
                progress: Progress | None = None, limits: Limits | None = None,
                options: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Import ``path`` into ``network`` and return what was found and added, within
    ``limits`` (default :func:`import_limits`; the time limit covers reading and writing),
    read with the parser's ``options`` (:data:`netweave.core.importers.OPTIONS`).

    Raises :class:`~netweave.core.importers.errors.ParseError` on bad input, and its subclass
    :class:`~netweave.core.importers.limits.LimitExceeded` past a limit; nothing is changed
    then.
    """
    progress = progress or _nothing
    limits = (limits or import_limits()).started()
    mapping = importers.parse_mapping(mapping)
    progress(0, 1, "reading")
    options = {k: str(v) for k, v in (options or {}).items() if v not in (None, "")}
    batch = importers.parse(kind, path, name=name, mapping=mapping, timezone=network.timezone,
                            limits=limits, options=options)
    # Options change what a file means: they are part of what was imported, like the mapping;
    # an events file by its content, not by where an upload happened to be stored.
    mapping = {**mapping, **{"--" + k: (_content_hash(v) if k == "events" else v)
                             for k, v in sorted(options.items())}}
    digest = file_digest(path, kind, mapping)
    result: dict[str, Any] = {"kind": kind, "file": batch.file, "dry_run": dry_run,
                              "found": batch.counts(), "notes": batch.notes}
    if dry_run and not is_pseudonymous(network):  # real names: not when pseudonymous
        result["preview"] = preview(batch)
    # Everything that needs no database is done before the write transaction: on SQLite
    # other writers wait (up to the busy timeout) while it holds the write lock.
    prepared = prepare_interactions(batch)
    with sqlite_cache(), transaction.atomic():
        prior = (ImportRun.objects.filter(network=network, digest=digest,
                                          status=RunStatus.DONE, dry_run=False)
                 .exclude(pk=run.pk if run else None).order_by("created_at").first())
        if run is None:
            run = ImportRun(network=network, kind=kind, file_name=batch.file[:255],
                            created_by=user if user is not None and user.is_authenticated
                            else None)
        run.digest, run.mapping, run.dry_run = digest, mapping, dry_run
        if run.pk is None:
            run.save()
        if prior is not None:
            added = {k: 0 for k in _ADDED}
            result["already_imported"] = prior.created_at.isoformat()
        else:
            added = _Writer(network, batch, run, progress, limits, prepared).run()
        result["added"] = added
        run.status, run.found, run.added = RunStatus.DONE, result["found"], added
        run.preview = _shown(result)
        run.finished_at, run.error = dj_timezone.now(), ""
        run.save()
        result["run"] = run.pk
        if dry_run:
            transaction.set_rollback(True)
    if dry_run and ImportRun.objects.filter(pk=run.pk).exists():  # a web run: keep its report
        ImportRun.objects.filter(pk=run.pk).update(
            status=RunStatus.DONE, found=result["found"], added=added, digest=digest,
            finished_at=dj_timezone.now(), dry_run=True, preview=_shown(result))
    progress(1, 1, "done")
    return result


def _content_hash(path: str) -> str:
    """SHA-256 of the file at ``path`` (an events file), or the path when it is missing
    (the parser has then refused it already)."""
    try:
        return "sha256:" + hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return path


def _shown(result: dict[str, Any]) -> dict[str, Any]:
    """What a run's page shows of the file as it was read: the dry run's preview (date
    range, rows per kind, first rows; none in a pseudonymous network) and the notes."""
    return {"preview": result.get("preview"), "notes": list(result.get("notes", []))}


_ADDED = ("people", "merged", "review", "joins_dated", "events", "rsvps", "attendance",
          "discussions", "posts", "reactions", "interactions", "activity_rows")


class _Writer:
    def __init__(self, network: Network, batch: Batch, run: ImportRun, progress: Progress,
                 limits: Limits, prepared: tuple[list[int], list[object]] | None = None):
        self.network, self.batch, self.import_run, self.report = network, batch, run, progress
        self.prepared = prepared
        self.limits = limits
        self.source = f"import:{batch.source}"
        self.added = dict.fromkeys(_ADDED, 0)
        self.activity = ActivityWriter(self._advance, batch=ROW_BATCH)
        b = batch
        self.total = (len(b.people) + len(b.events) + len(b.rsvps) + len(b.attendance)
                      + len(b.threads) + len(b.posts) + len(b.reactions) + len(b.interactions))
        self.done = 0

    def _advance(self, n: int, message: str) -> None:
        self.limits.check_time(self.batch.file)
        self.done += n
        self.report(min(self.done, self.total), self.total, message)

    def run(self) -> dict[str, int]:
        self.people = self.resolve_people()
        self.date_joins()
        self._advance(len(self.batch.people), "people")
        self.events = self.write_events()
        self.write_rsvps()
        self.write_attendance()
        self.write_discussions()
        self.write_interactions()
        self.activity.flush("activity rows")
        self.added["activity_rows"] = self.activity.count
        return self.added

    # --- people ---------------------------------------------------------------------------

    def resolve_people(self) -> dict[str, int]:
        net, batch = self.network, self.batch
        secret = network_secret(net)
        pseudo = is_pseudonymous(net)
        known: dict[str, int] = dict(PersonKey.objects.filter(network=net)
                                     .values_list("digest", "person_id"))
        by_name: dict[str, int | None] = {}
        with_email: set[int] = set()
        for person_id, name, email in (Person.objects.filter(memberships__network=net)
                                       .values_list("pk", "name", "email")):
            if email:
                known.setdefault(keyed(secret, "email:" + email.strip().lower()), person_id)
                with_email.add(person_id)
            nd = keyed(secret, "name:" + normalise_name(name))
            by_name[nd] = person_id if by_name.get(nd, person_id) == person_id else None
        for digest, person_id in known.items():
            by_name.setdefault(digest, person_id)  # name hashes stored by earlier imports
        # Imported people of a pseudonymous network keep no address; a keyed marker says
        # that one was known, so that the same name with another address stays apart.
        with_email |= {p for p in set(known.values()) if _has_email(secret, p) in known}

        def add_email(person_id: int) -> None:
            with_email.add(person_id)
            marker = _has_email(secret, person_id)
            if marker not in known:
                known[marker] = new_keys[marker] = person_id
        first_seen = self._first_seen()
        # A name alone matching one person of the network is that person (a sign-in sheet's
        # returning attendee) unless the same name comes with an address in this file.
        emailed_names = {keyed(secret, "name:" + normalise_name(r.name))
                         for r in batch.people.values() if r.email and r.name}
        resolved: dict[str, int] = {}
        new_keys: dict[str, int] = {}
        reviews: list[tuple[int, str | None, str, str]] = []  # match, new key, label, reason
        creating: list[tuple[str, object, str | None, list[str], str]] = []
        for key, rec in batch.people.items():
            kd = None if key.startswith("name:") or "@" in key else keyed(
                secret, f"key:{batch.source}:{key}")
            ed = keyed(secret, "email:" + rec.email) if rec.email else None
            nd = keyed(secret, "name:" + normalise_name(rec.name)) if rec.name else None
            digests = [d for d in (kd, ed, nd) if d]
            found = next((known[d] for d in (kd, ed) if d and d in known), None)
            incoming = (nd or ed or kd or "")[:12] if pseudo else (rec.name or rec.email)[:200]
            if found is None and nd is not None and by_name.get(nd):
                match = by_name[nd]
                if rec.email and match in with_email:
                    reviews.append((match, key, incoming, ReviewReason.EMAIL_DIFFERS))
                else:
                    found = match
                    self.added["merged"] += 1
                    if rec.email or kd is not None or nd in emailed_names:
                        # An address or source id the match lacks, or the name also comes
                        # with an address in this file: maybe someone else.
                        reviews.append((match, None, incoming, ReviewReason.NAME_ONLY))
            if found is not None:
                resolved[key] = found
                if rec.email:
                    add_email(found)
                for d in digests:
                    if d not in known:
                        known[d] = new_keys[d] = found
                continue
            creating.append((key, rec, nd, digests, ed or kd or nd or key))
        people = self._create_people(creating, secret, pseudo, first_seen)
        for (key, rec, nd, digests, _), person_id in zip(creating, people, strict=True):
            resolved[key] = person_id
            if rec.email:
                add_email(person_id)
            if nd is not None:
                by_name.setdefault(nd, person_id)
            for d in digests:
                if d not in known:
                    known[d] = new_keys[d] = person_id
        qn = connection.ops.quote_name
        with connection.cursor() as cursor:  # ORM objects cost more than the hashes here
            cursor.executemany(
                f"INSERT INTO {qn(PersonKey._meta.db_table)} (network_id, digest, person_id) "
                "VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                [(net.pk, d, p) for d, p in new_keys.items()])
        before = ReviewItem.objects.filter(network=net).count()
        ReviewItem.objects.bulk_create(
            [ReviewItem(network=net, run=self.import_run, person_id=m,
                        other_id=resolved[k] if k is not None else None, incoming=inc,
                        reason=r, source=batch.source) for m, k, inc, r in reviews],
            batch_size=BATCH, ignore_conflicts=True)
        self.added["review"] = ReviewItem.objects.filter(network=net).count() - before
        return resolved

    def date_joins(self) -> None:
        """A member the network already knew, whom the file says joined earlier (a Meetup
        member list), is dated from then: the membership moves, and a ``join`` row
        corrects the earlier one (the log is never changed)."""
        joined = {self.people[k]: at for k, at in self.batch.joined.items()
                  if k in self.people}
        if not joined:
            return
        moved = []
        for m in Membership.objects.filter(network=self.network, person_id__in=joined,
                                           left_at__isnull=True):
            if joined[m.person_id] < m.joined_at:
                m.joined_at = joined[m.person_id]
                moved.append(m)
        Membership.objects.bulk_update(moved, ["joined_at"], batch_size=BATCH)
        previous = {}
        for row in Activity.objects.filter(
                network=self.network, kind=act.JOIN, object_type="membership",
                object_id__in=[m.pk for m in moved]).order_by("id"):
            previous[row.object_id] = row
        for m in moved:
            row = rows.join(m, source=self.source)
            row.corrects = previous.get(m.pk)
            self.activity.add([row])
        self.added["joins_dated"] = len(moved)

    def _first_seen(self) -> dict[str, datetime]:
        b = self.batch
        seen: dict[str, datetime] = {}

        def see(key: str | None, at: datetime) -> None:
            if key is not None and (key not in seen or at < seen[key]):
                seen[key] = at

        for key, at in b.joined.items():
            see(key, at)
        for rec in (*b.attendance, *b.rsvps):
            see(rec.person, rec.at)
        for rec in (*b.threads, *b.posts):
            see(rec.author, rec.at)
        for rec in b.reactions:
            see(rec.person, rec.at)
        for e in b.events:
            for h in e.hosts:
                see(h, e.starts_at)
        firsts: dict[str, datetime] = {}
        for actor, target, at in zip(b.interactions.actor, b.interactions.target,
                                     b.interactions.at, strict=True):
            if actor not in firsts or at < firsts[actor]:
                firsts[actor] = at
            if target is not None and (target not in firsts or at < firsts[target]):
                firsts[target] = at
        for key, at in firsts.items():
            see(key, at)
        return seen

    def _create_people(self, creating: list, secret: bytes, pseudo: bool,
                       first_seen: dict[str, datetime]) -> list[int]:
        if not creating:
            return []
        net = self.network
        orgs: dict[str, int] = {}
        if not pseudo:
            names = {rec.organisation[:200] for _, rec, *_ in creating if rec.organisation}
            orgs = dict(Organisation.objects.filter(name__in=names).values_list("name", "pk"))
            missing = [Organisation(name=n, sector=next(
                (r.sector for _, r, *_ in creating if r.organisation[:200] == n and r.sector),
                "other")) for n in sorted(names - set(orgs))]
            for org in Organisation.objects.bulk_create(missing, batch_size=BATCH):
                orgs[org.name] = org.pk
        now = dj_timezone.now()
        persons, memberships = [], []
        for key, rec, _, _, identity in creating:
            when = min(first_seen.get(key, now), now)
            if pseudo:
                alias = pseudonym_for(secret, identity)
                persons.append(Person(name=alias, email="", created_at=when))
                memberships.append((Identity.PSEUDONYM, alias, when))
            else:
                persons.append(Person(name=rec.name[:200] or rec.email, email=rec.email[:254],
                                      organisation_id=orgs.get(rec.organisation[:200]),
                                      sector=rec.sector, created_at=when))
                memberships.append((Identity.REAL, "", when))
        persons = _bulk(persons)
        members = _bulk(
            [Membership(network=net, person_id=p.pk, identity=identity, pseudonym=alias,
                        joined_at=when) for p, (identity, alias, when)
             in zip(persons, memberships, strict=True)])
        self.activity.add(rows.join(m, source=self.source) for m in members)
        self.added["people"] += len(persons)
        return [p.pk for p in persons]

    # --- source keys ----------------------------------------------------------------------

    def _key(self, kind: str, source_id: str) -> str:
        key = f"{self.batch.source}:{kind}:{source_id}"
        if len(key) > 255:
            key = f"{self.batch.source}:{kind}:sha256:" + hashlib.sha256(key.encode()).hexdigest()
        return key

    def _existing(self, kind: str, source_ids: Iterable[str]) -> dict[str, int]:
        keys = {self._key(kind, s): s for s in source_ids}
        found: dict[str, int] = {}
        items = list(keys)
        for lo in range(0, len(items), 500):
            for key, object_id in SourceKey.objects.filter(
                    network=self.network, key__in=items[lo:lo + 500]).values_list(
                    "key", "object_id"):
                found[keys[key]] = object_id
        return found

    def _remember(self, kind: str, object_type: str, pairs: Iterable[tuple[str, int]]) -> None:
        SourceKey.objects.bulk_create(
            [SourceKey(network=self.network, key=self._key(kind, s), object_type=object_type,
                       object_id=pk) for s, pk in pairs], batch_size=BATCH)

    # --- events ---------------------------------------------------------------------------

    def write_events(self) -> dict[str, Event]:
        b, net = self.batch, self.network
        existing = self._existing("event", [e.source_id for e in b.events])
        events = {e.pk: e for e in Event.objects.filter(pk__in=set(existing.values()))}
        out: dict[str, Event] = {s: events[pk] for s, pk in existing.items() if pk in events}
        new = [e for e in b.events if e.source_id not in out]
        objs = Event.objects.bulk_create([
            Event(network=net, title=e.title, description=e.description,
                  mode=EventMode.ONLINE if e.online else EventMode.OFFLINE,
                  location=e.location, starts_at=e.starts_at, ends_at=e.ends_at,
                  timezone=net.timezone, created_at=e.starts_at) for e in new],
            batch_size=BATCH)
        hosts = Event.hosts.through
        for rec, obj in zip(new, objs, strict=True):
            out[rec.source_id] = obj
        # Hosts of new events, and hosts another file names for an event already imported
        # (a Meetup attendance report after an RSVP export of the same event).
        had = set(hosts.objects.filter(event_id__in=set(existing.values())).values_list(
            "event_id", "person_id"))
        host_rows = []
        for rec in b.events:
            obj = out[rec.source_id]
            for h in dict.fromkeys(rec.hosts):
                if (obj.pk, self.people[h]) in had:
                    continue
                had.add((obj.pk, self.people[h]))
                host_rows.append(hosts(event_id=obj.pk, person_id=self.people[h]))
                self.activity.add([rows.host(obj, self.people[h], source=self.source)])
        hosts.objects.bulk_create(host_rows, batch_size=BATCH)
        self._remember("event", "event", ((r.source_id, o.pk) for r, o in zip(new, objs,
                                                                              strict=True)))
        self.added["events"] += len(objs)
        self._advance(len(b.events), "events")
        return out

    def _pairs(self, model, events: Iterable[int]) -> set[tuple[int, int]]:
        ids = list(set(events))
        pairs: set[tuple[int, int]] = set()
        for lo in range(0, len(ids), 500):
            pairs.update(model.objects.filter(event_id__in=ids[lo:lo + 500])
                         .values_list("event_id", "person_id"))
        return pairs

    def write_rsvps(self) -> None:
        b = self.batch
        if not b.rsvps:
            return
        taken = self._pairs(Registration, (e.pk for e in self.events.values()))
        new, records = [], []
        for r in b.rsvps:
            event, person = self.events[r.event], self.people[r.person]
            if (event.pk, person) in taken:
                continue
            taken.add((event.pk, person))
            new.append(Registration(event=event, person_id=person, status=r.status,
                                    created_at=r.at, updated_at=r.at))
            records.append(event)
        new = Registration.objects.bulk_create(new, batch_size=BATCH)
        self.activity.add(rows.rsvp(reg, ev, source=self.source)
                          for reg, ev in zip(new, records, strict=True))
        self.added["rsvps"] += len(new)
        self._advance(len(b.rsvps), "RSVPs")

    def write_attendance(self) -> None:
        b = self.batch
        if not b.attendance:
            return
        taken = self._pairs(Attendance, (e.pk for e in self.events.values()))
        new, records = [], []
        for a in b.attendance:
            event, person = self.events[a.event], self.people[a.person]
            if (event.pk, person) in taken:
                continue
            taken.add((event.pk, person))
            new.append(Attendance(event=event, person_id=person, checked_in_at=a.at,
                                  mode=AttendanceMode.REMOTE if a.online
                                  else AttendanceMode.IN_PERSON, method=CheckInMethod.IMPORT))
            records.append(event)
        new = Attendance.objects.bulk_create(new, batch_size=BATCH)
        self.activity.add(rows.attend(att, ev, source=self.source)
                          for att, ev in zip(new, records, strict=True))
        self.added["attendance"] += len(new)
        self._advance(len(b.attendance), "attendance")

    # --- discussions ----------------------------------------------------------------------

    def write_discussions(self) -> None:
        b, net = self.batch, self.network
        if not b.threads and not b.posts:
            return
        existing = self._existing("thread", [t.source_id for t in b.threads])
        threads = {d.pk: d for d in Discussion.objects.filter(pk__in=set(existing.values()))}
        discussions: dict[str, Discussion] = {s: threads[pk] for s, pk in existing.items()
                                              if pk in threads}
        new = [t for t in b.threads if t.source_id not in discussions]
        objs = Discussion.objects.bulk_create([
            Discussion(network=net, title=t.title, author_id=self.people[t.author],
                       is_question=t.is_question, created_at=t.at) for t in new],
            batch_size=BATCH)
        for rec, obj in zip(new, objs, strict=True):
            discussions[rec.source_id] = obj
        self._remember("thread", "discussion", ((r.source_id, o.pk)
                                                 for r, o in zip(new, objs, strict=True)))
        self.added["discussions"] += len(objs)
        self._advance(len(b.threads), "discussions")

        existing = self._existing("post", [p.source_id for p in b.posts])
        known = {p.pk: p for p in Post.objects.filter(pk__in=set(existing.values()))}
        posts: dict[str, Post] = {s: known[pk] for s, pk in existing.items() if pk in known}
        pending = [p for p in b.posts if p.source_id not in posts]
        parents = {p.parent for p in pending if p.parent and p.parent not in posts}
        for s, pk in self._existing("post", parents).items():
            if pk not in known:
                known[pk] = Post.objects.get(pk=pk)
            posts[s] = known[pk]
        created = 0
        while pending:  # level by level, so that every parent has its key
            ready = [p for p in pending if p.parent is None or p.parent in posts]
            if not ready:  # a parent that is nowhere: the rest answer their opening post
                for p in pending:
                    p.parent = None
                continue
            later = [p for p in pending if not (p.parent is None or p.parent in posts)]
            objs = Post.objects.bulk_create([
                Post(discussion=discussions[p.thread], author_id=self.people[p.author],
                     parent=posts[p.parent] if p.parent else None, body=p.body,
                     created_at=p.at) for p in ready], batch_size=BATCH)
            for rec, obj in zip(ready, objs, strict=True):
                posts[rec.source_id] = obj
                d = discussions[rec.thread]
                self.activity.add([rows.opening_post(d, obj, source=self.source)
                                   if obj.parent_id is None else
                                   rows.reply(d, obj, obj.parent, source=self.source)])
            self._remember("post", "post", ((r.source_id, o.pk)
                                            for r, o in zip(ready, objs, strict=True)))
            created += len(objs)
            pending = later
        self.added["posts"] += created
        self._advance(len(b.posts), "posts")
        self.write_reactions(posts)

    def write_reactions(self, posts: dict[str, Post]) -> None:
        b = self.batch
        if not b.reactions:
            return
        ids = list({posts[r.post].pk for r in b.reactions if r.post in posts})
        taken: set[tuple[int, int, str]] = set()
        for lo in range(0, len(ids), 500):
            taken.update(Reaction.objects.filter(post_id__in=ids[lo:lo + 500])
                         .values_list("post_id", "person_id", "emoji"))
        new, targets = [], []
        for r in b.reactions:
            post = posts.get(r.post)
            if post is None:
                continue
            key = (post.pk, self.people[r.person], r.emoji)
            if key in taken:
                continue
            taken.add(key)
            new.append(Reaction(post=post, person_id=key[1], emoji=r.emoji, created_at=r.at))
            targets.append(post)
        new = Reaction.objects.bulk_create(new, batch_size=BATCH)
        self.activity.add(rows.react(obj, post, self.network.pk, source=self.source)
                          for obj, post in zip(new, targets, strict=True))
        self.added["reactions"] += len(new)
        self._advance(len(b.reactions), "reactions")

    # --- interactions ---------------------------------------------------------------------

    def write_interactions(self) -> None:
        ix = self.batch.interactions
        if not len(ix):
            return
        people, net = self.people, self.network.pk
        existing: set[tuple] = set()
        earlier = Activity.objects.filter(network_id=net, source=self.source)
        if earlier.exists():
            existing = set(earlier.values_list("actor_id", "target_id", "kind", "channel",
                                               "at", "weight"))
        writer = self.activity
        writer.flush("activity rows")
        order, stored_at = self.prepared or prepare_interactions(self.batch)
        actor, target, kind, channel, at, weight = (ix.actor, ix.target, ix.kind, ix.channel,
                                                    ix.at, ix.weight)
        rows_out = []
        for i, when in zip(order, stored_at, strict=True):  # in time order: see prepare
            a, t = people[actor[i]], None if target[i] is None else people[target[i]]
            if existing and (a, t, kind[i], channel[i], at[i], weight[i]) in existing:
                continue
            rows_out.append((a, kind[i], t, channel[i], when, weight[i]))
        for lo in range(0, len(rows_out), ROW_BATCH):
            writer.interactions(net, self.source, rows_out[lo:lo + ROW_BATCH])
        self.added["interactions"] += len(rows_out)


def prepare_interactions(batch: Batch) -> tuple[list[int], list[object]]:
    """The batch's interactions in time order (the (network, at) index then appends) and
    their times as the database stores them: work done before the write transaction, so
    that the import holds the write lock for less time."""
    ix = batch.interactions
    order = sorted(range(len(ix)), key=ix.at.__getitem__)
    at_value = stored_time()
    return order, [at_value(ix.at[i]) for i in order]


def _has_email(secret: bytes, person_id: int) -> str:
    return keyed(secret, f"has-email:{person_id}")


def _bulk(objects: list) -> list:
    """Insert new objects of one plain model and set their keys."""
    return bulk_insert(objects, batch_size=BATCH)


# --- runs, uploads and review ----------------------------------------------------------------

def fail_run(run: ImportRun, message: str) -> None:
    ImportRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, error=message[:5000],
                                               finished_at=dj_timezone.now())


def decide_review(item: ReviewItem, status: str, user) -> ReviewItem:
    """Record a facilitator's decision on an uncertain merge."""
    if status not in (ReviewStatus.CONFIRMED, ReviewStatus.DISMISSED, ReviewStatus.OPEN):
        raise ValueError(status)
    item.status = status
    item.decided_at = dj_timezone.now() if status != ReviewStatus.OPEN else None
    item.decided_by = user if user is not None and user.is_authenticated else None
    item.save(update_fields=["status", "decided_at", "decided_by"])
    return item


def limit_message(exc: LimitExceeded) -> str:
    """A translated sentence naming the file and the limit it went past."""
    from django.template.defaultfilters import filesizeformat
    from django.utils.formats import number_format
    from django.utils.translation import gettext as _

    size = exc.what in ("bytes", "unpacked", "document")
    values = {"file": exc.file,
              "limit": filesizeformat(exc.limit) if size else number_format(
                  exc.limit, force_grouping=True),
              "found": "" if exc.found is None else (filesizeformat(exc.found) if size
                                                     else number_format(
                                                         exc.found, force_grouping=True))}
    messages = {
        "bytes": _("%(file)s is larger than %(limit)s, the largest file an import reads."),
        "unpacked": _("%(file)s unpacks to more than %(limit)s, the most an import "
                      "unpacks."),
        "members": _("%(file)s holds %(found)s files; an import reads archives of at most "
                     "%(limit)s files."),
        "ratio": _("%(file)s is compressed more than %(limit)s to 1, like a zip bomb; it "
                   "was not unpacked."),
        "document": _("%(file)s is a JSON document larger than %(limit)s, the most an "
                      "import reads in one document."),
        "nodes": _("%(file)s holds more than %(limit)s JSON objects and lists, the most an "
                   "import reads in one document."),
        "rows": _("%(file)s has more than %(limit)s rows or records, the most one import "
                  "reads; split it into smaller files."),
        "columns": _("%(file)s has more than %(limit)s columns, the most an import reads "
                     "in a table."),
        "seconds": _("Importing %(file)s took longer than %(limit)s seconds and was "
                     "stopped."),
    }
    return messages[exc.what] % values


def start_upload(network: Network, kind: str, upload, *, mapping: str = "",
                 dry_run: bool = False, user=None, options: Mapping[str, str] | None = None,
                 events=None) -> ImportRun:
    """Check and store an uploaded file, record the run and queue its background job.

    The file is checked by ``netweave.trust.uploads.check_upload`` (size, type by name and
    content) and, when it is a zip archive or XLSX workbook, by its central directory
    (members, unpacked size, compression ratio) under :func:`import_limits`. Raises
    :class:`~django.core.exceptions.ValidationError` for an unknown kind, a file type the
    kind does not read, an empty, too large or too deeply packed file, or an unreadable
    mapping; nothing is stored then. ``options`` are the parser's reading options
    (:data:`netweave.core.importers.OPTIONS`); ``events`` an uploaded events table (CSV or
    XLSX) of an attendance list, stored beside the file.
    """
    import uuid
    import zipfile

    from django.conf import settings
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from netweave.core.importers.errors import ParseError
    from netweave.jobs.services import enqueue
    from netweave.trust.uploads import check_upload

    if kind not in importers.KINDS:
        raise ValidationError(_("Unknown kind of import."))
    limits = import_limits()
    file_type = check_upload(upload, importers.KINDS[kind][1], max_bytes=limits.max_bytes)
    name = Path(upload.name or "upload").name[:200]
    if file_type in ("zip", "xlsx"):
        upload.seek(0)
        try:
            check_archive(zipfile.ZipFile(upload), name, limits)
        except LimitExceeded as exc:
            raise ValidationError(limit_message(exc), code="limit") from exc
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise ValidationError(_("%(name)s is not a readable zip archive.")
                                  % {"name": name}, code="content") from exc
        upload.seek(0)
    try:
        parsed_mapping = importers.parse_mapping(mapping or None)
    except ParseError as exc:
        raise ValidationError(str(exc)) from exc
    options = {k: str(v) for k, v in (options or {}).items() if v not in (None, "")}
    unknown = [k for k in options if k not in importers.OPTIONS.get(kind, ())]
    if unknown or (events is not None and "events" not in importers.OPTIONS.get(kind, ())):
        raise ValidationError(_("These options are not used for this kind of file: "
                                "%(options)s.") % {"options": ", ".join(unknown or ["events"])})
    if events is not None:
        check_upload(events, ("csv", "xlsx"), max_bytes=limits.max_bytes)
    folder = Path(settings.DATA_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)

    def store(uploaded) -> Path:
        path = folder / f"{uuid.uuid4().hex}{Path(uploaded.name or '').suffix.lower()}"
        with open(path, "wb") as out:
            for chunk in uploaded.chunks():
                out.write(chunk)
        return path

    path = store(upload)
    if events is not None:
        options["events"] = str(store(events))
    run = ImportRun.objects.create(
        network=network, kind=kind, file_name=name, mapping=parsed_mapping, dry_run=dry_run,
        options=options, upload=str(path), digest="",
        created_by=user if user is not None and user.is_authenticated else None)
    job = enqueue("imports.run", {"run": run.pk}, network=network, user=user)
    ImportRun.objects.filter(pk=run.pk).update(job=job)
    run.refresh_from_db()
    return run

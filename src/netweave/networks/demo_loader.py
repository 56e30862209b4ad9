"""Write a generated demo network (:mod:`netweave.core.demo`) into the database.

One call is one transaction. Objects and the activity rows each object stands for (from
:mod:`netweave.networks.activity_rows`, the single definition of that mapping) go in with
the bulk writers of :mod:`netweave.networks.bulk`, as the importers' do.

Demo people have no accounts, except the logins listed in :attr:`DemoNetwork.accounts`
(password :data:`netweave.core.demo.PASSWORD`); a username that exists already is left alone.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Iterator, Sequence
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import models, transaction

from netweave.core.demo import PASSWORD, DemoNetwork, generate_all
from netweave.core.progress import ProgressBar

from . import activity_rows as rows
from .bulk import ActivityWriter, bulk_insert, sqlite_cache
from .models import (
    Attendance,
    Discussion,
    Event,
    Exchange,
    Introduction,
    Membership,
    Need,
    Network,
    Offer,
    Organisation,
    Person,
    Post,
    Reaction,
    Registration,
    ValueStory,
)

log = logging.getLogger(__name__)

#: Objects per ``bulk_create`` call (PostgreSQL; the M2M rows of event hosts).
BATCH = 5000
#: Records turned into model objects at a time for the large tables (bounds memory).
CHUNK = 20_000


def load(demo: DemoNetwork, *, source: str = "demo", progress: bool = False) -> Network:
    """Write ``demo`` into the database in one transaction and return its network.

    Raises ``django.core.exceptions.ValidationError`` when the charter is invalid or a network
    with the same slug exists; nothing is written then.
    """
    total = demo.object_count() + demo.activity_row_estimate()
    with ProgressBar(progress, total, width=34) as bar, transaction.atomic(), sqlite_cache():
        return _Loader(demo, source, bar).run()


def load_many(demos: Sequence[DemoNetwork], *, source: str = "demo",
              progress: bool = False) -> list[Network]:
    """Load several demo networks in one transaction: all of them or none."""
    total = sum(d.object_count() + d.activity_row_estimate() for d in demos)
    with ProgressBar(progress, total, width=34) as bar, transaction.atomic(), sqlite_cache():
        return [_Loader(d, source, bar).run() for d in demos]


def load_demo_networks(*, seed: int = 42, people: int = 150, months: int = 24,
                       events: int | None = None, start: datetime | None = None,
                       source: str = "demo", progress: bool = False) -> list[Network]:
    """Generate both demo networks (:func:`netweave.core.demo.generate_all`) and load them."""
    demos = generate_all(seed=seed, people=people, months=months, events=events, start=start)
    return load_many(demos, source=source, progress=progress)


class _Maker:
    """Builds model objects through Django's fast positional ``__init__``.

    ``_Maker(Post, "discussion_id", "author_id")(1, 2)`` is ``Post(discussion_id=1,
    author_id=2)`` with every other field at its default, but about twice as fast.
    """

    def __init__(self, model: type[models.Model], *names: str) -> None:
        fields = model._meta.concrete_fields
        where = {f.attname: i for i, f in enumerate(fields)}
        unknown = set(names) - set(where)
        if unknown:
            raise TypeError(f"{model.__name__} has no fields {sorted(unknown)}")
        self.model, self.size = model, len(fields)
        self.slots = [where[name] for name in names]
        self.defaults = [(i, f) for i, f in enumerate(fields) if f.attname not in names]

    def __call__(self, *values: object) -> models.Model:
        args: list = [None] * self.size
        for i, value in zip(self.slots, values, strict=True):
            args[i] = value
        for i, field in self.defaults:
            args[i] = field.get_default()
        return self.model(*args)


def _chunks(n: int, size: int = CHUNK) -> Iterator[range]:
    for lo in range(0, n, size):
        yield range(lo, min(n, lo + size))


@functools.cache
def _password_hash(hashers: tuple[str, ...]) -> str:
    """One hash of the demo password per hasher setting (hashing is slow on purpose)."""
    return make_password(PASSWORD)


# --- the loader ------------------------------------------------------------------------------

class _Loader:
    def __init__(self, demo: DemoNetwork, source: str, bar: ProgressBar) -> None:
        self.demo, self.source, self.bar = demo, source, bar
        self.rows = ActivityWriter(lambda n, _message: bar.advance(n))

    def bulk(self, objects: list) -> list:
        """Insert new objects of one model; their keys are set afterwards."""
        bulk_insert(objects, batch_size=BATCH)
        self.bar.advance(len(objects))
        return objects

    def run(self) -> Network:
        d, src = self.demo, self.source
        self.bar.stage(f"{d.network.name}: people")
        charter = {f.name: getattr(d.network, f.name) for f in dataclasses.fields(d.network)}
        network = Network(**charter)
        network.full_clean()
        network.save()
        self.network = net = network

        org_ids = self.organisations()
        users = self.accounts()
        make = _Maker(Person, "name", "email", "organisation_id", "sector", "interests",
                      "created_at", "user_id")
        people = self.bulk([
            make(p.name, p.email, None if p.organisation is None else org_ids[p.organisation],
                 p.sector, p.interests, p.created_at, users.get(i))
            for i, p in enumerate(d.people)])
        pid = [p.pk for p in people]
        del people

        make = _Maker(Membership, "network_id", "person_id", "role", "identity", "pseudonym",
                      "joined_at", "left_at")
        memberships = self.bulk([
            make(net.pk, pid[m.person], m.role, m.identity, m.pseudonym, m.joined_at, m.left_at)
            for m in d.memberships])
        self.rows.add(rows.join(m, source=src) for m in memberships)
        self.rows.add(rows.leave(m, source=src) for m in memberships if m.left_at is not None)
        del memberships

        self.bar.stage(f"{d.network.name}: events")
        make = _Maker(Event, "network_id", "title", "description", "mode", "location",
                      "online_url", "starts_at", "ends_at", "timezone", "capacity", "created_at")
        events = self.bulk([
            make(net.pk, e.title, e.description, e.mode, e.location, e.online_url, e.starts_at,
                 e.ends_at, net.timezone, e.capacity, e.created_at)
            for e in d.events])
        through = Event.hosts.through
        through.objects.bulk_create(
            [through(event_id=events[k].pk, person_id=pid[h])
             for k, e in enumerate(d.events) for h in e.hosts], batch_size=BATCH)
        self.rows.add(rows.host(events[k], pid[h], source=src)
                      for k, e in enumerate(d.events) for h in e.hosts)

        make = _Maker(Registration, "event_id", "person_id", "status", "created_at",
                      "updated_at")
        for part in _chunks(len(d.registrations)):
            records = d.registrations[part.start:part.stop]
            regs = self.bulk([make(events[r.event].pk, pid[r.person], r.status, r.created_at,
                                   r.updated_at) for r in records])
            self.rows.add(rows.rsvp(r, events[x.event], source=src)
                          for r, x in zip(regs, records, strict=True))
        make = _Maker(Attendance, "event_id", "person_id", "mode", "method", "checked_in_at")
        for part in _chunks(len(d.attendances)):
            records = d.attendances[part.start:part.stop]
            atts = self.bulk([make(events[a.event].pk, pid[a.person], a.mode, a.method,
                                   a.checked_in_at) for a in records])
            self.rows.add(rows.attend(a, events[x.event], source=src)
                          for a, x in zip(atts, records, strict=True))

        self.bar.stage(f"{d.network.name}: discussions")
        self.discussions(pid)

        self.bar.stage(f"{d.network.name}: give and take")
        offers = self.bulk([
            Offer(person_id=pid[o.person], network=net, text=o.text, tags=o.tags,
                  status=o.status, created_at=o.created_at, fulfilled_at=o.fulfilled_at)
            for o in d.offers])
        self.rows.add(rows.offer(o, net.pk, source=src) for o in offers)
        needs = self.bulk([
            Need(person_id=pid[o.person], network=net, text=o.text, tags=o.tags,
                 status=o.status, created_at=o.created_at, fulfilled_at=o.fulfilled_at)
            for o in d.needs])
        self.rows.add(rows.need(o, net.pk, source=src) for o in needs)
        exchanges = self.bulk([
            Exchange(network=net, giver_id=pid[x.giver], receiver_id=pid[x.receiver],
                     offer_id=None if x.offer is None else offers[x.offer].pk,
                     need_id=None if x.need is None else needs[x.need].pk,
                     description=x.description, weight=x.weight, created_at=x.created_at,
                     confirmed_at=x.confirmed_at)
            for x in d.exchanges])
        self.rows.add(rows.give(x, source=src) for x in exchanges if x.confirmed_at is not None)
        intros = self.bulk([
            Introduction(network=net, introducer_id=pid[i.introducer],
                         person_a_id=pid[i.person_a], person_b_id=pid[i.person_b],
                         reasons=i.reasons, created_at=i.created_at, met=i.met,
                         valuable=i.valuable)
            for i in d.introductions])
        self.rows.add(row for i in intros for row in rows.introduce(i, source=src))
        stories = self.bulk([
            ValueStory(network=net, author_id=pid[s.author], title=s.title, text=s.text,
                       cycle=s.cycle, created_at=s.created_at)
            for s in d.stories])
        self.rows.add(rows.story(s, source=src) for s in stories)
        self.rows.flush()
        return network

    def organisations(self) -> list[int]:
        """Primary keys of the demo's organisations; one that exists by name is reused."""
        names = [o.name for o in self.demo.organisations]
        existing: dict[str, int] = {}
        for lo in range(0, len(names), 500):
            existing.update(Organisation.objects.filter(name__in=names[lo:lo + 500])
                            .values_list("name", "pk"))
        new = self.bulk([
            Organisation(name=o.name, sector=o.sector, municipality=o.municipality,
                         website=o.website)
            for o in self.demo.organisations if o.name not in existing])
        existing.update((o.name, o.pk) for o in new)
        return [existing[name] for name in names]

    def accounts(self) -> dict[int, int]:
        """User keys for the demo logins, by person index; existing usernames are skipped."""
        from django.conf import settings

        user_model = get_user_model()
        wanted = self.demo.accounts
        taken = set(user_model.objects.filter(username__in=[a.username for a in wanted])
                    .values_list("username", flat=True))
        password = _password_hash(tuple(settings.PASSWORD_HASHERS))
        named = {m.person for m in self.demo.memberships if m.identity == "real"}
        users = {}
        for account in wanted:
            if account.username in taken:
                log.warning("demo account %r exists already; not created", account.username)
                continue
            person = self.demo.people[account.person]
            first, _, last = person.name.partition(" ")
            if account.person not in named:  # a pseudonymous member: no real name on the login
                first = last = ""
            user = user_model(username=account.username, password=password, email=person.email,
                              first_name=first, last_name=last)
            user.save()
            users[account.person] = user.pk
        return users

    def discussions(self, pid: list[int]) -> None:
        d, net, src = self.demo, self.network, self.source
        make = _Maker(Discussion, "network_id", "title", "author_id", "is_question",
                      "created_at")
        discussions = self.bulk([make(net.pk, x.title, pid[x.author], x.is_question,
                                      x.created_at) for x in d.discussions])
        # Parents precede replies in the list; insert level by level so a parent has its key.
        depth = [0] * len(d.posts)
        levels: list[list[int]] = [[]]
        for i, p in enumerate(d.posts):
            if p.parent is not None:
                depth[i] = depth[p.parent] + 1
                if depth[i] == len(levels):
                    levels.append([])
            levels[depth[i]].append(i)
        make = _Maker(Post, "discussion_id", "author_id", "parent_id", "body", "created_at")
        posts: list = [None] * len(d.posts)
        for level in levels:
            for lo in range(0, len(level), CHUNK):
                part = level[lo:lo + CHUNK]
                records = [d.posts[i] for i in part]
                objs = self.bulk([
                    make(discussions[p.discussion].pk, pid[p.author],
                         None if p.parent is None else posts[p.parent].pk, p.body, p.created_at)
                    for p in records])
                for i, obj in zip(part, objs, strict=True):
                    posts[i] = obj
        accepted = []
        for x, obj in zip(d.discussions, discussions, strict=True):
            if x.accepted_answer is not None:
                obj.accepted_answer_id = posts[x.accepted_answer].pk
                accepted.append(obj)
        Discussion.objects.bulk_update(accepted, ["accepted_answer"], batch_size=500)
        self.rows.add(
            rows.opening_post(discussions[p.discussion], post, source=src) if p.parent is None
            else rows.reply(discussions[p.discussion], post, posts[p.parent], source=src)
            for p, post in zip(d.posts, posts, strict=True))
        make = _Maker(Reaction, "post_id", "person_id", "emoji", "created_at")
        for part in _chunks(len(d.reactions)):
            records = d.reactions[part.start:part.stop]
            objs = self.bulk([make(posts[r.post].pk, pid[r.person], r.emoji, r.created_at)
                              for r in records])
            self.rows.add(rows.react(obj, posts[r.post], net.pk, source=src)
                          for obj, r in zip(objs, records, strict=True))

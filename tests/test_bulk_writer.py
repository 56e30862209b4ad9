"""The one bulk writer of activity rows (netweave.networks.bulk): what the demo loader and
the importers write is what the ORM would store, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

import netweave
from netweave.core import activity as act
from netweave.networks.bulk import ActivityWriter, bulk_insert, stored_time
from netweave.networks.models import Activity, Network, Person

T0 = datetime(2026, 1, 1, 9, 30, 15, 123456, tzinfo=UTC)
FIELDS = ("network_id", "actor_id", "kind", "target_id", "object_type", "object_id", "channel",
          "at", "weight", "source", "corrects_id")


def stored(source: str) -> list[tuple]:
    return list(Activity.objects.filter(source=source).order_by("id").values_list(*FIELDS))


def rows(network: Network, people: list[Person], source: str) -> list[Activity]:
    """Rows of every shape: targets or none, objects or none, UTC and other zones."""
    plus_two = timezone(timedelta(hours=2))
    return [Activity(network=network, actor=people[i % 3], kind=kind,
                     target=people[(i + 1) % 3] if i % 2 else None,
                     object_type="event" if i % 3 else "", object_id=i if i % 3 else None,
                     channel=act.CHANNELS[i % 2], weight=0.5 * i, source=source,
                     at=(T0 + timedelta(hours=i)).astimezone(plus_two if i % 2 else UTC))
            for i, kind in enumerate(act.KINDS)]


@pytest.mark.django_db
def test_written_rows_equal_what_the_orm_saves():
    network = Network.objects.create(name="n", slug="n", purpose="x", primary_type="practice")
    people = bulk_insert([Person(name=f"p{i}") for i in range(3)])
    assert all(p.pk for p in people)
    for a in rows(network, people, "orm"):
        a.save()
    batches = []
    writer = ActivityWriter(lambda n, message: batches.append((n, message)), batch=4)
    writer.add(rows(network, people, "bulk"))
    writer.flush()
    n = len(act.KINDS)
    assert writer.count == n and sum(b for b, _ in batches) == n and len(batches) == -(-n // 4)
    orm = [row[:9] + row[10:] for row in stored("orm")]
    assert [row[:9] + row[10:] for row in stored("bulk")] == orm


@pytest.mark.django_db
def test_interaction_rows_equal_rows_added_one_by_one():
    network = Network.objects.create(name="n", slug="n", purpose="x", primary_type="practice")
    people = bulk_insert([Person(name=f"p{i}") for i in range(3)])
    at = stored_time()
    plain = [a for a in rows(network, people, "added") if not a.object_type]
    writer = ActivityWriter(lambda n, message: None)
    writer.add(plain)
    writer.interactions(network.pk, "fast", [
        (a.actor_id, a.kind, a.target_id, a.channel, at(a.at), a.weight) for a in plain])
    writer.flush()
    assert [row[:9] for row in stored("fast")] == [row[:9] for row in stored("added")]


def test_one_bulk_writer_of_the_log():
    """Only networks/bulk.py writes SQL into the activity table (the reader reads it)."""
    src = Path(netweave.__file__).parent
    naming = re.compile(r"Activity\._meta\.db_table|table\(Activity\)")
    found = sorted(str(p.relative_to(src)) for p in src.rglob("*.py")
                   if naming.search(p.read_text(encoding="utf-8")))
    assert found == ["networks/activity_log.py", "networks/bulk.py"]

"""The log reader returns exactly what the database holds, the same from SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl
import pytest

from netweave.core import activity as act
from netweave.core.logreader import SCHEMA, LogReadError, effective_log
from netweave.meet import services as meet_services
from netweave.networks import services
from netweave.networks.activity_log import database_url, network_log, read_activity
from netweave.networks.models import Activity, Network, Person

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def orm_log(**filters) -> pl.DataFrame:
    """The slow, obvious version: every row through the ORM."""
    rows = [
        {"id": a.pk, "network": a.network_id, "actor": a.actor_id, "kind": a.kind,
         "target": a.target_id, "object_type": a.object_type, "object_id": a.object_id,
         "channel": a.channel, "at": a.at, "weight": a.weight, "source": a.source,
         "corrects": a.corrects_id}
        for a in Activity.objects.filter(**filters).order_by("id")
    ]
    return pl.DataFrame(rows, schema={**SCHEMA, "kind": pl.String, "object_type": pl.String,
                                      "channel": pl.String, "source": pl.String}).cast(SCHEMA)


def random_log(n_rows: int, seed: int) -> tuple[list[Network], list[Person]]:
    """Insert ``n_rows`` random activity rows (NULLs only late, microseconds or none)."""
    rng = np.random.default_rng(seed)
    people = Person.objects.bulk_create(Person(name=f"p{i}") for i in range(30))
    networks = Network.objects.bulk_create(
        Network(name=f"n{i}", slug=f"n{i}-{seed}", purpose="x", primary_type="practice")
        for i in range(3))
    rows = []
    for i in range(n_rows):
        late = i > n_rows // 2  # the first half has no NULLs, no object ids: typing trap
        at = T0 + timedelta(seconds=int(rng.integers(0, 365 * 86400)))
        if rng.random() < 0.5:
            at += timedelta(microseconds=int(rng.integers(1, 10**6)))
        rows.append(Activity(
            network=networks[int(rng.integers(0, 3))], actor=people[int(rng.integers(0, 30))],
            kind=str(rng.choice(act.KINDS)),
            target=people[int(rng.integers(0, 30))] if late and rng.random() < 0.5 else None,
            object_type="event" if late else "", object_id=int(rng.integers(1, 99)) if late
            else None, channel=str(rng.choice(act.CHANNELS)), at=at,
            weight=float(rng.random() * 3), source="import:csv"))
    Activity.objects.bulk_create(rows, batch_size=500)
    return networks, people


@pytest.mark.django_db(transaction=True)
def test_reader_equals_orm_on_a_random_log():
    networks, _ = random_log(3000, seed=1)
    full = network_log()
    assert full.schema == pl.Schema(SCHEMA)
    assert full.height == 3000
    assert full.equals(orm_log())
    one = network_log(networks[1].pk)
    assert one.equals(orm_log(network=networks[1]))
    start, end = T0 + timedelta(days=30), T0 + timedelta(days=120)
    window = network_log([networks[0].pk, networks[2].pk], start=start, end=end)
    assert window.equals(orm_log(network__in=[networks[0], networks[2]], at__gte=start,
                                 at__lt=end))
    assert window.height > 0


@pytest.mark.django_db(transaction=True)
def test_window_is_half_open_at_whole_seconds():
    person = Person.objects.create(name="a")
    net = Network.objects.create(name="n", slug="n", purpose="x", primary_type="place")
    for at in (T0, T0 + timedelta(hours=1)):
        Activity.objects.create(network=net, actor=person, kind="post", channel="online", at=at)
    got = network_log(net.pk, start=T0, end=T0 + timedelta(hours=1))
    assert got["at"].to_list() == [T0]


@pytest.mark.django_db(transaction=True)
def test_effective_log_applies_corrections():
    people = [Person.objects.create(name=n) for n in ("Anna", "Bram")]
    net = services.create_network(facilitator=people[0], name="n", slug="n", purpose="x",
                                  primary_type="action")
    event = meet_services.create_event(net, title="e", starts_at=T0,
                                       ends_at=T0 + timedelta(hours=2))
    meet_services.rsvp(event, people[1], "going", at=T0 - timedelta(days=2))
    meet_services.rsvp(event, people[1], "not_going", at=T0 - timedelta(days=1))
    attendance = meet_services.check_in(event, people[0])
    meet_services.undo_check_in(attendance)
    everything = network_log(net.pk, effective=False)
    assert everything["kind"].cast(pl.String).to_list() == [
        "join", "rsvp", "rsvp", "attend", "void"]
    effective = network_log(net.pk)
    assert effective["kind"].cast(pl.String).to_list() == ["join", "rsvp"]
    assert effective.filter(pl.col("kind") == "rsvp")["weight"].to_list() == [0.0]
    assert effective.equals(effective_log(everything))


@pytest.mark.django_db(transaction=True)
def test_empty_log_has_the_schema():
    frame = network_log(12345)
    assert frame.is_empty() and frame.schema == pl.Schema(SCHEMA)


def test_unknown_url_is_a_clear_error():
    with pytest.raises(LogReadError, match="unsupported database URL"):
        read_activity("mysql://localhost/x")
    with pytest.raises(ValueError, match="no time zone"):
        read_activity("sqlite:////nonexistent.db", start=datetime(2026, 1, 1))


# --- the same demo data gives the same table on SQLite and PostgreSQL ------------------------

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "")


def _netweave(database_url_: str, *args: str, tmp_path) -> None:
    env = {**os.environ, "DATABASE_URL": database_url_, "NETWEAVE_DATA_DIR": str(tmp_path)}
    for command in (["migrate", "-v0"], list(args)):
        subprocess.run([sys.executable, "-m", "netweave", *command], env=env, check=True,
                       capture_output=True, timeout=600)


@pytest.mark.skipif(not POSTGRES_URL, reason="PostgreSQL not asked for (TEST_POSTGRES_URL)")
@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
                    reason="compares both databases itself: runs once, in the SQLite pass")
def test_same_table_from_sqlite_and_postgresql(tmp_path):
    import psycopg

    # The commands run on the real clock: --end gives both databases the same history.
    demo = ("demo", "--people", "80", "--months", "8", "--seed", "11", "--no-progress",
            "--end", datetime.now(UTC).date().isoformat())
    sqlite_url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    _netweave(sqlite_url, *demo, tmp_path=tmp_path)

    name = f"netweave_cmp_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    pg_url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        _netweave(pg_url, *demo, tmp_path=tmp_path)
        from_sqlite = read_activity(sqlite_url)
        from_pg = read_activity(pg_url)
        assert from_sqlite.height > 1000
        assert from_sqlite.equals(from_pg)
        for network in from_sqlite["network"].unique():
            assert read_activity(sqlite_url, network).equals(read_activity(pg_url, network))
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db
def test_database_url_names_the_test_database():
    url = database_url()
    assert url.startswith(("sqlite:///", "postgresql://"))
    assert "test" in url


@pytest.mark.django_db(transaction=True)
def test_times_are_exact_to_the_microsecond_at_the_edges_of_a_second():
    person = Person.objects.create(name="a")
    net = Network.objects.create(name="n", slug="n", purpose="x", primary_type="place")
    times = [T0 + timedelta(seconds=59, microseconds=us) for us in (0, 1, 499999, 999500,
                                                                       999999)]
    times.append(datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC))
    for at in times:
        Activity.objects.create(network=net, actor=person, kind="post", channel="online", at=at)
    assert network_log(net.pk)["at"].to_list() == times


# --- SQLite: the reader's SQLite never shares a process with Django's (issue 14) ------------

ONLY_SQLITE = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="the query process is SQLite's")

NO_SECOND_SQLITE = """
import os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netweave.site.settings")
django.setup()
from netweave.networks.activity_log import read_activity
frame = read_activity(sys.argv[1])
assert "adbc_driver_sqlite" not in sys.modules, "ADBC's SQLite was loaded in this process"
print(frame.height)
"""


@ONLY_SQLITE
@pytest.mark.django_db(transaction=True)
def test_sqlite_is_read_without_a_second_sqlite_in_the_process():
    random_log(50, seed=3)
    done = subprocess.run([sys.executable, "-c", NO_SECOND_SQLITE, database_url()],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "50"


@ONLY_SQLITE
@pytest.mark.django_db(transaction=True)
def test_sqlite_query_errors_are_clear_and_the_query_process_recovers():
    from netweave.core import logreader, sqlite_process

    random_log(20, seed=4)
    url = database_url()
    with pytest.raises(LogReadError, match="no such table: nowhere"):
        logreader.query(url, "SELECT * FROM nowhere")
    assert network_log().height == 20  # the same query process answers again
    for child in list(sqlite_process._idle):
        child.kill()
        child.wait()
    assert network_log().height == 20  # a dead query process is replaced
    with pytest.raises(LogReadError, match="no SQLite database at"):
        read_activity(f"sqlite:///{url.removeprefix('sqlite:///')}.missing")

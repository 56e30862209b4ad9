"""Benchmark: import a 1,000,000-line interaction log into SQLite and PostgreSQL.

For each database a fresh one is migrated (in a subprocess, so that each has its own Django
settings), and in the same run it times:

* the importer: ``netweave.imports.services.import_file`` on the whole log (parse, person
  resolution, natural-key check, activity rows by ``executemany``/``COPY``, one transaction);
* baseline 1: one ORM object per row (``Person``/``Membership`` via ``get_or_create``,
  ``Activity(...).save()`` per line) on the first 20,000 lines, also in one transaction;
* baseline 2: what a good Django user writes: the ``csv`` module, people and memberships by
  ``bulk_create``, activity rows by ``Activity.objects.bulk_create(batch_size=5000)``, one
  transaction, on the first 200,000 lines;

and prints rows/second of all three, both ratios, the load, and wall and CPU seconds. Run by
hand; see bench/README.md.

    .venv/bin/python bench/import.py                       # 1,000,000 and 20,000 rows
    .venv/bin/python bench/import.py --rows 200000         # quicker
    .venv/bin/python bench/import.py --postgres ''         # SQLite only
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG = os.environ.get("TEST_POSTGRES_URL", "postgresql://127.0.0.1:5432/test")


def _cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def worker(database_url: str, log: Path, baseline_log: Path, bulk_log: Path) -> dict:
    """Run inside a subprocess whose environment names the database."""
    import django

    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netweave.site.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from netweave.core.importers import Limits
    from netweave.core.importers import log as log_importer
    from netweave.imports.services import import_file
    from netweave.networks import services
    from netweave.networks.models import Activity, Membership, Person

    call_command("migrate", verbosity=0)

    def network(slug: str):
        facilitator = Person.objects.create(name=f"Bench {slug}")
        return services.create_network(facilitator=facilitator, name=slug, slug=slug,
                                       purpose="Benchmark.", primary_type="practice")

    fast_net = network("bench-import")
    t0 = time.perf_counter()
    # A benchmark's file is larger than an import may be by default (docs/import.md, Limits).
    limits = Limits(max_bytes=1 << 33, max_rows=1 << 30, seconds=None)
    batch = log_importer.parse(log, limits=limits)
    parsed = time.perf_counter() - t0
    del batch
    t0, c0 = time.perf_counter(), _cpu()
    result = import_file(fast_net, "log", log, limits=limits)
    fast, fast_cpu = time.perf_counter() - t0, _cpu() - c0
    rows = result["added"]["interactions"]

    slow_net = network("bench-baseline")
    t0 = time.perf_counter()
    with transaction.atomic():
        people: dict[str, Person] = {}
        count = 0
        with open(baseline_log, encoding="utf-8") as f:
            next(f)  # header
            for line in f:
                actor, target, stamp, kind = line.rstrip("\n").split(",")
                ids = []
                for label in (actor, target):
                    person = people.get(label)
                    if person is None:
                        person, _ = Person.objects.get_or_create(name=label)
                        Membership.objects.get_or_create(network=slow_net, person=person)
                        people[label] = person
                    ids.append(person.pk)
                Activity(network=slow_net, actor_id=ids[0], target_id=ids[1], kind=kind,
                         channel="online", at=datetime.fromtimestamp(int(stamp), UTC),
                         source="import:log").save()
                count += 1
    slow = time.perf_counter() - t0

    bulk_net = network("bench-bulk")
    t0, c0 = time.perf_counter(), _cpu()
    with transaction.atomic(), open(bulk_log, encoding="utf-8", newline="") as f:
        lines = list(csv.reader(f))[1:]
        labels = sorted({label for row in lines for label in row[:2]})
        made = Person.objects.bulk_create([Person(name=label) for label in labels])
        Membership.objects.bulk_create([Membership(network=bulk_net, person=p) for p in made])
        pk = {p.name: p.pk for p in made}
        Activity.objects.bulk_create(
            (Activity(network=bulk_net, actor_id=pk[a], target_id=pk[b], kind=kind,
                      channel="online", at=datetime.fromtimestamp(int(stamp), UTC),
                      source="import:log") for a, b, stamp, kind in lines), batch_size=5000)
    bulk, bulk_cpu = time.perf_counter() - t0, _cpu() - c0
    return {"rows": rows, "seconds": fast, "cpu_seconds": fast_cpu, "parse_seconds": parsed,
            "baseline_rows": count, "baseline_seconds": slow, "bulk_rows": len(lines),
            "bulk_seconds": bulk, "bulk_cpu_seconds": bulk_cpu}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--baseline-rows", type=int, default=20_000)
    parser.add_argument("--bulk-rows", type=int, default=200_000)
    parser.add_argument("--people", type=int, default=5_000)
    parser.add_argument("--postgres", default=DEFAULT_PG,
                        help="a PostgreSQL URL whose server may create the bench database; "
                             "'' for SQLite only")
    parser.add_argument("--worker", nargs=4, metavar=("URL", "LOG", "BASELINE_LOG", "BULK_LOG"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        url, log, base, bulk = args.worker
        print(json.dumps(worker(url, Path(log), Path(base), Path(bulk))))
        return

    from netweave.core.importers import samples

    folder = ROOT / "var" / "bench" / "import"
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / f"log-{args.rows}.csv"
    if not log.exists():
        log.write_bytes(samples.log(args.rows, people=args.people))
    base = folder / f"log-{args.baseline_rows}.csv"
    base.write_bytes(samples.log(args.baseline_rows, people=args.people))
    bulk = folder / f"log-bulk-{args.bulk_rows}.csv"
    bulk.write_bytes(samples.log(args.bulk_rows, people=args.people))

    targets = []
    sqlite_file = folder / "bench.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{sqlite_file}{suffix}").unlink(missing_ok=True)
    targets.append(("SQLite", f"sqlite:///{sqlite_file}", None))
    if args.postgres:
        import psycopg

        name = "netweave_bench_import"
        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        targets.append(("PostgreSQL", args.postgres.rsplit("/", 1)[0] + "/" + name, name))

    load = os.getloadavg()[0]
    print(f"{args.rows:,} log lines, baselines on {args.baseline_rows:,} (one object per row) "
          f"and {args.bulk_rows:,} (bulk_create); load {load:.1f} on {os.cpu_count()} cores "
          "(a shared, noisy machine)")
    print("| database | importer (wall / CPU) | one ORM `.save()` per row | ratio "
          "| `bulk_create` (wall / CPU) | ratio (wall / CPU) |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, url, pg_name in targets:
        env = {**os.environ, "NETWEAVE_DATA_DIR": str(folder)}
        out = subprocess.run([sys.executable, __file__, "--worker", url, str(log), str(base),
                              str(bulk)], env=env, check=True, capture_output=True, text=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        fast = r["rows"] / r["seconds"]
        slow = r["baseline_rows"] / r["baseline_seconds"]
        quick = r["bulk_rows"] / r["bulk_seconds"]
        cpu_ratio = (r["rows"] / r["cpu_seconds"]) / (r["bulk_rows"] / r["bulk_cpu_seconds"])
        print(f"| {label} | {fast:,.0f} rows/s ({r['rows']:,} in {r['seconds']:.1f} s / "
              f"{r['cpu_seconds']:.1f} s CPU; parsing {r['parse_seconds']:.1f} s) "
              f"| {slow:,.0f} rows/s ({r['baseline_rows']:,} in {r['baseline_seconds']:.1f} s) "
              f"| {fast / slow:.0f}x | {quick:,.0f} rows/s ({r['bulk_rows']:,} in "
              f"{r['bulk_seconds']:.1f} s / {r['bulk_cpu_seconds']:.1f} s CPU) "
              f"| {fast / quick:.1f}x / {cpu_ratio:.1f}x |", flush=True)
        if pg_name:
            import psycopg

            with psycopg.connect(args.postgres, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
    print(f"load after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()

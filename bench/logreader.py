"""Benchmark: read the whole activity log into a table, from SQLite and from PostgreSQL.

For each database it fills a fresh database with the demo generator (about a million
activity rows by default), then times, ``--repeat`` times each:

* baseline: a plain ``SELECT`` of the same columns into Python tuples (sqlite3 / psycopg);
* reader:   ``netweave.networks.activity_log.read_activity`` into a Polars DataFrame (typed columns,
            corrections applied).

and prints the median rows/second of both and their ratio. Run by hand; see bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

import django
import psycopg

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netweave.site.settings")
django.setup()  # the reader writes its SQL from the app's models

from netweave.networks.activity_log import read_activity  # noqa: E402

SELECT = ("SELECT id, network_id, actor_id, kind, target_id, object_type, object_id, channel, "
          "at, weight, source, corrects_id FROM networks_activity ORDER BY id")


def fill(database_url: str, people: int, months: int, data_dir: Path) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "NETWEAVE_DATA_DIR": str(data_dir)}
    for args in (["migrate", "-v0"],
                 ["demo", "--people", str(people), "--months", str(months), "--seed", "1"]):
        subprocess.run([sys.executable, "-m", "netweave", *args], env=env, check=True)


def baseline_sqlite(url: str) -> int:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        return len(conn.execute(SELECT).fetchall())


def baseline_postgres(url: str) -> int:
    with psycopg.connect(url) as conn:
        return len(conn.execute(SELECT).fetchall())


def timed(fn, repeat: int) -> tuple[float, int]:
    times, rows = [], 0
    for _ in range(repeat):
        t = time.perf_counter()
        rows = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--postgres", default="postgresql://127.0.0.1:5432/test",
                        help="a PostgreSQL URL whose server may create the bench database")
    parser.add_argument("--dir", type=Path, default=Path("var/bench"))
    parser.add_argument("--reuse", action="store_true", help="keep the filled databases")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)

    sqlite_path = args.dir / "logreader.sqlite3"
    sqlite_url = f"sqlite:///{sqlite_path.resolve()}"
    pg_name = "netweave_bench_logreader"
    pg_url = args.postgres.rsplit("/", 1)[0] + f"/{pg_name}"

    if not (args.reuse and sqlite_path.exists()):
        sqlite_path.unlink(missing_ok=True)
        print("filling SQLite …", flush=True)
        fill(sqlite_url, args.people, args.months, args.dir)
    with psycopg.connect(args.postgres, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                               [pg_name]).fetchone()
        if exists and not args.reuse:
            admin.execute(f'DROP DATABASE "{pg_name}" WITH (FORCE)')
        if not (exists and args.reuse):
            admin.execute(f'CREATE DATABASE "{pg_name}"')
            print("filling PostgreSQL …", flush=True)
            fill(pg_url, args.people, args.months, args.dir)

    print(f"\nmedian of {args.repeat} runs, whole log, one process, 2-core machine")
    print(f"{'database':<12}{'rows':>11}{'SELECT→tuples':>16}{'reader→Polars':>16}{'ratio':>8}")
    for label, url, baseline in (("SQLite", sqlite_url, baseline_sqlite),
                                 ("PostgreSQL", pg_url, baseline_postgres)):
        t_base, rows = timed(lambda u=url, b=baseline: b(u), args.repeat)
        t_read, read_rows = timed(lambda u=url: read_activity(u, effective=False).height,
                                  args.repeat)
        assert read_rows == rows, (read_rows, rows)
        print(f"{label:<12}{rows:>11,}{rows / t_base:>13,.0f}/s{rows / t_read:>13,.0f}/s"
              f"{t_base / t_read:>7.1f}x")


if __name__ == "__main__":
    main()

"""Benchmark: how long one import keeps a SQLite database from taking other writes.

A fresh SQLite file is migrated and given a network; then ``netweave import log`` runs in a
subprocess on an interaction log of ``--rows`` lines (500,000 lines is about 18 MB, the size
that made a member's POST answer 500 in issue 14) while this process tries, every 10 ms, to
start a write transaction (``BEGIN IMMEDIATE`` with no busy wait). The longest unbroken run
of refusals is how long the import held the write lock; it is printed with the import's whole
time, for ``--runs`` runs (median). Run by hand; see bench/README.md.

    .venv/bin/python bench/import_lock.py                  # 500,000 rows, 3 runs
    .venv/bin/python bench/import_lock.py --rows 100000 --runs 1
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NETWEAVE = [sys.executable, "-m", "netweave"]
CREATE = ("from netweave.networks.models import Person; from netweave.networks import services;"
          "services.create_network(facilitator=Person.objects.create(name='Fien'), name='Lock',"
          " slug='lock', purpose='Hold the lock.', primary_type='action')")


def one_run(rows: int, folder: Path) -> tuple[float, float]:
    """(seconds the import held the write lock at most, seconds the import took)."""
    from netweave.core.importers import samples

    env = {**os.environ, "NETWEAVE_DATA_DIR": str(folder), "NETWEAVE_LOG_LEVEL": "WARNING"}
    env.pop("DATABASE_URL", None)
    subprocess.run([*NETWEAVE, "migrate", "-v", "0"], env=env, check=True)
    subprocess.run([*NETWEAVE, "shell", "-c", CREATE], env=env, check=True)
    log = folder / "big.csv"
    log.write_bytes(samples.log(rows, people=500))
    db = sqlite3.connect(folder / "netweave.sqlite3", timeout=0, isolation_level=None)
    start = time.monotonic()
    proc = subprocess.Popen([*NETWEAVE, "import", "log", str(log), "--network", "lock",
                             "--no-progress", "--max-rows", str(rows + 1), "--max-mb", "1000",
                             "--max-seconds", "3600"], env=env, stdout=subprocess.DEVNULL)
    longest, blocked_since = 0.0, None
    while proc.poll() is None:
        now = time.monotonic()
        try:
            db.execute("BEGIN IMMEDIATE")
            db.execute("ROLLBACK")
            if blocked_since is not None:
                longest = max(longest, now - blocked_since)
            blocked_since = None
        except sqlite3.OperationalError:  # database is locked
            blocked_since = blocked_since if blocked_since is not None else now
        time.sleep(0.01)
    took = time.monotonic() - start
    if blocked_since is not None:
        longest = max(longest, time.monotonic() - blocked_since)
    db.close()
    if proc.returncode:
        raise SystemExit(f"the import failed ({proc.returncode})")
    return longest, took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    held, took = [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="netweave-lock-") as folder:
            h, t = one_run(args.rows, Path(folder))
        held.append(h)
        took.append(t)
        print(f"run: write lock held {h:.2f} s of the import's {t:.2f} s", flush=True)
    size = len(__import__("netweave.core.importers.samples", fromlist=["log"])
               .log(args.rows, people=500)) / 1e6
    print(f"{args.rows:,} rows ({size:.1f} MB), median of {args.runs}: write lock held "
          f"{statistics.median(held):.2f} s, import {statistics.median(took):.2f} s "
          f"({statistics.median(held) / statistics.median(took):.0%} of it)")


if __name__ == "__main__":
    main()

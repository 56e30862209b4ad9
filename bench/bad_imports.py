"""Benchmark: memory and CPU of reading crafted bad import files (issue 15).

Builds a Slack zip bomb, a Discourse zip bomb, an XLSX whose sheet declares 16,384 columns
and a CSV of too many rows (``netweave.core.importers.samples``), then reads each with
``netweave.core.importers.parse`` under the default limits, each in a fresh subprocess, and
prints the child's peak memory (max RSS) and CPU seconds, and whether it was refused. The
baseline in the same run is a good file of the same kind (the normal cost of starting and
reading). Run by hand; see bench/README.md.

    .venv/bin/python bench/bad_imports.py
    .venv/bin/python bench/bad_imports.py --src /path/to/old/src   # read with an older version
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = """
import json, resource, sys, time
from netweave.core import importers
kind, path = sys.argv[1], sys.argv[2]
outcome = "read"
try:
    batch = importers.parse(kind, path)
    outcome = f"read: {len(batch.posts) + len(batch.attendance)} records"
except Exception as exc:
    outcome = f"refused: {exc}"[:160]
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"rss_mb": usage.ru_maxrss / 1024, "cpu": usage.ru_utime + usage.ru_stime,
                  "outcome": outcome}))
"""


def files(folder: Path) -> list[tuple[str, str, Path]]:
    from netweave.core.importers import samples

    made = {
        ("good Slack export", "slack", "good.zip"): samples.slack_zip(),
        ("Slack zip bomb", "slack", "bomb.zip"): samples.slack_bomb(1_500_000),
        ("Discourse zip bomb", "discourse", "bomb-d.zip"): samples.discourse_bomb(300_000),
        ("good XLSX, 40,000 rows", "attendance", "good.xlsx"): samples.wide_xlsx(
            40_000, dimension="A1:C40001"),
        ("XLSX declaring 16,384 columns", "attendance", "wide.xlsx"): samples.wide_xlsx(
            40_000),
        ("CSV of 250,000 rows", "attendance", "long.csv"): samples.table(
            ["Naam", "Bijeenkomst", "Datum"],
            [[f"P{k % 90}", "Aftrap", "2026-01-05"] for k in range(250_000)]),
    }
    out = []
    for (label, kind, name), raw in made.items():
        path = folder / name
        path.write_bytes(raw)
        out.append((label, kind, path))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", help="read with the netweave package under this folder")
    args = parser.parse_args()
    env = dict(os.environ, PYTHONPATH=args.src) if args.src else None
    with tempfile.TemporaryDirectory() as tmp:
        print("| file | size | peak memory | CPU | outcome |")
        print("|---|---:|---:|---:|---|")
        for label, kind, path in files(Path(tmp)):
            done = subprocess.run([sys.executable, "-c", CHILD, kind, str(path)],
                                  capture_output=True, text=True, timeout=1800, env=env)
            if done.returncode:
                print(f"| {label} | | | | crashed: {done.stderr.strip()[-120:]} |")
                continue
            r = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"| {label} | {path.stat().st_size / 1024:,.0f} KB | {r['rss_mb']:,.0f} MB "
                  f"| {r['cpu']:.1f} s | {r['outcome']} |", flush=True)


if __name__ == "__main__":
    main()

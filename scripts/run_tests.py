"""Run the test suite once on SQLite and once on PostgreSQL, then print one total line.

PostgreSQL is used when TEST_POSTGRES_URL is set; it must then be reachable (the suite's
conftest fails the run otherwise). Extra arguments go to pytest. The closing line,
``total: N passed, N failed, N skipped``, adds up both runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(label: str, database_url: str, args: list[str]) -> tuple[int, dict[str, int]]:
    report = ROOT / "var" / f"junit-{label.lower()}.xml"
    report.parent.mkdir(exist_ok=True)
    report.unlink(missing_ok=True)
    env = {**os.environ, "DATABASE_URL": database_url}
    print(f"\n===== {label} =====", flush=True)
    code = subprocess.call([sys.executable, "-m", "pytest", f"--junitxml={report}", *args],
                           cwd=ROOT, env=env)
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    if report.exists():
        for suite in ET.parse(report).getroot().iter("testsuite"):
            tests, skipped = int(suite.get("tests", 0)), int(suite.get("skipped", 0))
            failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
            counts["passed"] += tests - skipped - failed
            counts["failed"] += failed
            counts["skipped"] += skipped
    if code != 0 and counts["failed"] == 0:
        counts["failed"] = 1  # pytest itself failed (usage error, no tests collected, …)
    return code, counts


def main() -> int:
    args = sys.argv[1:]
    # The pure core (tests/core) touches no database: it runs once, with SQLite.
    runs = [("SQLite", "", args)]
    postgres = os.environ.get("TEST_POSTGRES_URL", "")
    if postgres:
        runs.append(("PostgreSQL", postgres, ["--ignore=tests/core", *args]))
    total = {"passed": 0, "failed": 0, "skipped": 0}
    worst = 0
    for label, url, run_args in runs:
        code, counts = run(label, url, run_args)
        worst = worst or code
        print(f"{label}: {counts['passed']} passed, {counts['failed']} failed, "
              f"{counts['skipped']} skipped")
        for key in total:
            total[key] += counts[key]
    print(f"\ndatabases: {', '.join(label for label, _, _ in runs)}")
    print(f"total: {total['passed']} passed, {total['failed']} failed, {total['skipped']} skipped")
    return worst


if __name__ == "__main__":
    raise SystemExit(main())

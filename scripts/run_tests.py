"""Run the test suite on SQLite and on PostgreSQL side by side, then print one total line.

PostgreSQL is used when TEST_POSTGRES_URL is set; it must then be reachable (the suite's
conftest fails the run otherwise). Extra arguments go to pytest. The two runs share nothing
but the machine (each has its own test database, cache, ports and temporary folders), so
they run at the same time, one per core: the SQLite run prints as it goes, the PostgreSQL
run's output follows when it ends. ``TEST_SERIAL=1`` runs them one after the other.
The closing line, ``total: N passed, N failed, N skipped``, adds up both runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"


@dataclass
class Run:
    label: str
    database_url: str
    args: list[str]
    buffered: bool
    process: subprocess.Popen | None = None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def report(self) -> Path:
        return VAR / f"junit-{self.label.lower()}.xml"

    @property
    def log(self) -> Path:
        return VAR / f"pytest-{self.label.lower()}.log"

    def start(self) -> None:
        self.report.unlink(missing_ok=True)
        env = {**os.environ, "DATABASE_URL": self.database_url}
        out = self.log.open("w") if self.buffered else None
        if not self.buffered:
            print(f"\n===== {self.label} =====", flush=True)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pytest", f"--junitxml={self.report}", *self.args],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT if out else None)

    def wait(self) -> int:
        assert self.process is not None
        code = self.process.wait()
        if self.buffered:
            print(f"\n===== {self.label} =====", flush=True)
            sys.stdout.write(self.log.read_text(errors="replace"))
        self.counts = {"passed": 0, "failed": 0, "skipped": 0}
        if self.report.exists():
            for suite in ET.parse(self.report).getroot().iter("testsuite"):
                tests, skipped = int(suite.get("tests", 0)), int(suite.get("skipped", 0))
                failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
                self.counts["passed"] += tests - skipped - failed
                self.counts["failed"] += failed
                self.counts["skipped"] += skipped
        if code != 0 and self.counts["failed"] == 0:
            self.counts["failed"] = 1  # pytest itself failed (usage error, no tests collected, …)
        print(f"{self.label}: {self.counts['passed']} passed, {self.counts['failed']} failed, "
              f"{self.counts['skipped']} skipped", flush=True)
        return code


def main() -> int:
    args = sys.argv[1:]
    serial = os.environ.get("TEST_SERIAL", "") not in ("", "0")
    VAR.mkdir(exist_ok=True)
    # The pure core (tests/core) touches no database: it runs once, with SQLite.
    runs = [Run("SQLite", "", args, buffered=False)]
    postgres = os.environ.get("TEST_POSTGRES_URL", "")
    if postgres:
        runs.append(Run("PostgreSQL", postgres, ["--ignore=tests/core", *args],
                        buffered=not serial))
    worst = 0
    if serial:
        for run in runs:
            run.start()
            worst = worst or run.wait()
    else:
        for run in runs:
            run.start()
        for run in runs:
            worst = worst or run.wait()
    total = {key: sum(run.counts[key] for run in runs) for key in ("passed", "failed", "skipped")}
    print(f"\ndatabases: {', '.join(run.label for run in runs)}")
    print(f"total: {total['passed']} passed, {total['failed']} failed, {total['skipped']} skipped")
    return worst


if __name__ == "__main__":
    raise SystemExit(main())

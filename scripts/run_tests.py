"""Run the test suite on SQLite and on PostgreSQL side by side, then print one total line.

PostgreSQL is used when TEST_POSTGRES_URL is set; it must then be reachable (the suite's
conftest fails the run otherwise). Extra arguments go to pytest. The two runs share nothing
but the machine (each has its own test database, cache, ports and temporary folders), so
they run at the same time, one per core: the SQLite run prints as it goes, the PostgreSQL
run's output follows when it ends. ``TEST_SERIAL=1`` runs them one after the other.

Every run is waited for and reported, whether the others passed or not. The closing line,
``total: N passed, N failed, N skipped``, adds up all runs; the exit status is non-zero when
any run failed. On Ctrl-C, SIGTERM, SIGHUP or an error of this script, each pytest and
everything it started (browsers, servers) is stopped and waited for: none outlives the script.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
#: Seconds a stopped pytest gets to tear down (close browsers, drop databases) after SIGINT,
#: and then after SIGTERM, before its whole process group is killed.
GRACE = 15.0


class Stopped(Exception):
    """This script received a signal asking it to stop."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@dataclass
class Run:
    label: str
    database_url: str
    args: list[str]
    buffered: bool
    process: subprocess.Popen | None = None
    code: int | None = None
    counts: dict[str, int] = field(
        default_factory=lambda: {"passed": 0, "failed": 0, "skipped": 0})

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
        try:
            # A session of its own: its process group (pytest and the browsers and servers it
            # starts) can be stopped as a whole, and a Ctrl-C reaches it only through stop().
            self.process = subprocess.Popen(
                [sys.executable, "-m", "pytest", f"--junitxml={self.report}", *self.args],
                cwd=ROOT, env=env, start_new_session=True, stdout=out,
                stderr=subprocess.STDOUT if out else None)
        finally:
            if out:
                out.close()

    def wait(self) -> int:
        """Wait for the run to end, then print its output (when buffered) and counts."""
        assert self.process is not None
        os.waitid(os.P_PID, self.process.pid, os.WEXITED | os.WNOWAIT)
        self._reap()
        self.finish()
        return self.code

    def stop(self) -> None:
        """Stop the run if it is still going, with everything it started: SIGINT (pytest
        tears down), then SIGTERM, then SIGKILL to its process group, each given GRACE
        seconds; then print what it reported."""
        if self.process is None:
            print(f"{self.label}: not run", flush=True)
            return
        if self.code is not None:
            return
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
            os.killpg(self.process.pid, sig)  # pytest is not reaped yet: its group exists
            deadline = time.monotonic() + GRACE
            while time.monotonic() < deadline and not self._exited():
                time.sleep(0.05)
            if self._exited():
                break
        os.waitid(os.P_PID, self.process.pid, os.WEXITED | os.WNOWAIT)
        self._reap()
        self.finish(interrupted=True)

    def _exited(self) -> bool:
        """Whether pytest has ended; it stays unreaped (a zombie holding its process id)."""
        assert self.process is not None
        return os.waitid(os.P_PID, self.process.pid,
                         os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None

    def _reap(self) -> None:
        """Kill what is left of pytest's process group (servers or browsers it failed to
        stop), then reap pytest itself. Called only once pytest has ended, while its
        unreaped process id still keeps the group's id from being reused."""
        assert self.process is not None
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass  # pytest was alone in its group
        self.code = self.process.wait()

    def finish(self, *, interrupted: bool = False) -> None:
        if self.buffered:
            print(f"\n===== {self.label} =====", flush=True)
            if self.log.exists():
                sys.stdout.write(self.log.read_text(errors="replace"))
        self.counts = {"passed": 0, "failed": 0, "skipped": 0}
        if self.report.exists():
            try:
                suites = list(ET.parse(self.report).getroot().iter("testsuite"))
            except ET.ParseError:
                suites = []  # pytest was stopped while writing it
            for suite in suites:
                tests, skipped = int(suite.get("tests", 0)), int(suite.get("skipped", 0))
                failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
                self.counts["passed"] += tests - skipped - failed
                self.counts["failed"] += failed
                self.counts["skipped"] += skipped
        if self.code != 0 and self.counts["failed"] == 0:
            self.counts["failed"] = 1  # pytest itself failed (usage error, no tests collected, …)
        state = " (interrupted)" if interrupted else ""
        print(f"{self.label}: {self.counts['passed']} passed, {self.counts['failed']} failed, "
              f"{self.counts['skipped']} skipped{state}", flush=True)


def _raise_stopped(signum: int, _frame: object) -> None:
    raise Stopped(signum)


def _set_signals(handler: object) -> None:
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, handler)


def run_all(runs: list[Run], serial: bool) -> int:
    """Run ``runs`` (at the same time unless ``serial``); the first non-zero exit status."""
    try:
        if serial:
            for run in runs:
                run.start()
                run.wait()
        else:
            for run in runs:
                run.start()
            for run in runs:
                run.wait()
    finally:
        # Only after an interruption or an error are any runs still going; a second
        # Ctrl-C must not cut their stopping (or the report) short.
        _set_signals(signal.SIG_IGN)
        for run in runs:
            run.stop()
    return next((run.code for run in runs if run.code), 0)


def browser_split() -> tuple[list[str], list[str]]:
    """The browser test files, alternately for the SQLite and the PostgreSQL run.

    Browser tests check pages and their scripts; every other test checks the database on
    both. Running each browser file once, in one of the two runs, keeps both runs about
    equally long and the whole suite within CI's time.
    """
    files = sorted(p.relative_to(ROOT).as_posix()
                   for p in (ROOT / "tests").glob("test_*browser*.py"))
    return files[0::2], files[1::2]


def main() -> int:
    args = sys.argv[1:]
    serial = os.environ.get("TEST_SERIAL", "") not in ("", "0")
    VAR.mkdir(exist_ok=True)
    postgres = os.environ.get("TEST_POSTGRES_URL", "")
    on_sqlite, on_postgres = browser_split() if postgres else ([], [])
    # The pure core (tests/core) touches no database: it runs once, with SQLite.
    runs = [Run("SQLite", "", [*(f"--ignore={f}" for f in on_postgres), *args],
                buffered=False)]
    if postgres:
        runs.append(Run("PostgreSQL", postgres,
                        ["--ignore=tests/core", *(f"--ignore={f}" for f in on_sqlite), *args],
                        buffered=not serial))
    _set_signals(_raise_stopped)
    status = 0
    try:
        status = run_all(runs, serial)
    except Stopped as stop:
        status = 128 + stop.signum
    finally:
        total = {key: sum(run.counts[key] for run in runs)
                 for key in ("passed", "failed", "skipped")}
        print(f"\ndatabases: {', '.join(run.label for run in runs)}")
        print(f"total: {total['passed']} passed, {total['failed']} failed, "
              f"{total['skipped']} skipped", flush=True)
    return status


if __name__ == "__main__":
    raise SystemExit(main())

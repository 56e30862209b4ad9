"""An import killed midway (SIGKILL while it writes) leaves the database as it was.

Runs ``netweave import`` in a subprocess against a database of its own (a SQLite file, or a
fresh PostgreSQL database when the suite runs on PostgreSQL), waits until the import reports
that it has written its first batch of activity rows, kills it, and counts the tables.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from netweave.core.importers import samples

NETWEAVE = [sys.executable, "-m", "netweave"]
TABLES = ("networks_person", "networks_membership", "networks_activity", "imports_importrun",
          "imports_personkey")
CREATE = ("from netweave.networks.models import Person; from netweave.networks import services;"
          "services.create_network(facilitator=Person.objects.create(name='Fien'), name='Kill',"
          " slug='kill', purpose='Killed midway.', primary_type='action')")


def _postgres_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else ""


@pytest.fixture
def database(tmp_path):
    """(environment, count function) for a database of the test's own."""
    env = {**os.environ, "NETWEAVE_DATA_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    base = _postgres_url()
    if not base:
        env.pop("DATABASE_URL", None)
        db_file = tmp_path / "netweave.sqlite3"

        def counts() -> dict[str, int]:
            import sqlite3

            with sqlite3.connect(db_file) as conn:
                return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                        for t in TABLES}

        yield env, counts
        return
    import psycopg

    name = f"netweave_kill_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = base.rsplit("/", 1)[0] + "/" + name
    env["DATABASE_URL"] = url

    def counts() -> dict[str, int]:
        with psycopg.connect(url) as conn:
            return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                    for t in TABLES}

    try:
        yield env, counts
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run(env: dict, *args: str) -> None:
    subprocess.run([*NETWEAVE, *args], env=env, check=True, capture_output=True, timeout=300)


def test_sigkill_midway_leaves_the_database_unchanged(tmp_path: Path, database) -> None:
    env, counts = database
    _run(env, "migrate", "-v", "0")
    _run(env, "shell", "-c", CREATE)
    log = tmp_path / "big.csv"
    log.write_bytes(samples.log(120_000, people=200))
    before = counts()
    proc = subprocess.Popen(
        [*NETWEAVE, "import", "log", str(log), "--network", "kill", "--no-progress", "-v", "2"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen = []
    try:
        for line in proc.stdout:
            seen.append(line)
            if "written" in line:  # a batch of activity rows is in the open transaction
                break
        else:
            pytest.fail("the import ended before writing: " + "".join(seen)
                        + proc.stderr.read())
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    deadline = time.monotonic() + 30  # PostgreSQL ends the dead client's backend by itself
    after = counts()
    while after != before and time.monotonic() < deadline:
        time.sleep(0.5)
        after = counts()
    assert after == before
    assert before["networks_activity"] == 1  # the facilitator's join row, nothing imported
    _run(env, "import", "log", str(log), "--network", "kill", "--no-progress")
    assert counts()["networks_activity"] == 1 + 200 + 120_000  # joins and the log, later

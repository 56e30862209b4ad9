"""Workers that die mid-job, with real processes (issue 14, part 3).

A ``netweave worker`` killed with SIGKILL in the middle of an import takes the job's own
process with it; the next worker that starts queues the job again and finishes it, or, once
the job was started :data:`~netweave.jobs.services.MAX_ATTEMPTS` times, fails it with the
reason. Nothing stays "running" forever. ``netweave serve`` runs its worker as a child
process, starts it again when it dies, recovers jobs of a worker that died with an earlier
server, and leaves no worker behind when it stops.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from netweave.core.importers import samples
from netweave.jobs.services import MAX_ATTEMPTS

pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="real processes on a SQLite file of their own: runs in the SQLite pass")

NETWEAVE = [sys.executable, "-m", "netweave"]
ROWS, PEOPLE = 100_000, 200
CREATE = ("from netweave.networks.models import Person; from netweave.networks import services;"
          "services.create_network(facilitator=Person.objects.create(name='Fien'), name='Kill',"
          " slug='kill', purpose='Killed midway.', primary_type='action')")
QUEUE = """
from netweave.imports.models import ImportRun
from netweave.jobs.services import enqueue
from netweave.networks.models import Network
network = Network.objects.get(slug="kill")
run = ImportRun.objects.create(network=network, kind="log", file_name="big.csv",
                               upload={path!r}, digest="")
job = enqueue("imports.run", {{"run": run.pk}}, network=network)
ImportRun.objects.filter(pk=run.pk).update(job=job)
print(job.pk, run.pk)
"""


@pytest.fixture
def site(tmp_path: Path):
    env = {**os.environ, "NETWEAVE_DATA_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1",
           "NETWEAVE_SECRET_KEY": "worker-process-test-" + "x" * 40}
    env.pop("DATABASE_URL", None)
    env.pop("NETWEAVE_JOBS_EAGER", None)
    subprocess.run([*NETWEAVE, "migrate", "-v", "0"], env=env, check=True, timeout=300)
    subprocess.run([*NETWEAVE, "shell", "-c", CREATE], env=env, check=True, timeout=300)
    started: list[subprocess.Popen] = []
    yield env, tmp_path / "netweave.sqlite3", started
    for proc in started:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def query(db: Path, sql: str, *args) -> list[tuple]:
    with sqlite3.connect(db, timeout=60) as conn:
        return conn.execute(sql, args).fetchall()


def job_row(db: Path, job: int) -> tuple[str, str, int]:
    return query(db, "SELECT status, error, attempts FROM jobs_job WHERE id = ?", job)[0]


def run_row(db: Path, run: int) -> tuple[str, str]:
    return query(db, "SELECT status, error FROM imports_importrun WHERE id = ?", run)[0]


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        text = (task / "children").read_text() if (task / "children").exists() else ""
        found += [int(c) for c in text.split()]
    return found


def gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] in "ZX"
    except (FileNotFoundError, IndexError):
        return True


def wait_for(what, condition, timeout: float = 300):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.1)


def queue_import(env: dict, tmp_path: Path, name: str) -> tuple[int, int]:
    path = tmp_path / name
    path.write_bytes(samples.log(ROWS, people=PEOPLE, seed=len(name)))
    out = subprocess.run([*NETWEAVE, "shell", "-c", QUEUE.format(path=str(path))], env=env,
                         check=True, capture_output=True, text=True, timeout=300).stdout
    job, run = out.split()[-2:]
    return int(job), int(run)


def start_worker(env: dict, started: list) -> subprocess.Popen:
    proc = subprocess.Popen([*NETWEAVE, "worker"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    started.append(proc)
    return proc


def kill_mid_job(env: dict, db: Path, started: list, job: int) -> None:
    """Start a worker, SIGKILL it while it runs ``job``; the job's process dies with it."""
    worker = start_worker(env, started)
    wait_for("the import to start", lambda: run_row(db, query(
        db, "SELECT id FROM imports_importrun WHERE job_id = ?", job)[0][0])[0] == "running")
    job_process = wait_for("the job's own process", lambda: children(worker.pid))
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=60)
    for pid in job_process:
        wait_for("the job's process to die with its worker", lambda pid=pid: gone(pid), 30)
    assert job_row(db, job)[0] == "running"  # what the next worker must not leave so


def test_a_killed_worker_s_import_is_queued_again_and_finished(site, tmp_path) -> None:
    env, db, started = site
    job, run = queue_import(env, tmp_path, "big.csv")
    kill_mid_job(env, db, started, job)
    assert query(db, "SELECT count(*) FROM networks_activity")[0][0] == 1  # all or nothing
    start_worker(env, started)
    wait_for("the job to finish", lambda: job_row(db, job)[0] in ("done", "failed"))
    assert job_row(db, job) == ("done", "", 2)
    assert run_row(db, run) == ("done", "")
    assert query(db, "SELECT count(*) FROM networks_activity")[0][0] == 1 + PEOPLE + ROWS


def test_a_job_whose_workers_keep_dying_fails_with_the_reason(site, tmp_path) -> None:
    env, db, started = site
    job, run = queue_import(env, tmp_path, "doomed.csv")
    kill_mid_job(env, db, started, job)
    query(db, "UPDATE jobs_job SET attempts = ? WHERE id = ?", MAX_ATTEMPTS, job)
    start_worker(env, started)
    wait_for("the job to fail", lambda: job_row(db, job)[0] != "running", 120)
    status, error, attempts = job_row(db, job)
    assert (status, attempts) == ("failed", MAX_ATTEMPTS)
    assert "stopped before the job finished, 3 times in all" in error
    assert "not tried again" in error
    run_status, run_error = run_row(db, run)
    assert run_status == "failed" and "Nothing was imported." in run_error
    assert query(db, "SELECT upload FROM imports_importrun WHERE id = ?", run)[0][0] == ""
    assert not (tmp_path / "doomed.csv").exists()
    assert query(db, "SELECT count(*) FROM networks_activity")[0][0] == 1


def test_serve_runs_restarts_and_stops_its_worker_process(site, tmp_path) -> None:
    env, db, started = site
    dead = subprocess.Popen(["true"])
    dead.wait()
    query(db, "INSERT INTO jobs_job (kind, status, payload, error, created_at, started_at, "
              "worker, attempts, network_id) VALUES ('dashboard.measure', 'running', "
              "'{\"period\": \"90\"}', '', datetime('now'), datetime('now'), ?, 1, "
              "(SELECT id FROM networks_network WHERE slug = 'kill'))",
          f"{socket.gethostname()}:{dead.pid}")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = open(tmp_path / "serve.log", "w")
    serve = subprocess.Popen([*NETWEAVE, "serve", "--no-demo", "--port", str(port)], env=env,
                             stdout=log, stderr=subprocess.STDOUT)
    started.append(serve)

    def answers() -> bool:
        try:
            return requests.get(f"http://127.0.0.1:{port}/", timeout=10).status_code == 200
        except requests.ConnectionError:
            return False

    wait_for("the server", answers, 120)
    [first] = wait_for("the worker process", lambda: children(serve.pid), 60)
    assert first != serve.pid
    # The measurement job of the worker that died with an earlier server runs again.
    wait_for("the stale job to run again", lambda: query(
        db, "SELECT status FROM jobs_job WHERE kind = 'dashboard.measure'")[0][0] == "done")
    os.kill(first, signal.SIGKILL)
    [second] = wait_for("a new worker process",
                        lambda: [c for c in children(serve.pid) if c != first], 60)
    assert answers()
    serve.send_signal(signal.SIGTERM)
    assert serve.wait(timeout=60) == 0
    wait_for("the worker to stop with the server", lambda: gone(second), 30)
    log.close()

"""Other processes open the SQLite database while ``netweave serve`` writes to it (issue 14).

A real ``netweave serve`` (waitress and its job worker) runs on SQLite in its own
data dir. Members keep posting replies through the pages while the report page (read in the
web process) and the dashboard (read by the job worker) are opened, and other processes
open the same database: ``netweave report``, ``netweave digest --dry-run`` and a plain
``sqlite3`` open and close. A second SQLite library inside the server process (the log
reader's, once) drops the server's file locks when it closes, so such a process took the
database for unused and deleted its WAL under the server: acknowledged replies were gone
after a restart and the file was damaged. After a restart every acknowledged reply must be
there, and ``PRAGMA integrity_check`` must answer ``ok``.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading

import pytest
import requests

from live_site import Site, served, site_env

pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="runs its own SQLite site: once, in the SQLite pass of the suite",
)

WRITERS = 2
ROUNDS = 1
PASSWORD = "sharing-Pass-2026"

SEED = """
from django.contrib.auth import get_user_model
from netweave.networks import services
from netweave.discuss import services as discuss_services
from netweave.networks.models import Person
User = get_user_model()
people = []
for i in range({writers} + 1):
    user = User.objects.create_user(f"m{{i}}", f"m{{i}}@sharing.example", "{password}")
    people.append(Person.objects.create(user=user, name=f"Member {{i}}"))
network = services.create_network(facilitator=people[0], name="Shared file", slug="shared",
                                  purpose="Share one SQLite file.", primary_type="practice")
for person in people[1:]:
    services.join_network(network, person)
topic = discuss_services.start_topic(network, people[0], title="Sharing", body="Reply here.")
print(topic.pk)
"""

CHECK = """
import json
from netweave.networks.models import Post
print(json.dumps(list(Post.objects.values_list("body", flat=True))))
"""

PLAIN_OPEN = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
conn.execute("SELECT count(*) FROM networks_post").fetchone()
conn.close()
"""


def _write(site: Site, session: requests.Session, url: str, index: int,
           stop: threading.Event, outcomes: list[tuple[str, int]]) -> None:
    n = 0
    while not stop.is_set():
        body = f"reply {index}-{n}"
        n += 1
        try:
            answer = session.post(url, data={"body": body}, timeout=60, allow_redirects=False)
            stored = "#post-" in answer.headers.get("Location", "")
            outcomes.append((body, 201 if stored else answer.status_code))
        except requests.RequestException:  # no answer: the server is gone
            outcomes.append((body, -1))
            return


def _other_processes(site: Site, db_file: str, out_dir: str) -> list[str]:
    """Open the site's database from three other processes; their failures, if any."""
    failures = []
    for args in (["report", "--network", "shared", "--out", out_dir],
                 ["digest", "--dry-run"]):
        try:
            site.manage(*args)
        except RuntimeError as exc:
            failures.append(str(exc)[-500:])
    done = subprocess.run([sys.executable, "-c", PLAIN_OPEN, db_file], capture_output=True,
                          text=True, timeout=120)
    if done.returncode:
        failures.append(done.stderr[-500:])
    return failures


def test_other_processes_never_cost_the_server_a_write(tmp_path):
    env = site_env(tmp_path)
    db_file = str(tmp_path / "netweave.sqlite3")
    subprocess.run([sys.executable, "-m", "netweave", "migrate", "--no-input", "-v", "0"],
                   env=env, check=True, timeout=600)
    seeded = subprocess.run([sys.executable, "-m", "netweave", "shell", "-c",
                             SEED.format(writers=WRITERS, password=PASSWORD)],
                            env=env, check=True, capture_output=True, text=True, timeout=600)
    topic = int(seeded.stdout.strip().splitlines()[-1])

    outcomes: list[tuple[str, int]] = []
    pages, failures = [], []
    with served(env) as site:
        facilitator = site.login("m0", PASSWORD)
        sessions = [site.login(f"m{i}", PASSWORD) for i in range(1, WRITERS + 1)]
        reply_url = f"{site.base}/n/shared/discussions/{topic}/reply/"
        stop = threading.Event()
        writers = [threading.Thread(target=_write, args=(site, s, reply_url, i, stop, outcomes))
                   for i, s in enumerate(sessions)]
        for writer in writers:
            writer.start()
        try:
            for n in range(ROUNDS):
                # The report page and the dashboard queue their measurement, which the job
                # worker reads; the pages read what it stored.
                for path in ("/n/shared/report/", "/n/shared/dashboard/"):
                    try:
                        status = facilitator.get(f"{site.base}{path}", timeout=120).status_code
                    except requests.RequestException:
                        status = -1
                    pages.append((path, status))
                failures += _other_processes(site, db_file, str(tmp_path / f"report-{n}"))
        finally:
            stop.set()
            for writer in writers:
                writer.join()
        exit_code = site.process.poll()
        server_log = site.log.read_text()

    acknowledged = {body for body, status in outcomes if status == 201}
    refused = sorted({status for _body, status in outcomes if status != 201})
    assert len(acknowledged) >= ROUNDS * WRITERS, "too few writes to prove anything"

    with served(env) as site:  # a restart: whatever the server kept only in memory is gone
        assert site.login("m1", PASSWORD).get(
            f"{site.base}/n/shared/discussions/{topic}/", timeout=60).status_code == 200
        stored = set(json.loads(site.python(CHECK).strip().splitlines()[-1]))
        with sqlite3.connect(db_file) as conn:
            integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        conn.close()

    lost = acknowledged - stored
    assert not lost and integrity == ["ok"], (
        f"{len(lost)} of {len(acknowledged)} acknowledged replies lost after a restart; "
        f"integrity_check: {integrity[:3]}; refused writes: {refused}; pages: {pages}; "
        f"server exit code while serving: {exit_code}; server log: {server_log[-1500:]}")
    assert exit_code is None, f"the server died with exit code {exit_code}: {server_log[-1500:]}"
    assert not refused, f"writes refused: {refused}"
    assert all(status == 200 for _path, status in pages), pages
    assert not failures, failures

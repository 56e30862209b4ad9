"""A member's write during a large import waits and succeeds (issue 14, part 3).

A real gunicorn serves netweave on a SQLite file; ``netweave import`` writes a large log into
the same file in another process. Once the import holds SQLite's write lock (seen from a
third connection that cannot begin a write), a member posts a reply. The reply must be
stored (never a 500), and the import must still be whole (all its rows, once).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import time

import pytest

from live_site import BIN, live_site
from netweave.core.importers import samples

pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="SQLite's write lock: runs in the SQLite pass")

ROWS, PEOPLE = 150_000, 300
SEED = """
from django.contrib.auth import get_user_model
from netweave.networks import services
from netweave.discuss import services as discuss_services
from netweave.networks.models import Person
user = get_user_model().objects.create_user("m1", "m1@lock.example", "lock-Pass-2026")
member = Person.objects.create(user=user, name="Member One")
network = services.create_network(facilitator=member, name="Lock", slug="lock",
                                  purpose="Stay writable.", primary_type="practice")
print(discuss_services.start_topic(network, member, title="Busy", body="Reply here.").pk)
"""


def test_a_member_posts_while_a_large_import_holds_the_write_lock(tmp_path) -> None:
    db = tmp_path / "site.sqlite3"
    with live_site(f"sqlite:///{db}", workers=1, threads=4) as site:
        topic = int(site.python(SEED).strip().splitlines()[-1])
        session = site.login("m1", "lock-Pass-2026")
        log = tmp_path / "big.csv"
        log.write_bytes(samples.log(ROWS, people=PEOPLE))
        probe = sqlite3.connect(db, timeout=0, isolation_level=None)
        importer = subprocess.Popen(
            [str(BIN / "netweave"), "import", "log", str(log), "--network", "lock",
             "--no-progress"], env=site.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True)
        try:
            while True:  # until the import holds the write lock
                try:
                    probe.execute("BEGIN IMMEDIATE")
                    probe.execute("ROLLBACK")
                except sqlite3.OperationalError:
                    break
                if importer.poll() is not None:
                    pytest.fail("the import ended before it was seen writing: "
                                + importer.stderr.read())
                time.sleep(0.005)
            answer = session.post(f"{site.base}/n/lock/discussions/{topic}/reply/",
                                  data={"body": "written during the import"}, timeout=300,
                                  allow_redirects=False)
            _out, err = importer.communicate(timeout=600)
        finally:
            if importer.poll() is None:
                importer.kill()
                importer.wait()
            probe.close()
        assert importer.returncode == 0, err
        assert answer.status_code == 302 and "#post-" in answer.headers["Location"], (
            answer.status_code, answer.text[:300])
        with sqlite3.connect(db) as conn:
            bodies = [b for (b,) in conn.execute("SELECT body FROM networks_post")]
            imported = conn.execute("SELECT count(*) FROM networks_activity "
                                    "WHERE source = 'import:log'").fetchone()[0]
        assert bodies.count("written during the import") == 1
        assert imported == PEOPLE + ROWS  # the import is whole: its joins and every line


def test_a_database_still_busy_after_the_wait_is_a_503_never_a_500(rf) -> None:
    from django.db import OperationalError

    from netweave.site.busy import DatabaseBusyMiddleware

    middleware = DatabaseBusyMiddleware(lambda request: None)
    answer = middleware.process_exception(rf.post("/n/lock/discussions/1/reply/"),
                                          OperationalError("database is locked"))
    assert answer.status_code == 503 and answer["Retry-After"] == "10"
    assert "try again" in answer.content.decode()
    assert middleware.process_exception(rf.get("/"), OperationalError("no such table")) is None
